package scenarios_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// The README's way in, as a user follows it: the provider installed from a filesystem mirror
// under its Registry address with the README's version constraint (as a locally built release
// would be), terraform init, and the read-only first example (examples/read-only) planned and
// applied unchanged against the cluster through ~/.kube/config. It writes nothing, and reads
// every node.
func TestAccInstall_readOnlyFirstPlanFromAFilesystemMirror(t *testing.T) {
	env := acctest.Cluster(t)
	if !env.Mode.Kubernetes() {
		t.Skip("the read-only example connects through a kubeconfig")
	}
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Join(filepath.Dir(file), "..", "..")
	example, err := os.ReadFile(filepath.Join(repo, "examples", "read-only", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}

	// A mirror in the layout terraform and tofu read: host/namespace/type/version/os_arch/.
	const version = "0.1.0"
	mirror := t.TempDir()
	target := runtime.GOOS + "_" + runtime.GOARCH
	var binary string
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		dir := filepath.Join(mirror, host, "calico-tf", "calico", version, target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "terraform-provider-calico_v"+version)
		if binary == "" {
			build := exec.Command("go", "build", "-ldflags", "-X main.version="+version, "-o", path, ".")
			build.Dir = repo
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			binary = path
		} else if err := os.Link(binary, path); err != nil {
			t.Fatal(err)
		}
	}
	rc := filepath.Join(t.TempDir(), "terraformrc")
	err = os.WriteFile(rc, fmt.Appendf(nil, `provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/calico-tf/calico", "registry.opentofu.org/calico-tf/calico"]
  }
  direct {
    exclude = ["registry.terraform.io/calico-tf/calico", "registry.opentofu.org/calico-tf/calico"]
  }
}
`, mirror), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	kubeconfig, err := os.ReadFile(env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(home, ".kube"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".kube", "config"), kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}

	for i, name := range []string{"acc-install-1", "acc-install-2", "acc-install-3"} {
		acctest.CreateNodeAsCalicoNodeLeavesIt(t, name, map[string]string{"rack": "rack1"}, fmt.Sprintf("10.9.0.%d/24", i+11), "")
	}
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": example})
	cli.SetEnv("TF_CLI_CONFIG_FILE", rc)
	cli.SetEnv("HOME", home)
	cli.SetEnv("KUBE_CONFIG_PATH", "") // the example's own config_path, as on a user's machine
	if out, err := cli.Run("init", "-no-color", "-input=false"); err != nil {
		t.Fatalf("terraform init from the mirror: %v\n%s", err, out)
	}
	lock, err := cli.ReadFile(".terraform.lock.hcl")
	if err != nil || !strings.Contains(string(lock), `version     = "`+version+`"`) {
		t.Fatalf("init did not install calico-tf/calico %s from the mirror (lock file: %v)\n%s", version, err, lock)
	}
	if warnings := cli.PlanWarnings(); len(warnings) != 0 {
		t.Errorf("the read-only plan warns: %q", warnings)
	}
	if err := cli.Terraform().Apply(context.Background()); err != nil {
		t.Fatalf("terraform apply of the read-only example: %v", err)
	}
	var nodes map[string]any
	cli.Output("nodes", &nodes)
	want, err := acctest.Kube(t).CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != len(want.Items) || len(nodes) < 3 {
		t.Errorf("output nodes has %d nodes, the cluster %d", len(nodes), len(want.Items))
	}
}
