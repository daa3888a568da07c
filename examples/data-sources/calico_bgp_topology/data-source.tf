# The sessions Calico will build, before calico-node applies them to BIRD.
data "calico_bgp_topology" "fabric" {}

# Fail the run's checks when a node would have no BGP session, or when Calico sees a likely
# mistake (a node behind a single route reflector, reflectors that do not peer).
check "bgp_fabric" {
  assert {
    condition     = length(data.calico_bgp_topology.fabric.isolated_nodes) == 0
    error_message = "Nodes without any BGP session: ${join(", ", data.calico_bgp_topology.fabric.isolated_nodes)}."
  }
  assert {
    condition     = length(data.calico_bgp_topology.fabric.warnings) == 0
    error_message = join("\n", data.calico_bgp_topology.fabric.warnings)
  }
}

# The peers of one node, as BIRD's neighbors.
output "node1_neighbors" {
  value = [for s in data.calico_bgp_topology.fabric.nodes["node1"].sessions : "${s.peer_ip} AS${s.peer_as_number} (${s.type}, ${s.source})"]
}

# Over thousands of nodes, read the rack a change touches: its nodes' sessions, counted and
# listed, computed over the whole fabric.
data "calico_bgp_topology" "rack1" {
  node_selector = "rack == 'rack1'"
}

output "rack1_sessions" {
  value = data.calico_bgp_topology.rack1.session_count
}
