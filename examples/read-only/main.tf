# A first plan that writes nothing: what Calico has, and the BGP sessions it builds from it.
terraform {
  required_providers {
    calico = {
      source  = "calico-tf/calico"
      version = "~> 0.1"
    }
  }
}

provider "calico" {
  config_path = "~/.kube/config"
}

# Every node: its AS number, addresses, route-reflector role and labels.
data "calico_nodes" "all" {}

# The sessions calico-node's confd builds for every node from the cluster's objects.
data "calico_bgp_topology" "now" {}

output "nodes" {
  value = { for n in data.calico_nodes.all.nodes : n.name => { as_number = n.as_number, ipv4_address = n.ipv4_address, route_reflector = n.route_reflector_cluster_id != null } }
}

output "sessions_per_node" {
  value = { for name, n in data.calico_bgp_topology.now.nodes : name => length(n.sessions) }
}

# Warns, without failing the plan, when a node has no BGP session at all.
check "no_isolated_nodes" {
  assert {
    condition     = length(data.calico_bgp_topology.now.isolated_nodes) == 0
    error_message = "Nodes without any BGP session: ${join(", ", data.calico_bgp_topology.now.isolated_nodes)}."
  }
}
