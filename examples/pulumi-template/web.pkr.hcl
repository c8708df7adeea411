packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.3.0"
    }
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "api_token" {
  type      = string
  sensitive = true
}

variable "packages" {
  type        = string
  default     = "nginx"
  description = "Debian packages installed on the image, space-separated; empty installs none."
}

# Against AWS these stay null and Kiln uses EC2's endpoint, the instance's address and a temporary key
# pair. Kiln's tests set them to reach an emulated EC2 (moto) and a local SSH server standing in for the
# instance, which an emulator does not start.
variable "ec2_endpoint" {
  type    = string
  default = null
}

variable "build_cidrs" {
  type        = list(string)
  default     = null
  description = "Who may reach the build instance's SSH port; null looks up this machine's public address."
}

variable "ssh_host" {
  type    = string
  default = null
}

variable "ssh_port" {
  type    = number
  default = 22
}

variable "ssh_username" {
  type    = string
  default = "ubuntu"
}

variable "ssh_private_key_file" {
  type    = string
  default = null
}

locals {
  # A new name per bake; Kiln leaves names out of the fingerprint, so this does not force a rebake.
  stamp = formatdate("YYYYMMDDhhmmss", timestamp())
}

source "amazon-ebs" "web" {
  region                                = var.region
  custom_endpoint_ec2                   = var.ec2_endpoint
  instance_type                         = "t3.micro"
  temporary_security_group_source_cidrs = var.build_cidrs
  ssh_username                          = var.ssh_username
  ssh_host                              = var.ssh_host
  ssh_port                              = var.ssh_port
  ssh_private_key_file                  = var.ssh_private_key_file
  ami_name      = "kiln-template-web-${local.stamp}"
  source_ami_filter {
    filters = {
      name                = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
  tags = {
    app = "web"
  }
}

source "amazon-ebs" "worker" {
  region                                = var.region
  custom_endpoint_ec2                   = var.ec2_endpoint
  instance_type                         = "t3.micro"
  temporary_security_group_source_cidrs = var.build_cidrs
  ssh_username                          = var.ssh_username
  ssh_host                              = var.ssh_host
  ssh_port                              = var.ssh_port
  ssh_private_key_file                  = var.ssh_private_key_file
  ami_name      = "kiln-template-worker-${local.stamp}"
  source_ami_filter {
    filters = {
      name = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.web", "source.amazon-ebs.worker"]

  provisioner "shell" {
    script           = "scripts/setup.sh"
    environment_vars = ["API_TOKEN=${var.api_token}", "PACKAGES=${var.packages}"]
  }
}
