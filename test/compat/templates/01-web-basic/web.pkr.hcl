# A typical first template: typed variables with defaults and validation, one source, inline shell
# with environment variables, and a manifest in the default place.

packer {
  required_version = ">= 1.6.0"
}

variable "dest" {
  type        = string
  description = "Directory on the target the build writes into."
}

variable "ssh_port" {
  type = number
}

variable "ssh_username" {
  type    = string
  default = "root"
}

variable "ssh_key" {
  type      = string
  sensitive = true
}

variable "app_name" {
  type    = string
  default = "webapp"
}

variable "app_version" {
  type    = string
  default = "1.4.2"
  validation {
    condition     = regex_replace(var.app_version, "^[0-9]+\\.[0-9]+\\.[0-9]+$", "") == ""
    error_message = "The app_version value must be a semantic version such as 1.2.3."
  }
}

variable "listen_port" {
  type    = number
  default = 8080
}

variable "enable_tls" {
  type    = bool
  default = false
}

variable "packages" {
  type    = list(string)
  default = ["nginx", "curl", "jq"]
}

variable "api_token" {
  type      = string
  default   = "tok-3f9a-secret"
  sensitive = true
}

variable "labels" {
  type = map(string)
  default = {
    team = "platform"
    tier = "frontend"
  }
}

source "null" "web" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.web"]

  provisioner "shell" {
    environment_vars = [
      "APP_NAME=${var.app_name}",
      "APP_VERSION=${var.app_version}",
      "LISTEN_PORT=${var.listen_port}",
      "QUOTED=it's \"quoted\" $HOME `date` \\ back",
      "EMPTY=",
      "WITH_EQUALS=a=b=c",
    ]
    inline = [
      "mkdir -p ${var.dest}/etc",
      "echo \"$APP_NAME $APP_VERSION on port $LISTEN_PORT\" > ${var.dest}/etc/app.txt",
      "printf '%s\\n' \"$QUOTED\" \"[$EMPTY]\" \"$WITH_EQUALS\" > ${var.dest}/etc/env-values.txt",
      "env | grep -E '^(APP_|LISTEN_|PACKER_|QUOTED|EMPTY|WITH_)' | sort > ${var.dest}/etc/env.txt",
      "echo 'tls=${var.enable_tls}' >> ${var.dest}/etc/app.txt",
    ]
  }

  provisioner "shell" {
    inline = [
      "for p in ${join(" ", var.packages)}; do echo \"install $p\"; done > ${var.dest}/packages.txt",
      "echo '${jsonencode(var.labels)}' > ${var.dest}/labels.json",
      "chmod 600 ${var.dest}/labels.json",
      "umask 077 && echo '${var.api_token}' > ${var.dest}/private.txt",
      "echo 'built by ${packer.version}' > ${var.dest}/built-by.txt",
    ]
  }

  post-processor "manifest" {
    custom_data = {
      app = var.app_name
    }
  }

  post-processor "manifest" {
    output     = "${var.dest}/token-manifest.json"
    strip_time = true
    custom_data = {
      token = var.api_token
    }
  }
}
