package bgp

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// guardFixture is one run's guarded fabric over live objects, with calico-node's reports played.
type guardFixture struct {
	fabric  *runFabric
	src     guardSource
	reports *playedReports
}

// newGuardFixture is a run that found in live, mesh off: rr (10.0.0.1, a reflector), clients a
// (10.0.0.2) and b (10.0.0.3).
func newGuardFixture(t *testing.T, peers ...*v3.BGPPeer) *guardFixture {
	t.Helper()
	in := topologyInput{
		configs: []*v3.BGPConfiguration{meshConfig(false)},
		nodes: []*calico.Node{topologyNodeOf("rr", "10.0.0.1", "244.0.0.1", map[string]string{"route-reflector": "true"}),
			topologyNodeOf("a", "10.0.0.2", "", nil), topologyNodeOf("b", "10.0.0.3", "", nil)},
		peers: peers,
	}
	sessions, err := computeTopology(in)
	if err != nil {
		t.Fatal(err)
	}
	live := &liveFabric{loaded: true, in: in, sessions: sessions}
	reports := newPlayedReports()
	return &guardFixture{fabric: &runFabric{}, reports: reports, src: guardSource{
		live:     func(context.Context) (*liveFabric, error) { return live, nil },
		statuses: reports,
	}}
}

func meshConfig(on bool) *v3.BGPConfiguration {
	return &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: ptr.To(on)}}
}

var (
	clientsToRR = peerOf("to-rr", v3.BGPPeerSpec{NodeSelector: "!has(route-reflector)", PeerSelector: "has(route-reflector)"})
	allToTor    = peerOf("to-tor", v3.BGPPeerSpec{NodeSelector: "all()", PeerIP: "10.9.9.9", ASNumber: 65000})
)

func deletion(p *v3.BGPPeer) PlannedChange {
	return PlannedChange{Kind: calico.BGPPeers.Name, Name: p.Name}
}

func meshTurned(on bool) PlannedChange {
	return PlannedChange{Kind: calico.BGPConfigurations.Name, Name: "default", Object: meshConfig(on)}
}

// briefPatience makes a change found to cut nodes off wait d for another change of the run.
func briefPatience(t *testing.T, d time.Duration) {
	saved := cutOffPatience
	cutOffPatience = d
	t.Cleanup(func() { cutOffPatience = saved })
}

// guardResult is what one guarded change came to, when it came.
type guardResult struct {
	record func(bool)
	err    error
}

// guardInBackground starts the guard of change, for a test that acts while it waits.
func (g *guardFixture) guardInBackground(change PlannedChange, guard Guard) <-chan guardResult {
	done := make(chan guardResult, 1)
	go func() {
		record, err := g.fabric.guard(context.Background(), g.src, change, guard, false)
		done <- guardResult{record, err}
	}()
	return done
}

func waitFor(t *testing.T, done <-chan guardResult) guardResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the guarded change never finished")
		return guardResult{}
	}
}

func cutOffNames(err error) []string {
	var cut *CutOffError
	if !errors.As(err, &cut) {
		return nil
	}
	var names []string
	for _, n := range cut.Nodes {
		names = append(names, n.Name)
	}
	return names
}

// Two changes that each leave every node one session cannot both be written: the second waits
// for the first to be written, and is judged against the fabric with it.
func TestGuardChange_judgesEachChangeAfterTheOnesWrittenBefore(t *testing.T) {
	briefPatience(t, 20*time.Millisecond)
	guard := Guard{Timeout: time.Minute}
	for _, c := range []struct {
		name        string
		firstWrote  bool
		wantSecond  error
		wantCutNode []string
	}{
		{name: "the first written: the second cuts every node off", firstWrote: true, wantSecond: ErrCutOff, wantCutNode: []string{"a", "b", "rr"}},
		{name: "the first's write failed: the second leaves the reflector sessions", firstWrote: false},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGuardFixture(t, clientsToRR, allToTor)
			record, err := g.fabric.guard(context.Background(), g.src, deletion(allToTor), guard, false)
			if err != nil {
				t.Fatalf("the first destroy, which leaves every node a session: %v", err)
			}
			second := g.guardInBackground(deletion(clientsToRR), guard)
			select {
			case r := <-second:
				t.Fatalf("the second change was judged before the first was written: %v", r.err)
			case <-time.After(50 * time.Millisecond):
			}
			record(c.firstWrote)
			r := waitFor(t, second)
			if !errors.Is(r.err, c.wantSecond) || !slices.Equal(cutOffNames(r.err), c.wantCutNode) {
				t.Fatalf("second change: %v (cut off %v); want %v, cut off %v", r.err, cutOffNames(r.err), c.wantSecond, c.wantCutNode)
			}
			if r.record != nil {
				r.record(true)
			}
		})
	}
}

// Deletions of BGPPeers that cut no node off, all of them written, are written side by side, as
// Terraform destroys them: none waits for another to be written. A change that is not a
// deletion waits for them.
func TestGuardChange_writesSafeDeletionsSideBySide(t *testing.T) {
	rrToTor := peerOf("rr-to-tor", v3.BGPPeerSpec{NodeSelector: "has(route-reflector)", PeerIP: "10.9.9.11", ASNumber: 65000})
	rrToTor2 := peerOf("rr-to-tor2", v3.BGPPeerSpec{NodeSelector: "has(route-reflector)", PeerIP: "10.9.9.10", ASNumber: 65000})
	g := newGuardFixture(t, clientsToRR, allToTor, rrToTor, rrToTor2)
	ctx := context.Background()
	first, err := g.fabric.guard(ctx, g.src, deletion(rrToTor), Guard{}, false)
	if err != nil {
		t.Fatal(err)
	}
	var second func(bool)
	select {
	case r := <-g.guardInBackground(deletion(rrToTor2), Guard{}):
		if r.err != nil {
			t.Fatalf("a second deletion, safe with the first written: %v", r.err)
		}
		second = r.record
	case <-time.After(time.Second):
		t.Fatal("a second deletion, safe with the first written, waited for the first to be written")
	}
	update := g.guardInBackground(PlannedChange{Kind: calico.BGPPeers.Name, Name: "to-tor", Object: peerOf("to-tor",
		v3.BGPPeerSpec{NodeSelector: "!has(route-reflector)", PeerIP: "10.9.9.9", ASNumber: 65000})}, Guard{})
	select {
	case r := <-update:
		t.Fatalf("an update that takes sessions down was judged while deletions were being written: %v", r.err)
	case <-time.After(50 * time.Millisecond):
	}
	first(true)
	second(true)
	// Without the ToR peering of every node, the reflector keeps its clients only.
	if r := waitFor(t, update); r.err != nil {
		t.Fatal(r.err)
	} else {
		r.record(true)
	}
}

// A change found to cut nodes off waits for another change of the run, and is judged again once
// it is written: the mesh turned back on by the same apply makes the destroy of the clients'
// only peering wait for their mesh session (the reflector, in no mesh, keeps its ToR session),
// which passes once calico-node reports it Established, and is refused when it never does.
func TestGuardChange_cutOffWaitsForTheRunsOtherChanges(t *testing.T) {
	fastPolls(t)
	briefPatience(t, 5*time.Second)
	rrToTor := peerOf("rr-to-tor", v3.BGPPeerSpec{NodeSelector: "has(route-reflector)", PeerIP: "10.9.9.9", ASNumber: 65000})
	for _, c := range []struct {
		name      string
		reports   []*v3.CalicoNodeStatus
		wantErr   error
		wantNodes []string
	}{
		{name: "calico-node reports the mesh Established: the destroy goes on", reports: []*v3.CalicoNodeStatus{
			ownReport("a", established("10.0.0.3", v3.BGPPeerTypeNodeMesh)), ownReport("b", established("10.0.0.2", v3.BGPPeerTypeNodeMesh))}},
		{name: "a report shows the mesh session as a BGPPeer's: refused", reports: []*v3.CalicoNodeStatus{
			ownReport("a", established("10.0.0.3", v3.BGPPeerTypeNodePeer)), ownReport("b", established("10.0.0.2", v3.BGPPeerTypeNodeMesh))},
			wantErr: ErrSessionsNotEstablished, wantNodes: []string{"a"}},
		{name: "no report: refused, naming both clients", wantErr: ErrSessionsNotEstablished, wantNodes: []string{"a", "b"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGuardFixture(t, clientsToRR, rrToTor)
			for _, s := range c.reports {
				g.reports.objects[s.Name] = s
			}
			guard := Guard{Timeout: 50 * time.Millisecond}
			destroy := g.guardInBackground(deletion(clientsToRR), guard)
			time.Sleep(20 * time.Millisecond) // judged once, and found to cut the clients off
			written, err := g.fabric.guard(context.Background(), g.src, meshTurned(true), guard, false)
			if err != nil {
				t.Fatalf("turning the mesh back on takes no session down: %v", err)
			}
			written(true)
			r := waitFor(t, destroy)
			if !errors.Is(r.err, c.wantErr) || !slices.Equal(cutOffNames(r.err), c.wantNodes) {
				t.Fatalf("destroy: %v (nodes %v); want %v, nodes %v", r.err, cutOffNames(r.err), c.wantErr, c.wantNodes)
			}
		})
	}
}

// What the guard lets through unjudged, and what it holds back.
func TestGuardChange_passesCreatesAllowedCutsAndTheMeshCheck(t *testing.T) {
	briefPatience(t, 20*time.Millisecond)
	ctx := context.Background()

	t.Run("a peer's create is not judged, nor does it hold other changes back", func(t *testing.T) {
		g := newGuardFixture(t, clientsToRR)
		if _, err := g.fabric.guard(ctx, g.src, PlannedChange{Kind: calico.BGPPeers.Name, Name: "to-tor", Object: allToTor}, Guard{}, true); err != nil {
			t.Fatal(err)
		}
		// Not written yet: the fabric still has only the reflector sessions.
		if _, err := g.fabric.guard(ctx, g.src, deletion(clientsToRR), Guard{}, false); !errors.Is(err, ErrCutOff) {
			t.Fatalf("destroying the only peering while the create is unwritten: %v, want %v", err, ErrCutOff)
		}
	})

	t.Run("allow_cut_off: the cut passes, and holds later changes until it is written", func(t *testing.T) {
		g := newGuardFixture(t, clientsToRR)
		record, err := g.fabric.guard(ctx, g.src, deletion(clientsToRR), Guard{AllowCutOff: true}, false)
		if err != nil {
			t.Fatal(err)
		}
		next := g.guardInBackground(meshTurned(true), Guard{})
		select {
		case <-next:
			t.Fatal("a change was judged while an allowed cut was being written")
		case <-time.After(50 * time.Millisecond):
		}
		record(true)
		if r := waitFor(t, next); r.err != nil {
			t.Fatal(r.err)
		}
	})

	t.Run("turning the mesh off is left to the mesh check", func(t *testing.T) {
		g := newGuardFixture(t, clientsToRR)
		g.fabric.in = topologyInput{}
		g.src.live = func(context.Context) (*liveFabric, error) {
			in := topologyInput{configs: []*v3.BGPConfiguration{meshConfig(true)}, nodes: []*calico.Node{topologyNodeOf("a", "10.0.0.2", "", nil)}}
			sessions, err := computeTopology(in)
			return &liveFabric{loaded: true, in: in, sessions: sessions}, err
		}
		record, err := g.fabric.guard(ctx, g.src, meshTurned(false), Guard{}, false)
		if err != nil {
			t.Fatalf("the mesh turned off, which leaves node a nothing: %v; the guard leaves it to the mesh check", err)
		}
		record(false)
	})

	t.Run("the live fabric unreadable: its error", func(t *testing.T) {
		g := newGuardFixture(t)
		down := errors.New("datastore down")
		g.src.live = func(context.Context) (*liveFabric, error) { return nil, down }
		if _, err := g.fabric.guard(ctx, g.src, deletion(clientsToRR), Guard{}, false); !errors.Is(err, down) {
			t.Fatalf("got %v, want %v", err, down)
		}
	})
}
