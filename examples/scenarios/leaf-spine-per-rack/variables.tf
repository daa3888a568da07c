variable "racks" {
  description = <<-EOT
    The racks: each with its AS number, route-reflector cluster ID, its nodes, which of them are
    route reflectors (two for redundancy), and its top-of-rack switch's address and AS.
  EOT
  type = map(object({
    as_number        = number
    cluster_id       = string
    nodes            = list(string)
    route_reflectors = list(string)
    tor = object({
      peer_ip   = string
      as_number = number
    })
  }))
  validation {
    condition     = alltrue([for r in values(var.racks) : length(setsubtract(r.route_reflectors, r.nodes)) == 0])
    error_message = "Every route reflector must be one of its rack's nodes."
  }
}

variable "rack_label" {
  description = "Node label whose value is the node's rack name (set by your node provisioning)."
  type        = string
  default     = "rack"
}

variable "password_secret" {
  description = "Name of a Secret in calico-node's namespace holding one BGP password per rack (key = rack name), or null for none."
  type        = string
  default     = null
}

variable "export_only_pod_cidr" {
  description = "If set, the reflectors export only routes inside this CIDR to the switches."
  type        = string
  default     = null
}

variable "default_as_number" {
  description = "AS number of nodes outside every rack."
  type        = number
  default     = 64512
}

variable "mesh_disable_check" {
  description = "What must hold before the mesh goes off (calico_bgp_configuration's mesh_disable_check); null for the provider's defaults."
  type = object({
    min_established_sessions = optional(number)
    node_selector            = optional(string)
    timeout                  = optional(string)
  })
  default = null
}

variable "node_to_node_mesh_enabled" {
  description = "Keep the node-to-node mesh on: to put the design in place first (reflectors, peers, AS numbers, then the switches from tor_neighbors), and turn the mesh off in a second apply, once the switches peer."
  type        = bool
  default     = false
}
