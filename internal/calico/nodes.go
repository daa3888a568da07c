package calico

import (
	"context"
	"encoding/json"
	"maps"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Annotations calico-node and calicoctl keep a Calico Node's BGP settings in, on the
// Kubernetes Node (libcalico-go's Kubernetes datastore mapping).
const (
	AnnotationASNumber                = "projectcalico.org/ASNumber"
	AnnotationIPv4Address             = "projectcalico.org/IPv4Address"
	AnnotationIPv6Address             = "projectcalico.org/IPv6Address"
	AnnotationRouteReflectorClusterID = "projectcalico.org/RouteReflectorClusterID"
	// AnnotationCalicoLabels holds labels set through Calico's API rather than Kubernetes';
	// the Node's Kubernetes labels override them.
	AnnotationCalicoLabels = "projectcalico.org/labels"
)

// NodeKeys are annotation and label values on a Node. In a patch, a nil value removes the key.
type NodeKeys struct {
	Annotations map[string]*string
	Labels      map[string]*string
}

// PatchNode sets and removes exactly the given keys on a Node with a JSON merge patch, so
// keys others own (calico-node's addresses, users' labels) are never touched or raced over.
func PatchNode(ctx context.Context, c *Client, name string, keys NodeKeys) (*corev1.Node, error) {
	core, err := c.coreAPI(ctx)
	if err != nil {
		return nil, err
	}
	meta := map[string]any{}
	if len(keys.Annotations) > 0 {
		meta["annotations"] = keys.Annotations
	}
	if len(keys.Labels) > 0 {
		meta["labels"] = keys.Labels
	}
	if len(meta) == 0 {
		return Nodes.Get(ctx, c, name)
	}
	body, err := json.Marshal(map[string]any{"metadata": meta})
	if err != nil {
		return nil, err
	}
	out, err := core.Nodes().Patch(ctx, name, types.MergePatchType, body, metav1.PatchOptions{FieldManager: "terraform-provider-calico"})
	if err != nil {
		return nil, Nodes.classify(c, err, name)
	}
	c.snapshotFor(Nodes.Name).store(name, out)
	return out, nil
}

// NodeLabels are a Calico Node's labels: those set through Calico's API, overridden by the
// Kubernetes Node's own labels, as libcalico-go merges them.
func NodeLabels(n *corev1.Node) map[string]string {
	labels := map[string]string{}
	if raw := n.Annotations[AnnotationCalicoLabels]; raw != "" {
		_ = json.Unmarshal([]byte(raw), &labels) // malformed: Calico ignores it too
	}
	maps.Copy(labels, n.Labels)
	return labels
}
