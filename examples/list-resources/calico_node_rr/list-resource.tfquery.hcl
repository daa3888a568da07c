# The route reflectors: nodes with a route-reflector cluster ID.
list "calico_node_rr" "reflectors" {
  provider         = calico
  include_resource = true
}
