package acctest

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/retry"

	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// StoredKind is one kind's stored objects, as the dynamic Kubernetes client offers them.
type StoredKind interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions, subresources ...string) (*unstructured.Unstructured, error)
	Create(ctx context.Context, obj *unstructured.Unstructured, opts metav1.CreateOptions, subresources ...string) (*unstructured.Unstructured, error)
	Update(ctx context.Context, obj *unstructured.Unstructured, opts metav1.UpdateOptions, subresources ...string) (*unstructured.Unstructured, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions, subresources ...string) error
	List(ctx context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error)
}

// Stored reaches Calico's objects of one kind (by plural) as they are stored, in JSON, with the
// fields of any Calico version: crd.projectcalico.org/v1 objects, projectcalico.org/v3 where
// those are the CRDs, or the v3 objects under Calico's etcd keys. Behind the Calico API server,
// the objects are its storage's.
func Stored(t *testing.T, resource string) StoredKind {
	t.Helper()
	if env := Cluster(t); env.Mode == testenv.ModeEtcd {
		return etcdKind(t, resource)
	}
	dyn, err := dynamic.NewForConfig(Cluster(t).RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	return dyn.Resource(storedGroupVersion(t).WithResource(resource))
}

func storedGroupVersion(t *testing.T) schema.GroupVersion {
	env := Cluster(t)
	switch env.Mode {
	case testenv.ModeV3CRDs:
		return schema.GroupVersion{Group: env.Mode.StorageGroup(), Version: "v3"}
	case testenv.ModeEtcd:
		return schema.GroupVersion{Group: "projectcalico.org", Version: "v3"}
	}
	return schema.GroupVersion{Group: env.Mode.StorageGroup(), Version: "v1"}
}

// PutStored sets the spec of a stored object, creating it if needed; when the test ends, one
// it created is deleted and one that existed gets its spec back (ClusterInformation "default"
// is the test env's, and says its Calico release).
func PutStored(t *testing.T, resource, kind, name string, spec map[string]any) {
	t.Helper()
	store, ctx := Stored(t, resource), context.Background()
	obj, err := store.Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		obj = &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": storedGroupVersion(t).String(), "kind": kind,
			"metadata": map[string]any{"name": name}, "spec": spec,
		}}
		_, err = store.Create(ctx, obj, metav1.CreateOptions{})
		t.Cleanup(func() { _ = store.Delete(ctx, name, metav1.DeleteOptions{}) })
	case err == nil:
		was := obj.Object["spec"]
		obj.Object["spec"] = spec
		_, err = store.Update(ctx, obj, metav1.UpdateOptions{})
		t.Cleanup(func() { SetStored(t, resource, name, was, "spec") })
	}
	if err != nil {
		t.Fatal(err)
	}
}

// RequireStoredNewerFields skips a test that needs the provider to see fields newer than its
// Calico: behind the Calico API server (of the provider's Calico) the API itself drops them.
func RequireStoredNewerFields(t *testing.T) {
	t.Helper()
	if Cluster(t).Mode == testenv.ModeAPIServer {
		t.Skip("the Calico API server of the pinned Calico does not serve newer fields")
	}
}

// StoredObject returns the stored object.
func StoredObject(t *testing.T, resource, name string) *unstructured.Unstructured {
	t.Helper()
	obj, err := Stored(t, resource).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// SetStored sets a field of the stored object, as a newer Calico (or its operator) would.
func SetStored(t *testing.T, resource, name string, value any, fields ...string) {
	t.Helper()
	store := Stored(t, resource)
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		obj, err := store.Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if err := unstructured.SetNestedField(obj.Object, value, fields...); err != nil {
			return err
		}
		_, err = store.Update(context.Background(), obj, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
