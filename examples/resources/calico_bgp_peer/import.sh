# BGPPeers are imported by name.
terraform import calico_bgp_peer.rack1_tor rack1-tor
