# The first step of the route-reflector design: one cluster AS and the node-to-node mesh off.
# (In a real cluster, create the route reflectors and their peers before turning the mesh
# off; the scenarios under examples/scenarios do it in that order.)
terraform {
  required_providers {
    calico = {
      source = "calico-tf/calico"
    }
  }
}

provider "calico" {}

resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  as_number                 = 64512
  log_severity_screen       = "Info"
  service_cluster_ips       = ["10.96.0.0/12"]
}

output "bgp_configuration" {
  value = {
    name                      = calico_bgp_configuration.default.name
    as_number                 = calico_bgp_configuration.default.as_number
    node_to_node_mesh_enabled = calico_bgp_configuration.default.node_to_node_mesh_enabled
  }
}
