# Credentials from a kubeconfig file (or set KUBE_CONFIG_PATH and leave the block empty).
provider "calico" {
  config_path    = "~/.kube/config"
  config_context = "prod-bare-metal"
}

# Inline credentials, as HCP Terraform workspaces use them (mark the variables sensitive).
provider "calico" {
  alias                  = "inline"
  host                   = var.cluster_endpoint
  token                  = var.cluster_token
  cluster_ca_certificate = var.cluster_ca_pem
}

# A credential plugin, as in a kubeconfig's exec section.
provider "calico" {
  alias                  = "eks"
  host                   = var.cluster_endpoint
  cluster_ca_certificate = var.cluster_ca_pem
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", "bare-metal"]
  }
}

variable "cluster_endpoint" { type = string }
variable "cluster_token" {
  type      = string
  sensitive = true
}
variable "cluster_ca_pem" { type = string }
