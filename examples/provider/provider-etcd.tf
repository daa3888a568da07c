# Calico with its own etcd (calicoctl's DATASTORE_TYPE=etcdv3). With DATASTORE_TYPE,
# ETCD_ENDPOINTS, ETCD_CA_CERT_FILE, ETCD_CERT_FILE and ETCD_KEY_FILE set, the block can be empty.
provider "calico" {
  datastore_type = "etcdv3"
  etcd {
    endpoints          = ["https://10.0.0.10:2379", "https://10.0.0.11:2379", "https://10.0.0.12:2379"]
    ca_certificate     = var.etcd_ca_pem
    client_certificate = var.etcd_client_cert_pem
    client_key         = var.etcd_client_key_pem
  }
}

variable "etcd_ca_pem" { type = string }
variable "etcd_client_cert_pem" { type = string }
variable "etcd_client_key_pem" {
  type      = string
  sensitive = true
}
