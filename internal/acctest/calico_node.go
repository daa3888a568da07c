package acctest

import (
	"context"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// CalicoNodeReporter plays calico-node's status reporter on some nodes while a test runs: for
// every CalicoNodeStatus of one of those nodes that asks for the BGP class, it writes the
// sessions the test gives for the node, as calico-node writes what BIRD says. It writes when a
// status object appears or someone else changes it, and, once the test changes a node's
// sessions, to every report (calico-node would within one update period, which the reporter
// does not model).
type CalicoNodeReporter struct {
	mu       sync.Mutex
	sessions map[string][]v3.CalicoNodePeer // node -> its sessions, IPv4 and IPv6
	written  map[string]string              // status object -> the resourceVersion this wrote
	reports  map[string][]string            // node -> the status objects reported to
}

// PlayCalicoNode starts reporting sessions (node -> its sessions) and stops when the test ends.
func PlayCalicoNode(t *testing.T, sessions map[string][]v3.CalicoNodePeer) *CalicoNodeReporter {
	t.Helper()
	r := &CalicoNodeReporter{sessions: sessions, written: map[string]string{}, reports: map[string][]string{}}
	storage := Stored(t, calico.CalicoNodeStatuses.Plural)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			list, err := storage.List(ctx, metav1.ListOptions{})
			if err == nil {
				for i := range list.Items {
					r.report(ctx, storage, &list.Items[i])
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return r
}

// SetSessions changes what a node's BIRD has; the node's reports follow.
func (r *CalicoNodeReporter) SetSessions(node string, peers []v3.CalicoNodePeer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessions[node] = peers
	clear(r.written)
}

// Reports are the status objects that were reported to for the node, in order.
func (r *CalicoNodeReporter) Reports(node string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reports[node])
}

func (r *CalicoNodeReporter) report(ctx context.Context, storage StoredKind, obj *unstructured.Unstructured) {
	node, _, _ := unstructured.NestedString(obj.Object, "spec", "node")
	classes, _, _ := unstructured.NestedStringSlice(obj.Object, "spec", "classes")
	r.mu.Lock()
	defer r.mu.Unlock()
	peers, ours := r.sessions[node]
	if !ours || !slices.Contains(classes, string(v3.NodeStatusClassTypeBGP)) || r.written[obj.GetName()] == obj.GetResourceVersion() {
		return
	}
	status := v3.CalicoNodeStatusStatus{LastUpdated: metav1.Now()}
	for _, p := range peers {
		v6 := net.ParseIP(p.PeerIP).To4() == nil
		established := p.State == v3.BGPSessionStateEstablished
		switch {
		case v6:
			status.BGP.PeersV6 = append(status.BGP.PeersV6, p)
		default:
			status.BGP.PeersV4 = append(status.BGP.PeersV4, p)
		}
		switch {
		case v6 && established:
			status.BGP.NumberEstablishedV6++
		case v6:
			status.BGP.NumberNotEstablishedV6++
		case established:
			status.BGP.NumberEstablishedV4++
		default:
			status.BGP.NumberNotEstablishedV4++
		}
	}
	raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&status)
	if err != nil {
		return
	}
	obj.Object["status"] = raw
	out, err := storage.Update(ctx, obj, metav1.UpdateOptions{})
	if err != nil {
		return // changed meanwhile, or gone: the next round sees it as it is
	}
	r.written[obj.GetName()] = out.GetResourceVersion()
	if !slices.Contains(r.reports[node], obj.GetName()) {
		r.reports[node] = append(r.reports[node], obj.GetName())
	}
}
