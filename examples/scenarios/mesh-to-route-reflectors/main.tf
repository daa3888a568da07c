# Full mesh -> route reflectors (Calico's "Configure BGP peering" guide).
#
# Order matters: with the node-to-node mesh still on, make some nodes route reflectors and peer
# every node with them; only once those sessions exist turn the mesh off. Turning the mesh off
# first would drop every route until the new peers are up. The depends_on below makes
# Terraform keep that order, and the reverse order on destroy (mesh back on first).
terraform {
  required_version = ">= 1.5"
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}

resource "calico_node_rr" "reflector" {
  for_each   = toset(var.route_reflectors)
  node       = each.value
  cluster_id = var.cluster_id
}

resource "calico_bgp_peer" "to_route_reflectors" {
  name          = "peer-with-route-reflectors"
  node_selector = "all()"
  peer_selector = "route-reflector == 'true'"
}

resource "calico_bgp_configuration" "default" {
  name                      = "default"
  as_number                 = var.as_number
  node_to_node_mesh_enabled = false

  depends_on = [calico_node_rr.reflector, calico_bgp_peer.to_route_reflectors]
}
