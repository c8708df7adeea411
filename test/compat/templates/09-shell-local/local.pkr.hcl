# shell-local as provisioner and post-processor: inline, command, script, environment_vars,
# execute_command as a list, inline_shebang, only_on, and a post-processors chain ending in a manifest.

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
  out = "${var.dest}/local"
}

source "null" "local" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.local"]

  provisioner "shell-local" {
    inline = [
      "mkdir -p ${local.out}",
      "echo \"inline on $PACKER_BUILD_NAME\" > ${local.out}/inline.txt",
    ]
  }

  provisioner "shell-local" {
    command = "echo 'a single command' > ${local.out}/command.txt"
  }

  provisioner "shell-local" {
    script           = "local/record.sh"
    environment_vars = ["OUT=${local.out}", "STAGE=provision"]
  }

  provisioner "shell-local" {
    environment_vars = ["GREETING=hello world", "OUT=${local.out}"]
    execute_command  = ["/bin/bash", "-c", "{{.Vars}} /bin/bash {{.Script}}"]
    inline_shebang   = "/bin/bash -e"
    inline           = ["echo \"$GREETING from $${BASH_VERSION:+bash}\" > $OUT/execute.txt"]
  }

  provisioner "shell-local" {
    only_on = ["windows"]
    inline  = ["echo 'never on linux' > ${local.out}/windows.txt"]
  }

  provisioner "shell-local" {
    only_on = ["linux"]
    inline  = ["echo 'linux only' > ${local.out}/linux.txt"]
  }

  post-processors {
    post-processor "shell-local" {
      script           = "local/record.sh"
      environment_vars = ["OUT=${local.out}", "STAGE=post"]
    }
    post-processor "shell-local" {
      inline = ["echo \"post-processed $PACKER_BUILD_NAME\" > ${local.out}/post.txt"]
    }
    post-processor "manifest" {
      output = "${var.dest}/chain-manifest.json"
      custom_data = {
        stage = "after shell-local"
      }
    }
  }

  post-processor "shell-local" {
    keep_input_artifact = true
    inline              = ["echo separate chain > ${local.out}/separate.txt"]
  }
}
