# dynamic blocks generating provisioners (Packer 1.6.6 expands them in a build): over a map with a
# renamed iterator, over a list of objects, and with a condition that yields no block at all.

variable "dest" {
  type = string
}

variable "ssh_port" {
  type = number
}

variable "ssh_username" {
  type = string
}

variable "ssh_key" {
  type = string
}

variable "config_files" {
  default = {
    "nginx.conf"  = "worker_processes 4;"
    "app.env"     = "MODE=production"
    "sysctl.conf" = "vm.swappiness = 10"
  }
}

variable "steps" {
  default = [
    { name = "first", command = "echo one" },
    { name = "second", command = "echo two" },
  ]
}

variable "extra_enabled" {
  default = false
}

source "null" "dyn" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.dyn"]

  provisioner "shell" {
    inline = ["mkdir -p ${var.dest}/etc ${var.dest}/steps"]
  }

  dynamic "provisioner" {
    for_each = var.config_files
    iterator = cfg
    labels   = ["shell"]
    content {
      inline = ["echo '${cfg.value}' > ${var.dest}/etc/${cfg.key}", "echo '${cfg.key}' >> ${var.dest}/order.txt"]
    }
  }

  dynamic "provisioner" {
    for_each = var.steps
    labels   = ["shell"]
    content {
      environment_vars = ["STEP=${provisioner.value.name}", "INDEX=${provisioner.key}"]
      inline           = ["${provisioner.value.command} > ${var.dest}/steps/$INDEX-$STEP.txt"]
    }
  }

  dynamic "provisioner" {
    for_each = var.extra_enabled ? ["on"] : []
    labels   = ["shell"]
    content {
      inline = ["touch ${var.dest}/extra"]
    }
  }

  provisioner "shell" {
    inline = ["ls ${var.dest}/etc > ${var.dest}/listing.txt"]
  }
}
