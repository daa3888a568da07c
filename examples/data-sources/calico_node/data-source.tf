data "calico_node" "node1" {
  name = "node1"
}

output "node1" {
  value = {
    as_number        = data.calico_node.node1.as_number        # effective AS
    as_number_source = data.calico_node.node1.as_number_source # node, bgp_configuration or default
    ipv4_address     = data.calico_node.node1.ipv4_address
    route_reflector  = data.calico_node.node1.route_reflector
    sessions         = [for p in data.calico_node.node1.bgp_peers : "${p.peer_ip} ${p.state} since ${p.since}"]
  }
}
