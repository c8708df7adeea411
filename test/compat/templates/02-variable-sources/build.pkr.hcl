source "null" "vars" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

locals {
  all = {
    region          = var.region
    environment     = var.environment
    owner           = var.owner
    instance_count  = var.instance_count
    debug           = var.debug
    zones           = var.zones
    ports           = var.ports
    tags            = var.tags
    disk            = var.disk
    untyped         = var.untyped
    from_env_number = var.from_env_number
    from_env_list   = var.from_env_list
    auto_only       = var.auto_only
  }
}

build {
  sources = ["source.null.vars"]

  provisioner "shell" {
    inline = [
      "echo '${base64encode(jsonencode(local.all))}' | base64 -d > ${var.dest}/variables.json",
      "echo 'count plus one: ${var.instance_count + 1}' > ${var.dest}/arith.txt",
      "echo 'port list: ${join(",", var.ports)}' >> ${var.dest}/arith.txt",
      "echo 'disk: ${var.disk.size}GB ${upper(var.disk.type)}' >> ${var.dest}/arith.txt",
    ]
  }
}
