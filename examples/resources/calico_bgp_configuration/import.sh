# BGPConfigurations are imported by name.
terraform import calico_bgp_configuration.default default
