output "route_reflectors" {
  description = "The route reflector nodes and their cluster ID."
  value       = { for n, rr in calico_node_rr.reflector : n => rr.cluster_id }
}

output "node_to_node_mesh_enabled" {
  description = "False once the peerings with the reflectors exist."
  value       = calico_bgp_configuration.default.node_to_node_mesh_enabled
}

output "nodes_missing_a_reflector" {
  description = "Nodes that have no session with one of the route reflectors, and which (the route_reflectors check's subject)."
  value       = { for node, missing in local.missing_reflectors : node => missing if length(missing) > 0 }
}

output "bgp_sessions" {
  description = "Per node, the addresses of the peers its BIRD will have sessions with, as calico_bgp_topology predicts them: what to compare with `birdc show protocols` on the node."
  value       = { for node, n in data.calico_bgp_topology.after.nodes : node => sort(distinct([for s in n.sessions : s.peer_ip])) }
}
