# IP pools, but those the Tigera operator reconciles (set include_operator_managed = true to
# list them too, for reference only: the provider refuses to change or destroy them).
list "calico_ip_pool" "all" {
  provider         = calico
  include_resource = true
}
