terraform import calico_node_status.rack1_rr rack1-node1-bgp
