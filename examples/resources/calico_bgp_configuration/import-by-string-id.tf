import {
  to = calico_bgp_configuration.default
  id = "default"
}
