package calico

import (
	"context"
	"maps"
	"slices"
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

// Patched is a copy of n with keys applied, as a patch of them would leave it (the labels also
// as Calico's selectors match them).
func (n *Node) Patched(keys NodeKeys) *Node {
	out := &Node{Name: n.Name, Settings: maps.Clone(n.Settings), Labels: maps.Clone(n.Labels), SelectorLabels: maps.Clone(n.SelectorLabels)}
	set := func(m map[string]string, k string, v *string) map[string]string {
		if m == nil {
			m = map[string]string{}
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = *v
		}
		return m
	}
	for k, v := range keys.Annotations {
		if slices.Contains(nodeSettings, k) {
			out.Settings = set(out.Settings, k, v)
		}
	}
	for k, v := range keys.Labels {
		out.Labels = set(out.Labels, k, v)
		out.SelectorLabels = set(out.SelectorLabels, k, v)
	}
	return out
}

// nodeStore is where a datastore keeps Calico's nodes: Kubernetes Nodes (nodes_kubernetes.go)
// or Calico Node objects (nodes_calico.go). Each reads through its own snapshot, as Kind does.
type nodeStore interface {
	get(ctx context.Context, name string) (*Node, error)
	each(ctx context.Context, fn func(*Node) error) error
	// patch sets and removes exactly the given keys, leaving everything else on the node as
	// it is: calico-node's addresses, others' labels, fields of newer Calico versions.
	patch(ctx context.Context, name string, keys NodeKeys) (*Node, error)
}

// nodeReader reads Calico's nodes from the objects a datastore keeps them as (N), through the
// run's snapshot as Kind reads, converting each with toNode.
type nodeReader[N Object] struct {
	nodes  *objects
	kind   Kind[N]
	toNode func(N) *Node
}

func newNodeReader[N Object](nodes *objects, newObj func() N, toNode func(N) *Node) nodeReader[N] {
	return nodeReader[N]{nodes: nodes, kind: storeKind(newObj, nodes), toNode: toNode}
}

func (r nodeReader[N]) get(ctx context.Context, name string) (*Node, error) {
	n, err := r.kind.find(ctx, name)
	if err != nil {
		return nil, err
	}
	return r.toNode(n), nil
}

func (r nodeReader[N]) each(ctx context.Context, fn func(*Node) error) error {
	return r.kind.Each(ctx, func(n N) error { return fn(r.toNode(n)) })
}

// Nodes are Calico's nodes on the client's datastore. No request is made until a method is
// called.
func (c *Client) Nodes() Nodes { return Nodes{c: c} }

// Nodes reads and patches Calico's nodes (see Client.Nodes).
type Nodes struct{ c *Client }

func (n Nodes) store(ctx context.Context) (nodeStore, error) {
	cn, err := n.c.connect(ctx)
	if err != nil {
		return nil, err
	}
	return cn.ds.nodes(), nil
}

// Get returns the named Calico node. Many reads in one run are served from one paged LIST.
func (n Nodes) Get(ctx context.Context, name string) (*Node, error) {
	s, err := n.store(ctx)
	if err != nil {
		return nil, err
	}
	return s.get(ctx, name)
}

// Each calls fn for every Calico node, from one paged LIST.
func (n Nodes) Each(ctx context.Context, fn func(*Node) error) error {
	s, err := n.store(ctx)
	if err != nil {
		return err
	}
	return s.each(ctx, fn)
}

// Patch sets and removes exactly the given keys on a Calico node, so that keys others own are
// never touched or raced over.
func (n Nodes) Patch(ctx context.Context, name string, keys NodeKeys) (*Node, error) {
	s, err := n.store(ctx)
	if err != nil {
		return nil, err
	}
	n.c.writes.Add(1) // counted before the outcome is known: a failed write may have landed
	return s.patch(ctx, name, keys)
}
