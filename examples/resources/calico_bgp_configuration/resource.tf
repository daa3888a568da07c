# Cluster-wide settings for route reflectors and top-of-rack peering: the mesh off, one
# cluster AS, Service ranges advertised, and a community on the pod CIDR's routes. Before the
# apply that turns the mesh off writes, every node that is not a reflector must report at least
# two Established sessions other than the mesh (two reflectors, over IPv4) within ten minutes.
# Any session between two such nodes must be Established too.
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  as_number                 = 64512 # or asdot, such as "1.10"
  log_severity_screen       = "Info"
  listen_port               = 179
  service_cluster_ips       = ["10.96.0.0/12"]
  service_external_ips      = ["198.51.100.0/24"]
  communities               = [{ name = "rack", value = "64512:300" }]
  prefix_advertisements     = [{ cidr = "10.244.0.0/16", communities = ["rack", "64512:120"] }]

  mesh_disable_check = {
    min_established_sessions = 2
    node_selector            = "!has(route-reflector)"
    timeout                  = "10m"
  }
}

# One node's overrides (only fields that are not cluster-wide).
resource "calico_bgp_configuration" "edge_node" {
  name               = "node.edge-1"
  listen_port        = 1179
  ignored_interfaces = ["vxlan*", "docker0"]
}
