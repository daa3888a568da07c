package acctest

import (
	"context"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// CreateNode creates a Kubernetes Node as a real cluster would have it (there is no kubelet
// here), with the labels and annotations given, and deletes it when the test ends.
func CreateNode(t *testing.T, name string, labels, annotations map[string]string) {
	t.Helper()
	nodes := Kube(t).CoreV1().Nodes()
	_ = nodes.Delete(context.Background(), name, metav1.DeleteOptions{})
	_, err := nodes.Create(context.Background(), &corev1.Node{ObjectMeta: metav1.ObjectMeta{
		Name: name, Labels: labels, Annotations: annotations,
	}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := nodes.Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			t.Error(err)
		}
	})
}

// GetNode reads a Node.
func GetNode(t *testing.T, name string) (*corev1.Node, error) {
	return Kube(t).CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
}

// MutateNode changes a Node out of band, as calico-node or a person would.
func MutateNode(t *testing.T, name string, change func(*corev1.Node)) {
	t.Helper()
	Mutate[*corev1.Node](t, Kube(t).CoreV1().Nodes(), name, change)
}

// ReportNodeStatus plays calico-node's status reporter: like calico-node (through libcalico-go's
// Kubernetes datastore), it writes the whole object, status included, into Calico's CRD
// storage (crd.projectcalico.org/v1, or projectcalico.org/v3 where those are the CRDs); the
// provider then reads it through whichever path it uses.
func ReportNodeStatus(t *testing.T, name string, status v3.CalicoNodeStatusStatus) {
	t.Helper()
	storage := Stored(t, "caliconodestatuses")
	obj, err := storage.Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&status)
	if err != nil {
		t.Fatal(err)
	}
	obj.Object["status"] = raw
	if _, err := storage.Update(context.Background(), obj, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}
