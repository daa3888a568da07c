# Terraform 1.12+ and OpenTofu 1.12+: import by the resource identity.
import {
  to       = calico_bgp_peer.rack1_tor
  identity = {
    name = "rack1-tor"
  }
}
