package provider_test

import (
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// etcdOnly is the test cluster of a test of the etcd connection settings. It hides calicoctl's
// environment, which the harness sets, so that only the provider block configures the
// connection.
func etcdOnly(t *testing.T) *testenv.Env {
	t.Helper()
	acctest.RequireEtcd(t)
	for _, v := range []string{"DATASTORE_TYPE", "ETCD_ENDPOINTS", "ETCD_CA_CERT_FILE", "ETCD_CERT_FILE", "ETCD_KEY_FILE"} {
		t.Setenv(v, "")
	}
	return acctest.Cluster(t)
}

// etcdProvider renders a provider block for etcd with the given attributes of the etcd block.
func etcdProvider(attributes ...string) string {
	return "provider \"calico\" {\n  datastore_type = \"etcdv3\"\n  etcd {\n    " + strings.Join(attributes, "\n    ") + "\n  }\n}\n"
}

func pemAttribute(t *testing.T, name, file string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s = <<-EOT\n%sEOT", name, b)
}

// PEM content in the provider block (HCP Terraform style) reaches etcd over TLS with a client
// certificate: the import of a missing object fails as only a connected provider says.
func TestAccProvider_etcdInlineCredentials(t *testing.T) {
	env := etcdOnly(t)
	config := etcdProvider(fmt.Sprintf("endpoints = [%q]", env.Etcd.Endpoint), pemAttribute(t, "ca_certificate", env.Etcd.CAFile),
		pemAttribute(t, "client_certificate", env.Etcd.CertFile), pemAttribute(t, "client_key", env.Etcd.KeyFile))
	expectError(t, probeConfig(config), regexp.MustCompile(`Cannot import non-existent remote object`))
}

// Without the CA, etcd's certificate is not trusted: the system's CAs do not know it.
func TestAccProvider_etcdUntrustedCertificate(t *testing.T) {
	env := etcdOnly(t)
	config := etcdProvider(fmt.Sprintf("endpoints = [%q]", env.Etcd.Endpoint),
		pemAttribute(t, "client_certificate", env.Etcd.CertFile), pemAttribute(t, "client_key", env.Etcd.KeyFile))
	expectError(t, probeConfig(config), regexp.MustCompile(`(?s)etcd TLS Handshake Failed.*etcd.ca_certificate.*x509`))
}

// This etcd requires client certificates: without one, the handshake fails and says so.
func TestAccProvider_etcdClientCertificateRequired(t *testing.T) {
	env := etcdOnly(t)
	config := etcdProvider(fmt.Sprintf("endpoints = [%q]", env.Etcd.Endpoint), pemAttribute(t, "ca_certificate", env.Etcd.CAFile))
	expectError(t, probeConfig(config), regexp.MustCompile(`(?s)etcd TLS Handshake Failed.*etcd.client_certificate.*tls: `))
}

func TestAccProvider_etcdUnreachable(t *testing.T) {
	env := etcdOnly(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there any more
	config := etcdProvider(fmt.Sprintf("endpoints = [%q]", "https://"+addr), pemAttribute(t, "ca_certificate", env.Etcd.CAFile))
	expectError(t, probeConfig(config), regexp.MustCompile(`(?s)etcd Unreachable.*etcd.endpoints.*connection refused`))
}

// A dead first endpoint does not stop the provider: etcd's client goes on to the next one.
func TestAccProvider_etcdFirstEndpointDead(t *testing.T) {
	env := etcdOnly(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "https://" + l.Addr().String()
	l.Close() // nothing listens there any more
	config := etcdProvider(fmt.Sprintf("endpoints = [%q, %q]", dead, env.Etcd.Endpoint), pemAttribute(t, "ca_certificate", env.Etcd.CAFile),
		pemAttribute(t, "client_certificate", env.Etcd.CertFile), pemAttribute(t, "client_key", env.Etcd.KeyFile))
	expectError(t, probeConfig(config), regexp.MustCompile(`Cannot import non-existent remote object`))
}

// The environment variables calicoctl reads configure the provider too; files they name must
// be readable.
func TestAccProvider_etcdFromEnvironment(t *testing.T) {
	env := etcdOnly(t)
	for _, kv := range env.DatastoreEnv() {
		name, value, _ := strings.Cut(kv, "=")
		t.Setenv(name, value)
	}
	expectError(t, probeConfig(""), regexp.MustCompile(`Cannot import non-existent remote object`))
	t.Setenv("ETCD_KEY_FILE", "/nonexistent/etcd.key")
	expectError(t, probeConfig(""), regexp.MustCompile(`(?s)Cannot Read ETCD_KEY_FILE.*/nonexistent/etcd.key.*etcd.client_key`))
}

// Settings that cannot work together fail before any connection, on the attribute to change.
// They need no datastore, so they run in every mode.
func TestAccProvider_etcdSettingsChecked(t *testing.T) {
	acctest.Cluster(t)
	for _, v := range []string{"DATASTORE_TYPE", "ETCD_ENDPOINTS", "ETCD_CA_CERT_FILE", "ETCD_CERT_FILE", "ETCD_KEY_FILE"} {
		t.Setenv(v, "")
	}
	for _, c := range []struct{ name, provider, want string }{
		{"no endpoints", "provider \"calico\" {\n  datastore_type = \"etcdv3\"\n}\n", `(?s)No etcd Endpoints.*etcd.endpoints`},
		{"etcd block on Kubernetes", "provider \"calico\" {\n  etcd {\n    endpoints = [\"https://10.0.0.10:2379\"]\n  }\n}\n",
			`(?s)etcd Settings Need datastore_type = "etcdv3"`},
		{"API group on etcd", "provider \"calico\" {\n  datastore_type = \"etcdv3\"\n  calico_api_group = \"auto\"\n  etcd {\n    endpoints = [\"https://10.0.0.10:2379\"]\n  }\n}\n",
			`(?s)calico_api_group Does Not Apply to etcd`},
		{"endpoint without scheme", etcdProvider(`endpoints = ["10.0.0.10:2379"]`), `(?s)Invalid etcd Endpoint.*https://host:port`},
		{"certificate without key", etcdProvider(`endpoints = ["https://10.0.0.10:2379"]`, `client_certificate = "x"`),
			`(?s)Incomplete etcd Client Certificate`},
		{"user without password", etcdProvider(`endpoints = ["https://10.0.0.10:2379"]`, `username = "calico"`),
			`(?s)Incomplete etcd Credentials`},
		{"unknown datastore", "provider \"calico\" {\n  datastore_type = \"consul\"\n}\n", `(?s)Invalid Attribute Value Match.*datastore_type`},
	} {
		t.Run(c.name, func(t *testing.T) { expectError(t, probeConfig(c.provider), regexp.MustCompile(c.want)) })
	}
}
