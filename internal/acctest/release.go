package acctest

import (
	"context"
	"testing"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// OlderReleases are the Calico releases before the pinned one that the release tests run (the
// latest patch of each minor release the provider supports), and that the README's
// compatibility statement names.
var OlderReleases = []string{"3.28.5", "3.29.7", "3.30.7"}

// CalicoRelease is the Calico release the test cluster runs, as its ClusterInformation says.
func CalicoRelease(t *testing.T) calico.Release {
	t.Helper()
	return Cluster(t).Release()
}

// AtRelease upgrades (or downgrades) the shared test cluster in place to Calico release
// ("3.28.5") for the rest of the test, and back to the release it ran when the test ends: its
// CRDs become that release's and ClusterInformation says it (testenv's SetCalicoRelease).
// Objects stay, and keep the fields an older schema lacks until they are written again, as in
// a real downgrade. The test is skipped in the modes that run the pinned release only (the
// Calico API server, projectcalico.org/v3 CRDs). A test that calls it must not call t.Parallel:
// every test of the package sees the release meanwhile.
func AtRelease(t *testing.T, release string) {
	t.Helper()
	env := Cluster(t)
	r, ok := calico.ParseRelease(release)
	if !ok {
		t.Fatalf("AtRelease: %q is not a Calico release", release)
	}
	if !env.Mode.OlderReleases() {
		t.Skipf("mode %s runs the pinned Calico release %s only", env.Mode, calico.LibraryRelease)
	}
	was := env.Release()
	ctx := context.Background()
	if err := env.SetCalicoRelease(ctx, r); err != nil {
		t.Fatalf("AtRelease %s: %v", r, err)
	}
	t.Cleanup(func() {
		if err := env.SetCalicoRelease(ctx, was); err != nil {
			t.Errorf("restoring Calico %s after the test: %v", was, err)
		}
	})
}

// ReportRelease makes the test cluster's ClusterInformation report Calico release ("3.31.0")
// without changing its CRDs, as a patched or half-upgraded cluster does, until the test ends.
func ReportRelease(t *testing.T, release string) {
	t.Helper()
	r, ok := calico.ParseRelease(release)
	if !ok {
		t.Fatalf("ReportRelease: %q is not a Calico release", release)
	}
	was := Cluster(t).Release()
	SetStored(t, calico.ClusterInformations.Plural, "default", "v"+r.String(), "spec", "calicoVersion")
	t.Cleanup(func() {
		SetStored(t, calico.ClusterInformations.Plural, "default", "v"+was.String(), "spec", "calicoVersion")
	})
}
