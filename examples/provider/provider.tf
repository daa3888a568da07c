# A kubeconfig file and context (or set KUBE_CONFIG_PATH and leave the block empty).
provider "calico" {
  config_path    = "~/.kube/config"
  config_context = "bare-metal-prod"
}

# Inline credentials, as CI and HCP Terraform workspaces use them (mark the variables sensitive).
provider "calico" {
  alias                  = "inline"
  host                   = "https://10.0.0.5:6443"
  token                  = var.cluster_token
  cluster_ca_certificate = var.cluster_ca_pem
}

# A credential plugin, as in a kubeconfig's exec section: here OIDC login (kubelogin).
provider "calico" {
  alias                  = "oidc"
  host                   = "https://10.0.0.5:6443"
  cluster_ca_certificate = var.cluster_ca_pem
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "kubectl"
    args        = ["oidc-login", "get-token", "--oidc-issuer-url=https://sso.example.net", "--oidc-client-id=kubernetes"]
  }
}

# Inside the cluster (a CI runner pod): no settings; the pod's service account is used.
provider "calico" {
  alias = "in_cluster"
}

variable "cluster_token" {
  type      = string
  sensitive = true
}
variable "cluster_ca_pem" { type = string }
