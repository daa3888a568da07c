import {
  to = calico_ip_pool.default
  id = "default-ipv4-ippool"
}
