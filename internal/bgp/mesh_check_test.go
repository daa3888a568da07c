package bgp

import (
	"strings"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
)

func TestEstablishedBeyondMesh(t *testing.T) {
	status := v3.CalicoNodeBGPStatus{
		PeersV4: []v3.CalicoNodePeer{
			{PeerIP: "10.0.0.1", Type: v3.BGPPeerTypeNodeMesh, State: v3.BGPSessionStateEstablished},
			{PeerIP: "10.0.0.2", Type: v3.BGPPeerTypeNodePeer, State: v3.BGPSessionStateEstablished},
			{PeerIP: "10.0.0.3", Type: v3.BGPPeerTypeNodePeer, State: v3.BGPSessionStateActive},
		},
		PeersV6: []v3.CalicoNodePeer{{PeerIP: "fd00::1", Type: v3.BGPPeerTypeGlobalPeer, State: v3.BGPSessionStateEstablished}},
	}
	if got := establishedBeyondMesh(status); got != 2 {
		t.Errorf("established beyond the mesh = %d, want 2 (a node peer and a global peer; not the mesh, not Active)", got)
	}
}

func TestTemporaryReportName(t *testing.T) {
	if got := temporaryReportName("node-1"); got != "terraform-mesh-check-node-1" {
		t.Errorf("short node name: %q", got)
	}
	long := strings.Repeat("a", 250)
	a, b := temporaryReportName(long+"x"), temporaryReportName(long+"y")
	if len(a) > 253 || len(b) > 253 || a == b || !strings.HasPrefix(a, temporaryReportPrefix) {
		t.Errorf("long node names give %q (%d) and %q (%d): want distinct names of at most 253", a, len(a), b, len(b))
	}
	// Cut where a '.' falls: the name must still be a DNS subdomain.
	cut := 253 - len(temporaryReportPrefix) - 17
	dotted := temporaryReportName(strings.Repeat("a", cut-1) + "." + strings.Repeat("b", 40))
	if strings.Contains(dotted, ".-") || strings.Contains(dotted, "--") {
		t.Errorf("a name cut at a dot: %q", dotted)
	}
}

func TestReporting(t *testing.T) {
	period := func(n uint32) *uint32 { return &n }
	for _, c := range []struct {
		name string
		spec v3.CalicoNodeStatusSpec
		want bool
	}{
		{"BGP every 10s", v3.CalicoNodeStatusSpec{Classes: []v3.NodeStatusClassType{v3.NodeStatusClassTypeAgent, v3.NodeStatusClassTypeBGP}, UpdatePeriodSeconds: period(10)}, true},
		{"no BGP class", v3.CalicoNodeStatusSpec{Classes: []v3.NodeStatusClassType{v3.NodeStatusClassTypeRoutes}, UpdatePeriodSeconds: period(10)}, false},
		{"updates off", v3.CalicoNodeStatusSpec{Classes: []v3.NodeStatusClassType{v3.NodeStatusClassTypeBGP}, UpdatePeriodSeconds: period(0)}, false},
		{"no period", v3.CalicoNodeStatusSpec{Classes: []v3.NodeStatusClassType{v3.NodeStatusClassTypeBGP}}, false},
		{"BGP every 60s", v3.CalicoNodeStatusSpec{Classes: []v3.NodeStatusClassType{v3.NodeStatusClassTypeBGP}, UpdatePeriodSeconds: period(60)}, true},
		{"BGP hourly", v3.CalicoNodeStatusSpec{Classes: []v3.NodeStatusClassType{v3.NodeStatusClassTypeBGP}, UpdatePeriodSeconds: period(3600)}, false},
	} {
		if got := reporting(&v3.CalicoNodeStatus{Spec: c.spec}); got != c.want {
			t.Errorf("%s: reporting = %v, want %v", c.name, got, c.want)
		}
	}
	// An earlier check's temporary report is not a node's own.
	leftover := &v3.CalicoNodeStatus{Spec: v3.CalicoNodeStatusSpec{Classes: []v3.NodeStatusClassType{v3.NodeStatusClassTypeBGP}, UpdatePeriodSeconds: period(5)}}
	leftover.Labels = map[string]string{temporaryReportLabel: "true"}
	if reporting(leftover) {
		t.Error("a temporary report of an earlier check counts as the node's own")
	}
}
