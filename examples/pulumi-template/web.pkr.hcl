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

locals {
  # A new name per bake; Kiln leaves names out of the fingerprint, so this does not force a rebake.
  stamp = formatdate("YYYYMMDDhhmmss", timestamp())
}

source "amazon-ebs" "web" {
  region        = var.region
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
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
  region        = var.region
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
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
    environment_vars = ["API_TOKEN=${var.api_token}"]
  }
}
