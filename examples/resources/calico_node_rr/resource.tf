# Make k8s-node2 a route reflector; peers select it with "route-reflector == 'true'".
resource "calico_node_rr" "node2" {
  node       = "k8s-node2"
  cluster_id = "233.0.0.1"
  # labels   = { "route-reflector" = "true" }   (the default)
}

# The leaf-spine guide's design (one AS per rack, reflectors inside the cluster): two route
# reflectors per rack, sharing the rack's cluster ID, labelled with their group so that the
# rack's nodes peer only with them.
locals {
  racks = {
    rack1 = { cluster_id = "244.0.0.1", reflectors = ["rack1-node1", "rack1-node2"] }
    rack2 = { cluster_id = "244.0.0.2", reflectors = ["rack2-node1", "rack2-node2"] }
  }
  reflectors = merge([
    for rack, r in local.racks : {
      for i, node in r.reflectors : node => { rack = rack, cluster_id = r.cluster_id, id = i }
    }
  ]...)
}

resource "calico_node_rr" "rack" {
  for_each   = local.reflectors
  node       = each.key
  cluster_id = each.value.cluster_id
  labels = {
    "route-reflector" = "true"
    "rr-group"        = each.value.rack
    "rr-id"           = tostring(each.value.id)
  }
}
