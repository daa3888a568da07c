# Every node peers with the route reflectors (nodes labelled route-reflector=true, see
# calico_node_rr). Their AS numbers come from the nodes.
resource "calico_bgp_peer" "to_route_reflectors" {
  name          = "peer-with-route-reflectors"
  node_selector = "all()"
  peer_selector = "route-reflector == 'true'"
}

# The route reflectors of rack 1 peer with their top-of-rack switch (eBGP), export only the
# pod CIDR, and protect the session with a password kept in an existing Secret.
resource "calico_bgp_filter" "pods_only" {
  name = "export-pods"
  export_v4 = [
    { action = "Accept", cidr = "10.244.0.0/16", match_operator = "In" },
    { action = "Reject" },
  ]
}

resource "calico_bgp_peer" "rack1_tor" {
  name                = "rack1-tor"
  node_selector       = "rr-group == 'rr1' && has(rr-id)"
  peer_ip             = "172.20.0.254" # also "10.0.0.1:1179" or "[fd00::1]:1179"
  as_number           = 65001          # or asdot, such as "1.10"
  password_secret_ref = { name = "bgp-secrets", key = "rack1" }
  max_restart_time    = "2m"
  source_address      = "UseNodeIP"
  filters             = [calico_bgp_filter.pods_only.name]
}

# A password that never enters state: write-only (Terraform 1.11+). The provider keeps it in
# the Secret bgp-password-rack2-tor in calico-node's namespace; bump the version to rotate it.
variable "rack2_bgp_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "calico_bgp_peer" "rack2_tor" {
  name                = "rack2-tor"
  node_selector       = "rr-group == 'rr2' && has(rr-id)"
  peer_ip             = "172.20.1.254"
  as_number           = 65002
  password_wo         = var.rack2_bgp_password
  password_wo_version = 1
}

# calico-node reads BGP passwords from Secrets in its own namespace (calico-system for operator
# installs, kube-system for manifest installs) and needs permission to. With the
# hashicorp/kubernetes provider:
resource "kubernetes_role" "calico_node_bgp_secrets" {
  metadata {
    name      = "calico-node-bgp-secrets"
    namespace = "calico-system"
  }
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = ["bgp-secrets", "bgp-password-rack2-tor"]
    verbs          = ["get", "list", "watch"]
  }
}

resource "kubernetes_role_binding" "calico_node_bgp_secrets" {
  metadata {
    name      = "calico-node-bgp-secrets"
    namespace = "calico-system"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role.calico_node_bgp_secrets.metadata[0].name
  }
  subject {
    kind      = "ServiceAccount"
    name      = "calico-node"
    namespace = "calico-system"
  }
}
