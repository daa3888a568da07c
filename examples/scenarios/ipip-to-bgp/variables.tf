variable "pool_name" {
  description = "Name of the pod IP pool."
  type        = string
  default     = "default-ipv4-ippool"
}

variable "cidr" {
  description = "The pod CIDR."
  type        = string
  default     = "10.244.0.0/16"
}

variable "encapsulation" {
  description = "\"IPIP\" (overlay), \"VXLAN\" (overlay) or \"None\" (native routing, pod routes carried by BGP)."
  type        = string
  validation {
    condition     = contains(["IPIP", "VXLAN", "None"], var.encapsulation)
    error_message = "encapsulation must be IPIP, VXLAN or None."
  }
}

variable "check_nodes" {
  description = "Nodes whose BGP sessions must be Established before switching to native routing (a few are enough)."
  type        = list(string)
  default     = []
}
