// Package acctest runs acceptance tests against the real local Calico API (internal/testenv):
// provider factories, the test cluster handle, and checks that read what the server stores.
package acctest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/calico-tf/terraform-provider-calico/internal/provider"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// ProviderFactories serves the provider in-process to the terraform binary under test.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"calico": func() (tfprotov6.ProviderServer, error) { return provider.NewServer("acctest")(), nil },
}

// EnvDirVariable names a directory holding a running local Calico API (started by make test);
// without it, TestMain starts one for the package and stops it afterwards.
const EnvDirVariable = "CALICO_TESTENV_DIR"

// ModeVariable chooses the datastore mode of the local Calico API TestMain starts (apiserver,
// crd-v1 or v3-crds); with EnvDirVariable the running environment's own mode applies.
const ModeVariable = "CALICO_TESTENV_MODE"

var cluster *testenv.Env

// setDefault sets an environment variable the user did not set.
func setDefault(name, value string) {
	if os.Getenv(name) == "" {
		os.Setenv(name, value)
	}
}

// Main is the TestMain of packages with acceptance tests. With TF_ACC set it makes sure a
// local Calico API runs, points the provider at it through KUBE_CONFIG_PATH, runs the tests and
// stops what it started.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	defer removeBuiltProvider()
	// A CLI configuration file that is named but missing makes OpenTofu print its warning on
	// stdout, where terraform-plugin-testing reads the CLI's version; no test needs one.
	if rc := os.Getenv("TF_CLI_CONFIG_FILE"); rc != "" {
		if _, err := os.Stat(rc); errors.Is(err, fs.ErrNotExist) {
			os.Unsetenv("TF_CLI_CONFIG_FILE")
		}
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if tf, err := exec.LookPath("terraform"); err == nil {
			os.Setenv("TF_ACC_TERRAFORM_PATH", tf)
		}
	}
	// terraform-plugin-testing hands the in-process provider to the CLI under addresses of
	// registry.terraform.io, also in the legacy namespace "-", which OpenTofu refuses; OpenTofu
	// resolves a provider without a source to registry.opentofu.org/hashicorp/<name>.
	if filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")) == "tofu" {
		setDefault("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
		setDefault("TF_ACC_PROVIDER_NAMESPACE", "hashicorp")
	}
	var err error
	if dir := os.Getenv(EnvDirVariable); dir != "" {
		cluster, err = testenv.Load(dir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "acctest: no local Calico API recorded in %s=%s: %v\n", EnvDirVariable, dir, err)
			return 1
		}
	} else {
		root, rerr := testenv.RepoRoot()
		if rerr != nil {
			fmt.Fprintln(os.Stderr, "acctest:", rerr)
			return 1
		}
		dir, derr := os.MkdirTemp("", "calico-testenv-")
		if derr != nil {
			fmt.Fprintln(os.Stderr, "acctest:", derr)
			return 1
		}
		defer os.RemoveAll(dir)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		mode, merr := testenv.ParseMode(cmp.Or(os.Getenv(ModeVariable), string(testenv.ModeAPIServer)))
		if merr != nil {
			fmt.Fprintln(os.Stderr, "acctest:", merr)
			return 1
		}
		cluster, err = testenv.Start(ctx, root, testenv.DefaultCacheDir(), dir, mode, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "acctest: starting the local Calico API:", err)
			return 1
		}
		defer func() {
			if err := cluster.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, "acctest: stopping the local Calico API:", err)
			}
		}()
	}
	// The provider blocks in test configurations stay empty: the provider finds the cluster
	// the way users' CI would, through the environment (calicoctl's, for etcd).
	for _, v := range []string{"KUBE_HOST", "KUBE_TOKEN", "KUBE_CONFIG_PATHS", "KUBE_CTX", "KUBE_INSECURE", "KUBE_CONFIG_CONTENT",
		"KUBE_CONFIG_PATH", "DATASTORE_TYPE", "ETCD_ENDPOINTS", "ETCD_CA_CERT_FILE", "ETCD_CERT_FILE", "ETCD_KEY_FILE",
		"ETCD_USERNAME", "ETCD_PASSWORD"} {
		os.Unsetenv(v)
	}
	if cluster.Mode.Kubernetes() {
		os.Setenv("KUBE_CONFIG_PATH", cluster.Kubeconfig)
	}
	for _, kv := range cluster.DatastoreEnv() {
		name, value, _ := strings.Cut(kv, "=")
		if name != "KUBECONFIG" {
			os.Setenv(name, value)
		}
	}
	return m.Run()
}

// Cluster returns the running test cluster, skipping the test when acceptance tests are off.
func Cluster(t *testing.T) *testenv.Env {
	t.Helper()
	if os.Getenv("TF_ACC") == "" || cluster == nil {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	return cluster
}

// RequireKubernetes skips a test of what exists only on Kubernetes (RBAC, Secrets) in the mode
// that keeps Calico's objects in etcd; it returns the cluster otherwise.
func RequireKubernetes(t *testing.T) *testenv.Env {
	t.Helper()
	env := Cluster(t)
	if !env.Mode.Kubernetes() {
		t.Skip("needs the Kubernetes API; this mode keeps Calico's objects in etcd")
	}
	return env
}

// RequireEtcd skips a test of the etcd datastore in the modes on Kubernetes; it returns the
// cluster otherwise.
func RequireEtcd(t *testing.T) *testenv.Env {
	t.Helper()
	env := Cluster(t)
	if env.Mode.Kubernetes() {
		t.Skip("a test of the etcd datastore")
	}
	return env
}

// Kube returns a Kubernetes client for checks and out-of-band changes; the test is skipped in
// the etcd mode.
func Kube(t *testing.T) kubernetes.Interface {
	t.Helper()
	RequireKubernetes(t)
	c, err := kubernetes.NewForConfig(restConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func restConfig(t *testing.T) *rest.Config {
	return Cluster(t).RESTConfig()
}
