import {
  to = calico_node_rr.node2
  id = "k8s-node2"
}
