# Fixture for the differential suite: packer console evaluates expressions against these variables and
# locals, and Kiln evaluates the same file. Multi-line constructs (heredocs, template directives spanning
# lines) live here as locals because the console reads one expression per line.

variable "name" {
  default = "kiln"
}

variable "regions" {
  default = ["us-east-1", "eu-west-1", "ap-south-1"]
}

variable "tags" {
  default = {
    Team = "platform"
    Env  = "prod"
    "10" = "ten"
    "9"  = "nine"
  }
}

variable "count" {
  default = 3
}

variable "nothing" {
  default = null
}

variable "nested" {
  default = {
    disks = [
      { name = "root", size = 8, tags = { a = "1" } },
      { name = "data", size = 100, tags = { a = "2" } },
    ]
    flags = { debug = false, fast = true }
  }
}

locals {
  greeting = "hello, ${var.name}!"
  sizes    = [for d in var.nested.disks : d.size]
  total    = local.sizes[0] + local.sizes[1]
  by_name  = { for d in var.nested.disks : d.name => d }
  grouped  = { for r in var.regions : substr(r, 0, 2) => r... }

  heredoc = <<EOT
line one
  line two ${var.name}
EOT

  heredoc_flush = <<-EOT
    indented
      more
    back ${upper(var.name)}
    EOT

  heredoc_blank = <<-EOT
    a

    b
  EOT

  heredoc_tabs = <<-EOT
	tab
	  tab2
	EOT

  heredoc_escapes = <<EOT
no \n escape here, $${literal} and %%{literal}
EOT

  directive_if = <<EOT
%{ if var.count > 2 ~}
big
%{ else ~}
small
%{ endif ~}
done
EOT

  directive_for = <<-EOT
    %{~ for i, r in var.regions ~}
    ${i}: ${r}
    %{~ endfor ~}
  EOT

  directive_for_map = "%{ for k, v in var.tags }${k}=${v};%{ endfor }"
  strip_both        = "a   ${~ var.name ~}   b"
  strip_left        = "a   ${~ var.name}   b"
  strip_right       = "a   ${var.name ~}   b"
  nested_template   = "x${"y${"z"}"}"
  empty_heredoc     = <<EOT
EOT

  interp_only_list = "${var.regions}"

  multi_line_object = {
    a = 1,
    b = [
      1,
      2,
    ]
    "c d" = { e = null }
  }

  conditional_multiline = (
    var.count > 1
    ? "many"
    : "one"
  )

  for_multiline = [
    for i in range(3) :
    i * i
    if i != 1
  ]
}

source "null" "fixture" {
  communicator = "none"
}

build {
  sources = ["source.null.fixture"]
}
