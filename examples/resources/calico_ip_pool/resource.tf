# The cluster's pod pool, routed natively: pod routes are carried by BGP to the top-of-rack
# switches. To move off an IPIP overlay, change ipip_mode from "Always" to "Never" (an
# in-place update); peer with the switches first, or cross-node pod traffic stops.
resource "calico_ip_pool" "default" {
  name          = "default-ipv4-ippool"
  cidr          = "10.244.0.0/16"
  ipip_mode     = "Never"
  vxlan_mode    = "Never"
  nat_outgoing  = true
  block_size    = 26
  node_selector = "all()"
}

# IPv6 pods, also natively routed.
resource "calico_ip_pool" "ipv6" {
  name = "default-ipv6-ippool"
  cidr = "fd00:10:244::/56"
}

# Addresses for Services of type LoadBalancer, advertised over BGP.
resource "calico_ip_pool" "load_balancers" {
  name         = "load-balancers"
  cidr         = "198.51.100.0/24"
  block_size   = 32
  allowed_uses = ["LoadBalancer"]
}
