# A build that fails half-way: the second provisioner exits 7. What ran before stays, nothing after
# it runs, no post-processor runs, and the command fails. The other source builds fine.

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

source "null" "good" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

source "null" "bad" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.good", "source.null.bad"]

  provisioner "shell" {
    inline = ["echo 'step 1 ran' > ${var.dest}/${source.name}-1"]
  }

  provisioner "shell" {
    only   = ["null.bad"]
    inline = ["echo 'step 2 started' > ${var.dest}/${source.name}-2", "exit 7", "echo 'never' > ${var.dest}/${source.name}-2b"]
  }

  provisioner "shell" {
    inline = ["echo 'step 3 ran' > ${var.dest}/${source.name}-3"]
  }

  provisioner "shell-local" {
    inline = ["echo 'local step ran' > ${var.dest}/${source.name}-local"]
  }

  post-processor "manifest" {
    output = "${var.dest}/manifest.json"
  }
}
