import {
  to = calico_bgp_filter.tor
  id = "tor-policy"
}
