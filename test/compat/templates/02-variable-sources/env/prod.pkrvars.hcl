environment    = "prod"
instance_count = 3
owner          = "var-file"
disk = {
  size = 100
  type = "io1"
}
