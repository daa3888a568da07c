variable "route_reflectors" {
  description = "Names of the nodes to make route reflectors (two or more, for redundancy); none only to roll back, with the mesh on."
  type        = list(string)
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

variable "node_to_node_mesh_enabled" {
  description = "Keep the node-to-node mesh on, or turn it back on: the first step of a rollback, before the reflectors go."
  type        = bool
  default     = false
}
