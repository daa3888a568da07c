package acctest

import (
	"context"
	"encoding/json"
	"maps"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	libapiv3 "github.com/projectcalico/calico/libcalico-go/lib/apis/v3"
	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	"github.com/projectcalico/calico/libcalico-go/lib/options"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// The node helpers speak of a node as a Kubernetes Node, its BGP settings as Calico's
// annotations. In the etcd mode the node is a Calico Node object, as calico-node registers it
// there: the annotations that hold BGP settings on Kubernetes are its spec.bgp fields, other
// annotations its own, and its labels its labels.

// CreateNode creates a node as a real cluster would have it (there is no kubelet or calico-node
// here), with the labels and annotations given, and deletes it when the test ends.
func CreateNode(t *testing.T, name string, labels, annotations map[string]string) {
	t.Helper()
	if err := createNode(t, name, labels, annotations); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := deleteNode(t, name); err != nil && !apierrors.IsNotFound(err) {
			t.Error(err)
		}
	})
}

// CreateNodeAsCalicoNodeLeavesIt creates a node as calico-node leaves it on a cluster where no
// one gave it BGP settings: the addresses calico-node detects and writes (ipv4 and ipv6 in
// CIDR notation, "" for none) and its labels, but no AS number of its own, no route-reflector
// cluster ID. Most nodes of a real cluster are such nodes.
func CreateNodeAsCalicoNodeLeavesIt(t *testing.T, name string, labels map[string]string, ipv4, ipv6 string) {
	t.Helper()
	addresses := map[string]string{}
	for key, address := range map[string]string{calico.AnnotationIPv4Address: ipv4, calico.AnnotationIPv6Address: ipv6} {
		if address != "" {
			addresses[key] = address
		}
	}
	CreateNode(t, name, labels, addresses)
}

// CreateNodes creates many nodes at once, as CreateNode does, with parallel writes.
func CreateNodes(t *testing.T, names []string, labels func(name string) map[string]string) {
	t.Helper()
	errs := make(chan error, len(names))
	work := make(chan string)
	for range 8 {
		go func() {
			for name := range work {
				errs <- createNode(t, name, labels(name), nil)
			}
		}()
	}
	for _, name := range names {
		work <- name
	}
	close(work)
	t.Cleanup(func() {
		for _, name := range names {
			_ = deleteNode(t, name)
		}
	})
	for range names {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func createNode(t *testing.T, name string, labels, annotations map[string]string) error {
	ctx := context.Background()
	_ = deleteNode(t, name)
	if Cluster(t).Mode.Kubernetes() {
		_, err := Kube(t).CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{
			Name: name, Labels: labels, Annotations: annotations,
		}}, metav1.CreateOptions{})
		return err
	}
	n := libapiv3.NewNode()
	n.Name = name
	if err := calicoNodeFrom(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: annotations}}, n); err != nil {
		return err
	}
	_, err := Calico(t).lib.Nodes().Create(ctx, n, options.SetOptions{})
	return err
}

func deleteNode(t *testing.T, name string) error {
	if Cluster(t).Mode.Kubernetes() {
		return Kube(t).CoreV1().Nodes().Delete(context.Background(), name, metav1.DeleteOptions{})
	}
	_, err := Calico(t).lib.Nodes().Delete(context.Background(), name, options.DeleteOptions{})
	return nodeError(err, name)
}

// GetNode reads a node.
func GetNode(t *testing.T, name string) (*corev1.Node, error) {
	if Cluster(t).Mode.Kubernetes() {
		return Kube(t).CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	}
	n, err := Calico(t).lib.Nodes().Get(context.Background(), name, options.GetOptions{})
	if err != nil {
		return nil, nodeError(err, name)
	}
	return kubeNodeFrom(n), nil
}

// MutateNode changes a node out of band, as calico-node or a person would.
func MutateNode(t *testing.T, name string, change func(*corev1.Node)) {
	t.Helper()
	if Cluster(t).Mode.Kubernetes() {
		Mutate[*corev1.Node](t, Kube(t).CoreV1().Nodes(), name, change)
		return
	}
	nodes := Calico(t).lib.Nodes()
	n, err := nodes.Get(context.Background(), name, options.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	view := kubeNodeFrom(n)
	change(view)
	if err := calicoNodeFrom(view, n); err != nil {
		t.Fatal(err)
	}
	if _, err := nodes.Update(context.Background(), n, options.SetOptions{}); err != nil {
		t.Fatal(err)
	}
}

func nodeError(err error, name string) error {
	if _, ok := err.(cerrors.ErrorResourceDoesNotExist); ok {
		return apierrors.NewNotFound(schema.GroupResource{Group: "projectcalico.org", Resource: "nodes"}, name)
	}
	return err
}

// calicoNodeBGPAnnotations are the Kubernetes annotations that are spec.bgp fields of a Calico
// Node, with their getters and setters.
var calicoNodeBGPAnnotations = map[string]func(*libapiv3.NodeBGPSpec) *string{
	"projectcalico.org/IPv4Address":             func(b *libapiv3.NodeBGPSpec) *string { return &b.IPv4Address },
	"projectcalico.org/IPv6Address":             func(b *libapiv3.NodeBGPSpec) *string { return &b.IPv6Address },
	"projectcalico.org/IPv4IPIPTunnelAddr":      func(b *libapiv3.NodeBGPSpec) *string { return &b.IPv4IPIPTunnelAddr },
	"projectcalico.org/RouteReflectorClusterID": func(b *libapiv3.NodeBGPSpec) *string { return &b.RouteReflectorClusterID },
}

const asNumberAnnotation = "projectcalico.org/ASNumber"

// kubeNodeFrom is the Kubernetes Node view of a Calico Node.
func kubeNodeFrom(n *libapiv3.Node) *corev1.Node {
	k := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name, ResourceVersion: n.ResourceVersion,
		Labels: maps.Clone(n.Labels), Annotations: maps.Clone(n.Annotations)}}
	if k.Labels == nil {
		k.Labels = map[string]string{}
	}
	if k.Annotations == nil {
		k.Annotations = map[string]string{}
	}
	if b := n.Spec.BGP; b != nil {
		for key, field := range calicoNodeBGPAnnotations {
			if v := *field(b); v != "" {
				k.Annotations[key] = v
			}
		}
		if b.ASNumber != nil {
			k.Annotations[asNumberAnnotation] = b.ASNumber.String()
		}
	}
	return k
}

// calicoNodeFrom sets a Calico Node's labels, annotations and spec.bgp from the Kubernetes view.
// Labels set through Calico's API (an annotation on Kubernetes) are labels of the Calico Node,
// the Kubernetes labels overriding them as libcalico-go merges them.
func calicoNodeFrom(k *corev1.Node, n *libapiv3.Node) error {
	n.Labels = map[string]string{}
	n.Annotations = map[string]string{}
	bgp := libapiv3.NodeBGPSpec{}
	for key, v := range k.Annotations {
		switch field, ok := calicoNodeBGPAnnotations[key]; {
		case ok:
			*field(&bgp) = v
		case key == "projectcalico.org/labels":
			if err := json.Unmarshal([]byte(v), &n.Labels); err != nil {
				return err
			}
		case key == asNumberAnnotation:
			asn, err := numorstring.ASNumberFromString(v)
			if err != nil {
				return err
			}
			bgp.ASNumber = &asn
		default:
			n.Annotations[key] = v
		}
	}
	maps.Copy(n.Labels, k.Labels)
	n.Spec.BGP = nil
	if bgp != (libapiv3.NodeBGPSpec{}) {
		n.Spec.BGP = &bgp
	}
	return nil
}

// ReportNodeStatus plays calico-node's status reporter: like calico-node (through libcalico-go),
// it writes the whole object, status included, into Calico's storage (crd.projectcalico.org/v1,
// projectcalico.org/v3 where those are the CRDs, or etcd); the provider then reads it through
// whichever path it uses.
func ReportNodeStatus(t *testing.T, name string, status v3.CalicoNodeStatusStatus) {
	t.Helper()
	storage := Stored(t, calico.CalicoNodeStatuses.Plural)
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
