# Wait until every BGP session of the racks' nodes is Established after the peering with the
# top-of-rack switches is created or changed (Terraform 1.14 and later).
action "calico_wait_for_bgp_sessions" "racks" {
  config {
    node_selector = "has(rack)"
    timeout       = "5m"
  }
}

resource "calico_bgp_peer" "rack1_tor" {
  name          = "rack1-tor"
  node_selector = "rack == 'rack1' && route-reflector == 'true'"
  peer_ip       = "10.1.0.1"
  as_number     = 65001

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.calico_wait_for_bgp_sessions.racks]
    }
  }
}

# Or by hand, at any time:
#   terraform apply -invoke=action.calico_wait_for_bgp_sessions.racks
