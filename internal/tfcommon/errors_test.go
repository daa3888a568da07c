package tfcommon

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// A failed mesh check names the first nodes, counts the rest, and says the mesh stays on.
func TestDescribeMeshCheck(t *testing.T) {
	var nodes []bgp.MeshCheckNode
	for i := range 25 {
		nodes = append(nodes, bgp.MeshCheckNode{Name: fmt.Sprintf("node-%02d", i)})
	}
	nodes[0].Sessions = []bgp.Session{{PeerIP: "10.0.0.1", Source: "to-rr"}}
	err := fmt.Errorf("wrapped: %w", &bgp.MeshCheckError{Class: bgp.ErrMeshNotReplaced,
		Check: bgp.MeshCheck{MinSessions: 2, NodeSelector: "all()", Timeout: time.Minute}, Nodes: nodes})
	summary, detail := Describe("Update", "BGPConfiguration", "default", err)
	if summary != "Turning the Mesh Off Would Leave Nodes Without BGP Sessions" {
		t.Errorf("summary %q", summary)
	}
	for _, want := range []string{"25 nodes fall short", "node-00: 1 session: 10.0.0.1 (to-rr)", "node-19: no session",
		"... and 5 more", "Nothing was written", "min_established_sessions (2)"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
	if strings.Contains(detail, "node-20") {
		t.Errorf("detail names more than 20 nodes:\n%s", detail)
	}
}

// A wait that ran out names each node's sessions and states, and which nodes never reported.
func TestDescribeMeshCheckNotEstablished(t *testing.T) {
	err := &bgp.MeshCheckError{Class: bgp.ErrSessionsNotEstablished,
		Check: bgp.MeshCheck{MinSessions: 1, NodeSelector: "rack == 'r1'", Timeout: 90 * time.Second},
		Nodes: []bgp.MeshCheckNode{
			{Name: "n1", Reported: true, Peers: []v3.CalicoNodePeer{{PeerIP: "10.0.0.9", Type: v3.BGPPeerTypeNodePeer, State: v3.BGPSessionStateActive}}},
			{Name: "n2"},
			{Name: "n3", Queued: true},
		}}
	summary, detail := Describe("Update", "BGPConfiguration", "default", err)
	if summary != "BGP Sessions Not Established Before Turning the Mesh Off" {
		t.Errorf("summary %q", summary)
	}
	for _, want := range []string{`("rack == 'r1'")`, "timeout (1m30s), 3 nodes fall short", "n1: 10.0.0.9 NodePeer Active",
		"n2: no status report yet", "n3: not asked yet", "Nothing was written"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
}

// Where the datastore receives no report (etcd), a node that never reported gets the reason and
// the way through.
func TestDescribeMeshCheckNotReportedOnEtcd(t *testing.T) {
	err := &bgp.MeshCheckError{Class: bgp.ErrSessionsNotEstablished, NoReports: true,
		Check: bgp.MeshCheck{MinSessions: 1, NodeSelector: "all()", Timeout: time.Minute}, Nodes: []bgp.MeshCheckNode{{Name: "n2"}}}
	_, detail := Describe("Update", "BGPConfiguration", "default", err)
	if !strings.Contains(detail, "On the etcd datastore, calico-node 3.31 writes no status report") {
		t.Errorf("detail lacks the etcd reason:\n%s", detail)
	}
	err.NoReports = false
	if _, detail := Describe("Update", "BGPConfiguration", "default", err); strings.Contains(detail, "etcd") {
		t.Errorf("the etcd reason off etcd:\n%s", detail)
	}
}

// A run says once that the cluster's release is unknown, or older than supported, and says
// nothing of a supported one.
func TestWarnRelease(t *testing.T) {
	for _, c := range []struct {
		version, summary string
	}{
		{"3.29.4", ""},
		{"3.27.2", "Calico Older Than Supported"},
	} {
		client := calico.NewClient(calico.Config{CalicoVersion: c.version})
		var diags diag.Diagnostics
		WarnRelease(context.Background(), client, &diags)
		WarnRelease(context.Background(), client, &diags)
		var got []string
		for _, d := range diags {
			got = append(got, d.Summary())
		}
		var want []string
		if c.summary != "" {
			want = []string{c.summary}
		}
		if !slices.Equal(got, want) {
			t.Errorf("Calico %s: warned %q, want %q once", c.version, got, want)
		}
	}
}
