package bgp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// playedReports stands for the CalicoNodeStatus objects and calico-node behind them: it keeps
// the objects the check creates and deletes, and before each of the check's reads of all
// reports applies what calico-node writes by then.
type playedReports struct {
	objects map[string]*v3.CalicoNodeStatus
	// writes[i] is what calico-node has written before the check's read i (read 0 finds the
	// nodes' own reports, read 1 is the first poll).
	writes map[int]func(*playedReports)
	reads  int
	// createErrs are returned by the first Creates, in order, before any object is made.
	createErrs       []error
	created, deleted []string
}

func newPlayedReports(own ...*v3.CalicoNodeStatus) *playedReports {
	p := &playedReports{objects: map[string]*v3.CalicoNodeStatus{}, writes: map[int]func(*playedReports){}}
	for _, s := range own {
		p.objects[s.Name] = s
	}
	return p
}

func (p *playedReports) Each(_ context.Context, fn func(*v3.CalicoNodeStatus) error) error {
	if w := p.writes[p.reads]; w != nil {
		w(p)
	}
	p.reads++
	names := make([]string, 0, len(p.objects))
	for name := range p.objects {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := fn(p.objects[name].DeepCopy()); err != nil {
			return err
		}
	}
	return nil
}

func (p *playedReports) Get(_ context.Context, name string) (*v3.CalicoNodeStatus, error) {
	if s, ok := p.objects[name]; ok {
		return s.DeepCopy(), nil
	}
	return nil, calico.ErrNotFound
}

func (p *playedReports) Create(_ context.Context, s *v3.CalicoNodeStatus) (*v3.CalicoNodeStatus, error) {
	if len(p.createErrs) > 0 {
		err := p.createErrs[0]
		p.createErrs = p.createErrs[1:]
		return nil, err
	}
	if _, ok := p.objects[s.Name]; ok {
		return nil, fmt.Errorf("CalicoNodeStatus %s: %w", s.Name, calico.ErrAlreadyExists)
	}
	p.objects[s.Name] = s.DeepCopy()
	p.created = append(p.created, s.Name)
	return s, nil
}

func (p *playedReports) Delete(_ context.Context, name string) error {
	if _, ok := p.objects[name]; !ok {
		return calico.ErrNotFound
	}
	delete(p.objects, name)
	p.deleted = append(p.deleted, name)
	return nil
}

// at makes calico-node write into the report object named before the check's read i.
func (p *playedReports) at(read int, report string, peers ...v3.CalicoNodePeer) *playedReports {
	prev := p.writes[read]
	p.writes[read] = func(p *playedReports) {
		if prev != nil {
			prev(p)
		}
		if s := p.objects[report]; s != nil {
			s.Status.LastUpdated = metav1.Now()
			s.Status.BGP.PeersV4 = peers
		}
	}
	return p
}

// ownReport is a node's own status object, reporting its BGP sessions every 10 s.
func ownReport(node string, peers ...v3.CalicoNodePeer) *v3.CalicoNodeStatus {
	period := uint32(10)
	s := &v3.CalicoNodeStatus{ObjectMeta: metav1.ObjectMeta{Name: node + "-status"},
		Spec: v3.CalicoNodeStatusSpec{Node: node, Classes: []v3.NodeStatusClassType{v3.NodeStatusClassTypeBGP}, UpdatePeriodSeconds: &period}}
	if len(peers) > 0 {
		s.Status.LastUpdated = metav1.Now()
		s.Status.BGP.PeersV4 = peers
	}
	return s
}

func established(ip string, typ v3.BGPPeerType) v3.CalicoNodePeer {
	return v3.CalicoNodePeer{PeerIP: ip, Type: typ, State: v3.BGPSessionStateEstablished}
}

var (
	toReflector1 = established("10.0.0.1", v3.BGPPeerTypeNodePeer)
	toReflector2 = established("10.0.0.2", v3.BGPPeerTypeNodePeer)
	meshPeer     = established("10.0.0.9", v3.BGPPeerTypeNodeMesh)
	activePeer   = v3.CalicoNodePeer{PeerIP: "10.0.0.2", Type: v3.BGPPeerTypeNodePeer, State: v3.BGPSessionStateActive}
)

// named are nodes the wait reads, with no session awaited by name.
func named(names ...string) []checkedNode {
	nodes := make([]checkedNode, len(names))
	for i, name := range names {
		nodes[i] = checkedNode{Name: name}
	}
	return nodes
}

// fastPolls makes the wait read the reports every millisecond for the test's duration.
func fastPolls(t *testing.T) {
	saved := pollEvery
	pollEvery = time.Millisecond
	t.Cleanup(func() { pollEvery = saved })
}

// waitOutcome is what a played wait came to.
type waitOutcome struct {
	err              error
	reads            int
	created, deleted []string
	left             []string // report objects still stored at the end
}

func playWait(t *testing.T, reports *playedReports, noReports bool, nodes []checkedNode, check MeshCheck) waitOutcome {
	t.Helper()
	err := waitForEstablished(context.Background(), reports, noReports, nodes, check)
	out := waitOutcome{err: err, reads: reports.reads, created: reports.created, deleted: reports.deleted}
	for name := range reports.objects {
		out.left = append(out.left, name)
	}
	slices.Sort(out.left)
	return out
}

// The wait's decisions on played sequences of calico-node's reports: it passes once every
// node reports enough Established sessions that are not mesh sessions, its sessions with other
// checked nodes among them, waits while any does not, refuses when the time runs out, and leaves no temporary report behind.
func TestWaitForEstablished_decisions(t *testing.T) {
	fastPolls(t)
	twoSessions := MeshCheck{MinSessions: 2, Timeout: time.Minute}
	briefly := MeshCheck{MinSessions: 2, Timeout: 30 * time.Millisecond}
	oneSession := MeshCheck{MinSessions: 1, Timeout: time.Minute}
	briefly1 := MeshCheck{MinSessions: 1, Timeout: 30 * time.Millisecond}
	// A client of two checked reflectors: one Established session is enough by count, but the
	// wait awaits both.
	clientOfBoth := checkedNode{Name: "a", Awaited: []Session{{PeerIP: "10.0.0.1", PeerNode: "rr1"}, {PeerIP: "10.0.0.2", PeerNode: "rr2"}}}
	for _, c := range []struct {
		name    string
		reports *playedReports
		nodes   []checkedNode
		check   MeshCheck
		// want: the error class (nil: pass); the reads of all reports it passed after, or the
		// least it refused after; the reports created and deleted; the nodes that fall short.
		wantErr     error
		wantReads   int
		wantCreated []string
		wantDeleted []string
		wantShort   []MeshCheckNode
	}{{
		name:      "own reports already show enough: pass at the first poll, nothing created",
		reports:   newPlayedReports(ownReport("a", toReflector1, toReflector2), ownReport("b", toReflector1, toReflector2)),
		nodes:     named("a", "b"),
		check:     twoSessions,
		wantReads: 2,
	}, {
		name: "node b's sessions come up at the fourth poll: wait, then pass",
		reports: newPlayedReports(ownReport("a", toReflector1, toReflector2), ownReport("b", toReflector1)).
			at(4, "b-status", toReflector1, toReflector2),
		nodes:     named("a", "b"),
		check:     twoSessions,
		wantReads: 5,
	}, {
		name:        "no own report: a temporary one is created, read and deleted once its node is ready",
		reports:     newPlayedReports().at(2, "terraform-mesh-check-a", toReflector1, toReflector2),
		nodes:       named("a"),
		check:       twoSessions,
		wantReads:   3,
		wantCreated: []string{"terraform-mesh-check-a"},
		wantDeleted: []string{"terraform-mesh-check-a"},
	}, {
		name:      "mesh and Active sessions do not count: refused after the timeout, with the peers reported",
		reports:   newPlayedReports(ownReport("a", toReflector1, meshPeer, activePeer)),
		nodes:     named("a"),
		check:     briefly,
		wantErr:   ErrSessionsNotEstablished,
		wantReads: 3,
		wantShort: []MeshCheckNode{{Name: "a", Reported: true, Peers: []v3.CalicoNodePeer{toReflector1, meshPeer, activePeer}}},
	}, {
		name:        "a temporary report calico-node never writes: refused as not reported, and deleted",
		reports:     newPlayedReports(),
		nodes:       named("a"),
		check:       briefly,
		wantErr:     ErrSessionsNotEstablished,
		wantReads:   3,
		wantCreated: []string{"terraform-mesh-check-a"},
		wantDeleted: []string{"terraform-mesh-check-a"},
		wantShort:   []MeshCheckNode{{Name: "a"}},
	}, {
		name: "one node ready, one never: refused naming only the one that is not",
		reports: newPlayedReports(ownReport("a", toReflector1, toReflector2), ownReport("b", toReflector1)).
			at(3, "b-status", toReflector1, meshPeer),
		nodes:     named("a", "b"),
		check:     briefly,
		wantErr:   ErrSessionsNotEstablished,
		wantReads: 4,
		wantShort: []MeshCheckNode{{Name: "b", Reported: true, Peers: []v3.CalicoNodePeer{toReflector1, meshPeer}}},
	}, {
		name: "an own report updated only hourly is not waited on: a temporary one is",
		reports: newPlayedReports(func() *v3.CalicoNodeStatus {
			s := ownReport("a", toReflector1, toReflector2)
			hourly := uint32(3600)
			s.Spec.UpdatePeriodSeconds = &hourly
			return s
		}()).at(2, "terraform-mesh-check-a", toReflector1, toReflector2),
		nodes:       named("a"),
		check:       twoSessions,
		wantReads:   3,
		wantCreated: []string{"terraform-mesh-check-a"},
		wantDeleted: []string{"terraform-mesh-check-a"},
	}, {
		name: "enough sessions, but one with a checked reflector not yet up: wait for it, then pass",
		reports: newPlayedReports(ownReport("a", toReflector1)).
			at(4, "a-status", toReflector1, toReflector2),
		nodes:     []checkedNode{clientOfBoth},
		check:     oneSession,
		wantReads: 5,
	}, {
		name:      "a checked reflector's session that stays Active: refused, naming it",
		reports:   newPlayedReports(ownReport("a", toReflector1, activePeer)),
		nodes:     []checkedNode{clientOfBoth},
		check:     briefly1,
		wantErr:   ErrSessionsNotEstablished,
		wantReads: 3,
		wantShort: []MeshCheckNode{{Name: "a", Reported: true, Peers: []v3.CalicoNodePeer{toReflector1, activePeer},
			NotEstablished: clientOfBoth.Awaited[1:]}},
	}, {
		name:      "a checked reflector's session still a mesh session: refused",
		reports:   newPlayedReports(ownReport("a", toReflector1, established("10.0.0.2", v3.BGPPeerTypeNodeMesh))),
		nodes:     []checkedNode{clientOfBoth},
		check:     briefly1,
		wantErr:   ErrSessionsNotEstablished,
		wantReads: 3,
		wantShort: []MeshCheckNode{{Name: "a", Reported: true, Peers: []v3.CalicoNodePeer{toReflector1, established("10.0.0.2", v3.BGPPeerTypeNodeMesh)},
			NotEstablished: clientOfBoth.Awaited[1:]}},
	}} {
		t.Run(c.name, func(t *testing.T) {
			got := playWait(t, c.reports, false, c.nodes, c.check)
			if !errors.Is(got.err, c.wantErr) || (got.err == nil) != (c.wantErr == nil) {
				t.Fatalf("error = %v, want %v", got.err, c.wantErr)
			}
			switch {
			case c.wantErr == nil && got.reads != c.wantReads:
				t.Errorf("passed after %d reads of the reports, want %d", got.reads, c.wantReads)
			case got.reads < c.wantReads:
				t.Errorf("refused after %d reads of the reports, want at least %d", got.reads, c.wantReads)
			}
			if !slices.Equal(got.created, c.wantCreated) || !slices.Equal(got.deleted, c.wantDeleted) {
				t.Errorf("created %v and deleted %v, want created %v and deleted %v", got.created, got.deleted, c.wantCreated, c.wantDeleted)
			}
			for _, name := range got.left {
				if strings.HasPrefix(name, temporaryReportPrefix) {
					t.Errorf("temporary report %s left behind", name)
				}
			}
			if c.wantErr == nil {
				return
			}
			var mcErr *MeshCheckError
			if !errors.As(got.err, &mcErr) {
				t.Fatalf("error %T is not a *MeshCheckError", got.err)
			}
			if diff := cmp.Diff(c.wantShort, mcErr.Nodes); diff != "" {
				t.Errorf("nodes that fall short (-want +got):\n%s", diff)
			}
		})
	}
}

// Past MaxTemporaryReports nodes without a report of their own, the rest wait their turn; when
// the time runs out, those never asked say so.
func TestWaitForEstablished_nodesNeverAskedAreQueued(t *testing.T) {
	fastPolls(t)
	var nodes []checkedNode
	for i := range MaxTemporaryReports + 1 {
		nodes = append(nodes, checkedNode{Name: fmt.Sprintf("n%03d", i)})
	}
	reports := newPlayedReports()
	got := playWait(t, reports, false, nodes, MeshCheck{MinSessions: 1, Timeout: 20 * time.Millisecond})
	var mcErr *MeshCheckError
	if !errors.As(got.err, &mcErr) || !errors.Is(got.err, ErrSessionsNotEstablished) {
		t.Fatalf("error = %v, want ErrSessionsNotEstablished", got.err)
	}
	if len(got.created) != MaxTemporaryReports || len(got.deleted) != MaxTemporaryReports || len(got.left) != 0 {
		t.Errorf("created %d, deleted %d, left %d temporary reports; want %d, %d, 0",
			len(got.created), len(got.deleted), len(got.left), MaxTemporaryReports, MaxTemporaryReports)
	}
	var queued []string
	for _, n := range mcErr.Nodes {
		if n.Queued {
			queued = append(queued, n.Name)
		}
	}
	if last := nodes[len(nodes)-1].Name; len(mcErr.Nodes) != len(nodes) || !slices.Equal(queued, []string{last}) {
		t.Errorf("%d nodes fall short, queued %v; want all %d, only %s queued", len(mcErr.Nodes), queued, len(nodes), last)
	}
}

// A temporary report an interrupted check left behind is made anew, so that its old sessions
// are not read; an object of that name that is not the check's is neither replaced nor deleted.
func TestWaitForEstablished_leftoverReports(t *testing.T) {
	fastPolls(t)
	leftover := ownReport("a", toReflector1, toReflector2) // Established, as it was long ago
	leftover.Name, leftover.Labels = temporaryReportName("a"), map[string]string{temporaryReportLabel: "true"}
	reports := newPlayedReports(leftover)
	got := playWait(t, reports, false, named("a"), MeshCheck{MinSessions: 2, Timeout: 20 * time.Millisecond})
	if !errors.Is(got.err, ErrSessionsNotEstablished) {
		t.Errorf("with a leftover report of old Established sessions: error = %v, want ErrSessionsNotEstablished", got.err)
	}
	name := temporaryReportName("a")
	if want := []string{name, name}; !slices.Equal(got.deleted, want) || !slices.Equal(got.created, []string{name}) {
		t.Errorf("created %v, deleted %v; want the leftover deleted, made anew, then deleted: created [%s], deleted %v", got.created, got.deleted, name, want)
	}

	foreign := ownReport("a", toReflector1, toReflector2)
	foreign.Name = temporaryReportName("a")
	hourly := uint32(3600) // not one the check reads as the node's own
	foreign.Spec.UpdatePeriodSeconds = &hourly
	reports = newPlayedReports(foreign)
	got = playWait(t, reports, false, named("a"), MeshCheck{MinSessions: 2, Timeout: time.Minute})
	if !errors.Is(got.err, calico.ErrAlreadyExists) || len(got.deleted) != 0 || len(got.created) != 0 {
		t.Errorf("someone else's %s: error %v, deleted %v, created %v; want ErrAlreadyExists, nothing deleted or created",
			name, got.err, got.deleted, got.created)
	}
}

// A Create that fails for another reason ends the wait with its error.
func TestWaitForEstablished_createFails(t *testing.T) {
	fastPolls(t)
	refused := errors.New("forbidden")
	reports := newPlayedReports()
	reports.createErrs = []error{refused}
	if got := playWait(t, reports, false, named("a"), MeshCheck{MinSessions: 1, Timeout: time.Minute}); !errors.Is(got.err, refused) {
		t.Errorf("error = %v, want the Create's %v", got.err, refused)
	}
}

// Where the datastore receives no report (etcd) the refusal says so, and a canceled apply
// ends the wait at once, deleting its temporary reports.
func TestWaitForEstablished_etcdAndCancel(t *testing.T) {
	fastPolls(t)
	got := playWait(t, newPlayedReports(), true, named("a"), MeshCheck{MinSessions: 1, Timeout: 5 * time.Millisecond})
	var mcErr *MeshCheckError
	if !errors.As(got.err, &mcErr) || !mcErr.NoReports {
		t.Errorf("on etcd: error %v, want a *MeshCheckError with NoReports set", got.err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	reports := newPlayedReports()
	reports.writes[2] = func(*playedReports) { cancel() }
	err := waitForEstablished(ctx, reports, false, named("a"), MeshCheck{MinSessions: 1, Timeout: time.Minute})
	if !errors.Is(err, context.Canceled) || len(reports.objects) != 0 {
		t.Errorf("canceled: error %v with %d reports left, want context.Canceled and none", err, len(reports.objects))
	}
}

// Progress is told at the start of the wait: how many nodes are ready and which are waited for.
func TestWaitForEstablished_progress(t *testing.T) {
	fastPolls(t)
	var heard []MeshCheckProgress
	reports := newPlayedReports(ownReport("a", toReflector1), ownReport("b")).at(3, "a-status", toReflector1, toReflector2).
		at(3, "b-status", toReflector1, toReflector2)
	check := MeshCheck{MinSessions: 2, Timeout: time.Minute, Progress: func(p MeshCheckProgress) { heard = append(heard, p) }}
	if got := playWait(t, reports, false, named("a", "b"), check); got.err != nil {
		t.Fatal(got.err)
	}
	if len(heard) != 1 || heard[0].Ready != 0 || heard[0].Total != 2 || !slices.Equal(heard[0].Waiting, []string{"a", "b"}) {
		t.Errorf("progress heard %+v, want once: 0 of 2 ready, waiting for [a b]", heard)
	}
}

// Before any wait, the sessions computed with the planned configuration must replace the mesh
// on every selected node that runs BGP.
func TestNodesToCheck(t *testing.T) {
	meshOff := &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: ptr.To(false)}}
	rr := map[string]string{"route-reflector": "true"}
	noBGP := &calico.Node{Name: "no-bgp", Settings: map[string]string{}, SelectorLabels: map[string]string{}}
	in := topologyInput{
		nodes: []*calico.Node{topologyNodeOf("rr", "10.0.0.1", "244.0.0.1", rr), topologyNodeOf("b", "10.0.0.3", "", nil),
			topologyNodeOf("a", "10.0.0.2", "", nil), noBGP},
		peers: []*v3.BGPPeer{peerOf("to-rr", v3.BGPPeerSpec{NodeSelector: "!has(route-reflector)", PeerSelector: "has(route-reflector)"})},
	}
	for _, c := range []struct {
		name      string
		check     MeshCheck
		in        topologyInput
		wantNodes []string // "node: the peer nodes of its awaited sessions"
		wantShort []string // the nodes ErrMeshNotReplaced names
		wantErr   bool     // another error
	}{
		{name: "every node keeps a session to the reflector, and awaits those with the others", check: MeshCheck{MinSessions: 1, NodeSelector: "all()"}, in: in,
			wantNodes: []string{"a: rr", "b: rr", "rr: a b"}},
		{name: "two sessions asked, the clients keep one", check: MeshCheck{MinSessions: 2, NodeSelector: "all()"}, in: in,
			wantShort: []string{"a", "b"}},
		{name: "only the reflector selected", check: MeshCheck{MinSessions: 2, NodeSelector: "has(route-reflector)"}, in: in,
			wantNodes: []string{"rr:"}},
		{name: "without the peering nothing replaces the mesh", check: MeshCheck{MinSessions: 1, NodeSelector: "all()"},
			in: topologyInput{nodes: in.nodes}, wantShort: []string{"a", "b", "rr"}},
		{name: "a selector that does not parse", check: MeshCheck{MinSessions: 1, NodeSelector: "has("}, in: in, wantErr: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			nodes, err := nodesToCheck(c.in, meshOff, c.check)
			var mcErr *MeshCheckError
			switch {
			case c.wantErr:
				if err == nil || errors.As(err, &mcErr) {
					t.Errorf("error = %v, want one that is not a MeshCheckError", err)
				}
			case c.wantShort != nil:
				if !errors.As(err, &mcErr) || !errors.Is(err, ErrMeshNotReplaced) {
					t.Fatalf("error = %v, want ErrMeshNotReplaced", err)
				}
				var short []string
				for _, n := range mcErr.Nodes {
					short = append(short, n.Name)
				}
				if !slices.Equal(short, c.wantShort) {
					t.Errorf("nodes short of sessions = %v, want %v", short, c.wantShort)
				}
			default:
				var got []string // "node: the peer nodes of its awaited sessions"
				for _, n := range nodes {
					line := n.Name + ":"
					for _, s := range n.Awaited {
						line += " " + s.PeerNode
					}
					got = append(got, line)
				}
				if err != nil || !slices.Equal(got, c.wantNodes) {
					t.Errorf("nodes to check = %q (error %v), want %q", got, err, c.wantNodes)
				}
			}
		})
	}
}

// The check is made only when the write turns the mesh off.
func TestCheckMeshTurnOff_onlyWhenTheMeshGoesOff(t *testing.T) {
	off, on := ptr.To(false), ptr.To(true)
	// An unconfigured client: any request it were asked to make would fail.
	c := calico.NewUnknownClient()
	for _, k := range []struct {
		name    string
		planned *v3.BGPConfiguration
		check   MeshCheck
	}{
		{"the check is off", &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: off}}, MeshCheck{}},
		{"a node's configuration", &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "node.a"}, Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: off}}, MeshCheck{MinSessions: 1}},
		{"the mesh stays on", &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: on}}, MeshCheck{MinSessions: 1}},
		{"the mesh left unset (on)", &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, MeshCheck{MinSessions: 1}},
	} {
		if err := CheckMeshTurnOff(context.Background(), c, k.planned, k.check); err != nil {
			t.Errorf("%s: %v, want no check", k.name, err)
		}
	}
}

func TestMeshCheckError(t *testing.T) {
	err := error(&MeshCheckError{Class: ErrSessionsNotEstablished, Check: MeshCheck{MinSessions: 2}, Nodes: []MeshCheckNode{{Name: "a"}, {Name: "b"}}})
	if !errors.Is(err, ErrSessionsNotEstablished) || errors.Is(err, ErrMeshNotReplaced) {
		t.Errorf("%v: wraps the wrong class", err)
	}
	if want := "BGP sessions not established: 2 node(s) fall short of 2 session(s): [a b]"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
}
