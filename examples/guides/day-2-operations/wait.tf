# Terraform 1.14 and later: wait until every session Calico configures for the racks' nodes is
# Established, or fail naming each session that is not, with BIRD's state.
#   terraform apply -invoke=action.calico_wait_for_bgp_sessions.fabric
action "calico_wait_for_bgp_sessions" "fabric" {
  config {
    node_selector = "has(rack)"
    timeout       = "3m"
  }
}
