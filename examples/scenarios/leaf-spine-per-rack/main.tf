# Leaf-spine with one AS per rack and route reflectors inside the cluster.
#
# In each rack: every node uses the rack's AS. Two nodes are route reflectors and peer with the
# rack's top-of-rack switch over eBGP (the switch has its own AS). Every node of the rack peers
# with its rack's reflectors over iBGP. Unlike Calico's "AS per rack" model ("Calico over IP
# fabrics"), the nodes do not share the switch's AS, and the switch is not their reflector.
#
# The node-to-node mesh goes off only when mesh_disable_check passes: every checked node
# reports enough Established sessions other than the mesh, and every session between two
# checked nodes is Established.
terraform {
  required_version = ">= 1.5"
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}

locals {
  # rack => node for every node, and the reflectors with their index in the rack.
  nodes = merge([for rack, r in var.racks : { for n in r.nodes : n => rack }]...)
  reflectors = merge([
    for rack, r in var.racks : { for i, n in r.route_reflectors : n => { rack = rack, id = i } }
  ]...)
}

# Every node of a rack (reflectors included) uses the rack's AS.
resource "calico_node_bgp" "node" {
  for_each  = local.nodes
  node      = each.key
  as_number = var.racks[each.value].as_number
}

# A cluster ID takes the node out of the mesh at once, so the peerings are written first (they
# select each reflector by the labels it gets in the same change), and on destroy they go last:
# the reflectors are back in the mesh before their peerings are deleted.
resource "calico_node_rr" "reflector" {
  for_each   = local.reflectors
  node       = each.key
  cluster_id = var.racks[each.value.rack].cluster_id
  labels = {
    "route-reflector" = "true"
    "rr-group"        = each.value.rack
    "rr-id"           = tostring(each.value.id)
  }

  depends_on = [calico_bgp_peer.nodes_to_rack_reflectors, calico_bgp_peer.reflectors_to_tor]
}

# The rack's nodes peer with the rack's reflectors, and the reflectors with each other: a
# reflector learns the other's routes from no one else (the switch's copy carries the rack's own
# AS, which BGP refuses).
resource "calico_bgp_peer" "nodes_to_rack_reflectors" {
  for_each      = var.racks
  name          = "${each.key}-nodes-to-rr"
  node_selector = "${var.rack_label} == '${each.key}'"
  peer_selector = "rr-group == '${each.key}'"
}

# The rack's reflectors peer with the rack's top-of-rack switch.
resource "calico_bgp_peer" "reflectors_to_tor" {
  for_each      = var.racks
  name          = "${each.key}-rr-to-tor"
  node_selector = "rr-group == '${each.key}' && has(rr-id)"
  peer_ip       = each.value.tor.peer_ip
  as_number     = each.value.tor.as_number
  password_secret_ref = var.password_secret == null ? null : {
    name = var.password_secret
    key  = each.key
  }
  filters = var.export_only_pod_cidr == null ? null : [calico_bgp_filter.export_pods[0].name]
}

resource "calico_bgp_filter" "export_pods" {
  count = var.export_only_pod_cidr == null ? 0 : 1
  name  = "export-pod-cidr-only"
  export_v4 = [
    { action = "Accept", cidr = var.export_only_pod_cidr, match_operator = "In" },
    { action = "Reject" },
  ]
}

resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = var.node_to_node_mesh_enabled
  as_number                 = var.default_as_number
  # Before the mesh goes off, every checked node must report an Established session other
  # than the mesh, and every session between two checked nodes must be Established (null: the
  # defaults, all nodes, at least one session, up to five minutes).
  mesh_disable_check = var.mesh_disable_check

  depends_on = [calico_bgp_peer.nodes_to_rack_reflectors, calico_bgp_peer.reflectors_to_tor, calico_node_rr.reflector, calico_node_bgp.node]
}

# The reflectors' addresses, as calico-node reports them, for the switch side of each session.
data "calico_nodes" "reflectors" {
  selector   = "has(rr-group) && has(rr-id)"
  depends_on = [calico_node_rr.reflector, calico_node_bgp.node]
}

# The sessions Calico builds from all of the above, as calico-node's confd derives them.
data "calico_bgp_topology" "fabric" {
  # Every object that makes sessions, each named: Terraform reads the data source after the
  # apply only when a resource named here has changes, so a plan that only adds a reflector
  # would otherwise show the sessions as they were.
  depends_on = [
    calico_bgp_configuration.default, calico_bgp_peer.nodes_to_rack_reflectors, calico_bgp_peer.reflectors_to_tor,
    calico_node_rr.reflector, calico_node_bgp.node,
  ]
}

locals {
  # node => the reflectors of its rack it has no session with (reflectors themselves excluded).
  missing_reflectors = {
    for node, rack in local.nodes : node => [
      for rr in var.racks[rack].route_reflectors : rr
      if !contains([for s in try(data.calico_bgp_topology.fabric.nodes[node].sessions, []) : s.peer_node if s.peer_node != null], rr)
    ] if !contains(keys(local.reflectors), node)
  }
}

# The design checks itself on every plan and apply: no node is left without a session, and
# every node reaches both of its rack's reflectors.
check "fabric" {
  assert {
    condition     = length(data.calico_bgp_topology.fabric.isolated_nodes) == 0
    error_message = "Nodes without any BGP session: ${join(", ", data.calico_bgp_topology.fabric.isolated_nodes)}."
  }
  assert {
    condition = alltrue([for node, missing in local.missing_reflectors : length(missing) == 0])
    error_message = "Nodes that miss a reflector of their rack: ${join("; ", [
      for node, missing in local.missing_reflectors : "${node} (${join(", ", missing)})" if length(missing) > 0
    ])}."
  }
}
