package acctest

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// CreateFromManifest creates the projectcalico.org/v3 objects of a YAML manifest as users do:
// with calicoctl create, or, for what calicoctl 3.31 cannot write (the native v3 CRD mode, and
// CalicoNodeStatus, which kubectl or calico-node writes), in the datastore's own form. They are
// deleted when the test ends.
func CreateFromManifest(t *testing.T, manifest string) {
	t.Helper()
	docs := strings.Split(manifest, "\n---\n")
	var objects []*unstructured.Unstructured
	var kinds []calico.KindInfo
	for _, doc := range docs {
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
			t.Fatalf("manifest: %v\n%s", err, doc)
		}
		kind, ok := calico.KindNamed(obj.GetKind())
		if !ok {
			t.Fatalf("manifest: kind %q is not in the provider's registry of kinds", obj.GetKind())
		}
		objects = append(objects, obj)
		kinds = append(kinds, kind)
	}
	ctx := context.Background()
	t.Cleanup(func() {
		for i, obj := range objects {
			_ = Stored(t, kinds[i].Plural).Delete(ctx, obj.GetName(), metav1.DeleteOptions{})
		}
	})
	var byCalicoctl []string
	for i, obj := range objects {
		if Cluster(t).Mode != testenv.ModeV3CRDs && !kinds[i].ReportedByCalicoNode {
			byCalicoctl = append(byCalicoctl, docs[i])
			continue
		}
		if _, err := Stored(t, kinds[i].Plural).Create(ctx, storedForm(t, obj), metav1.CreateOptions{}); err != nil {
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
