# Go-template interpolation that Packer 1.6.6 still renders inside HCL2 plugin configs: timestamp,
# isotime, uuid, build_name, build_type, pwd, string helpers, and the shell provisioner's own
# {{ .Vars }}/{{ .Path }} in execute_command; plus HCL2's build.* connection data.

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

source "null" "legacy" {
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = var.ssh_username
  ssh_private_key_file = var.ssh_key
}

build {
  sources = ["source.null.legacy"]

  provisioner "shell" {
    inline = [
      "echo 'name={{build_name}} type={{build_type}}' > ${var.dest}/build.txt",
      "echo 'ts={{timestamp}} iso={{isotime}}' > ${var.dest}/time.txt",
      "echo 'ts-again={{timestamp}}' >> ${var.dest}/time.txt",
      "echo 'year={{isotime \"2006\"}} date-form={{isotime \"Jan _2 2006\"}}' | sed 's/[0-9]/N/g' > ${var.dest}/isotime-format.txt",
      "echo 'uuid={{uuid}}' > ${var.dest}/uuid.txt",
      "echo 'pwd={{pwd}}' > ${var.dest}/pwd.txt",
      "echo '{{upper \"shout\"}} {{lower \"QUIET\"}} {{replace_all \"-\" \"_\" \"a-b-c\"}} {{replace \"a\" \"A\" 1 \"banana\"}} {{split \"x,y,z\" \",\" 2}}' > ${var.dest}/strings.txt",
      "echo '{{timestamp | upper}}' | grep -c '^1' > ${var.dest}/pipeline.txt",
      "echo 'host=${build.Host} port=${build.Port} user=${build.User} type=${build.ConnType} id=${build.ID}' > ${var.dest}/build-data.txt",
      "echo 'run=${build.PackerRunUUID} password=[${build.Password}]' >> ${var.dest}/build-data.txt",
    ]
  }

  provisioner "shell" {
    environment_vars = ["BUILT_BY={{build_name}}-{{build_type}}", "STAMP={{timestamp}}"]
    execute_command  = "chmod +x {{.Path}}; {{.Vars}} {{.Path}} {{build_name}}"
    inline           = ["echo \"$BUILT_BY $STAMP arg=$1\" > ${var.dest}/env.txt"]
  }

  post-processor "manifest" {
    output = "${var.dest}/manifest-{{build_name}}.json"
    custom_data = {
      built_by = "{{build_name}} ({{build_type}})"
      stamp    = "{{timestamp}}"
    }
  }
}
