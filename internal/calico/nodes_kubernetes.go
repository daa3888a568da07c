package calico

import (
	"context"
	"encoding/json"
	"maps"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// kubeNodeStore keeps Calico's nodes on Kubernetes Nodes: in the Kubernetes datastore a Calico
// Node is the Kubernetes Node, its BGP settings annotations and its labels Calico's node labels.
type kubeNodeStore struct {
	nodeReader[*corev1.Node]
	core *coreClient
}

func newKubeNodeStore(core *coreClient, at location) kubeNodeStore {
	newNode := func() *corev1.Node { return &corev1.Node{} }
	store := restStore{api: core.untypedNodes(), stored: restStored{rest: core.rest, version: "v1", resource: "nodes"},
		newObj: func() Object { return newNode() }}
	// Errors name no Calico datastore: Kubernetes Nodes are core objects.
	at.group = ""
	return kubeNodeStore{core: core, nodeReader: newNodeReader(newObjects("Node", at, store), newNode, nodeFromKube)}
}

// patch uses a JSON merge patch of exactly the keys.
func (s kubeNodeStore) patch(ctx context.Context, name string, keys NodeKeys) (*Node, error) {
	if keys.empty() {
		return s.get(ctx, name)
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
	ctx, release, err := s.nodes.at.bound(ctx)
	defer release()
	if err != nil {
		return nil, s.nodes.classify(ctx, err, OpUpdate, name)
	}
	out, err := s.core.Nodes().Patch(ctx, name, types.MergePatchType, body, metav1.PatchOptions{FieldManager: "terraform-provider-calico"})
	if err != nil {
		return nil, s.nodes.classify(ctx, err, OpUpdate, name)
	}
	s.nodes.snap.store(name, out)
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
