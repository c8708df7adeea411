# A web server AMI: Ubuntu 22.04 with a site and its config baked in.
# Runs unmodified under `packer build` (with the amazon plugin) and `kiln build`.

packer {
  required_plugins {
    amazon = {
      version = ">= 1.2.0"
      source  = "github.com/hashicorp/amazon"
    }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "copy_regions" {
  type        = list(string)
  default     = []
  description = "Regions the finished AMI is copied to."
}

variable "ec2_endpoint" {
  type        = string
  default     = null
  description = "Custom EC2 endpoint (the demo points it at a local moto); null uses AWS."
}

variable "build_cidrs" {
  type        = list(string)
  default     = null
  description = "Who may reach the build instance's SSH port; null looks up this machine's public address."
}

# Where to reach the build machine. The demo overrides these to reach a local sshd, since an emulated
# instance has no network; against AWS leave them null and Kiln uses the instance's address.
variable "ssh_host" {
  type    = string
  default = null
}

variable "ssh_port" {
  type    = number
  default = 22
}

variable "ssh_private_key_file" {
  type    = string
  default = null
}

variable "ssh_username" {
  type    = string
  default = "ubuntu"
}

variable "site_dir" {
  type        = string
  default     = "/var/www/kiln-demo"
  description = "Where the site is installed on the image."
}

locals {
  stamp = formatdate("YYYYMMDD-hhmmss", timestamp())
}

source "amazon-ebs" "web" {
  region               = var.region
  custom_endpoint_ec2  = var.ec2_endpoint
  instance_type        = "t3.micro"
  ami_name             = "kiln-web-${local.stamp}"
  ami_description      = "Web server baked by Kiln"
  ami_regions          = var.copy_regions
  temporary_security_group_source_cidrs = var.build_cidrs

  source_ami_filter {
    filters = {
      name                = "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"]
    most_recent = true
  }

  ssh_username         = var.ssh_username
  ssh_host             = var.ssh_host
  ssh_port             = var.ssh_port
  ssh_private_key_file = var.ssh_private_key_file

  tags = {
    Name    = "kiln-web"
    BakedBy = "kiln"
  }
}

build {
  sources = ["source.amazon-ebs.web"]

  provisioner "shell" {
    inline = [
      "mkdir -p ${var.site_dir}",
      "echo 'Building on '$(uname -n)' as '$(id -un)",
    ]
  }

  provisioner "file" {
    source      = "${path.root}/site/"
    destination = var.site_dir
  }

  provisioner "shell" {
    script           = "${path.root}/scripts/configure.sh"
    environment_vars = ["SITE_DIR=${var.site_dir}"]
  }

  post-processor "manifest" {
    output     = "packer-manifest.json"
    strip_path = true
    custom_data = {
      source_ami = "${build.SourceAMI}"
    }
  }
}
