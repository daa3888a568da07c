# Every BGPPeer whose labels match, with the configuration that reproduces it.
list "calico_bgp_peer" "rack_peers" {
  provider         = calico
  include_resource = true

  config {
    selector    = "has(rack)"
    name_prefix = "tor-"
  }
}
