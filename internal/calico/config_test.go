package calico

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://a.example:6443"}
- name: b
  cluster: {server: "https://b.example:6443"}
users:
- name: ua
  user: {token: token-a}
- name: ub
  user: {token: token-b}
contexts:
- name: ca
  context: {cluster: a, user: ua}
- name: cb
  context: {cluster: b, user: ub}
current-context: ca
`

func writeKubeconfig(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRESTConfigFromKubeconfig(t *testing.T) {
	p := writeKubeconfig(t)
	rc, err := Config{ConfigPaths: []string{p}}.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	if rc.Host != "https://a.example:6443" || rc.BearerToken != "token-a" {
		t.Errorf("current context not used: %s %s", rc.Host, rc.BearerToken)
	}
	if rc.QPS >= 0 || rc.Burst != DefaultBurst || rc.Timeout != DefaultRequestTimeout {
		t.Errorf("defaults not applied: qps=%v burst=%v timeout=%v", rc.QPS, rc.Burst, rc.Timeout)
	}

	rc, err = Config{ConfigPaths: []string{p}, ConfigContext: "cb", QPS: 7, Burst: 9, RequestTimeout: time.Second}.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	if rc.Host != "https://b.example:6443" || rc.BearerToken != "token-b" || rc.QPS != 7 || rc.Burst != 9 || rc.Timeout != time.Second {
		t.Errorf("context or limits not applied: %+v", rc)
	}
}

func TestRESTConfigExplicitOverridesKubeconfig(t *testing.T) {
	rc, err := Config{ConfigPaths: []string{writeKubeconfig(t)}, Host: "10.0.0.1:6443", Token: "explicit", Insecure: true}.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	if rc.Host != "https://10.0.0.1:6443" || rc.BearerToken != "explicit" || !rc.Insecure {
		t.Errorf("explicit settings must win: %s %s %v", rc.Host, rc.BearerToken, rc.Insecure)
	}
}

func TestRESTConfigContentAndExec(t *testing.T) {
	rc, err := Config{ConfigContent: kubeconfig, Token: "", Exec: &ExecConfig{
		APIVersion: "client.authentication.k8s.io/v1", Command: "get-token", Args: []string{"--x"}, Env: map[string]string{"A": "b"},
	}}.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	if rc.Host != "https://a.example:6443" {
		t.Errorf("content not used: %s", rc.Host)
	}
	if rc.ExecProvider == nil || rc.ExecProvider.Command != "get-token" || rc.ExecProvider.Env[0].Name != "A" {
		t.Errorf("exec plugin not configured: %+v", rc.ExecProvider)
	}
}

// Settings the client cannot use fail with their own cause from RESTConfig, and the client
// reports them in their class (no credentials at all, or an unusable configuration) before it
// makes any request: its first call that needs the cluster (CalicoNodeNamespace here) does.
func TestRESTConfigErrors(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	for _, c := range []struct {
		name  string
		cfg   Config
		cause string // in RESTConfig's error
		is    error  // RESTConfig's error wraps it, where there is one to test
		class error  // the client's error
	}{
		{"nothing set, not in a cluster", Config{}, "not running in a cluster", ErrNoCredentials, ErrNoCredentials},
		{"inline kubeconfig not YAML", Config{ConfigContent: "{not yaml"}, "the inline kubeconfig is not valid", nil, ErrInvalidConfig},
		{"kubeconfig file missing", Config{ConfigPaths: []string{"/nonexistent"}}, `kubeconfig "/nonexistent" cannot be read`,
			fs.ErrNotExist, ErrInvalidConfig},
		{"host with no host in it", Config{Host: "https://"}, `host "https://" is not a valid URL or host:port`, nil, ErrInvalidConfig},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.cfg.RESTConfig()
			if err == nil || !strings.Contains(err.Error(), c.cause) {
				t.Errorf("RESTConfig: %v, want an error saying %q", err, c.cause)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("RESTConfig: %v, want one that is %v", err, c.is)
			}
			if _, err := NewClient(c.cfg).CalicoNodeNamespace(context.Background()); !errors.Is(err, c.class) {
				t.Errorf("the client: %v, want %v", err, c.class)
			}
		})
	}
}

// The summary the provider logs says which secrets are set, never what they are: neither the
// Kubernetes ones nor etcd's.
func TestRedactedSummaryHasNoSecrets(t *testing.T) {
	secrets := []string{"kube-T0ken", "KUBE-KEY", "inline-T0ken", "exec-T0ken", "etcd-Passw0rd", "etcd-user", "ETCD-KEY", "ETCD-CERT", "ETCD-CA"}
	c := Config{Token: "kube-T0ken", ClientKey: "KUBE-KEY", ConfigContent: "token: inline-T0ken",
		Exec: &ExecConfig{Command: "get-token", Env: map[string]string{"TOKEN": "exec-T0ken"}},
		Etcd: EtcdConfig{Endpoints: []string{"https://etcd:2379"}, Password: "etcd-Passw0rd", Username: "etcd-user",
			ClientKey: "ETCD-KEY", ClientCertificate: "ETCD-CERT", CACertificate: "ETCD-CA"}}
	summary := NewClient(c).LogFields()
	logged := fmt.Sprintf("%#v", summary)
	for _, secret := range secrets {
		if strings.Contains(logged, secret) {
			t.Errorf("the logged summary holds %q: %s", secret, logged)
		}
	}
	for _, set := range []string{"token_set", "client_key_set", "config_content", "exec_set",
		"etcd_password_set", "etcd_username_set", "etcd_key_set", "etcd_cert_set", "etcd_ca_set"} {
		if summary[set] != true {
			t.Errorf("the logged summary does not say %s: %s", set, logged)
		}
	}
}
