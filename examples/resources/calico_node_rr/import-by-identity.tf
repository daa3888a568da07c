# Terraform 1.12+ and OpenTofu 1.12+: import by the resource identity.
import {
  to       = calico_node_rr.node2
  identity = {
    node = "k8s-node2"
  }
}
