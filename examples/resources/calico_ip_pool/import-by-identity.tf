# Terraform 1.12+ and OpenTofu 1.12+: import by the resource identity.
import {
  to       = calico_ip_pool.default
  identity = {
    name = "default-ipv4-ippool"
  }
}
