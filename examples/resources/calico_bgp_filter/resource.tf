# Export only the pod CIDR's routes to the top-of-rack switches; import only /24s and longer
# from inside the datacenter range, and nothing learned on a management interface.
resource "calico_bgp_filter" "tor" {
  name = "tor-policy"
  export_v4 = [
    { action = "Accept", cidr = "10.244.0.0/16", match_operator = "In" },
    { action = "Reject" },
  ]
  import_v4 = [
    { action = "Reject", interface = "mgmt*" },
    { action = "Accept", cidr = "10.0.0.0/8", match_operator = "In", prefix_length = { min = 24, max = 32 } },
    { action = "Reject" },
  ]
  export_v6 = [
    { action = "Accept", cidr = "fd00:10:244::/48", match_operator = "In" },
    { action = "Reject" },
  ]
}

resource "calico_bgp_peer" "tor" {
  name          = "tor"
  node_selector = "has(rr-id)"
  peer_ip       = "172.20.0.254"
  as_number     = 65001
  filters       = [calico_bgp_filter.tor.name]
}
