owner     = "auto-a"
auto_only = "from a-defaults.auto.pkrvars.hcl"
zones     = ["a", "b"]
