output "route_reflectors" {
  description = "The route reflector nodes and their cluster ID."
  value       = { for n, rr in calico_node_rr.reflector : n => rr.cluster_id }
}

output "node_to_node_mesh_enabled" {
  description = "False once the peerings with the reflectors exist."
  value       = calico_bgp_configuration.default.node_to_node_mesh_enabled
}
