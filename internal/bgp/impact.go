package bgp

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// PlannedChange is one planned change to what the sessions derive from: a BGPConfiguration or a
// BGPPeer as planned (Object), or deleted (Object nil, Kind and Name say which); or the keys a
// node resource plans to set and remove on node Name (NodeKeys).
type PlannedChange struct {
	Kind     string // calico.BGPConfigurations.Name or calico.BGPPeers.Name; "" for a node
	Name     string
	Object   calico.Object // nil: the object is deleted
	NodeKeys *calico.NodeKeys
}

// Impact is how one planned change alters the sessions, node by node.
type Impact struct {
	// Dropped and Added are the sessions that go and come, by node.
	Dropped, Added map[string][]Session
	// Reset are the sessions that stay but restart: their AS numbers or route-reflector role
	// change (an iBGP session may become eBGP, or the other way round).
	Reset map[string][]Session
	// Isolated are the nodes that have sessions now and would have none.
	Isolated []string
}

// Empty says whether the change alters no session.
func (i *Impact) Empty() bool {
	return len(i.Dropped) == 0 && len(i.Added) == 0 && len(i.Reset) == 0 && len(i.Isolated) == 0
}

// SessionImpact is how change alters the sessions confd builds from the live objects, the rest
// of them as they are; nil when the client has written already. The live objects, and the
// sessions they make, are read once per client (a run's). Once the client has written (an
// apply, planning each resource again just before it writes it), they are stale, and nothing
// is computed: an apply's changes were shown by its plan.
func SessionImpact(ctx context.Context, c *calico.Client, change PlannedChange) (*Impact, error) {
	if c.Writes() > 0 {
		return nil, nil
	}
	live, err := liveFabricOf(ctx, c)
	if err != nil {
		return nil, err
	}
	select {
	case impactSlot <- struct{}{}:
		defer func() { <-impactSlot }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	after, err := sessionsWith(live.in, live.sessions, change)
	if err != nil {
		return nil, err
	}
	return compareTopologies(live.sessions, after), nil
}

// impactSlot lets one session impact be computed at a time. Terraform plans resources in
// parallel, and each impact holds the sessions of a whole fabric: with the node-to-node mesh on,
// as many per node as there are nodes (CONTRIBUTING, Performance, has what that came to). The
// computation takes the CPU anyway, so one at a time costs no time.
var impactSlot = make(chan struct{}, 1)

// liveFabrics caches, per client, the live topology input and the sessions it makes.
var liveFabrics sync.Map // *calico.Client -> *liveFabric

type liveFabric struct {
	mu       sync.Mutex
	loaded   bool
	in       topologyInput
	sessions *Topology
	err      error // the read's failure, which every later caller gets at once
}

// liveFabricOf reads the live fabric once per client. A failed read fails every later caller at
// once (the datastore is down, and each would wait for it again), except one that failed
// because its own caller stopped waiting: the next caller reads again with its own context.
func liveFabricOf(ctx context.Context, c *calico.Client) (*liveFabric, error) {
	v, _ := liveFabrics.LoadOrStore(c, &liveFabric{})
	l := v.(*liveFabric)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.loaded || l.err != nil {
		return l, l.err
	}
	in, err := loadTopologyInput(ctx, c)
	if err == nil {
		l.in = in
		l.sessions, err = computeTopology(in)
	}
	if err != nil {
		if ctx.Err() == nil {
			l.err = err
		}
		return nil, err
	}
	l.loaded = true
	return l, nil
}

// with is the input with change put in.
func (in topologyInput) with(change PlannedChange) topologyInput {
	out := in
	if change.NodeKeys != nil {
		out.nodes = slices.Clone(in.nodes)
		if in.matches != nil {
			out.matches = newSelectorMatches() // the node's labels may change
		}
		for i, n := range out.nodes {
			if n.Name == change.Name {
				out.nodes[i] = n.Patched(*change.NodeKeys)
			}
		}
		return out
	}
	switch change.Kind {
	case calico.BGPConfigurations.Name:
		out.configs = replaced(in.configs, change.Name, change.Object)
	case calico.BGPPeers.Name:
		out.peers = replaced(in.peers, change.Name, change.Object)
	}
	return out
}

// sessionsWith is the sessions of in with changes put in, in order, where before is in's own
// (nil: not known). A BGPPeer changes the sessions only of the nodes it makes sessions on, as
// stored or as planned, and every node's when it is global: when every change is a BGPPeer's,
// only those nodes' sessions are computed, and the others' are before's. Otherwise every
// node's are.
func sessionsWith(in topologyInput, before *Topology, changes ...PlannedChange) (*Topology, error) {
	changed := in
	var changing []*v3.BGPPeer // each changed peer as stored and as planned
	for _, change := range changes {
		changed = changed.with(change)
		if change.Kind != calico.BGPPeers.Name || change.NodeKeys != nil {
			before = nil
		}
		if i := slices.IndexFunc(in.peers, func(p *v3.BGPPeer) bool { return p.Name == change.Name }); i >= 0 {
			changing = append(changing, in.peers[i])
		}
		if planned, ok := change.Object.(*v3.BGPPeer); ok {
			changing = append(changing, planned)
		}
	}
	if before == nil {
		return sessionsOf(changed, false)
	}
	t := newTopology(changed)
	affected := map[string]bool{}
	for _, p := range changing {
		nodes, err := t.reach(p)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			affected[n] = true
		}
	}
	if len(affected) == 0 {
		return before, nil
	}
	peers := byName(changed.peers)
	if err := t.emitPeers(peers); err != nil {
		return nil, err
	}
	return t.result(peers, false, affected, before), nil
}

// replaced is objs without the one named name, and with planned when it is one of them.
func replaced[T calico.Object](objs []T, name string, planned calico.Object) []T {
	out := slices.DeleteFunc(slices.Clone(objs), func(o T) bool { return o.GetName() == name })
	if o, ok := planned.(T); ok {
		out = append(out, o)
	}
	return out
}

// sessionKey names a session as BIRD's configuration does: a mesh session and a BGPPeer's to the
// same address are different protocols.
func sessionKey(s Session) string {
	return fmt.Sprintf("%s|%d|%t", s.PeerIP, s.PeerPort, s.Source == MeshSource)
}

func compareTopologies(before, after *Topology) *Impact {
	impact := &Impact{Dropped: map[string][]Session{}, Added: map[string][]Session{}, Reset: map[string][]Session{}}
	for name, b := range before.Nodes {
		a := after.Nodes[name]
		if a == b {
			continue // a node sessionsWith did not compute again
		}
		var afterSessions []Session
		if a != nil {
			afterSessions = a.Sessions
		}
		was := map[string]Session{}
		for _, s := range b.Sessions {
			was[sessionKey(s)] = s
		}
		now := map[string]Session{}
		for _, s := range afterSessions {
			now[sessionKey(s)] = s
		}
		// A reflector's cluster ID is in the BIRD protocol of each session it reflects over.
		clusterChanged := a != nil && a.RouteReflectorClusterID != b.RouteReflectorClusterID
		for _, s := range b.Sessions {
			n, kept := now[sessionKey(s)]
			switch {
			case !kept:
				impact.Dropped[name] = append(impact.Dropped[name], s)
			case n.PeerAS != s.PeerAS || n.LocalAS != s.LocalAS || n.RouteReflectorClient != s.RouteReflectorClient ||
				clusterChanged && (s.RouteReflectorClient || n.RouteReflectorClient):
				impact.Reset[name] = append(impact.Reset[name], n)
			}
		}
		for _, s := range afterSessions {
			if _, existed := was[sessionKey(s)]; !existed {
				impact.Added[name] = append(impact.Added[name], s)
			}
		}
		if len(b.Sessions) > 0 && len(afterSessions) == 0 {
			impact.Isolated = append(impact.Isolated, name)
		}
	}
	resetOtherEnds(before, after, impact)
	sort.Strings(impact.Isolated)
	return impact
}

// resetOtherEnds marks, for every session between two nodes that one end drops or resets, the
// other end's session as reset when its own configuration keeps it unchanged: BGP sessions go
// down on both ends at once.
func resetOtherEnds(before, after *Topology, impact *Impact) {
	type end struct{ node, peer string }
	ended := map[end]bool{}
	for name, sessions := range impact.Dropped {
		for _, s := range sessions {
			ended[end{s.PeerNode, name}] = s.PeerNode != ""
		}
	}
	for name, sessions := range impact.Reset {
		for _, s := range sessions {
			ended[end{s.PeerNode, name}] = s.PeerNode != ""
		}
	}
	for name, a := range after.Nodes { // each node's sessions in BIRD's order
		for _, s := range a.Sessions {
			if !ended[end{name, s.PeerNode}] || !hasSession(before, name, s) ||
				slices.ContainsFunc(impact.Reset[name], func(r Session) bool { return sessionKey(r) == sessionKey(s) }) {
				continue
			}
			impact.Reset[name] = append(impact.Reset[name], s)
		}
	}
}

// Describe words the impact for a plan: at most listed nodes are named in each part, the rest
// counted.
func (i *Impact) Describe(listed int) string {
	var b strings.Builder
	part := func(title string, sessions map[string][]Session) {
		if len(sessions) == 0 {
			return
		}
		nodes := make([]string, 0, len(sessions))
		total := 0
		for name, s := range sessions {
			nodes = append(nodes, name)
			total += len(s)
		}
		sort.Strings(nodes)
		fmt.Fprintf(&b, "%s: %d on %d nodes\n", title, total, len(nodes))
		for k, name := range nodes {
			if k == listed {
				fmt.Fprintf(&b, "  ... and %d more nodes\n", len(nodes)-listed)
				break
			}
			var peers []string
			for _, s := range sessions[name] {
				peers = append(peers, fmt.Sprintf("%s (AS %d, %s)", s.PeerIP, s.PeerAS, s.Source))
			}
			fmt.Fprintf(&b, "  - %s: %s\n", name, strings.Join(peers, ", "))
		}
	}
	part("Sessions dropped", i.Dropped)
	part("Sessions reset (AS numbers, route-reflector role or cluster ID change, on either end)", i.Reset)
	part("Sessions added", i.Added)
	if len(i.Isolated) > 0 {
		shown := i.Isolated[:min(len(i.Isolated), listed)]
		more := ""
		if len(i.Isolated) > listed {
			more = fmt.Sprintf(" and %d more", len(i.Isolated)-listed)
		}
		fmt.Fprintf(&b, "Nodes left with no BGP session at all (they lose every route learned over BGP): %s%s\n",
			strings.Join(shown, ", "), more)
	}
	return b.String()
}
