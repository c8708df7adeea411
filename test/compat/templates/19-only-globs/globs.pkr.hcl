# -only/-except as glob patterns (`?`, `*`, `[...]`) over build names: the cases in cases.ts select
# sources of this nameless build ("null.web", "null.worker", "null.db") and each writes a marker file.

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

source "null" "web" {
  communicator = "none"
}

source "null" "worker" {
  communicator = "none"
}

source "null" "db" {
  communicator = "none"
}

build {
  sources = ["source.null.web", "source.null.worker", "source.null.db"]

  provisioner "shell-local" {
    inline = ["echo '${source.name}' > ${var.dest}/built-${source.name}"]
  }
}
