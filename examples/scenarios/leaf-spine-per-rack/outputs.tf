locals {
  reflector_facts = { for n in data.calico_nodes.reflectors.nodes : n.name => n }
}

output "tor_neighbors" {
  description = <<-EOT
    Per rack, the BGP neighbors the top-of-rack switch must configure (one per route reflector),
    in a shape a switch vendor's provider can consume with for_each: the reflector's address,
    its AS number, and where the session's password is kept.
  EOT
  value = {
    for rack, r in var.racks : rack => [
      for node in r.route_reflectors : {
        node            = node
        peer_ip         = try(split("/", local.reflector_facts[node].ipv4_address)[0], null)
        peer_as         = local.reflector_facts[node].as_number
        local_as        = r.tor.as_number
        password_secret = var.password_secret == null ? null : "${var.password_secret}/${rack}"
      }
    ]
  }
}

output "bgp_peers" {
  description = "Names of the BGPPeers the module created."
  value = concat(
    [for p in calico_bgp_peer.nodes_to_rack_reflectors : p.name],
    [for p in calico_bgp_peer.reflectors_to_tor : p.name],
  )
}

output "nodes_missing_a_reflector" {
  description = "Nodes that have no session with one of their rack's route reflectors, and which (the fabric check's subject)."
  value       = { for node, missing in local.missing_reflectors : node => missing if length(missing) > 0 }
}

output "bgp_sessions" {
  description = "Per node, the addresses of the peers its BIRD will have sessions with, as calico_bgp_topology predicts them: what to compare with `birdc show protocols` on the node."
  value       = { for node, n in data.calico_bgp_topology.fabric.nodes : node => sort(distinct([for s in n.sessions : s.peer_ip])) }
}
