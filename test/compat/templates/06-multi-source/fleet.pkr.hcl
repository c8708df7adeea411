# Several sources in one build: a renamed source, provisioners limited with only/except, per-source
# paths from source.name, build.name, and post-processors (shell-local, manifest) with only/except.

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
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

source "null" "db" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  name    = "fleet"
  sources = ["source.null.web", "source.null.db"]

  source "source.null.web" {
    name = "canary"
  }

  provisioner "shell" {
    inline = [
      "mkdir -p ${var.dest}/${source.name}",
      "echo 'source ${source.type}.${source.name} in build ${build.name}' > ${var.dest}/${source.name}/whoami",
      "echo \"$PACKER_BUILD_NAME $PACKER_BUILDER_TYPE\" > ${var.dest}/${source.name}/packer-env",
    ]
  }

  provisioner "shell" {
    only   = ["null.web", "null.canary"]
    inline = ["echo 'web tier' > ${var.dest}/${source.name}/tier"]
  }

  provisioner "shell" {
    except = ["null.web", "null.canary"]
    inline = ["echo 'database tier' > ${var.dest}/${source.name}/tier"]
  }

  provisioner "shell" {
    only   = ["source.null.db"]
    inline = ["echo 'only with the source. prefix' > ${var.dest}/${source.name}/prefixed"]
  }

  post-processor "shell-local" {
    only   = ["null.db"]
    inline = ["echo \"post $PACKER_BUILD_NAME\" > ${var.dest}/db/post-processed"]
  }

  post-processor "manifest" {
    except = ["null.canary"]
    output = "${var.dest}/fleet-manifest.json"
    custom_data = {
      source  = source.name
      escaped = "<a> & <b>"
    }
  }

  post-processor "manifest" {
    only       = ["null.web", "null.canary"]
    output     = "${var.dest}/${source.name}/own-manifest.json"
    strip_path = true
  }
}
