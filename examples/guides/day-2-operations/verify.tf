# Verify convergence: every session the topology predicts is Established, as calico-node reports
# it. calico-node reports a node's sessions only into a status object of that node.
locals {
  fabric_nodes = toset(flatten([for r in values(var.racks) : r.nodes]))
}

resource "calico_node_status" "bgp" {
  for_each              = local.fabric_nodes
  name                  = "${each.key}-bgp"
  node                  = each.key
  classes               = ["BGP"]
  update_period_seconds = 10
}

data "calico_nodes" "fabric" {
  selector   = "has(rack)"
  depends_on = [calico_node_status.bgp]
}

locals {
  established = {
    for n in data.calico_nodes.fabric.nodes : n.name => [for p in n.bgp_peers : p.peer_ip if p.state == "Established"]
  }
  # node => the predicted peers it has no Established session with, for the fabric's nodes.
  not_established = {
    for node in local.fabric_nodes : node => setsubtract(lookup(module.fabric.bgp_sessions, node, []), lookup(local.established, node, []))
    if length(setsubtract(lookup(module.fabric.bgp_sessions, node, []), lookup(local.established, node, []))) > 0
  }
}

check "bgp_sessions_established" {
  assert {
    condition = length(local.not_established) == 0
    error_message = "Sessions not Established yet: ${join("; ", [
      for node, peers in local.not_established : "${node} with ${join(", ", sort(peers))}"
    ])}. Run terraform plan again in a minute; a session still down after that needs a look (the troubleshooting guide)."
  }
}
