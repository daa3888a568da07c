# Adopt a fabric that exists (made by hand, by calicoctl or by another configuration) into the
# module: one import block per object the module manages, at the module's own addresses.
# var.racks must describe the fabric as it is; the plan then only imports.
locals {
  adopted_nodes      = toset(flatten([for r in values(var.racks) : r.nodes]))
  adopted_reflectors = toset(flatten([for r in values(var.racks) : r.route_reflectors]))
}

import {
  for_each = local.adopted_nodes
  to       = module.fabric.calico_node_bgp.node[each.key]
  id       = each.key
}

import {
  for_each = local.adopted_reflectors
  to       = module.fabric.calico_node_rr.reflector[each.key]
  id       = each.key
}

import {
  for_each = var.racks
  to       = module.fabric.calico_bgp_peer.nodes_to_rack_reflectors[each.key]
  id       = "${each.key}-nodes-to-rr"
}

import {
  for_each = var.racks
  to       = module.fabric.calico_bgp_peer.reflectors_to_tor[each.key]
  id       = "${each.key}-rr-to-tor"
}

import {
  to = module.fabric.calico_bgp_filter.export_pods[0]
  id = "export-pod-cidr-only"
}

import {
  to = module.fabric.calico_bgp_configuration.default
  id = "default"
}
