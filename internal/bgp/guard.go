package bgp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// The session guard: before a write that drops BGP sessions, the provider makes sure no node is
// cut off by it. A node is cut off when the change drops sessions it has and leaves it none that
// is up: none at all in the sessions confd will build, or only sessions this apply itself
// brought (a returning mesh, a replacement peer) that calico-node does not report Established
// yet. Sessions the change adds or resets come up by themselves once it is written, and
// sessions that were configured before the apply are taken to be up, as they were when it
// started. Turning the node-to-node mesh off is the mesh check's (CheckMeshTurnOff).
//
// Each run keeps the fabric it guards: the live objects as the run's first plan read them
// (liveFabricOf), with every BGP write of the run put in, in order. Changes that take sessions
// down are checked and written one at a time, so that two changes that each leave a node one
// session cannot both be written; creates of BGP peers add sessions only, and are recorded
// without waiting, as are changes that take no session down.

// Guard is what the guard allows and how long it waits.
type Guard struct {
	// AllowCutOff lets the change cut nodes off (maintenance): nothing is checked.
	AllowCutOff bool
	// Timeout bounds the wait for sessions this apply brought to be Established.
	Timeout time.Duration
	// Progress, when set, hears how the wait goes.
	Progress func(MeshCheckProgress)
}

// CutOffError says which nodes a change would cut off.
type CutOffError struct {
	// Class is ErrCutOff (no session left at all) or ErrSessionsNotEstablished (only
	// sessions that are not up yet, and did not come up within the guard's timeout).
	Class error
	Guard Guard
	Nodes []CutOffNode
	// NoReports: the datastore lacks calico.ReportsNodeStatus, so no node's report can come.
	NoReports bool
}

// CutOffNode is one node a change would cut off.
type CutOffNode struct {
	Name string
	// Dropped are the sessions the change drops; Remaining the ones it would still have.
	Dropped, Remaining []Session
	// Reported and Peers, for ErrSessionsNotEstablished: whether calico-node reported, and
	// the sessions as it did.
	Reported bool
	Peers    []string // "peer IP, type, state"
}

// ErrCutOff: the change leaves nodes with no BGP session at all.
var ErrCutOff = errors.New("the change cuts nodes off")

func (e *CutOffError) Error() string {
	names := make([]string, len(e.Nodes))
	for i, n := range e.Nodes {
		names[i] = n.Name
	}
	return fmt.Sprintf("%s: %v", e.Class, names)
}

func (e *CutOffError) Unwrap() error { return e.Class }

// runFabric is one run's guarded fabric.
type runFabric struct {
	mu     sync.Mutex // guards the fields below
	loaded bool
	// in is the live objects as the run found them, with its written changes put in, in order.
	in      topologyInput
	written []PlannedChange
	// known is the latest sessions computed, of the fabric with the first known.written changes
	// put in: those of in are computed from them and the changes written since.
	known knownSessions
	// deleting are the deletions of BGPPeers judged safe and not yet written or abandoned:
	// several may be written at once (see guard). exclusive says another change that takes
	// sessions down is between its check and its write, which nothing else may be.
	deleting  []PlannedChange
	exclusive bool
	// changed is closed, and replaced, whenever in, deleting or exclusive change.
	changed chan struct{}
}

// knownSessions is the sessions of the run's fabric after its first written changes.
type knownSessions struct {
	in       topologyInput
	sessions *Topology
	written  int
}

// since is the known sessions and the changes written after them; f.mu is held.
func (f *runFabric) since() (knownSessions, []PlannedChange) {
	return f.known, slices.Clone(f.written[f.known.written:])
}

// learn keeps k as the latest sessions known, unless later ones are; f.mu is held.
func (f *runFabric) learn(k knownSessions) {
	if k.written > f.known.written {
		f.known = k
	}
}

// notify wakes the changes waiting for the fabric to change; f.mu is held.
func (f *runFabric) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// waitForChange waits, with f.mu held, until the fabric changes, done is closed or ctx ends.
func (f *runFabric) waitForChange(ctx context.Context, done <-chan time.Time) error {
	next := f.changed
	f.mu.Unlock()
	defer f.mu.Lock()
	select {
	case <-next:
		return nil
	case <-done:
		return errPatienceOver
	case <-ctx.Done():
		return ctx.Err()
	}
}

var errPatienceOver = errors.New("no other change of the run came")

// cutOffPatience is how long a change found to cut nodes off waits for another change of the
// run before it is refused. Terraform destroys resources that do not depend on each other at
// once: a peering and the route-reflector role it serves, say, where the role's removal puts
// the reflector back into the mesh. Whichever comes first must not fail the other.
var cutOffPatience = 2 * time.Second

var runFabrics sync.Map // *calico.Client -> *runFabric

func runFabricOf(c *calico.Client) *runFabric {
	v, _ := runFabrics.LoadOrStore(c, &runFabric{})
	return v.(*runFabric)
}

// GuardChange checks, before change is written, that it cuts no node off (waiting, within
// guard.Timeout, for sessions this apply brought), and returns what the caller must call once
// the write is done or abandoned: record(true) puts the written change into the run's fabric.
// Until then, if the change takes sessions down, other guarded changes of the run wait, except
// other deletions of BGPPeers. creates says the change only adds an object that makes sessions
// (a new BGPPeer): it is not checked, nor does it wait for others.
func GuardChange(ctx context.Context, c *calico.Client, change PlannedChange, guard Guard, creates bool) (record func(written bool), err error) {
	src := guardSource{
		live:      func(ctx context.Context) (*liveFabric, error) { return liveFabricOf(ctx, c) },
		statuses:  calico.CalicoNodeStatuses.On(c),
		noReports: !c.Can(calico.ReportsNodeStatus),
	}
	return runFabricOf(c).guard(ctx, src, change, guard, creates)
}

// guardSource is what the guard reads from the datastore: the live fabric, read once per run,
// and calico-node's reports.
type guardSource struct {
	live      func(context.Context) (*liveFabric, error)
	statuses  nodeStatuses
	noReports bool // the datastore lacks calico.ReportsNodeStatus
}

// deletesPeer says whether change deletes a BGPPeer. Deleting a peer only takes sessions away,
// so a deletion that cuts no node off with every other such deletion in flight written cuts none
// off with any of them written: such deletions are judged and written side by side, as
// Terraform destroys them.
func deletesPeer(change PlannedChange) bool {
	return change.Kind == calico.BGPPeers.Name && change.Object == nil && change.NodeKeys == nil
}

// guard is GuardChange on the run's fabric f.
func (f *runFabric) guard(ctx context.Context, src guardSource, change PlannedChange, guard Guard, creates bool) (record func(written bool), err error) {
	// The live objects are read before the run's first write, even one that is not checked:
	// the sessions that were there when the apply started are the ones taken to be up.
	live, err := src.live(ctx)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.loaded {
		f.in, f.loaded, f.changed = live.in, true, make(chan struct{})
		f.known = knownSessions{in: live.in, sessions: live.sessions}
	}
	written := func(ok bool) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if ok {
			f.in, f.written = f.in.with(change), append(f.written, change)
			f.notify()
		}
	}
	if creates {
		return written, nil
	}
	if deletesPeer(change) && !guard.AllowCutOff {
		if record, ok, err := f.guardDeletion(ctx, live.sessions, change); ok || err != nil {
			return record, err
		}
	}
	var patience <-chan time.Time
	for {
		// Nothing else that takes sessions down is between its check and its write meanwhile.
		for f.exclusive || len(f.deleting) > 0 {
			if err := f.waitForChange(ctx, nil); err != nil {
				return nil, err
			}
		}
		f.exclusive = true
		// A change written from here on may be what lets this one through.
		seen := len(f.written)
		record = func(ok bool) {
			written(ok)
			f.mu.Lock()
			defer f.mu.Unlock()
			f.exclusive = false
			f.notify()
		}
		if guard.AllowCutOff {
			return record, nil
		}
		f.mu.Unlock()
		takesDown, err := f.checkCutOff(ctx, src, live.sessions, change, guard)
		if err == nil && !takesDown {
			// A change that takes no session down needs no other change to wait for it: it is
			// recorded once written, and the next guarded change goes on meanwhile.
			f.mu.Lock()
			f.exclusive = false
			f.notify()
			return written, nil
		}
		if err == nil {
			f.mu.Lock()
			return record, nil
		}
		record(false)
		f.mu.Lock()
		if !errors.Is(err, ErrCutOff) {
			return nil, err
		}
		if patience == nil {
			patience = time.After(cutOffPatience)
		}
		// Judged again once another change of the run is written.
		for len(f.written) == seen {
			if waitErr := f.waitForChange(ctx, patience); errors.Is(waitErr, errPatienceOver) {
				return nil, err
			} else if waitErr != nil {
				return nil, waitErr
			}
		}
	}
}

// guardDeletion judges the deletion of a BGPPeer, with f.mu held, against the run's fabric with
// every deletion in flight written. One that cuts nothing off and needs no session to come up
// first joins them (ok); otherwise the caller judges it alone, once those in flight are done.
func (f *runFabric) guardDeletion(ctx context.Context, start *Topology, change PlannedChange) (record func(bool), ok bool, err error) {
	for f.exclusive {
		if err := f.waitForChange(ctx, nil); err != nil {
			return nil, false, err
		}
	}
	in := f.in
	for _, d := range f.deleting {
		in = in.with(d)
	}
	known, since := f.since()
	before, err := sessionsWith(known.in, known.sessions, append(since, f.deleting...)...)
	if err != nil {
		return nil, false, err
	}
	if len(f.deleting) == 0 {
		f.learn(knownSessions{in: in, sessions: before, written: len(f.written)})
	}
	cut, waiting, _, err := judgeCutOff(start, in, before, change)
	if err != nil || len(cut) > 0 || len(waiting) > 0 {
		return nil, false, err
	}
	f.deleting = append(f.deleting, change)
	return func(written bool) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.deleting = slices.DeleteFunc(f.deleting, func(d PlannedChange) bool { return d.Name == change.Name })
		if written {
			f.in, f.written = f.in.with(change), append(f.written, change)
		}
		f.notify()
	}, true, nil
}

// checkCutOff is the guard's check of one change against the run's fabric; start is the
// sessions when the apply started.
func (f *runFabric) checkCutOff(ctx context.Context, src guardSource, start *Topology, change PlannedChange, guard Guard) (takesDown bool, err error) {
	f.mu.Lock()
	in, written := f.in, len(f.written)
	known, since := f.since()
	f.mu.Unlock()
	if turnsMeshOff(in, change) {
		return true, nil // the mesh check's (CheckMeshTurnOff)
	}
	before, err := sessionsWith(known.in, known.sessions, since...)
	if err != nil {
		return false, err
	}
	f.mu.Lock()
	f.learn(knownSessions{in: in, sessions: before, written: written})
	f.mu.Unlock()
	cut, waiting, takesDown, err := judgeCutOff(start, in, before, change)
	if err != nil {
		return false, err
	}
	if len(cut) > 0 {
		return true, &CutOffError{Class: ErrCutOff, Guard: guard, Nodes: cut}
	}
	if len(waiting) == 0 {
		return takesDown, nil
	}
	waits := make([]checkedNode, len(waiting))
	for i, n := range waiting {
		waits[i] = checkedNode{Name: n.Name, OneOf: n.Remaining}
	}
	err = waitForEstablished(ctx, src.statuses, src.noReports, waits,
		MeshCheck{Timeout: guard.Timeout, Progress: guard.Progress})
	var short *MeshCheckError
	if !errors.As(err, &short) {
		return true, err
	}
	out := &CutOffError{Class: ErrSessionsNotEstablished, Guard: guard, NoReports: short.NoReports}
	for _, s := range short.Nodes {
		i := slices.IndexFunc(waiting, func(n CutOffNode) bool { return n.Name == s.Name })
		n := waiting[i]
		n.Reported = s.Reported
		for _, p := range s.Peers {
			n.Peers = append(n.Peers, fmt.Sprintf("%s %s %s", p.PeerIP, p.Type, p.State))
		}
		out.Nodes = append(out.Nodes, n)
	}
	return true, out
}

// turnsMeshOff says whether change turns the node-to-node mesh off in in.
func turnsMeshOff(in topologyInput, change PlannedChange) bool {
	planned, ok := change.Object.(*v3.BGPConfiguration)
	if !ok || change.Name != "default" || meshOn(planned) {
		return false
	}
	i := slices.IndexFunc(in.configs, func(c *v3.BGPConfiguration) bool { return c.Name == "default" })
	return i < 0 || meshOn(in.configs[i])
}

// judgeCutOff finds, for change put into in (which makes the sessions before), the nodes it
// cuts off (none of their sessions left) and those it leaves only sessions that were not there
// at the start of the apply (in start), which must be Established before it is written; both
// by name. takesDown says whether the change drops or resets any session.
func judgeCutOff(start *Topology, in topologyInput, before *Topology, change PlannedChange) (cut, waiting []CutOffNode, takesDown bool, err error) {
	after, err := sessionsWith(in, before, change)
	if err != nil {
		return nil, nil, false, err
	}
	impact := compareTopologies(before, after)
	takesDown = len(impact.Dropped) > 0 || len(impact.Reset) > 0
	for name, dropped := range impact.Dropped {
		if len(impact.Added[name]) > 0 || len(impact.Reset[name]) > 0 {
			continue // comes up by itself once the change is written
		}
		var remaining []Session
		if a := after.Nodes[name]; a != nil {
			remaining = a.Sessions
		}
		node := CutOffNode{Name: name, Dropped: dropped, Remaining: remaining}
		switch {
		case len(remaining) == 0:
			cut = append(cut, node)
		case !slices.ContainsFunc(remaining, func(s Session) bool { return hasSession(start, name, s) }):
			waiting = append(waiting, node)
		}
	}
	byName := func(nodes []CutOffNode) {
		sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	}
	byName(cut)
	byName(waiting)
	return cut, waiting, takesDown, nil
}

// hasSession says whether node has s in topo.
func hasSession(topo *Topology, node string, s Session) bool {
	n := topo.Nodes[node]
	return n != nil && slices.ContainsFunc(n.Sessions, func(t Session) bool { return sessionKey(t) == sessionKey(s) })
}
