package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// A comparator is a generic Kubernetes provider that users run instead of this one, declaring
// the same BGPPeers as manifests of projectcalico.org/v3.
type comparator struct {
	// resource is the resource type the report names; source is the provider's registry address.
	resource, source string
	// binary is the provider built or given; empty when it could not be had, with why saying so.
	binary, why string
	// config renders N peers for this provider against the kubeconfig.
	config func(n int, kubeconfig string) string
}

// kubectlVersion is the newest gavinbunney/kubectl the Go module proxy serves.
const kubectlVersion = "v1.19.0"

// comparators builds kubectl_manifest's provider from the module proxy (cached by version) and
// takes kubernetes_manifest's from a binary or a source tree given: hashicorp/kubernetes 2.0
// and later, which have kubernetes_manifest, are not served by the module proxy.
func comparators(cacheDir, kubernetesBinary, kubernetesSource string) []comparator {
	kubectl := comparator{resource: "kubectl_manifest", source: "gavinbunney/kubectl", config: kubectlManifestConfig}
	kubectl.binary, kubectl.why = goBuild(cacheDir, "terraform-provider-kubectl_"+kubectlVersion,
		"", "github.com/gavinbunney/terraform-provider-kubectl@"+kubectlVersion)

	kubernetes := comparator{resource: "kubernetes_manifest", source: "hashicorp/kubernetes", config: kubernetesManifestConfig}
	switch {
	case kubernetesBinary != "":
		kubernetes.binary = kubernetesBinary
	case kubernetesSource != "":
		version := strings.TrimSpace(readFileOr(filepath.Join(kubernetesSource, "version", "VERSION"), filepath.Base(kubernetesSource)))
		kubernetes.binary, kubernetes.why = goBuild(cacheDir, "terraform-provider-kubernetes_"+version, kubernetesSource, ".")
	default:
		kubernetes.why = "not measured: hashicorp/kubernetes 2.0 and later (which has kubernetes_manifest) is not on the Go " +
			"module proxy; give -kubernetes-provider BINARY or -kubernetes-provider-src DIR"
	}
	return []comparator{kubectl, kubernetes}
}

func readFileOr(path, fallback string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fallback
	}
	return string(b)
}

// goBuild builds a provider once into the cache: `go install module@version` style when dir is
// empty, else `go build` in dir. It returns the binary, or why there is none.
func goBuild(cacheDir, name, dir, target string) (binary, why string) {
	binary = filepath.Join(cacheDir, "comparators", name)
	if _, err := os.Stat(binary); err == nil {
		return binary, ""
	}
	fmt.Printf("==> Building %s (once; cached in %s)\n", name, filepath.Dir(binary))
	var cmd *exec.Cmd
	if dir == "" {
		// A module outside this one: build it in a throwaway module of its own so that this
		// module's requirements do not change its dependencies.
		tmp, err := os.MkdirTemp("", "comparator-")
		if err != nil {
			return "", err.Error()
		}
		defer os.RemoveAll(tmp)
		gobin := filepath.Join(filepath.Dir(binary), "gobin")
		cmd = exec.Command("go", "install", target)
		cmd.Dir = tmp
		cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Sprintf("not measured: building %s failed: %v\n%s", target, err, out)
		}
		module := target[:strings.Index(target, "@")]
		if err := os.Rename(filepath.Join(gobin, filepath.Base(module)), binary); err != nil {
			return "", "not measured: " + err.Error()
		}
		return binary, ""
	}
	cmd = exec.Command("go", "build", "-o", binary, target)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Sprintf("not measured: building %s failed: %v\n%s", dir, err, out)
	}
	return binary, ""
}

// comparatorRC is a Terraform CLI configuration that serves the comparator's binary.
func (t *terraform) comparatorRC(c comparator) (string, error) {
	dir := filepath.Join(t.work, "comparator-"+c.resource)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := "terraform-provider-" + c.source[strings.Index(c.source, "/")+1:]
	if err := os.Symlink(c.binary, filepath.Join(dir, name)); err != nil && !os.IsExist(err) {
		return "", err
	}
	rc := dir + ".terraformrc"
	return rc, os.WriteFile(rc, fmt.Appendf(nil, "provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", c.source, dir), 0o600)
}

// The same peers as peersConfig's, for the manifests: name and address as HCL templates, the
// AS number as an HCL expression.
const (
	peerName = `bench-peer-${count.index}`
	peerIP   = `10.${floor(count.index / 250)}.0.${count.index % 250 + 1}`
	peerAS   = `65000 + count.index % 100`
)

// requiredProvider is the terraform block of a configuration that uses one provider.
func requiredProvider(local, source string) string {
	return fmt.Sprintf("terraform {\n  required_providers {\n    %s = { source = %q }\n  }\n}\n", local, source)
}

func kubectlManifestConfig(n int, kubeconfig string) string {
	return requiredProvider("kubectl", "gavinbunney/kubectl") + fmt.Sprintf(`provider "kubectl" {
  config_path      = %q
  load_config_file = true
}
resource "kubectl_manifest" "p" {
  count     = %d
  yaml_body = <<-EOT
    apiVersion: projectcalico.org/v3
    kind: BGPPeer
    metadata:
      name: %s
    spec:
      peerIP: %s
      asNumber: ${%s}
  EOT
}
`, kubeconfig, n, peerName, peerIP, peerAS)
}

func kubernetesManifestConfig(n int, kubeconfig string) string {
	return requiredProvider("kubernetes", "hashicorp/kubernetes") + fmt.Sprintf(`provider "kubernetes" {
  config_path = %q
}
resource "kubernetes_manifest" "p" {
  count = %d
  manifest = {
    apiVersion = "projectcalico.org/v3"
    kind       = "BGPPeer"
    metadata   = { name = "%s" }
    spec       = { peerIP = "%s", asNumber = %s }
  }
}
`, kubeconfig, n, peerName, peerIP, peerAS)
}

// comparison is one comparator's cycles at N, beside the provider's, run back to back.
type comparison struct {
	comparator
	n                             int
	apply, plan, destroy          []time.Duration
	ownApply, ownPlan, ownDestroy []time.Duration
}

// compare runs, per run, the provider's cycle of N peers and then each comparator's cycle of
// the same peers, on the same API.
func compare(t *terraform, kubeconfig string, cs []comparator, n, runs int) ([]comparison, error) {
	out := make([]comparison, len(cs))
	for i, c := range cs {
		out[i] = comparison{comparator: c, n: n}
	}
	for run := 1; run <= runs; run++ {
		fmt.Printf("==> side by side, N=%d run %d/%d\n", n, run, runs)
		for i, c := range cs {
			if c.binary == "" {
				continue
			}
			a, p, d, _, err := t.cycleWith(t.rc, peersConfig(n))
			if err != nil {
				return nil, err
			}
			rc, err := t.comparatorRC(c)
			if err != nil {
				return nil, err
			}
			ca, cp, cd, _, err := t.cycleWith(rc, c.config(n, kubeconfig))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.resource, err)
			}
			r := &out[i]
			r.ownApply, r.ownPlan, r.ownDestroy = append(r.ownApply, a), append(r.ownPlan, p), append(r.ownDestroy, d)
			r.apply, r.plan, r.destroy = append(r.apply, ca), append(r.plan, cp), append(r.destroy, cd)
			fmt.Printf("    calico_bgp_peer %v/%v/%v  %s %v/%v/%v\n", a, p, d, c.resource, ca, cp, cd)
		}
	}
	return out, nil
}
