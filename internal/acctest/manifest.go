package acctest

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// storedPlurals are the plurals of the Calico kinds a manifest may hold.
var storedPlurals = map[string]string{
	"BGPPeer": "bgppeers", "BGPFilter": "bgpfilters", "BGPConfiguration": "bgpconfigurations",
	"IPPool": "ippools", "CalicoNodeStatus": "caliconodestatuses",
}

// CreateFromManifest creates the projectcalico.org/v3 objects of a YAML manifest as users do:
// with calicoctl create, or, for what calicoctl 3.31 cannot write (the native v3 CRD mode, and
// CalicoNodeStatus, which kubectl or calico-node writes), in the datastore's own form. They are
// deleted when the test ends.
func CreateFromManifest(t *testing.T, manifest string) {
	t.Helper()
	docs := strings.Split(manifest, "\n---\n")
	var objects []*unstructured.Unstructured
	for _, doc := range docs {
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
			t.Fatalf("manifest: %v\n%s", err, doc)
		}
		if storedPlurals[obj.GetKind()] == "" {
			t.Fatalf("manifest: no plural known for kind %q", obj.GetKind())
		}
		objects = append(objects, obj)
	}
	ctx := context.Background()
	t.Cleanup(func() {
		for _, obj := range objects {
			_ = Stored(t, storedPlurals[obj.GetKind()]).Delete(ctx, obj.GetName(), metav1.DeleteOptions{})
		}
	})
	var byCalicoctl []string
	for i, obj := range objects {
		if Cluster(t).Mode != testenv.ModeV3CRDs && obj.GetKind() != "CalicoNodeStatus" {
			byCalicoctl = append(byCalicoctl, docs[i])
			continue
		}
		if _, err := Stored(t, storedPlurals[obj.GetKind()]).Create(ctx, storedForm(t, obj), metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating %s %s: %v", obj.GetKind(), obj.GetName(), err)
		}
	}
	if len(byCalicoctl) > 0 {
		Calicoctl(t, []byte(strings.Join(byCalicoctl, "\n---\n")), "create", "-f", "-")
	}
}

// storedForm is obj in the group and version its kind is stored in.
func storedForm(t *testing.T, obj *unstructured.Unstructured) *unstructured.Unstructured {
	obj = obj.DeepCopy()
	obj.SetAPIVersion(storedGroupVersion(t).String())
	return obj
}
