list "calico_node_status" "all" {
  provider         = calico
  include_resource = true
}
