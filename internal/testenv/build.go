// Package testenv runs a real local Calico API on 127.0.0.1 for the acceptance tests and the
// demo: etcd, kube-apiserver with Calico's CRDs, and the Calico API server serving
// projectcalico.org/v3 as an aggregated API (or, in other modes, Calico's CRDs alone), and
// calicoctl to judge what is stored. Binaries are built from the Go module proxy once
// and cached outside the repository, keyed by a hash of the wrapper module that builds them.
package testenv

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Components built from the wrapper modules under hack/testenv/cmd.
const (
	Etcd            = "etcd"
	KubeAPIServer   = "kube-apiserver"
	CalicoAPIServer = "calico-apiserver"
	// Calicoctl is not started: tests run it to read back what the provider stored.
	Calicoctl = "calicoctl"
	// Confd is not started either: tests run it once per node to see the BGP sessions
	// calico-node would configure.
	Confd = "confd"
	// NodeStatus is calico-node's status reporter: the BGP lab runs it on every lab node, with
	// confd running continuously and BIRD (lab.go).
	NodeStatus = "calico-node-status"
)

var components = []string{Etcd, KubeAPIServer, CalicoAPIServer, Calicoctl, Confd, NodeStatus}

// calicoModule is the module whose CRDs are installed next to the Calico API server.
const calicoModule = "github.com/projectcalico/calico"

// Binaries are the paths of the cached executables and of Calico's CRD manifests.
type Binaries struct {
	Paths  map[string]string
	CRDDir string
	// ConfdDir holds confd's conf.d and templates, as calico-node ships them.
	ConfdDir string
}

// DefaultCacheDir is where builds are kept between runs: $CALICO_TESTENV_CACHE, else the
// user cache directory.
func DefaultCacheDir() string {
	if d := os.Getenv("CALICO_TESTENV_CACHE"); d != "" {
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "terraform-provider-calico-testenv")
}

// RepoRoot finds the repository root by walking up from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "hack", "testenv", "cmd")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the repository root (no hack/testenv/cmd above the working directory)")
		}
		dir = parent
	}
}

// Build makes sure every component is built and cached, building only what is missing.
func Build(repoRoot, cacheDir string, log io.Writer) (*Binaries, error) {
	bins := &Binaries{Paths: map[string]string{}}
	for _, name := range components {
		src := filepath.Join(repoRoot, "hack", "testenv", "cmd", name)
		key, err := sourceKey(src, "go.mod", "go.sum", "main.go")
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(cacheDir, name+"-"+key)
		bin := filepath.Join(dir, name)
		bins.Paths[name] = bin
		switch name {
		case CalicoAPIServer:
			bins.CRDDir = filepath.Join(dir, "crds")
		case Confd:
			bins.ConfdDir = filepath.Join(dir, "confdir")
		}
		if _, err := os.Stat(bin); err == nil {
			continue
		}
		fmt.Fprintf(log, "testenv: building %s (first run only; cached in %s)\n", name, dir)
		if err := buildComponent(src, dir, name, log); err != nil {
			return nil, err
		}
	}
	return bins, nil
}

// sourceKey hashes what decides a component's binary: the files of its wrapper module and the
// Go version.
func sourceKey(src string, files ...string) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version())
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return "", fmt.Errorf("reading wrapper module: %w", err)
		}
		fmt.Fprintf(h, "%s\n%s\n", f, b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func buildComponent(src, dir, name string, log io.Writer) error {
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	env := append(os.Environ(), "GONOSUMDB=github.com/projectcalico", "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(tmp, name), ".")
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = src, env, log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s: %w", name, err)
	}
	switch name {
	case CalicoAPIServer:
		if err := copyCRDs(src, filepath.Join(tmp, "crds"), env); err != nil {
			return err
		}
	case Confd:
		if err := copyConfdDir(src, filepath.Join(tmp, "confdir"), env); err != nil {
			return err
		}
	}
	return os.Rename(tmp, dir)
}

// moduleDir is where the Go module cache holds the Calico module the wrapper builds.
func moduleDir(src string, env []string) (string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", calicoModule)
	cmd.Dir, cmd.Env = src, env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("locating %s: %w", calicoModule, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// copyConfdDir copies confd's conf.d and templates (etc/calico/confd) out of the module cache.
func copyConfdDir(src, dst string, env []string) error {
	mod, err := moduleDir(src, env)
	if err != nil {
		return err
	}
	for _, sub := range []string{"conf.d", "templates"} {
		from := filepath.Join(mod, "confd", "etc", "calico", "confd", sub)
		entries, err := os.ReadDir(from)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, sub), 0o755); err != nil {
			return err
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(from, e.Name()))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dst, sub, e.Name()), b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyCRDs copies Calico's crd.projectcalico.org manifests out of the module cache.
func copyCRDs(src, dst string, env []string) error {
	mod, err := moduleDir(src, env)
	if err != nil {
		return err
	}
	crdDir := filepath.Join(mod, "libcalico-go", "config", "crd")
	entries, err := os.ReadDir(crdDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "crd.projectcalico.org_") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(crdDir, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
