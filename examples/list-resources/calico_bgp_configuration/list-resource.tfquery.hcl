# The cluster's BGP configurations: "default" and the per-node ones ("node.<name>").
list "calico_bgp_configuration" "all" {
  provider         = calico
  include_resource = true
}
