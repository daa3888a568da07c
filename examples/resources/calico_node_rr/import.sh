# Imported by node name; the import reads the cluster ID and the route-reflector label.
terraform import calico_node_rr.node2 k8s-node2
