# Run from the directory above the template (`packer build project`), written the portable way: file
# functions read relative to the template's directory, plugin paths go through path.root.

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

locals {
  motd      = file("config/motd")
  confs     = fileset(path.root, "files/*.conf")
  has_motd  = fileexists("config/motd")
  from_cwd  = fileexists("motd-decoy")
  cwd_abs   = abspath("motd-decoy")
}

source "null" "root" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.root"]

  provisioner "shell" {
    inline = [
      "mkdir -p ${var.dest}/conf",
      "echo '${base64encode(local.motd)}' | base64 -d > ${var.dest}/motd",
      "echo '${jsonencode(local.confs)} ${local.has_motd} ${local.from_cwd}' > ${var.dest}/functions.txt",
      "echo '${local.cwd_abs}' > ${var.dest}/abspath.txt",
      "echo '${path.cwd}' > ${var.dest}/cwd.txt",
    ]
  }

  provisioner "file" {
    source      = "${path.root}/files/"
    destination = "${var.dest}/conf"
  }

  provisioner "shell" {
    script          = "${path.root}/scripts/setup.sh"
    execute_command = "chmod +x {{.Path}}; {{.Vars}} {{.Path}} ok ${var.dest}/script.txt"
  }

  post-processor "manifest" {
    output = "${path.root}/manifest.json"
  }
}
