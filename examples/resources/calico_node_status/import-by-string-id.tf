import {
  to = calico_node_status.rack1_rr
  id = "rack1-node1-bgp"
}
