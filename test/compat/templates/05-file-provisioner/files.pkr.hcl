# The file provisioner: a single file, into a directory (trailing slash on the destination), a
# directory without and with a trailing slash on the source, several sources, a path with spaces, a
# binary file, and a download back to the machine running the build.

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

source "null" "files" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.files"]

  provisioner "shell" {
    inline = ["mkdir -p ${var.dest}/single ${var.dest}/nodir ${var.dest}/slash ${var.dest}/into ${var.dest}/existing/conf.d"]
  }

  provisioner "file" {
    source      = "files/app.conf"
    destination = "${var.dest}/single/app.conf"
  }

  provisioner "file" {
    source      = "files/bin/run.sh"
    destination = "${var.dest}/single/"
  }

  provisioner "file" {
    source      = "files/conf.d"
    destination = "${var.dest}/nodir"
  }

  provisioner "file" {
    source      = "files/conf.d/"
    destination = "${var.dest}/slash"
  }

  provisioner "file" {
    source      = "files/conf.d"
    destination = "${var.dest}/existing"
  }

  provisioner "file" {
    sources     = ["files/app.conf", "files/secret.key", "files/blob.bin"]
    destination = "${var.dest}/into/"
  }

  provisioner "file" {
    source      = "${path.root}/files/with space.txt"
    destination = "${var.dest}/single/with space.txt"
  }

  provisioner "file" {
    source      = "files/secret.key"
    destination = "${var.dest}/single/renamed.key"
  }

  provisioner "file" {
    direction   = "download"
    source      = "${var.dest}/single/app.conf"
    destination = "downloads/app.conf"
  }

  provisioner "file" {
    direction   = "download"
    source      = "${var.dest}/into/blob.bin"
    destination = "downloads/"
  }
}
