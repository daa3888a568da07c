import {
  to = calico_bgp_peer.rack1_tor
  id = "rack1-tor"
}
