# Full mesh -> route reflectors (Calico's "Configure BGP peering" guide).
#
# Order matters: with the node-to-node mesh still on, make some nodes route reflectors and peer
# every node with them; only once those sessions are Established turn the mesh off. Turning the
# mesh off first would drop every route until the new sessions are up. The depends_on below
# makes Terraform write the reflectors and the peering first (and, on destroy, turn the mesh
# back on before they go). mesh_disable_check then waits before it turns the mesh off: every
# checked node must report at least min_established_sessions Established sessions other than
# the mesh, and every session between two checked nodes must be Established. With all nodes
# checked (the default), that is every node's session with every reflector. If they do not
# come up in time, nothing is written and the mesh stays on.
terraform {
  required_version = ">= 1.5"
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}

# A cluster ID takes the node out of the mesh at once, so the peering with the reflectors is
# written first: it selects each reflector as soon as the reflector gets its label, in the same
# change that gives it its cluster ID.
resource "calico_node_rr" "reflector" {
  for_each   = toset(var.route_reflectors)
  node       = each.value
  cluster_id = var.cluster_id

  depends_on = [calico_bgp_peer.to_route_reflectors]
}

resource "calico_bgp_peer" "to_route_reflectors" {
  name          = "peer-with-route-reflectors"
  node_selector = "all()"
  peer_selector = "route-reflector == 'true'"
}

resource "calico_bgp_configuration" "default" {
  name                      = "default"
  as_number                 = var.as_number
  node_to_node_mesh_enabled = var.node_to_node_mesh_enabled

  # Before the mesh goes off, calico-node on every checked node must report enough Established
  # sessions other than the mesh, and every session between two checked nodes Established.
  mesh_disable_check = {
    min_established_sessions = var.min_established_sessions
    node_selector            = var.checked_nodes
    timeout                  = var.mesh_disable_timeout
  }

  depends_on = [calico_node_rr.reflector, calico_bgp_peer.to_route_reflectors]

  lifecycle {
    precondition {
      condition     = var.node_to_node_mesh_enabled || length(var.route_reflectors) > 0
      error_message = "With the mesh off, name at least one route reflector in route_reflectors; to remove them all, turn the mesh on first (node_to_node_mesh_enabled = true)."
    }
  }
}

# The sessions Calico configures once the mesh is off.
data "calico_bgp_topology" "after" {
  # Every object that makes sessions, each named: Terraform reads the data source after the
  # apply only when a resource named here has changes.
  depends_on = [calico_bgp_configuration.default, calico_node_rr.reflector, calico_bgp_peer.to_route_reflectors]
}

locals {
  # node => the reflectors it has no session with (a reflector is not its own peer).
  missing_reflectors = {
    for node, n in data.calico_bgp_topology.after.nodes : node => [
      for rr in var.route_reflectors : rr
      if rr != node && !contains([for s in n.sessions : s.peer_node if s.peer_node != null], rr)
    ]
  }
}

# Checked on every plan and apply: no node is without a session, and every node peers with
# every reflector.
check "route_reflectors" {
  assert {
    condition     = length(data.calico_bgp_topology.after.isolated_nodes) == 0
    error_message = "Nodes without any BGP session: ${join(", ", data.calico_bgp_topology.after.isolated_nodes)}."
  }
  assert {
    condition = alltrue([for node, missing in local.missing_reflectors : length(missing) == 0])
    error_message = "Nodes that miss a route reflector: ${join("; ", [
      for node, missing in local.missing_reflectors : "${node} (${join(", ", missing)})" if length(missing) > 0
    ])}."
  }
}
