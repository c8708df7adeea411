# String templates: heredocs (plain and indented), interpolation, %{ for } and %{ if } directives with
# strip markers, escapes. Each rendered text goes to the target byte for byte (base64 in transit).

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

variable "hostname" {
  default = "web-01"
}

variable "upstreams" {
  default = [
    { name = "app1", port = 8080, weight = 3 },
    { name = "app2", port = 8081, weight = 1 },
    { name = "app3", port = 8082, weight = 0 },
  ]
}

variable "users" {
  default = {
    alice = ["sudo", "docker"]
    bob   = []
    carol = ["docker"]
  }
}

variable "tls" {
  default = true
}

locals {
  nginx_conf = <<EOT
upstream backend {
%{ for u in var.upstreams ~}
%{ if u.weight > 0 ~}
    server 127.0.0.1:${u.port} weight=${u.weight};
%{ else ~}
    server 127.0.0.1:${u.port} backup;
%{ endif ~}
%{ endfor ~}
}

server {
    listen ${var.tls ? 443 : 80}${var.tls ? " ssl" : ""};
    server_name ${var.hostname}.example.com;
%{ if var.tls }
    ssl_certificate /etc/ssl/${var.hostname}.crt;
%{ endif }
}
EOT

  users_script = <<-EOT
    #!/bin/sh
    %{~ for name, groups in var.users }
    useradd ${name}%{ if length(groups) > 0 } -G ${join(",", groups)}%{ endif }
    %{~ endfor }
    echo "done: ${length(var.users)} users"
  EOT

  inline_for   = "hosts: %{ for i, u in var.upstreams }${i > 0 ? ", " : ""}${u.name}%{ endfor }."
  escaped      = "literal $${not_interpolated} and %%{not_a_directive} and a \"quote\"\ttab"
  nested       = "outer ${"inner ${upper(var.hostname)} ${length([for u in var.upstreams : u if u.weight > 0])}"}"
  unicode      = "caf\u00e9 \u2713 日本"
  multiline    = "first line\nsecond line\n"
  strip_both   = "[ ${~ " spaced " ~} ]"
  conditional  = "%{ if var.hostname == "web-01" }primary%{ else }secondary%{ endif }"
  json_in_heredoc = <<EOF
{
  "hostname": "${var.hostname}",
  "upstreams": ${jsonencode([for u in var.upstreams : u.name])}
}
EOF
}

source "null" "tpl" {
  ssh_host             = "127.0.0.1"
  ssh_port             = "${var.ssh_port}" # a string: Packer converts it to the number the field takes
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.tpl"]

  provisioner "shell" {
    inline = [
      "echo '${base64encode(local.nginx_conf)}' | base64 -d > ${var.dest}/nginx.conf",
      "echo '${base64encode(local.users_script)}' | base64 -d > ${var.dest}/users.sh",
      "echo '${base64encode(local.inline_for)}' | base64 -d > ${var.dest}/inline.txt",
      "echo '${base64encode(local.escaped)}' | base64 -d > ${var.dest}/escaped.txt",
      "echo '${base64encode(local.nested)}' | base64 -d > ${var.dest}/nested.txt",
      "echo '${base64encode(local.unicode)}' | base64 -d > ${var.dest}/unicode.txt",
      "echo '${base64encode(local.multiline)}' | base64 -d > ${var.dest}/multiline.txt",
      "echo '${base64encode(local.strip_both)}' | base64 -d > ${var.dest}/strip.txt",
      "echo '${base64encode(local.conditional)}' | base64 -d > ${var.dest}/conditional.txt",
      "echo '${base64encode(local.json_in_heredoc)}' | base64 -d > ${var.dest}/upstreams.json",
      "echo ${var.hostname} %{if var.tls}tls%{else}plain%{endif} > ${var.dest}/directive-in-inline.txt",
    ]
  }
}
