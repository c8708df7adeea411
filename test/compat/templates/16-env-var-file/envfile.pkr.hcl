# use_env_var_file: Packer 1.6.6 writes environment_vars to a file the script sources
# ({{ .EnvVarFile }}) instead of prefixing the command. Kiln does not accept the option yet.

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

source "null" "envfile" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.envfile"]

  provisioner "shell" {
    use_env_var_file = true
    environment_vars = ["FROM_FILE=yes it's here"]
    inline           = ["echo \"$FROM_FILE\" > ${var.dest}/env-file.txt"]
  }
}
