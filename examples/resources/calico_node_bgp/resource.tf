resource "calico_node_bgp" "node1" {
  node      = "node1"
  as_number = 64512
}

# One AS per rack: every node of a rack gets the rack's AS number.
locals {
  rack_as = { rack1 = 65101, rack2 = 65102 }
  nodes = {
    "rack1-node1" = "rack1", "rack1-node2" = "rack1", "rack1-node3" = "rack1",
    "rack2-node1" = "rack2", "rack2-node2" = "rack2", "rack2-node3" = "rack2",
  }
}

resource "calico_node_bgp" "rack" {
  for_each  = local.nodes
  node      = each.key
  as_number = local.rack_as[each.value]
}

# Pinning a node's BGP address instead of leaving it to calico-node's autodetection.
resource "calico_node_bgp" "edge" {
  node         = "edge-1"
  as_number    = "1.10"
  ipv4_address = "10.0.0.5/24"
}
