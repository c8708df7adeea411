# Read after a-defaults: wins over it.
owner = "auto-b"
tags = {
  Name  = "from-auto"
  Owner = "auto-b"
}
