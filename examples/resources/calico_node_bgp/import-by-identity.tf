# Terraform 1.12+ and OpenTofu 1.12+: import by the resource identity.
import {
  to       = calico_node_bgp.node1
  identity = {
    node = "node1"
  }
}
