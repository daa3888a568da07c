# Terraform 1.12+ and OpenTofu 1.12+: import by the resource identity.
import {
  to       = calico_node_status.rack1_rr
  identity = {
    name = "rack1-node1-bgp"
  }
}
