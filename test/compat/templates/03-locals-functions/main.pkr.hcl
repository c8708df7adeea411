# Locals built with Packer's function library, written to the target as JSON so every value is compared.

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

variable "project" {
  default = "Kiln Compat"
}

variable "regions" {
  default = ["us-east-1", "eu-west-1", "ap-southeast-2"]
}

variable "subnet" {
  default = "10.20.0.0/16"
}

locals {
  slug        = lower(replace(var.project, " ", "-"))
  image_name  = format("%s-%s-%03d", local.slug, "base", 7)
  region_tags = formatlist("region:%s", var.regions)
  short       = [for r in var.regions : upper(substr(r, 0, 2))]
  by_prefix   = { for r in var.regions : split("-", r)[0] => r }
  long_names  = [for r in var.regions : r if length(r) > 9]
  grouped     = { for r in var.regions : substr(r, 0, 2) => r... }
  subnets     = [for i in range(3) : cidrsubnet(var.subnet, 8, i)]
  first_host  = cidrhost(local.subnets[0], 10)
  netmask     = cidrnetmask(var.subnet)
  settings    = yamldecode(file("config/app.yaml"))
  service     = jsondecode(file("${path.root}/config/service.json"))
  conf_files  = fileset(path.root, "config/**/*.conf")
  merged      = merge({ a = 1, b = 2 }, { b = 3, c = 4 })
  flat        = flatten([["a", "b"], [], ["c", ["d"]]])
  pairs       = setproduct(["x", "y"], [1, 2])
  zipped      = zipmap(["one", "two"], [1, 2])
  numbers = {
    max   = max(3, 9, 4)
    min   = min(3, 9, 4)
    ceil  = ceil(4.2)
    floor = floor(-4.2)
    pow   = pow(2, 10)
    parse = parseint("ff", 16)
    abs   = abs(-7)
    div   = 10 / 4
    mod   = 10 % 4
  }
  strings = {
    title    = title("hello packer world")
    trimmed  = trimspace("  padded  ")
    chomped  = chomp("line\n")
    joined   = join("/", ["usr", "local", "bin"])
    split    = split(",", "a,b,,c")
    sub      = regex_replace("ami-0123456789", "[0-9]{4}$", "XXXX")
    reversed = reverse([1, 2, 3])
    sorted   = sort(["b", "c", "a"])
    distinct = distinct(["a", "b", "a"])
    indent   = indent(2, "a\nb")
  }
  encodings = {
    b64      = base64encode("Hello, Packer!")
    b64_back = base64decode("SGVsbG8sIFBhY2tlciE=")
    md5      = md5("kiln")
    sha1     = sha1("kiln")
    sha256   = sha256("kiln")
    sha512   = sha512("kiln")
    uuidv5   = uuidv5("dns", "kiln.example.com")
    url      = urlencode("a b&c=d/é")
    yaml     = yamlencode({ name = local.slug, ports = [80, 443], nested = { ok = true } })
    csv      = csvdecode("name,size\nroot,8\ndata,100")
  }
  conversions = {
    coalesce = coalesce("", "fallback")
    lookup   = lookup({ a = "x" }, "b", "missing")
    try      = try(local.service.missing, "tried")
    keys     = keys({ z = 1, a = 2 })
    values   = values({ z = 1, a = 2 })
    length   = length(var.regions)
    element  = element(var.regions, 4)
    contains = contains(var.regions, "eu-west-1")
    slice    = slice(var.regions, 0, 2)
    concat   = concat(var.regions, ["sa-east-1"])
    compact  = compact(["a", "", "b"])
    chunks   = chunklist([1, 2, 3, 4, 5], 2)
    range    = range(1, 10, 3)
    setunion = setunion(["a"], ["b", "a"])
  }
  dates = {
    formatted = formatdate("YYYY-MM-DD hh:mm ZZZ", "2021-06-15T08:30:00Z")
    added     = timeadd("2021-06-15T08:30:00Z", "36h30m")
    rfc       = formatdate("EEE, DD MMM YYYY", "2020-02-29T00:00:00Z")
  }
  paths = {
    basename = basename("/etc/nginx/nginx.conf")
    dirname  = dirname("/etc/nginx/nginx.conf")
    abs      = abspath("config/../config/a.conf")
    exists   = fileexists("config/a.conf")
  }
}

source "null" "fn" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.fn"]

  provisioner "shell" {
    inline = [
      "mkdir -p ${var.dest}/out",
      "echo '${base64encode(jsonencode(local.numbers))}' | base64 -d > ${var.dest}/out/numbers.json",
      "echo '${base64encode(jsonencode(local.strings))}' | base64 -d > ${var.dest}/out/strings.json",
      "echo '${base64encode(jsonencode(local.encodings))}' | base64 -d > ${var.dest}/out/encodings.json",
      "echo '${base64encode(jsonencode(local.conversions))}' | base64 -d > ${var.dest}/out/conversions.json",
      "echo '${base64encode(jsonencode(local.dates))}' | base64 -d > ${var.dest}/out/dates.json",
      "echo '${base64encode(jsonencode(local.paths))}' | base64 -d > ${var.dest}/out/paths.json",
      "echo '${base64encode(jsonencode(local.settings))}' | base64 -d > ${var.dest}/out/settings.json",
      "echo '${base64encode(local.settings.motd)}' | base64 -d > ${var.dest}/out/motd",
      "echo '${base64encode(jsonencode([local.slug, local.image_name, local.region_tags, local.short, local.by_prefix, local.long_names, local.grouped]))}' | base64 -d > ${var.dest}/out/names.json",
      "echo '${base64encode(jsonencode([local.subnets, local.first_host, local.netmask]))}' | base64 -d > ${var.dest}/out/network.json",
      "echo '${base64encode(jsonencode([local.service, local.conf_files, local.merged, local.flat, local.pairs, local.zipped]))}' | base64 -d > ${var.dest}/out/collections.json",
      "echo '${local.encodings.yaml}' > ${var.dest}/out/generated.yaml",
      "echo '${path.root}' > ${var.dest}/out/path-root.txt",
    ]
  }
}
