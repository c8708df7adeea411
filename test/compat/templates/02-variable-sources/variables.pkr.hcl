# Variables from every place Packer reads them: defaults, *.auto.pkrvars.hcl (in name order),
# -var-file (HCL and JSON, later wins), PKR_VAR_* in the environment, and -var on the command line.

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

variable "region" {
  type        = string
  default     = "us-east-1"
  description = "Overridden by -var."
}

variable "environment" {
  type    = string
  default = "dev"
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "The environment must be dev, staging or prod."
  }
}

variable "owner" {
  type    = string
  default = "nobody"
}

variable "instance_count" {
  type    = number
  default = 1
}

variable "debug" {
  type    = bool
  default = true
}

variable "zones" {
  type    = list(string)
  default = ["a"]
}

variable "ports" {
  type    = list(number)
  default = [22]
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "disk" {
  type = object({
    size = number
    type = string
  })
  default = {
    size = 8
    type = "gp2"
  }
}

variable "untyped" {
  default = "from default"
}

variable "from_env_number" {
  type    = number
  default = 0
}

variable "from_env_list" {
  type    = list(string)
  default = []
}

variable "auto_only" {
  type    = string
  default = "default"
}
