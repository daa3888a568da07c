output "routes_carried_by_bgp" {
  description = "True when pod routes are carried by BGP alone: no encapsulation, the pool exported, and every checked node with an Established session."
  value = (calico_ip_pool.pods.ipip_mode == "Never" && calico_ip_pool.pods.vxlan_mode == "Never" &&
  !calico_ip_pool.pods.disable_bgp_export && length(local.nodes_without_bgp) == 0)
}

output "nodes_without_established_bgp" {
  description = "Checked nodes that have no Established BGP session (or no status report yet)."
  value       = local.nodes_without_bgp
}
