# IPPools are imported by name.
terraform import calico_ip_pool.default default-ipv4-ippool
