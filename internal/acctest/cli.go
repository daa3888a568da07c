package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// Some configurations cannot go through plugin-testing (its state shim rejects for_each and
// modules), so these helpers run the terraform CLI itself against the provider binary, built
// once per test process and found through dev_overrides, as users run it.

var (
	buildOnce sync.Once
	builtDir  string // the built provider and builtCLI, removed when the test process ends
	builtCLI  string // TF_CLI_CONFIG_FILE pointing at the built provider
	buildErr  error
)

// removeBuiltProvider removes the provider built for this test process: each is about 90 MB,
// and make test starts dozens of test processes.
func removeBuiltProvider() {
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
}

func buildProvider() (string, error) {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "calico-provider-")
		if err != nil {
			buildErr = err
			return
		}
		builtDir = dir
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-calico"), "github.com/calico-tf/terraform-provider-calico")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the provider: %v\n%s", err, out)
			return
		}
		rc := filepath.Join(dir, "terraformrc")
		buildErr = os.WriteFile(rc, fmt.Appendf(nil, `provider_installation {
  dev_overrides {
    "calico-tf/calico" = %q
  }
  direct {}
}
`, dir), 0o600)
		builtCLI = rc
	})
	return builtCLI, buildErr
}

// CLI is a terraform working directory using the freshly built provider.
type CLI struct {
	t   *testing.T
	tf  *tfexec.Terraform
	env map[string]string
}

// NewCLI prepares a working directory holding the given files.
func NewCLI(t *testing.T, files map[string][]byte) *CLI {
	t.Helper()
	env := Cluster(t)
	rc, err := buildProvider()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, b := range files {
		if err := writeFile(filepath.Join(dir, name), b); err != nil {
			t.Fatal(err)
		}
	}
	tfPath, err := exec.LookPath("terraform")
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		tfPath, err = p, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	tf, err := tfexec.NewTerraform(dir, tfPath)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"TF_CLI_CONFIG_FILE": rc}
	if env.Mode.Kubernetes() {
		vars["KUBE_CONFIG_PATH"] = env.Kubeconfig
	}
	for _, kv := range env.DatastoreEnv() {
		if name, value, _ := strings.Cut(kv, "="); name != "KUBECONFIG" {
			vars[name] = value
		}
	}
	if err := tf.SetEnv(vars); err != nil {
		t.Fatal(err)
	}
	c := &CLI{t: t, tf: tf, env: vars}
	t.Cleanup(func() {
		if err := tf.Destroy(context.Background()); err != nil {
			t.Errorf("terraform destroy: %v", err)
		}
	})
	return c
}

// SetEnv sets an environment variable of every later command, such as a CLI configuration
// (TF_CLI_CONFIG_FILE) other than the freshly built provider's dev_overrides.
func (c *CLI) SetEnv(name, value string) {
	c.t.Helper()
	c.env[name] = value
	if err := c.tf.SetEnv(c.env); err != nil {
		c.t.Fatal(err)
	}
}

// Run runs the CLI under test in the working directory with the given arguments, for commands
// terraform-exec does not have (query); it returns the combined output.
func (c *CLI) Run(args ...string) ([]byte, error) {
	return c.Command(args...).CombinedOutput()
}

// Command is the CLI under test with the given arguments, ready to run in the working
// directory, for a test that must signal it while it runs.
func (c *CLI) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(c.tf.ExecPath(), args...)
	cmd.Dir = c.tf.WorkingDir()
	cmd.Env = os.Environ()
	for name, value := range c.env {
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	return cmd
}

// Terraform is terraform-exec's handle on the working directory.
func (c *CLI) Terraform() *tfexec.Terraform { return c.tf }

// Dir is the working directory.
func (c *CLI) Dir() string { return c.tf.WorkingDir() }

// SupportsQuery reports whether the CLI under test has terraform query (Terraform 1.14+; no
// OpenTofu yet).
func (c *CLI) SupportsQuery() bool {
	_, err := c.Run("query", "-help")
	return err == nil
}

// SupportsActions reports whether the CLI under test runs actions (apply -invoke, Terraform
// 1.14+; no OpenTofu yet).
func (c *CLI) SupportsActions() bool {
	out, _ := c.Run("version")
	var major, minor int
	_, err := fmt.Sscanf(string(out), "Terraform v%d.%d", &major, &minor)
	return err == nil && (major > 1 || major == 1 && minor >= 14)
}

// Invoke runs an action (address such as action.calico_wait_for_bgp_sessions.all) by
// terraform apply -invoke, and returns the error diagnostics it shows, with its error.
func (c *CLI) Invoke(address string) ([]JSONDiagnostic, error) {
	out, err := c.Run("apply", "-auto-approve", "-json", "-invoke="+address)
	return JSONDiagnostics(out, "error"), err
}

// ActionDiagnostic is the provider's own summary and detail of an action's error diagnostic:
// Terraform shows it as "Error when invoking action", with the provider's summary heading the
// detail.
func ActionDiagnostic(d JSONDiagnostic) (summary, detail string) {
	if d.Summary != "Error when invoking action" {
		return d.Summary, d.Detail
	}
	summary, detail, _ = strings.Cut(d.Detail, ": ")
	return summary, detail
}

// WriteFile adds or replaces a file in the working directory.
func (c *CLI) WriteFile(name string, b []byte) {
	c.t.Helper()
	if err := writeFile(filepath.Join(c.tf.WorkingDir(), name), b); err != nil {
		c.t.Fatal(err)
	}
}

// writeFile writes a file of a working directory, and the module directory it is in.
func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// ReadFile reads a file of the working directory.
func (c *CLI) ReadFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(c.tf.WorkingDir(), name))
}

// Apply runs terraform apply and returns its error.
func (c *CLI) Apply() error { return c.tf.Apply(context.Background()) }

// PlanIsEmpty runs terraform plan and reports whether it has no changes.
func (c *CLI) PlanIsEmpty() bool {
	c.t.Helper()
	changes, err := c.tf.Plan(context.Background())
	if err != nil {
		c.t.Fatalf("terraform plan: %v", err)
	}
	return !changes
}

// Output decodes a root output into v.
func (c *CLI) Output(name string, v any) {
	c.t.Helper()
	outs, err := c.tf.Output(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	o, ok := outs[name]
	if !ok {
		c.t.Fatalf("no output %q", name)
	}
	if err := json.Unmarshal(o.Value, v); err != nil {
		c.t.Fatal(err)
	}
}

// devOverridesWarning is Terraform's own notice that the CLI uses the freshly built provider.
const devOverridesWarning = "Provider development overrides are in effect"

// DestroyPlanWarnings runs terraform plan -destroy and returns the summaries of the warnings
// it shows, but for Terraform's notice of the dev_overrides.
func (c *CLI) DestroyPlanWarnings() []string {
	c.t.Helper()
	return c.PlanWarnings(tfexec.Destroy(true))
}

// PlanWarnings runs terraform plan and returns the summaries of the warnings it shows, but for
// Terraform's notice of the dev_overrides.
func (c *CLI) PlanWarnings(opts ...tfexec.PlanOption) []string {
	c.t.Helper()
	var warnings []string
	for _, d := range c.PlanWarningDiagnostics(opts...) {
		warnings = append(warnings, d.Summary)
	}
	return warnings
}

// PlanWarningDiagnostics runs terraform plan and returns the warnings it shows, with their
// details and addresses, but for Terraform's notice of the dev_overrides.
func (c *CLI) PlanWarningDiagnostics(opts ...tfexec.PlanOption) []JSONDiagnostic {
	c.t.Helper()
	var out bytes.Buffer
	if _, err := c.tf.PlanJSON(context.Background(), &out, opts...); err != nil {
		c.t.Fatalf("terraform plan: %v", err)
	}
	var warnings []JSONDiagnostic
	for _, d := range JSONDiagnostics(out.Bytes(), "warning") {
		if d.Summary != devOverridesWarning {
			warnings = append(warnings, d)
		}
	}
	return warnings
}

// JSONDiagnostic is a diagnostic as terraform's -json output has it (not as one CLI renders it).
type JSONDiagnostic struct {
	Summary, Detail, Address string
}

// ApplyErrors runs terraform apply and returns the error diagnostics it shows, with the
// apply's error.
func (c *CLI) ApplyErrors() ([]JSONDiagnostic, error) {
	var out bytes.Buffer
	err := c.tf.ApplyJSON(context.Background(), &out)
	return JSONDiagnostics(out.Bytes(), "error"), err
}

// JSONDiagnostics are the diagnostics of the given severity ("error", "warning") in the output
// of a terraform command run with -json.
func JSONDiagnostics(out []byte, severity string) []JSONDiagnostic {
	var diags []JSONDiagnostic
	for _, line := range bytes.Split(out, []byte("\n")) {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary, Detail, Address string
			} `json:"diagnostic"`
		}
		if json.Unmarshal(line, &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic.Severity == severity {
			d := msg.Diagnostic
			diags = append(diags, JSONDiagnostic{Summary: d.Summary, Detail: d.Detail, Address: d.Address})
		}
	}
	return diags
}
