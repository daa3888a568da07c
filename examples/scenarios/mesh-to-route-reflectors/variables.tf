variable "route_reflectors" {
  description = "Names of the nodes to make route reflectors (two or more, for redundancy)."
  type        = list(string)
  validation {
    condition     = length(var.route_reflectors) >= 1
    error_message = "Name at least one route reflector node."
  }
}

variable "cluster_id" {
  description = "Route-reflector cluster ID shared by the reflectors, in IPv4 dotted form."
  type        = string
  default     = "244.0.0.1"
}

variable "as_number" {
  description = "The cluster's AS number (number or asdot string)."
  type        = string
  default     = "64512"
}

variable "checked_nodes" {
  description = "Selector of the nodes the mesh check covers. Before the mesh goes off, each needs min_established_sessions Established sessions other than the mesh, and every session between two of them must be Established."
  type        = string
  default     = "all()"
}

variable "mesh_disable_timeout" {
  description = "How long to wait for those sessions to be Established before giving up, with the mesh still on."
  type        = string
  default     = "5m"
}

variable "min_established_sessions" {
  description = "How many Established sessions besides the mesh every checked node needs before the mesh goes off; 0 turns the check off (routes may be lost while the new sessions come up)."
  type        = number
  default     = 1
}
