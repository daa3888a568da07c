package calico

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/projectcalico/api/pkg/lib/numorstring"
	libapiv3 "github.com/projectcalico/calico/libcalico-go/lib/apis/v3"
	"github.com/projectcalico/calico/libcalico-go/lib/clientv3"
	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	validator "github.com/projectcalico/calico/libcalico-go/lib/validator/v3"
	"k8s.io/client-go/util/retry"
)

// calicoNodeStore keeps Calico's nodes as Calico Node objects (in etcd): the BGP settings in
// spec.bgp, the labels in metadata.labels.
type calicoNodeStore struct {
	nodeReader[*libapiv3.Node]
	stored storedObjects
}

func newCalicoNodeStore(api clientv3.Interface, stored storedObjects, at location) calicoNodeStore {
	store := libcalicoStore{api: untypedLibraryClient[*libapiv3.Node, *libapiv3.NodeList]{api.Nodes()}, stored: stored,
		newObj: func() Object { return libapiv3.NewNode() }, format: v3JSONFormat{}}
	nodes := newObjects(libapiv3.KindNode, at, store)
	return calicoNodeStore{nodeReader: newNodeReader(nodes, libapiv3.NewNode, nodeFromCalico), stored: stored}
}

// calicoNodeBGPFields are the spec.bgp fields holding each of Node.Settings.
var calicoNodeBGPFields = map[string]string{
	AnnotationASNumber:                "asNumber",
	AnnotationIPv4Address:             "ipv4Address",
	AnnotationIPv6Address:             "ipv6Address",
	AnnotationRouteReflectorClusterID: "routeReflectorClusterID",
}

// patch edits the stored JSON, so that fields the library's types lack survive, then checks
// the result with Calico's validator and writes it over the revision it read, re-reading when
// someone else (calico-node) wrote in between.
func (s calicoNodeStore) patch(ctx context.Context, name string, keys NodeKeys) (*Node, error) {
	if keys.empty() {
		return s.get(ctx, name)
	}
	ctx, release, err := s.nodes.at.bound(ctx)
	defer release()
	if err != nil {
		return nil, s.nodes.classify(ctx, err, OpUpdate, name)
	}
	var out *libapiv3.Node
	err = retry.OnError(retry.DefaultRetry, func(err error) bool { return errors.Is(classOf(err), ErrConflict) }, func() error {
		stored, err := s.stored.get(ctx, name)
		if err != nil {
			return err
		}
		if err := patchCalicoNode(stored, keys); err != nil {
			return err
		}
		b, err := json.Marshal(stored)
		if err != nil {
			return err
		}
		next := libapiv3.NewNode()
		if err := json.Unmarshal(b, next); err != nil {
			return err
		}
		if err := validator.Validate(next); err != nil {
			return err
		}
		written, err := s.stored.put(ctx, name, stored)
		if err != nil {
			return err
		}
		out = libapiv3.NewNode()
		return json.Unmarshal(written, out)
	})
	if err != nil {
		return nil, s.nodes.classify(ctx, err, OpUpdate, name)
	}
	s.nodes.snap.store(name, out)
	return nodeFromCalico(out), nil
}

// patchCalicoNode applies keys to a stored Calico Node.
func patchCalicoNode(obj map[string]any, keys NodeKeys) error {
	meta := childObject(obj, "metadata")
	labels := childObject(meta, "labels")
	for k, v := range keys.Labels {
		if v == nil {
			delete(labels, k)
		} else {
			labels[k] = *v
		}
	}
	spec := childObject(obj, "spec")
	bgp := childObject(spec, "bgp")
	for k, v := range keys.Annotations {
		field, ok := calicoNodeBGPFields[k]
		switch {
		case !ok:
			return fmt.Errorf("a Calico Node has no setting %s", k)
		case v == nil:
			delete(bgp, field)
		case field == "asNumber":
			asn, err := numorstring.ASNumberFromString(*v)
			if err != nil {
				return cerrors.ErrorValidation{ErroredFields: []cerrors.ErroredField{{Name: "Spec.BGP.ASNumber", Value: *v, Reason: err.Error()}}}
			}
			bgp[field] = uint32(asn)
		default:
			bgp[field] = *v
		}
	}
	// An empty spec.bgp is invalid to Calico, and an empty labels map is noise.
	dropIfEmpty(spec, "bgp")
	dropIfEmpty(meta, "labels")
	return nil
}

// childObject returns obj[key] as an object, putting an empty one there when it is missing.
func childObject(obj map[string]any, key string) map[string]any {
	child, ok := obj[key].(map[string]any)
	if !ok {
		child = map[string]any{}
		obj[key] = child
	}
	return child
}

func dropIfEmpty(obj map[string]any, key string) {
	if child, ok := obj[key].(map[string]any); ok && len(child) == 0 {
		delete(obj, key)
	}
}

func nodeFromCalico(n *libapiv3.Node) *Node {
	node := &Node{Name: n.Name, Settings: map[string]string{}, Labels: maps.Clone(n.Labels)}
	if node.Labels == nil {
		node.Labels = map[string]string{}
	}
	node.SelectorLabels = maps.Clone(node.Labels)
	if bgp := n.Spec.BGP; bgp != nil {
		set := func(key, v string) {
			if v != "" {
				node.Settings[key] = v
			}
		}
		if bgp.ASNumber != nil {
			set(AnnotationASNumber, bgp.ASNumber.String())
		}
		set(AnnotationIPv4Address, bgp.IPv4Address)
		set(AnnotationIPv6Address, bgp.IPv6Address)
		set(AnnotationRouteReflectorClusterID, bgp.RouteReflectorClusterID)
	}
	return node
}
