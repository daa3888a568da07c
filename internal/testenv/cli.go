package testenv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// The Terraform CLIs the suite runs under besides the machine's terraform, built from the Go
// module proxy by the wrapper modules hack/testenv/cmd/<name> and cached like Calico's programs.
const (
	Terraform115 = "terraform-1.15"
	OpenTofu112  = "tofu-1.12"
)

// cliBuild is how one CLI is built from its wrapper module.
type cliBuild struct {
	pkg     string // the main package
	binary  string // the executable's name, as users call it
	ldflags string
	// stubs are modules the CLI's go.mod replaces with directories of its repository that its
	// module zip lacks; the build writes a stub module at each path (see stubSource).
	stubs []string
}

var cliBuilds = map[string]cliBuild{
	Terraform115: {
		pkg: "github.com/hashicorp/terraform", binary: "terraform",
		// terraform version prints a release ("Terraform v1.15.N"), not "v1.15.N-dev".
		ldflags: "-X github.com/hashicorp/terraform/version.dev=no",
		stubs: []string{
			"internal/backend/remote-state/azure", "internal/backend/remote-state/consul",
			"internal/backend/remote-state/cos", "internal/backend/remote-state/gcs",
			"internal/backend/remote-state/kubernetes", "internal/backend/remote-state/oci",
			"internal/backend/remote-state/oss", "internal/backend/remote-state/pg",
			"internal/backend/remote-state/s3", "internal/legacy",
		},
	},
	OpenTofu112: {
		pkg: "github.com/opentofu/opentofu/cmd/tofu", binary: "tofu",
		ldflags: "-X github.com/opentofu/opentofu/version.dev=no", // "OpenTofu v1.12.N", not "v1.12.N-dev"
	},
}

// CLIs are the names BuildCLI accepts.
func CLIs() []string {
	names := make([]string, 0, len(cliBuilds))
	for name := range cliBuilds {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// stubSource is the Go source of a stub for one of Terraform's remote-state backends: it is
// listed, and refuses to be configured. Go's internal-package rule goes by import path, so a
// module at Terraform's own path may use Terraform's internal packages. The stand-in keeps the
// inmem backend's schema, so a backend block with the real backend's arguments is rejected
// earlier, on its first argument.
const stubSource = `// Package %[1]s stands in for a Terraform state backend this build leaves out.
package %[1]s

import (
	"errors"

	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/inmem"
	"github.com/hashicorp/terraform/internal/tfdiags"
	"github.com/zclconf/go-cty/cty"
)

type notBuiltIn struct{ backend.Backend }

// New returns the stand-in.
func New() backend.Backend { return notBuiltIn{inmem.New()} }

func (notBuiltIn) Configure(cty.Value) tfdiags.Diagnostics {
	var diags tfdiags.Diagnostics
	return diags.Append(errors.New(%[2]q))
}
`

// BuildCLI returns the path of a cached CLI, building it first if needed.
func BuildCLI(repoRoot, cacheDir, name string, log io.Writer) (string, error) {
	b, ok := cliBuilds[name]
	if !ok {
		return "", fmt.Errorf("no CLI named %q (have %s)", name, strings.Join(CLIs(), ", "))
	}
	src := filepath.Join(repoRoot, "hack", "testenv", "cmd", name)
	key, err := sourceKey(src, "go.mod", "go.sum")
	if err != nil {
		return "", err
	}
	// How it is built decides the binary too: its version string comes from ldflags, and the
	// stubs are written by the build.
	spec := sha256.Sum256(fmt.Appendf(nil, "%s %+v %s", key, b, stubSource))
	key = hex.EncodeToString(spec[:])[:12]
	dir := filepath.Join(cacheDir, name+"-"+key)
	bin := filepath.Join(dir, b.binary)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	fmt.Fprintf(log, "testenv: building %s (first run only; cached in %s)\n", name, dir)
	tmp := dir + ".tmp"
	work := filepath.Join(tmp, "src")
	if err := os.RemoveAll(tmp); err != nil {
		return "", err
	}
	if err := writeCLIModule(src, work, b); err != nil {
		return "", err
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w "+b.ldflags, "-o", filepath.Join(tmp, b.binary), b.pkg)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = work, env, log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building %s: %w", name, err)
	}
	if err := os.RemoveAll(work); err != nil {
		return "", err
	}
	return bin, os.Rename(tmp, dir)
}

// writeCLIModule writes the module a CLI is built in: its wrapper module's go.mod and go.sum,
// and a stub module with a replace line for each of b.stubs.
func writeCLIModule(src, work string, b cliBuild) error {
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(work, f), data, 0o644); err != nil {
			return err
		}
	}
	gomod, err := os.OpenFile(filepath.Join(work, "go.mod"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer gomod.Close()
	for _, stub := range b.stubs {
		modPath := b.pkg + "/" + stub
		stubDir := filepath.Join(work, "stubs", filepath.FromSlash(stub))
		if err := os.MkdirAll(stubDir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(stubDir, "go.mod"), fmt.Appendf(nil, "module %s\n\ngo 1.25\n", modPath), 0o644); err != nil {
			return err
		}
		// Only the backends are imported (by internal/backend/init); nothing in the build
		// imports internal/legacy, so its stub is a module without packages.
		if strings.Contains(stub, "remote-state/") {
			msg := fmt.Sprintf("this Terraform was built for tests without the state backend in %s", stub)
			code := fmt.Sprintf(stubSource, filepath.Base(stub), msg)
			if err := os.WriteFile(filepath.Join(stubDir, "stub.go"), []byte(code), 0o644); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(gomod, "replace %s => ./stubs/%s\n", modPath, stub); err != nil {
			return err
		}
	}
	return gomod.Close()
}
