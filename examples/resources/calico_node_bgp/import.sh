# Imported by node name.
terraform import calico_node_bgp.node1 node1
