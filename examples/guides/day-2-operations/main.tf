# The fabric: the leaf-spine module (a copy of examples/scenarios/leaf-spine-per-rack in the
# provider's repository) and its switch side, in one configuration.
terraform {
  required_version = ">= 1.7"
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}

variable "racks" {
  description = "The racks, as the module takes them."
  type        = any
}

variable "node_to_node_mesh_enabled" {
  type    = bool
  default = false
}

variable "mesh_disable_check" {
  type    = any
  default = null
}

module "fabric" {
  source                    = "./leaf-spine-per-rack"
  racks                     = var.racks
  export_only_pod_cidr      = "10.244.0.0/16"
  node_to_node_mesh_enabled = var.node_to_node_mesh_enabled
  mesh_disable_check        = var.mesh_disable_check
}

# The switch side: each rack's switch takes one neighbor per reflector from tor_neighbors, with
# your switch vendor's provider (the leaf-spine guide shows one). A change of a reflector, its
# address or the rack's AS then changes both ends in the same plan.
output "tor_neighbors" {
  value = module.fabric.tor_neighbors
}

# Per node, the peers calico_bgp_topology predicts: what `birdc show protocols` should list.
output "bgp_sessions" {
  value = module.fabric.bgp_sessions
}
