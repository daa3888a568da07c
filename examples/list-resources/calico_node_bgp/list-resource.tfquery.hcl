# Nodes with their own AS number, in rack r1.
list "calico_node_bgp" "rack_r1" {
  provider         = calico
  include_resource = true

  config {
    selector = "rack == 'r1'"
  }
}
