package testenv

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// checkedTags are the Calico releases whose CRDs testdata/crd-properties holds: the last patch
// release of each line the provider supports before the pinned one, and the pinned one.
var checkedTags = []string{"v3.28.5", "v3.29.7", "v3.30.7", "v3.31.0"}

// CalicoGitDirVariable names a clone (or bare mirror) of github.com/projectcalico/calico, which
// TestCRDPropertiesAreCalicos reads the CRDs of checkedTags from.
const CalicoGitDirVariable = "CALICO_GIT_DIR"

var updateCRDProperties = flag.Bool("update-crd-properties", false,
	"rewrite testdata/crd-properties from the CRDs of Calico's tags in $"+CalicoGitDirVariable)

// crdFileName is the file of a kind's CRD in Calico's libcalico-go/config/crd.
func crdFileName(plural string) string { return "crd.projectcalico.org_" + plural + ".yaml" }

func propertiesFile(tag, plural string) string {
	return filepath.Join("testdata", "crd-properties", tag, plural+".txt")
}

func parseCRD(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var crd map[string]any
	if err := yaml.Unmarshal(b, &crd); err != nil {
		t.Fatal(err)
	}
	return crd
}

// The CRDs the test env derives for an older release have the properties (and types) of
// Calico's own CRDs at that release's tag: the registry's dates of kinds and fields are what
// Calico's history says.
func TestDerivedCRDsMatchCalicoTags(t *testing.T) {
	mod, err := moduleDir(".", os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range checkedTags {
		r, _ := calico.ParseRelease(tag)
		for _, k := range calico.Kinds() {
			t.Run(tag+"/"+k.Plural, func(t *testing.T) {
				want, err := os.ReadFile(propertiesFile(tag, k.Plural))
				if os.IsNotExist(err) {
					want = nil // Calico has no CRD of the kind at the tag
				} else if err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(filepath.Join(mod, "libcalico-go", "config", "crd", crdFileName(k.Plural)))
				if err != nil {
					t.Fatal(err)
				}
				crd := parseCRD(t, b)
				keep, err := deriveCRD(crd, r)
				if err != nil {
					t.Fatal(err)
				}
				if !keep {
					if want != nil {
						t.Fatalf("the registry says Calico %s has no %s, but it has a CRD of them", r, k.Name)
					}
					return
				}
				if want == nil {
					t.Fatalf("the registry says Calico %s has %s, but it has no CRD of them", r, k.Name)
				}
				got, err := schemaFields(crd)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(strings.Split(strings.TrimSpace(string(want)), "\n"), got); diff != "" {
					t.Errorf("the %s CRD derived for Calico %s differs from Calico's at %s (-Calico's +derived):\n%s", k.Plural, r, tag, diff)
				}
			})
		}
	}
}

// testdata/crd-properties holds the properties of Calico's own CRDs at checkedTags, read from a
// Calico git repository when one is at hand ($CALICO_GIT_DIR); -update-crd-properties
// rewrites it from there.
func TestCRDPropertiesAreCalicos(t *testing.T) {
	repo := os.Getenv(CalicoGitDirVariable)
	if repo == "" {
		t.Skipf("set %s to a clone of github.com/projectcalico/calico to check testdata/crd-properties against Calico's tags", CalicoGitDirVariable)
	}
	for _, tag := range checkedTags {
		for _, k := range calico.Kinds() {
			t.Run(tag+"/"+k.Plural, func(t *testing.T) {
				file := propertiesFile(tag, k.Plural)
				out, err := exec.Command("git", "-C", repo, "show", tag+":libcalico-go/config/crd/"+crdFileName(k.Plural)).Output()
				var want []byte
				if err == nil {
					fields, err := schemaFields(parseCRD(t, out))
					if err != nil {
						t.Fatal(err)
					}
					want = []byte(strings.Join(fields, "\n") + "\n")
				} else if _, err := exec.Command("git", "-C", repo, "rev-parse", "--verify", tag+"^{commit}").Output(); err != nil {
					t.Fatalf("%s has no tag %s", repo, tag)
				}
				if *updateCRDProperties {
					writeOrRemove(t, file, want)
					return
				}
				got, err := os.ReadFile(file)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s is not what Calico's CRD at %s says (-Calico's +file; -update-crd-properties rewrites it):\n%s", file, tag, diff)
				}
			})
		}
	}
}

// writeOrRemove writes content to file, or removes the file when content is nil.
func writeOrRemove(t *testing.T, file string, content []byte) {
	t.Helper()
	if content == nil {
		if err := os.Remove(file); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, content, 0o644); err != nil {
		t.Fatal(err)
	}
}
