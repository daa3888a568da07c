package acctest

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"sigs.k8s.io/yaml"

	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// RequireCalicoctl skips the test where calicoctl has no datastore to read: the native v3 CRD
// mode, which calicoctl 3.31 does not know.
func RequireCalicoctl(t *testing.T) {
	t.Helper()
	if Cluster(t).Mode == testenv.ModeV3CRDs {
		t.Skip("calicoctl 3.31 reads Calico's crd.projectcalico.org/v1 storage, which this mode does not have")
	}
}

// Calicoctl runs calicoctl of the pinned Calico version on the test cluster's datastore
// (DATASTORE_TYPE=kubernetes).
func Calicoctl(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	RequireCalicoctl(t)
	out, err := Cluster(t).RunCalicoctl(context.Background(), stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// CheckCalicoctlStored compares what calicoctl reads of an object (as extracted by part) with
// want: calicoctl, not the provider, judges what the provider stored.
func CheckCalicoctlStored[T, P any](t *testing.T, resourceType, name string, part func(*T) P, want P) resource.TestCheckFunc {
	RequireCalicoctl(t)
	env := Cluster(t)
	return func(*terraform.State) error {
		out, err := env.RunCalicoctl(context.Background(), nil, "get", resourceType, name, "-o", "yaml")
		if err != nil {
			return err
		}
		var obj T
		if err := yaml.UnmarshalStrict(out, &obj); err != nil {
			return fmt.Errorf("calicoctl's %s %s: %w\n%s", resourceType, name, err, out)
		}
		if diff := cmp.Diff(want, part(&obj)); diff != "" {
			return fmt.Errorf("calicoctl reads %s %s as (-want +got):\n%s", resourceType, name, diff)
		}
		return nil
	}
}

// RequireConfd skips the test where confd has no datastore to read: the native v3 CRD mode,
// which confd 3.31 does not know.
func RequireConfd(t *testing.T) {
	t.Helper()
	if Cluster(t).Mode == testenv.ModeV3CRDs {
		t.Skip("confd 3.31 reads Calico's crd.projectcalico.org/v1 storage or etcd, which this mode does not have")
	}
}

// BIRDSessions runs Calico's confd once for a node, as calico-node would, and returns the BGP
// sessions of the BIRD configuration it writes (IPv4, then IPv6): confd, not the provider,
// judges which sessions the objects make.
func BIRDSessions(t *testing.T, node string) (ipv4, ipv6 []testenv.BIRDSession, err error) {
	t.Helper()
	RequireConfd(t)
	cfg, err := Cluster(t).RunConfd(context.Background(), node)
	if err != nil {
		return nil, nil, err
	}
	if ipv4, err = testenv.ParseBIRDSessions(cfg.IPv4); err != nil {
		return nil, nil, err
	}
	ipv6, err = testenv.ParseBIRDSessions(cfg.IPv6)
	return ipv4, ipv6, err
}
