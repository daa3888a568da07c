package bgp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/calico/libcalico-go/lib/selector"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// Turning the node-to-node mesh off removes every mesh session at once; nodes whose other
// sessions are not up yet lose their routes until they are. Calico's guide says: make the
// route reflectors, peer with them, wait until those sessions are Established, and only then
// turn the mesh off. CheckMeshTurnOff is that wait, made before the write.

// MeshCheck says what turning the mesh off requires of the nodes.
type MeshCheck struct {
	// MinSessions is how many sessions other than mesh sessions every selected node needs;
	// 0 turns the check off.
	MinSessions int
	// NodeSelector picks the nodes that must have them, in Calico's selector syntax.
	NodeSelector string
	// Timeout bounds the wait for the sessions to be Established.
	Timeout time.Duration
	// Progress, when set, hears how the wait goes: at its start, then every progressEvery.
	Progress func(MeshCheckProgress)
}

// MeshCheckProgress is how far the wait for Established sessions has come.
type MeshCheckProgress struct {
	Ready, Total int
	Waiting      []string // the first nodes still waited for, by name
	Elapsed      time.Duration
}

// MeshCheckError says which selected nodes fall short of the check.
type MeshCheckError struct {
	// Class is ErrMeshNotReplaced or ErrSessionsNotEstablished.
	Class error
	Check MeshCheck
	// Nodes are the nodes that fall short, by name.
	Nodes []MeshCheckNode
	// NoReports: the datastore lacks calico.ReportsNodeStatus, so no node's report can come.
	NoReports bool
}

// MeshCheckNode is one node that falls short.
type MeshCheckNode struct {
	Name string
	// Sessions, for ErrMeshNotReplaced: the sessions the node keeps without the mesh.
	Sessions []Session
	// Reported, for ErrSessionsNotEstablished: whether calico-node reported at all, and the
	// sessions with their states as it did.
	Reported bool
	Peers    []v3.CalicoNodePeer
	// Queued, for ErrSessionsNotEstablished: the node was still waiting for one of the
	// MaxTemporaryReports places when the time ran out, so it was never asked.
	Queued bool
	// NotEstablished, for ErrSessionsNotEstablished: its sessions with other selected nodes
	// that its report does not show Established.
	NotEstablished []Session
}

func (e *MeshCheckError) Error() string {
	names := make([]string, len(e.Nodes))
	for i, n := range e.Nodes {
		names[i] = n.Name
	}
	return fmt.Sprintf("%s: %d node(s) fall short of %d session(s): %v", e.Class, len(e.Nodes), e.Check.MinSessions, names)
}

func (e *MeshCheckError) Unwrap() error { return e.Class }

// The two ways turning the mesh off can fail its check.
var (
	// ErrMeshNotReplaced: without the mesh, selected nodes would have too few BGP sessions.
	ErrMeshNotReplaced = errors.New("the node-to-node mesh is not replaced")
	// ErrSessionsNotEstablished: selected nodes did not report enough Established sessions in time.
	ErrSessionsNotEstablished = errors.New("BGP sessions not established")
)

// The temporary status reports the check creates for nodes that have none.
const (
	// MaxTemporaryReports bounds how many exist at once. Each costs its creation, calico-node's
	// first report (made at once), a look at BIRD every temporaryReportPeriod with a write
	// whenever a session changed, and its deletion.
	MaxTemporaryReports   = 100
	temporaryReportPeriod = 5 // seconds
	temporaryReportPrefix = "terraform-mesh-check-"
	// temporaryReportLabel marks the check's own reports, which no one else's carry.
	temporaryReportLabel = "terraform-provider-calico/mesh-disable-check"
	// maxReportPeriod is the longest update period of a node's own report that the check uses:
	// calico-node looks at BIRD once a period, so a longer one would see new sessions too late.
	maxReportPeriod = 60 // seconds
)

// How often the check reads the reports, and tells its progress.
var (
	pollEvery     = 2 * time.Second
	progressEvery = 15 * time.Second
)

// CheckMeshTurnOff checks, before planned (the default BGPConfiguration) is written, that
// turning the mesh off leaves the selected nodes connected: if planned turns the mesh off and
// it is on now (no default BGPConfiguration, or its nodeToNodeMeshEnabled unset or true), then
//  1. the sessions computed with planned in place of the stored object must give every
//     selected node at least MinSessions sessions, else ErrMeshNotReplaced at once;
//  2. within Timeout, every selected node's calico-node must report at least MinSessions
//     Established sessions that are not mesh sessions, and Established every session the
//     computed sessions give it with another selected node, else ErrSessionsNotEstablished.
//
// A count alone is not enough: a reflector passes on a client's routes only to the clients it
// has a session with, and reflectors of one cluster drop each other's reflected routes, so two
// clients each up with a different reflector would count one session each and still lose each
// other when the mesh goes.
//
// Nodes with neither an IPv4 nor an IPv6 BGP address run no BGP, with or without the mesh,
// and are not checked. The error is a *MeshCheckError.
func CheckMeshTurnOff(ctx context.Context, c *calico.Client, planned *v3.BGPConfiguration, check MeshCheck) error {
	if check.MinSessions <= 0 || planned.Name != "default" || meshOn(planned) {
		return nil
	}
	live, err := calico.BGPConfigurations.On(c).Get(ctx, "default")
	switch {
	case errors.Is(err, calico.ErrNotFound):
	case err != nil:
		return err
	case !meshOn(live):
		return nil // already off: nothing changes for the nodes
	}
	in, err := loadTopologyInput(ctx, c)
	if err != nil {
		return err
	}
	nodes, err := nodesToCheck(in, planned, check)
	if err != nil {
		return err
	}
	return waitForEstablished(ctx, calico.CalicoNodeStatuses.On(c), !c.Can(calico.ReportsNodeStatus), nodes, check)
}

// checkedNode is a node the wait reads the report of.
type checkedNode struct {
	Name string
	// Awaited are the node's computed sessions with other checked nodes: each must be
	// Established, whatever MinSessions says.
	Awaited []Session
	// OneOf, when set, are sessions of which one must be Established (the session guard's).
	OneOf []Session
}

// ready says whether a report shows the node ready: enough Established sessions that are not
// mesh sessions, each awaited one among them, and one of OneOf if set.
func (n checkedNode) ready(s v3.CalicoNodeBGPStatus, minSessions int) bool {
	return establishedBeyondMesh(s) >= minSessions && len(notEstablished(n, s)) == 0 &&
		(len(n.OneOf) == 0 || slices.ContainsFunc(n.OneOf, func(want Session) bool { return reportedUp(s, want) }))
}

// reportedUp says whether a report shows the session Established, as the kind of session it
// is (a mesh session and a BGPPeer's to the same address are different sessions).
func reportedUp(s v3.CalicoNodeBGPStatus, want Session) bool {
	return slices.ContainsFunc(slices.Concat(s.PeersV4, s.PeersV6), func(p v3.CalicoNodePeer) bool {
		return p.PeerIP == want.PeerIP && p.State == v3.BGPSessionStateEstablished &&
			(p.Type == v3.BGPPeerTypeNodeMesh) == (want.Source == MeshSource)
	})
}

// nodesToCheck are the selected nodes that run BGP, by name, once the sessions computed with
// planned in place of the stored object give each of them enough; otherwise ErrMeshNotReplaced.
func nodesToCheck(in topologyInput, planned *v3.BGPConfiguration, check MeshCheck) ([]checkedNode, error) {
	topo, err := computeTopology(in.withConfiguration(planned))
	if err != nil {
		return nil, err
	}
	sel, err := selector.Parse(check.NodeSelector)
	if err != nil {
		return nil, err
	}
	selected := map[string]bool{}
	var short []MeshCheckNode
	for _, n := range in.nodes {
		nt := topo.Nodes[n.Name]
		if !sel.Evaluate(n.SelectorLabels) || nt.IPv4Address == "" && nt.IPv6Address == "" {
			continue
		}
		selected[n.Name] = true
		if len(nt.Sessions) < check.MinSessions {
			short = append(short, MeshCheckNode{Name: n.Name, Sessions: nt.Sessions})
		}
	}
	if len(short) > 0 {
		sort.Slice(short, func(i, j int) bool { return short[i].Name < short[j].Name })
		return nil, &MeshCheckError{Class: ErrMeshNotReplaced, Check: check, Nodes: short}
	}
	nodes := make([]checkedNode, 0, len(selected))
	for name := range selected {
		n := checkedNode{Name: name}
		for _, s := range topo.Nodes[name].Sessions {
			if selected[s.PeerNode] {
				n.Awaited = append(n.Awaited, s)
			}
		}
		nodes = append(nodes, n)
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	return nodes, nil
}

func meshOn(cfg *v3.BGPConfiguration) bool {
	return cfg.Spec.NodeToNodeMeshEnabled == nil || *cfg.Spec.NodeToNodeMeshEnabled
}

// establishedBeyondMesh counts a report's Established sessions that are not mesh sessions.
func establishedBeyondMesh(s v3.CalicoNodeBGPStatus) int {
	n := 0
	for _, p := range slices.Concat(s.PeersV4, s.PeersV6) {
		if p.State == v3.BGPSessionStateEstablished && p.Type != v3.BGPPeerTypeNodeMesh {
			n++
		}
	}
	return n
}

// notEstablished are the node's awaited sessions that its report does not show Established.
func notEstablished(n checkedNode, s v3.CalicoNodeBGPStatus) []Session {
	var missing []Session
	for _, want := range n.Awaited {
		if !reportedUp(s, want) {
			missing = append(missing, want)
		}
	}
	return missing
}

// reporting says whether a node's own status object shows its BGP sessions soon enough to wait
// on: calico-node reports the classes asked for when the object appears or changes, then looks
// at BIRD once every update period (never with a period of 0) and writes what changed.
func reporting(s *v3.CalicoNodeStatus) bool {
	p := s.Spec.UpdatePeriodSeconds
	return slices.Contains(s.Spec.Classes, v3.NodeStatusClassTypeBGP) && p != nil && *p > 0 && *p <= maxReportPeriod &&
		s.Labels[temporaryReportLabel] == ""
}

// temporaryReportName names the check's status object for a node, within Kubernetes' 253.
func temporaryReportName(node string) string {
	if name := temporaryReportPrefix + node; len(name) <= 253 {
		return name
	}
	sum := sha256.Sum256([]byte(node))
	// A name may not have '.' or '-' before the '-' of the hash.
	cut := strings.TrimRight(node[:253-len(temporaryReportPrefix)-17], ".-")
	return temporaryReportPrefix + cut + "-" + hex.EncodeToString(sum[:8])
}

// nodeStatuses is what the wait does with CalicoNodeStatus objects (calico.Kind's methods), so
// that tests can play calico-node's reports.
type nodeStatuses interface {
	Each(ctx context.Context, fn func(*v3.CalicoNodeStatus) error) error
	Get(ctx context.Context, name string) (*v3.CalicoNodeStatus, error)
	Create(ctx context.Context, obj *v3.CalicoNodeStatus) (*v3.CalicoNodeStatus, error)
	Delete(ctx context.Context, name string) error
}

var _ nodeStatuses = calico.Kind[*v3.CalicoNodeStatus]{}

// waitForEstablished waits until every node reports enough Established sessions, its awaited
// ones among them. It uses a
// node's own status object where one reports its BGP sessions (see reporting), and otherwise
// creates a temporary one (at most MaxTemporaryReports at a time, each deleted once its node
// is ready or the wait ends). A report says what calico-node last saw: it rewrites a report
// only when something in it changes, so an old report is current as long as calico-node runs.
func waitForEstablished(ctx context.Context, statuses nodeStatuses, noReports bool, nodes []checkedNode, check MeshCheck) error {
	reportOf := map[string]string{} // node -> the status object its sessions are read from
	err := statuses.Each(ctx, func(s *v3.CalicoNodeStatus) error {
		if _, seen := reportOf[s.Spec.Node]; !seen && reporting(s) {
			reportOf[s.Spec.Node] = s.Name
		}
		return nil
	})
	if err != nil {
		return err
	}
	var queue []string // nodes that need a temporary report, in order
	for _, n := range nodes {
		if _, ok := reportOf[n.Name]; !ok {
			queue = append(queue, n.Name)
		}
	}
	temporary := map[string]string{} // node -> its temporary report, until it is deleted
	deleteTemporary := func(node string) {
		// Deleted even when the apply is interrupted; one whose deletion fails is tried again
		// at the end, and a later check makes anew what is left.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := statuses.Delete(cleanup, temporary[node]); err == nil || errors.Is(err, calico.ErrNotFound) {
			delete(temporary, node)
		}
	}
	defer func() {
		for node := range temporary {
			deleteTemporary(node)
		}
	}()

	start := time.Now()
	deadline, lastProgress := start.Add(check.Timeout), time.Time{}
	pending := slices.Clone(nodes)
	latest := map[string]*v3.CalicoNodeStatus{}
	for {
		for len(temporary) < MaxTemporaryReports && len(queue) > 0 {
			node := queue[0]
			queue = queue[1:]
			name, ours, err := createTemporaryReport(ctx, statuses, node)
			if ours { // deleted at the end even when its creation seemed to fail
				temporary[node] = name
			}
			if err != nil {
				return err
			}
			reportOf[node] = name
		}
		clear(latest)
		err := statuses.Each(ctx, func(s *v3.CalicoNodeStatus) error {
			latest[s.Name] = s
			return nil
		})
		if err != nil {
			return err
		}
		pending = slices.DeleteFunc(pending, func(n checkedNode) bool {
			s, ok := latest[reportOf[n.Name]]
			if !ok || !n.ready(s.Status.BGP, check.MinSessions) {
				return false
			}
			if _, ok := temporary[n.Name]; ok {
				deleteTemporary(n.Name)
			}
			return true
		})
		if len(pending) == 0 {
			return nil
		}
		now := time.Now()
		if check.Progress != nil && now.Sub(lastProgress) >= progressEvery {
			lastProgress = now
			waiting := make([]string, min(len(pending), 10))
			for i := range waiting {
				waiting[i] = pending[i].Name
			}
			check.Progress(MeshCheckProgress{Ready: len(nodes) - len(pending), Total: len(nodes),
				Waiting: waiting, Elapsed: now.Sub(start).Round(time.Second)})
		}
		if !now.Before(deadline) {
			short := make([]MeshCheckNode, len(pending))
			for i, n := range pending {
				_, asked := reportOf[n.Name]
				short[i] = MeshCheckNode{Name: n.Name, Queued: !asked, NotEstablished: n.Awaited}
				// A report never written since it was made is no report.
				if s, ok := latest[reportOf[n.Name]]; ok && !s.Status.LastUpdated.IsZero() {
					short[i].Reported, short[i].Peers = true, slices.Concat(s.Status.BGP.PeersV4, s.Status.BGP.PeersV6)
					short[i].NotEstablished = notEstablished(n, s.Status.BGP)
				}
			}
			return &MeshCheckError{Class: ErrSessionsNotEstablished, Check: check, Nodes: short, NoReports: noReports}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(pollEvery, deadline.Sub(now))):
		}
	}
}

// createTemporaryReport asks node's calico-node for a report of its BGP sessions. One left
// behind by an earlier, interrupted check is made anew, so that no earlier report is read.
// ours says whether the object of that name, if any, is the check's to delete.
func createTemporaryReport(ctx context.Context, statuses nodeStatuses, node string) (name string, ours bool, err error) {
	s := v3.NewCalicoNodeStatus()
	s.Name = temporaryReportName(node)
	s.Labels = map[string]string{calico.ManagedByLabel: calico.ManagedByValue, temporaryReportLabel: "true"}
	period := uint32(temporaryReportPeriod)
	s.Spec = v3.CalicoNodeStatusSpec{Node: node, Classes: []v3.NodeStatusClassType{v3.NodeStatusClassTypeBGP}, UpdatePeriodSeconds: &period}
	_, err = statuses.Create(ctx, s)
	if errors.Is(err, calico.ErrAlreadyExists) {
		live, getErr := statuses.Get(ctx, s.Name)
		if getErr != nil || live.Labels[temporaryReportLabel] == "" {
			return s.Name, false, err // someone else's object of that name: not ours to replace
		}
		if err = statuses.Delete(ctx, s.Name); err == nil || errors.Is(err, calico.ErrNotFound) {
			_, err = statuses.Create(ctx, s)
		}
	}
	return s.Name, true, err
}
