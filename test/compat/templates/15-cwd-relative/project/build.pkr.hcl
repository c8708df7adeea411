# Run from the directory above the template (`packer build project`): Packer resolves relative paths
# in plugin configs against the working directory, and path.root is "project".

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

source "null" "rel" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.rel"]

  provisioner "file" {
    source      = "files/motd"
    destination = "${var.dest}/motd"
  }

  provisioner "shell" {
    script          = "scripts/setup.sh"
    execute_command = "chmod +x {{.Path}}; {{.Vars}} {{.Path}} ${var.dest}/script.txt"
  }

  provisioner "shell" {
    inline = ["echo 'path.root=${path.root} template file=${fileexists("${path.root}/build.pkr.hcl")}' > ${var.dest}/paths.txt"]
  }
}
