package acctest

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// Lab starts a BGP lab of real speakers (see testenv.StartLab) on the test cluster, and tears it
// down when the test ends, also when it fails. It needs root and Debian's bird, which make test
// has; CALICO_LAB=off skips the lab's tests where they cannot run. The mode with native v3 CRDs
// has no lab: confd 3.31 cannot read it. CALICO_LAB_KEEP=1 leaves the lab up after the test, to
// look at it by hand.
func Lab(t *testing.T, spec testenv.LabSpec) *testenv.Lab {
	t.Helper()
	env := Cluster(t)
	if env.Mode == testenv.ModeV3CRDs {
		t.Skip("confd 3.31, which the lab runs as calico-node does, cannot read native v3 CRDs")
	}
	if os.Getenv("CALICO_LAB") == "off" {
		t.Skip("CALICO_LAB=off")
	}
	if err := testenv.LabAvailable(); err != nil {
		t.Fatalf("%v (or set CALICO_LAB=off to skip the lab's tests)", err)
	}
	// A lab left by a test that was killed (its cleanup never ran) would hold the pool's CIDR.
	leftovers, err := env.Labs()
	for _, l := range leftovers {
		err = errors.Join(err, l.Stop())
	}
	if err != nil {
		t.Fatalf("tearing down a lab left by an earlier test: %v", err)
	}
	lab, err := env.StartLab(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.Getenv("CALICO_LAB_KEEP") != "" {
			var b strings.Builder
			lab.Describe(&b)
			t.Logf("CALICO_LAB_KEEP: the lab stays up (testenv down -dir %s stops it).\n%s", env.Dir, b.String())
			return
		}
		if err := lab.Stop(); err != nil {
			t.Errorf("tearing down the lab: %v", err)
		}
	})
	return lab
}
