# BGPFilters are imported by name.
terraform import calico_bgp_filter.tor tor-policy
