list "calico_bgp_filter" "all" {
  provider         = calico
  include_resource = true
}
