# An Ubuntu 22.04 managed image on Azure, with nginx. Runs unmodified under `packer build` (with the azure
# plugin) and `kiln build`. Credentials come from the environment (AZURE_SUBSCRIPTION_ID and a service
# principal's AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/AZURE_TENANT_ID, or `az login`, or a managed identity).

packer {
  required_plugins {
    azure = {
      version = ">= 2.0.0"
      source  = "github.com/hashicorp/azure"
    }
  }
}

# Where to reach the build VM. Tests override these to reach a local sshd, since the ARM double starts no
# machine; against Azure leave them null and Kiln uses the VM's public IP.
variable "ssh_host" {
  type    = string
  default = null
}

variable "ssh_port" {
  type    = number
  default = 22
}

source "azure-arm" "ubuntu" {
  image_publisher                   = "Canonical"
  image_offer                       = "0001-com-ubuntu-server-jammy"
  image_sku                         = "22_04-lts"
  location                          = "East US"
  vm_size                           = "Standard_B2s"
  os_type                           = "Linux"
  managed_image_name                = "kiln-ubuntu-{{timestamp}}"
  managed_image_resource_group_name = "images"

  azure_tags = {
    team = "platform"
  }

  ssh_host = var.ssh_host
  ssh_port = var.ssh_port
}

build {
  sources = ["source.azure-arm.ubuntu"]

  # On an Azure VM the agent's directory exists; on a test target (no agent) the package steps are skipped.
  provisioner "shell" {
    inline = [
      "if [ -d /var/lib/waagent ]; then sudo apt-get update && sudo apt-get -y install nginx; else echo 'no Azure agent: skipping apt-get'; fi",
      "echo \"baked by kiln on $(uname -n)\" > \"$HOME/kiln-baked\"",
      # Packer's documented last step: deprovision the agent's user data so the image generalizes cleanly.
      "if [ -d /var/lib/waagent ]; then sudo /usr/sbin/waagent -force -deprovision+user && export HISTSIZE=0 && sync; fi",
    ]
  }
}
