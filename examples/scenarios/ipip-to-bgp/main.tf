# IPIP overlay -> native BGP routing: the move off encapsulation that Calico's "Overlay
# networking" guide recommends where the network can carry the pod routes.
#
# With ipip_mode = "Always" pod traffic between nodes is encapsulated; with "Never" (and VXLAN
# off) it is routed natively and every pod route must be carried by BGP. Switch only when the
# BGP sessions are up: this module reports, from calico-node's own status reports, which nodes
# have no Established session, and refuses the switch to native routing while any do.
terraform {
  required_version = ">= 1.5"
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}

resource "calico_node_status" "check" {
  for_each              = toset(var.check_nodes)
  name                  = "bgp-check-${each.value}"
  node                  = each.value
  classes               = ["BGP"]
  update_period_seconds = 30
}

data "calico_nodes" "checked" {
  selector   = "all()"
  depends_on = [calico_node_status.check]
}

locals {
  checked = [for n in data.calico_nodes.checked.nodes : n if contains(var.check_nodes, n.name)]
  nodes_without_bgp = [
    for n in local.checked : n.name
    if !n.bgp_status_available || length([for p in n.bgp_peers : p if p.state == "Established"]) == 0
  ]
  native = var.encapsulation == "None"
}

resource "calico_ip_pool" "pods" {
  name          = var.pool_name
  cidr          = var.cidr
  ipip_mode     = var.encapsulation == "IPIP" ? "Always" : "Never"
  vxlan_mode    = var.encapsulation == "VXLAN" ? "Always" : "Never"
  nat_outgoing  = true
  node_selector = "all()"

  lifecycle {
    precondition {
      condition     = !local.native || length(local.nodes_without_bgp) == 0
      error_message = "Native routing needs BGP: these nodes have no Established BGP session: ${join(", ", local.nodes_without_bgp)}."
    }
  }
}
