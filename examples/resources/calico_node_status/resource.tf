# Ask calico-node on a route reflector to report its BGP sessions, and check they are up.
resource "calico_node_status" "rack1_rr" {
  name                  = "rack1-node1-bgp"
  node                  = "rack1-node1"
  classes               = ["Agent", "BGP"]
  update_period_seconds = 60
}

output "rack1_rr_sessions_down" {
  value = [for p in calico_node_status.rack1_rr.bgp.peers : p.peer_ip if p.state != "Established"]
}
