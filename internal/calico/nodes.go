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
// Kubernetes Node (libcalico-go's Kubernetes datastore mapping). They also name those settings
// on every datastore (see Node.Settings).
const (
	AnnotationASNumber                = "projectcalico.org/ASNumber"
	AnnotationIPv4Address             = "projectcalico.org/IPv4Address"
	AnnotationIPv6Address             = "projectcalico.org/IPv6Address"
	AnnotationRouteReflectorClusterID = "projectcalico.org/RouteReflectorClusterID"
	// AnnotationCalicoLabels holds labels set through Calico's API rather than Kubernetes';
	// the Node's Kubernetes labels override them.
	AnnotationCalicoLabels = "projectcalico.org/labels"
)

// nodeSettings are the keys Node.Settings may hold.
var nodeSettings = []string{AnnotationASNumber, AnnotationIPv4Address, AnnotationIPv6Address, AnnotationRouteReflectorClusterID}

// Node is a Calico node as the provider reads it on any datastore: on Kubernetes the Kubernetes
// Node (its annotations and labels), on etcd the Calico Node object (its spec.bgp and labels).
type Node struct {
	Name string
	// Settings are the node's BGP settings that are set, keyed by the annotation that holds
	// each on Kubernetes (AnnotationASNumber, ...), whichever datastore holds them.
	Settings map[string]string
	// Labels are the labels on the node object itself, which a resource may own.
	Labels map[string]string
	// SelectorLabels are the labels Calico's selectors match the node by.
	SelectorLabels map[string]string
}

// NodeKeys are settings and labels to change on a node: Annotations are keyed as
// Node.Settings are. In a patch, a nil value removes the key.
type NodeKeys struct {
	Annotations map[string]*string
	Labels      map[string]*string
}

func (k NodeKeys) empty() bool { return len(k.Annotations) == 0 && len(k.Labels) == 0 }

// nodeStore is where a datastore keeps Calico's nodes.
type nodeStore interface {
	get(ctx context.Context, c *Client, name string) (*Node, error)
	each(ctx context.Context, c *Client, fn func(*Node) error) error
	// patch sets and removes exactly the given keys, leaving everything else on the node as
	// it is: calico-node's addresses, others' labels, fields of newer Calico versions.
	patch(ctx context.Context, c *Client, name string, keys NodeKeys) (*Node, error)
}

// GetNode returns the named Calico node. Many reads in one run are served from one paged LIST.
func GetNode(ctx context.Context, c *Client, name string) (*Node, error) {
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	return c.ds.nodeStore().get(ctx, c, name)
}

// EachNode calls fn for every Calico node, from one paged LIST.
func EachNode(ctx context.Context, c *Client, fn func(*Node) error) error {
	if err := c.connect(ctx); err != nil {
		return err
	}
	return c.ds.nodeStore().each(ctx, c, fn)
}

// PatchNode sets and removes exactly the given keys on a Calico node, so that keys others own
// are never touched or raced over.
func PatchNode(ctx context.Context, c *Client, name string, keys NodeKeys) (*Node, error) {
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	return c.ds.nodeStore().patch(ctx, c, name, keys)
}

// kubeNodes are Kubernetes Nodes: in the Kubernetes datastore a Calico Node is the Kubernetes
// Node, its BGP settings annotations and its labels Calico's node labels.
var kubeNodes = Kind[*corev1.Node]{
	Name: "Node", New: func() *corev1.Node { return &corev1.Node{} }, core: true,
	store: func(c *Client) objectStore[*corev1.Node] {
		return restStore[*corev1.Node, *corev1.NodeList]{c.core.Nodes(),
			restStored{rest: c.core.rest, version: "v1", resource: "nodes"}, func() *corev1.Node { return &corev1.Node{} }}
	},
}

// kubeNodeStore keeps Calico's nodes on Kubernetes Nodes.
type kubeNodeStore struct{}

func (kubeNodeStore) get(ctx context.Context, c *Client, name string) (*Node, error) {
	n, err := kubeNodes.find(ctx, c, name)
	if err != nil {
		return nil, err
	}
	return nodeFromKube(n), nil
}

func (kubeNodeStore) each(ctx context.Context, c *Client, fn func(*Node) error) error {
	return kubeNodes.Each(ctx, c, func(n *corev1.Node) error { return fn(nodeFromKube(n)) })
}

// patch uses a JSON merge patch of exactly the keys.
func (s kubeNodeStore) patch(ctx context.Context, c *Client, name string, keys NodeKeys) (*Node, error) {
	if keys.empty() {
		return s.get(ctx, c, name)
	}
	meta := map[string]any{}
	if len(keys.Annotations) > 0 {
		meta["annotations"] = keys.Annotations
	}
	if len(keys.Labels) > 0 {
		meta["labels"] = keys.Labels
	}
	body, err := json.Marshal(map[string]any{"metadata": meta})
	if err != nil {
		return nil, err
	}
	out, err := c.core.Nodes().Patch(ctx, name, types.MergePatchType, body, metav1.PatchOptions{FieldManager: "terraform-provider-calico"})
	if err != nil {
		return nil, kubeNodes.classify(c, err, name)
	}
	c.snapshotFor(kubeNodes.Name).store(name, out)
	return nodeFromKube(out), nil
}

func nodeFromKube(n *corev1.Node) *Node {
	node := &Node{Name: n.Name, Settings: map[string]string{}, Labels: maps.Clone(n.Labels), SelectorLabels: map[string]string{}}
	for _, k := range nodeSettings {
		if v, ok := n.Annotations[k]; ok {
			node.Settings[k] = v
		}
	}
	// Labels set through Calico's API, overridden by the Kubernetes Node's own, as libcalico-go
	// merges them.
	if raw := n.Annotations[AnnotationCalicoLabels]; raw != "" {
		_ = json.Unmarshal([]byte(raw), &node.SelectorLabels) // malformed: Calico ignores it too
	}
	maps.Copy(node.SelectorLabels, n.Labels)
	if node.Labels == nil {
		node.Labels = map[string]string{}
	}
	return node
}
