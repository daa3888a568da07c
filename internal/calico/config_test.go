package calico

import (
	"errors"
	"os"
	"path/filepath"
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
	if rc.QPS != DefaultQPS || rc.Burst != DefaultBurst || rc.Timeout != DefaultRequestTimeout {
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
	if _, err := (Config{ConfigContent: "{not yaml"}).RESTConfig(); err == nil {
		t.Error("invalid content accepted")
	}
}

func TestRESTConfigErrors(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	if _, err := (Config{}).RESTConfig(); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("want ErrNoCredentials, got %v", err)
	}
	if _, err := (Config{ConfigPaths: []string{"/nonexistent"}}).RESTConfig(); err == nil {
		t.Error("missing kubeconfig accepted")
	}
	if _, err := (Config{Host: "https://"}).RESTConfig(); err == nil {
		t.Error("empty host accepted")
	}
}

func TestRedactedSummaryHasNoSecrets(t *testing.T) {
	c := Config{Token: "s3cret", ClientKey: "KEY", ConfigContent: "token: s3cret"}
	for k, v := range c.redactedSummary() {
		if s, ok := v.(string); ok && (s == "s3cret" || s == "KEY" || s == "token: s3cret") {
			t.Errorf("%s leaks a secret", k)
		}
	}
}
