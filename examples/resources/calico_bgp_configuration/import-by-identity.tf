# Terraform 1.12+ and OpenTofu 1.12+: import by the resource identity.
import {
  to       = calico_bgp_configuration.default
  identity = {
    name = "default"
  }
}
