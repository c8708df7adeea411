# The shell provisioner with scripts: script and scripts, environment_vars, custom execute_command,
# inline_shebang, remote_folder/remote_file, skip_clean, valid_exit_codes, pause_before and timeout.

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

source "null" "scripts" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.scripts"]

  provisioner "shell" {
    scripts          = ["scripts/01-base.sh", "scripts/02-users.sh", "scripts/03-exit3.sh"]
    environment_vars = ["DEST=${var.dest}", "ROLE=web server"]
    valid_exit_codes = [0, 3]
  }

  provisioner "shell" {
    script           = "scripts/single.sh"
    environment_vars = ["DEST=${var.dest}", "SUDO_STYLE=yes"]
    execute_command  = "chmod +x {{ .Path }}; cd / && {{ .Vars }} sh -c '{{ .Path }}'"
    pause_before     = "1s"
    timeout          = "2m"
  }

  provisioner "shell" {
    inline_shebang = "/bin/bash -e"
    inline = [
      "set -o pipefail",
      "echo \"shebang bash: $${BASH_VERSION:+yes}\" > ${var.dest}/shebang",
    ]
  }

  provisioner "shell" {
    remote_folder = var.dest
    remote_file   = "kept-script.sh"
    skip_clean    = true
    inline        = ["echo kept > ${var.dest}/kept-output"]
  }

  provisioner "shell" {
    remote_folder = var.dest
    inline        = ["ls ${var.dest} | grep -c '^script_' > ${var.dest}/leftover-scripts || true"]
  }

  provisioner "shell" {
    execute_command = "{{ .Vars }} /bin/sh {{ .Path }} && echo 'ran via execute_command' > ${var.dest}/execute-command"
    environment_vars = ["A=1", "B=two words"]
    inline          = ["echo \"$A|$B\" > ${var.dest}/vars"]
  }
}
