package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// The compatibility statement is one text, in the README and in the provider documentation, and
// every version it says was tested is one the tests run: the Calico releases of the release
// tests and the pinned library, and the kube-apiserver, Terraform and OpenTofu the test env
// builds. A version the tests do not run cannot appear in it.
func TestCompatibilityStatementIsWhatTheTestsRun(t *testing.T) {
	readme := compatibilityBlock(t, "README.md")
	docs := compatibilityBlock(t, "templates/index.md.tmpl")
	if readme != docs {
		t.Errorf("the compatibility statements of README.md and templates/index.md.tmpl differ:\n%s\n---\n%s", readme, docs)
	}
	tested := append(slices.Clone(acctest.OlderReleases), calico.LibraryRelease.String(),
		moduleVersion(t, "hack/testenv/cmd/kube-apiserver/go.mod", "k8s.io/kubernetes"),
		moduleVersion(t, "hack/testenv/cmd/terraform-1.15/go.mod", "github.com/hashicorp/terraform"),
		moduleVersion(t, "hack/testenv/cmd/tofu-1.12/go.mod", "github.com/opentofu/opentofu"))
	for _, v := range tested {
		if !strings.Contains(readme, " "+v) {
			t.Errorf("the compatibility statement does not name %s, which the tests run", v)
		}
	}
	for _, v := range regexp.MustCompile(`\b\d+\.\d+\.\d+\b`).FindAllString(readme, -1) {
		if !slices.Contains(tested, v) {
			t.Errorf("the compatibility statement names %s, which no test runs", v)
		}
	}
}

// compatibilityBlock is the text between the compatibility markers of a file.
func compatibilityBlock(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "<!-- compatibility:")
	block, _, closed := strings.Cut(rest, "<!-- /compatibility -->")
	if !ok || !closed {
		t.Fatalf("%s has no compatibility statement between <!-- compatibility: and <!-- /compatibility -->", path)
	}
	return block
}

// moduleVersion is the version, without its v, that a go.mod requires of module.
func moduleVersion(t *testing.T, gomod, module string) string {
	t.Helper()
	b, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(module) + `\s+v(\S+)`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("%s requires no %s", gomod, module)
	}
	return m[1]
}
