import {
  to = calico_node_bgp.node1
  id = "node1"
}
