package bgp

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	"github.com/projectcalico/calico/libcalico-go/lib/selector"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// The BGP sessions calico-node's confd configures in BIRD, derived from the same objects by the
// same rules (confd's updatePeersV1 and its bird.cfg templates, Calico 3.31): the node-to-node
// mesh, then the BGPPeers, global ones first, then the reverse side of peerings between nodes.

// MeshSource is the Source of a node-to-node mesh session.
const MeshSource = "node-to-node mesh"

// Session is one BGP session of a node, as BIRD would have it.
type Session struct {
	PeerIP   string
	PeerPort uint16 // 0: BGP's default port
	PeerAS   uint32
	PeerNode string // the peer's node name, when the peer is a Calico node
	// LocalAS is the AS this node speaks in the session (a BGPPeer's localASNumber, else the node's).
	LocalAS uint32
	// Source is MeshSource or the name of the BGPPeer the session comes from.
	Source string
	// RouteReflectorClient: this node reflects routes to the peer.
	RouteReflectorClient bool
	// Passive: this node waits for the peer to connect.
	Passive bool
}

// IBGP says whether the session is within one AS.
func (s Session) IBGP() bool { return s.PeerAS == s.LocalAS }

// NodeTopology is a node's BGP identity and sessions.
type NodeTopology struct {
	Name                    string
	ASNumber                uint32
	IPv4Address             string // as stored, with its prefix length; "" when none
	IPv6Address             string
	RouteReflectorClusterID string
	// Labels are the node's labels as Calico selectors see them.
	Labels map[string]string
	// Sessions: IPv4 then IPv6, each in BIRD's order (mesh, global peers, node-specific peers).
	Sessions []Session
}

// Topology is every node's sessions, the nodes without any, and what looks wrong.
type Topology struct {
	Nodes    map[string]*NodeTopology
	Isolated []string
	Warnings []string
}

// LoadTopology reads what the sessions derive from, one LIST per kind, and computes them.
func LoadTopology(ctx context.Context, c *calico.Client) (*Topology, error) {
	in, err := loadTopologyInput(ctx, c)
	if err != nil {
		return nil, err
	}
	return computeTopology(in)
}

func loadTopologyInput(ctx context.Context, c *calico.Client) (topologyInput, error) {
	var in topologyInput
	err := calico.BGPConfigurations.On(c).Each(ctx, func(cfg *v3.BGPConfiguration) error {
		in.configs = append(in.configs, cfg)
		return nil
	})
	if err == nil {
		err = calico.BGPPeers.On(c).Each(ctx, func(p *v3.BGPPeer) error { in.peers = append(in.peers, p); return nil })
	}
	if err == nil {
		err = c.Nodes().Each(ctx, func(n *calico.Node) error { in.nodes = append(in.nodes, n); return nil })
	}
	if err != nil {
		return in, err
	}
	in.matches = newSelectorMatches()
	if release, source := c.ClusterRelease(ctx); source != calico.ReleaseUnknown {
		return in.asOf(release)
	}
	return in, nil
}

// asOf is the input as the confd of Calico release r reads it: without the fields that release
// lacks (the registry's dates), which its confd does not know. They are in the objects only
// where nothing pruned them (etcd), or where the cluster reports an older release than its CRDs.
func (in topologyInput) asOf(r calico.Release) (topologyInput, error) {
	out := topologyInput{nodes: in.nodes, matches: in.matches}
	for _, cfg := range in.configs {
		cfg, err := withoutMissing(calico.BGPConfigurations.KindInfo, cfg, r)
		if err != nil {
			return in, err
		}
		out.configs = append(out.configs, cfg)
	}
	for _, p := range in.peers {
		p, err := withoutMissing(calico.BGPPeers.KindInfo, p, r)
		if err != nil {
			return in, err
		}
		out.peers = append(out.peers, p)
	}
	return out, nil
}

// withoutMissing is obj, or a copy of it without the fields release r lacks.
func withoutMissing[T calico.Object](kind calico.KindInfo, obj T, r calico.Release) (T, error) {
	missing, err := kind.MissingIn(obj, r)
	if err != nil || len(missing) == 0 {
		return obj, err
	}
	var places [][]any
	for _, m := range missing {
		if m.Field.Value == "" {
			places = append(places, m.Path)
		}
	}
	out := obj.DeepCopyObject().(T)
	return out, calico.LeaveOut(out, places)
}

// withConfiguration is the input with cfg in place of the stored BGPConfiguration of its name.
func (in topologyInput) withConfiguration(cfg *v3.BGPConfiguration) topologyInput {
	return in.with(PlannedChange{Kind: calico.BGPConfigurations.Name, Name: cfg.Name, Object: cfg})
}

type topologyInput struct {
	configs []*v3.BGPConfiguration
	peers   []*v3.BGPPeer
	nodes   []*calico.Node
	matches *selectorMatches // nil: none kept
}

// selectorMatches keeps which of one set of nodes each selector selects. A plan's session
// impacts and an apply's guard compute the sessions once per change, over the same nodes, and
// Calico's selector evaluation was most of each computation.
type selectorMatches struct {
	mu         sync.Mutex
	bySelector map[string][]int // indexes into the nodes sorted by name
}

func newSelectorMatches() *selectorMatches {
	return &selectorMatches{bySelector: map[string][]int{}}
}

// topologyNode is a node as confd's caches hold it.
type topologyNode struct {
	*calico.Node
	ipv4, ipv6 string               // addresses without prefix length
	as         numorstring.ASNumber // the AS number it speaks, by the cluster's ASRule
	clusterID  string
	listenPort uint16 // of its BGPConfiguration node.<name>; 0 when unset
}

// peerEntry is one of confd's v1 peer keys and what it holds.
type peerEntry struct {
	ip         string
	port       uint16
	as         uint32
	localAS    uint32 // 0: the node's
	clusterID  string
	calicoNode bool // a BGPPeer's peerIP that is a node's address
	node       string
	source     string
}

type topology struct {
	nodes      []*topologyNode // by name
	byName     map[string]*topologyNode
	nodeIPs    map[string]bool
	asRule     ASRule
	listenPort uint16
	meshOn     bool
	global     map[string]peerEntry            // by key
	perNode    map[string]map[string]peerEntry // node -> key -> entry
	warnings   []string
	matches    *selectorMatches
}

func computeTopology(in topologyInput) (*Topology, error) { return sessionsOf(in, true) }

// sessionsOf computes the topology; its warnings only when warn is set (a session impact, which
// computes it once per changed resource, does without them).
func sessionsOf(in topologyInput, warn bool) (*Topology, error) {
	t := newTopology(in)
	peers := byName(in.peers)
	if err := t.emitPeers(peers); err != nil {
		return nil, err
	}
	return t.result(peers, warn, nil, nil), nil
}

// newTopology is the nodes and settings of in, before any BGPPeer is put in.
func newTopology(in topologyInput) *topology {
	t := &topology{byName: map[string]*topologyNode{}, nodeIPs: map[string]bool{}, asRule: NewASRule(nil),
		meshOn: true, global: map[string]peerEntry{}, perNode: map[string]map[string]peerEntry{}, matches: in.matches}
	listenPorts := map[string]uint16{}
	for _, cfg := range in.configs {
		switch {
		case cfg.Name == "default":
			t.asRule = NewASRule(cfg)
			if cfg.Spec.NodeToNodeMeshEnabled != nil {
				t.meshOn = *cfg.Spec.NodeToNodeMeshEnabled
			}
			t.listenPort = cfg.Spec.ListenPort
		case strings.HasPrefix(cfg.Name, "node.") && cfg.Spec.ListenPort != 0:
			listenPorts[strings.TrimPrefix(cfg.Name, "node.")] = cfg.Spec.ListenPort
		}
	}
	for _, n := range in.nodes {
		tn := &topologyNode{Node: n, ipv4: stripPrefix(n.Settings[calico.AnnotationIPv4Address]), ipv6: stripPrefix(n.Settings[calico.AnnotationIPv6Address]),
			clusterID: n.Settings[calico.AnnotationRouteReflectorClusterID], listenPort: listenPorts[n.Name]}
		tn.as, _, _ = t.asRule.NodeAS(n) // a value Calico ignores is the cluster's AS, as in confd
		t.nodes = append(t.nodes, tn)
		t.byName[n.Name] = tn
		for _, ip := range []string{tn.ipv4, tn.ipv6} {
			if ip != "" {
				t.nodeIPs[ip] = true
			}
		}
	}
	sort.Slice(t.nodes, func(i, j int) bool { return t.nodes[i].Name < t.nodes[j].Name })
	return t
}

// byName is peers sorted by name. confd visits the BGPPeers in map order; by name, ties between
// two peers making the same session resolve the same way every time.
func byName(peers []*v3.BGPPeer) []*v3.BGPPeer {
	out := slices.Clone(peers)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// emitPeers puts peers, sorted by name, in as confd does: the global ones, then the per-node
// ones, then the reverse side of each.
func (t *topology) emitPeers(peers []*v3.BGPPeer) error {
	for _, globalPass := range []bool{true, false} {
		for _, p := range peers {
			if err := t.forward(p, globalPass); err != nil {
				return err
			}
		}
	}
	for _, p := range peers {
		if err := t.reverse(p); err != nil {
			return err
		}
	}
	return nil
}

// reach is the nodes among t's on which BGPPeer p makes sessions, whatever else is there: every
// node when it is global.
func (t *topology) reach(p *v3.BGPPeer) ([]string, error) {
	alone := &topology{nodes: t.nodes, byName: t.byName, nodeIPs: t.nodeIPs, asRule: t.asRule, listenPort: t.listenPort,
		meshOn: t.meshOn, global: map[string]peerEntry{}, perNode: map[string]map[string]peerEntry{}, matches: t.matches}
	if err := alone.emitPeers([]*v3.BGPPeer{p}); err != nil {
		return nil, err
	}
	var nodes []string
	if len(alone.global) > 0 {
		for _, n := range t.nodes {
			nodes = append(nodes, n.Name)
		}
	}
	for node := range alone.perNode {
		nodes = append(nodes, node)
	}
	return nodes, nil
}

// parsedSelectors holds Calico's parse of each selector met so far: a plan's session impacts
// compute the topology once per changed resource, over the same selectors each time.
var parsedSelectors sync.Map // string -> *selector.Selector

func parseSelector(sel string) (*selector.Selector, error) {
	if parsed, ok := parsedSelectors.Load(sel); ok {
		return parsed.(*selector.Selector), nil
	}
	parsed, err := selector.Parse(sel)
	if err != nil {
		return nil, err
	}
	parsedSelectors.Store(sel, parsed)
	return parsed, nil
}

func stripPrefix(address string) string {
	if ip, _, err := net.ParseCIDR(address); err == nil {
		return ip.String()
	}
	if ip := net.ParseIP(address); ip != nil {
		return ip.String()
	}
	return ""
}

func (t *topology) matching(sel string) ([]*topologyNode, error) {
	if t.matches != nil {
		t.matches.mu.Lock()
		indexes, ok := t.matches.bySelector[sel]
		t.matches.mu.Unlock()
		if ok {
			out := make([]*topologyNode, len(indexes))
			for i, index := range indexes {
				out[i] = t.nodes[index]
			}
			return out, nil
		}
	}
	parsed, err := parseSelector(sel)
	if err != nil {
		return nil, err
	}
	var out []*topologyNode
	var indexes []int
	for i, n := range t.nodes {
		if parsed.Evaluate(n.SelectorLabels) {
			out = append(out, n)
			indexes = append(indexes, i)
		}
	}
	if t.matches != nil {
		t.matches.mu.Lock()
		t.matches.bySelector[sel] = indexes
		t.matches.mu.Unlock()
	}
	return out, nil
}

// localNodes are the nodes a BGPPeer applies to; nil for a global one.
func (t *topology) localNodes(p *v3.BGPPeer) ([]string, error) {
	if p.Spec.NodeSelector != "" {
		nodes, err := t.matching(p.Spec.NodeSelector)
		var names []string
		for _, n := range nodes {
			names = append(names, n.Name)
		}
		return names, err
	}
	if p.Spec.Node != "" {
		return []string{p.Spec.Node}, nil
	}
	return nil, nil
}

// asPeers is a node as the peer of others, in the families asked for.
func (t *topology) asPeers(n *topologyNode, v4, v6 bool, source string) []peerEntry {
	port := n.listenPort
	if port == 0 {
		port = t.listenPort
	}
	as := uint32(n.as)
	var out []peerEntry
	for _, f := range []struct {
		want bool
		ip   string
	}{{v4, n.ipv4}, {v6, n.ipv6}} {
		if f.want && f.ip != "" {
			out = append(out, peerEntry{ip: f.ip, port: port, as: as, clusterID: n.clusterID, node: n.Name, source: source})
		}
	}
	return out
}

// splitPeerIP separates the port from "ip:port" or "[ip]:port", as confd does.
func splitPeerIP(peerIP string) (string, uint16) {
	host, port, err := net.SplitHostPort(peerIP)
	if err != nil {
		return peerIP, 0
	}
	p, err := strconv.ParseUint(port, 0, 16)
	if err != nil {
		return peerIP, 0
	}
	return host, uint16(p)
}

// nodesWithAddress are the nodes with this address and AS (the cluster's when as is 0) that
// listen on port (any when 0).
func (t *topology) nodesWithAddress(ip string, as numorstring.ASNumber, port uint16) []*topologyNode {
	want := t.asRule.ClusterAS
	if as != 0 {
		want = as
	}
	var out []*topologyNode
	for _, n := range t.nodes {
		if n.ipv4 != ip && n.ipv6 != ip || n.as != want {
			continue
		}
		if port != 0 {
			if n.listenPort != 0 && n.listenPort != port {
				continue
			} else if t.listenPort != 0 && t.listenPort != port {
				continue
			}
		}
		out = append(out, n)
	}
	return out
}

// forward adds a BGPPeer's own sessions: global ones in the first pass, per-node in the second.
func (t *topology) forward(p *v3.BGPPeer, globalPass bool) error {
	if globalPass != (p.Spec.NodeSelector == "" && p.Spec.Node == "") || p.Spec.LocalWorkloadSelector != "" {
		return nil
	}
	locals, err := t.localNodes(p)
	if err != nil {
		return fmt.Errorf("BGPPeer %s: node_selector: %w", p.Name, err)
	}
	var entries []peerEntry
	if p.Spec.PeerSelector != "" {
		nodes, err := t.matching(p.Spec.PeerSelector)
		if err != nil {
			return fmt.Errorf("BGPPeer %s: peer_selector: %w", p.Name, err)
		}
		for _, n := range nodes {
			entries = append(entries, t.asPeers(n, true, true, p.Name)...)
		}
	} else {
		host, port := splitPeerIP(p.Spec.PeerIP)
		ip := net.ParseIP(host)
		if ip == nil {
			return nil // no peer: Calico makes no session
		}
		if port == 0 {
			if nodes := t.nodesWithAddress(host, p.Spec.ASNumber, 0); len(nodes) > 0 {
				port = nodes[0].listenPort
				if port == 0 {
					port = t.listenPort
				}
			}
		}
		e := peerEntry{ip: ip.String(), port: port, as: uint32(p.Spec.ASNumber), calicoNode: t.nodeIPs[host], source: p.Name}
		if p.Spec.LocalASNumber != nil {
			e.localAS = uint32(*p.Spec.LocalASNumber)
		}
		if nodes := t.nodesByAddress(e.ip); len(nodes) > 0 {
			e.node = nodes[0].Name
		}
		entries = append(entries, e)
	}
	for _, e := range entries {
		if globalPass {
			t.emit("", e)
			continue
		}
		for _, node := range locals {
			t.emit(node, e)
		}
	}
	return nil
}

func (t *topology) nodesByAddress(ip string) []*topologyNode {
	var out []*topologyNode
	for _, n := range t.nodes {
		if n.ipv4 == ip || n.ipv6 == ip {
			out = append(out, n)
		}
	}
	return out
}

// reverse adds the other side of a peering whose peer is a Calico node, unless the BGPPeer
// asks for manual reverse peering.
func (t *topology) reverse(p *v3.BGPPeer) error {
	if p.Spec.ReversePeering != nil && *p.Spec.ReversePeering == v3.ReversePeeringManual || p.Spec.LocalWorkloadSelector != "" {
		return nil
	}
	var locals []*topologyNode
	v4, v6 := true, true
	if p.Spec.PeerSelector != "" {
		var err error
		if locals, err = t.matching(p.Spec.PeerSelector); err != nil {
			return fmt.Errorf("BGPPeer %s: peer_selector: %w", p.Name, err)
		}
	} else {
		host, port := splitPeerIP(p.Spec.PeerIP)
		locals = t.nodesWithAddress(host, p.Spec.ASNumber, port)
		v6 = strings.Contains(host, ":")
		v4 = !v6
	}
	if len(locals) == 0 {
		return nil
	}
	var remotes []*topologyNode
	switch {
	case p.Spec.NodeSelector != "":
		var err error
		if remotes, err = t.matching(p.Spec.NodeSelector); err != nil {
			return fmt.Errorf("BGPPeer %s: node_selector: %w", p.Name, err)
		}
	case p.Spec.Node != "":
		if n := t.byName[p.Spec.Node]; n != nil {
			remotes = []*topologyNode{n}
		}
	default:
		remotes = t.nodes
	}
	for _, remote := range remotes {
		for _, e := range t.asPeers(remote, v4, v6, p.Name) {
			for _, local := range locals {
				t.emit(local.Name, e)
			}
		}
	}
	return nil
}

// peerKey is confd's key of a peer: its address and, unless it is BGP's own, its port.
func peerKey(ip string, port uint16) string {
	if port == 0 || port == 179 {
		return ip
	}
	return ip + "-" + strconv.Itoa(int(port))
}

// emit records a session the first time its key is made; a node's session is not made where
// a global one of that key exists.
func (t *topology) emit(node string, e peerEntry) {
	key := peerKey(e.ip, e.port)
	if node == "" {
		if _, ok := t.global[key]; !ok {
			t.global[key] = e
		}
		return
	}
	if _, ok := t.global[key]; ok {
		return
	}
	if t.perNode[node] == nil {
		t.perNode[node] = map[string]peerEntry{}
	}
	if _, ok := t.perNode[node][key]; !ok {
		t.perNode[node][key] = e
	}
}

// result is each node's sessions. With only set, a node it does not name keeps its sessions in
// same, which was computed from the same nodes.
func (t *topology) result(peers []*v3.BGPPeer, warn bool, only map[string]bool, same *Topology) *Topology {
	out := &Topology{Nodes: map[string]*NodeTopology{}}
	for _, n := range t.nodes {
		nt := same.nodeUnless(only, n.Name)
		if nt == nil {
			nt = &NodeTopology{Name: n.Name, ASNumber: uint32(n.as), IPv4Address: n.Settings[calico.AnnotationIPv4Address],
				IPv6Address: n.Settings[calico.AnnotationIPv6Address], RouteReflectorClusterID: n.clusterID, Labels: n.SelectorLabels}
			nt.Sessions = append(t.sessions(n, n.ipv4, false), t.sessions(n, n.ipv6, true)...)
		}
		out.Nodes[n.Name] = nt
		if len(nt.Sessions) == 0 {
			out.Isolated = append(out.Isolated, n.Name)
		}
	}
	if warn {
		out.Warnings = append(t.warnings, t.check(out, peers)...)
	}
	return out
}

// nodeUnless is node name of topo when only is set and does not name it; nil otherwise.
func (topo *Topology) nodeUnless(only map[string]bool, name string) *NodeTopology {
	if topo == nil || only == nil || only[name] {
		return nil
	}
	return topo.Nodes[name]
}

// sessions are what BIRD's configuration of one family holds for node n, in its order.
func (t *topology) sessions(n *topologyNode, self string, v6 bool) []Session {
	if self == "" {
		return nil // the family is off on this node
	}
	family := func(ip string) bool { return strings.Contains(ip, ":") == v6 }
	localAS := uint32(n.as)
	var out []Session
	if n.clusterID == "" && t.meshOn {
		for _, h := range t.nodes {
			ip := h.ipv4
			if v6 {
				ip = h.ipv6
			}
			if ip == "" || ip == self || h.clusterID != "" {
				continue
			}
			port := h.listenPort
			if port == 0 {
				port = t.listenPort
			}
			out = append(out, Session{PeerIP: ip, PeerPort: port, PeerAS: uint32(h.as), PeerNode: h.Name, LocalAS: localAS,
				Source: MeshSource, Passive: ip > self})
		}
	}
	add := func(entries map[string]peerEntry, passiveForNodes bool) {
		keys := make([]string, 0, len(entries))
		for k, e := range entries {
			if family(e.ip) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			e := entries[k]
			if e.ip == self {
				continue
			}
			local := localAS
			if e.localAS != 0 {
				local = e.localAS
			}
			out = append(out, Session{PeerIP: e.ip, PeerPort: e.port, PeerAS: e.as, PeerNode: e.node, LocalAS: local, Source: e.source,
				RouteReflectorClient: e.as == local && n.clusterID != "" && e.clusterID != n.clusterID,
				Passive:              passiveForNodes && e.calicoNode && e.ip > self})
		}
	}
	add(t.global, true)
	add(t.perNode[n.Name], false)
	return out
}

// check finds what most likely is a mistake: a node that depends on a single route reflector,
// reflectors of one cluster that do not peer with each other, a BGPPeer that selects no node.
func (t *topology) check(out *Topology, peers []*v3.BGPPeer) []string {
	var warnings []string
	reflectors := map[string][]string{} // cluster ID -> nodes
	for _, n := range t.nodes {
		if n.clusterID != "" {
			reflectors[n.clusterID] = append(reflectors[n.clusterID], n.Name)
		}
	}
	peersOf := func(node string) map[string]bool {
		nodes := map[string]bool{}
		for _, s := range out.Nodes[node].Sessions {
			if s.PeerNode != "" {
				nodes[s.PeerNode] = true
			}
		}
		return nodes
	}
	for _, n := range t.nodes {
		if n.clusterID != "" {
			continue
		}
		var reached []string
		mesh := false
		for _, s := range out.Nodes[n.Name].Sessions {
			if s.Source == MeshSource {
				mesh = true
			}
			if r := t.byName[s.PeerNode]; r != nil && r.clusterID != "" && s.IBGP() {
				reached = append(reached, r.Name)
			}
		}
		if !mesh && len(dedupe(reached)) == 1 {
			warnings = append(warnings, fmt.Sprintf("Node %s reaches only one route reflector (%s) over iBGP: it loses its "+
				"routes whenever that reflector restarts. Peer it with a second reflector.", n.Name, reached[0]))
		}
	}
	ids := make([]string, 0, len(reflectors))
	for id := range reflectors {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		nodes := reflectors[id]
		for i, a := range nodes {
			for _, b := range nodes[i+1:] {
				if !peersOf(a)[b] && !peersOf(b)[a] {
					warnings = append(warnings, fmt.Sprintf("Route reflectors %s and %s of cluster %s do not peer with each "+
						"other: add a BGPPeer between the reflectors.", a, b, id))
				}
			}
		}
	}
	for _, p := range peers {
		locals, err := t.localNodes(p)
		switch {
		case err != nil:
		case p.Spec.NodeSelector != "" && len(locals) == 0:
			warnings = append(warnings, fmt.Sprintf("BGPPeer %s selects no node (node_selector %q).", p.Name, p.Spec.NodeSelector))
		case p.Spec.Node != "" && t.byName[p.Spec.Node] == nil:
			warnings = append(warnings, fmt.Sprintf("BGPPeer %s is for node %s, which does not exist.", p.Name, p.Spec.Node))
		}
		if p.Spec.PeerSelector != "" {
			if nodes, err := t.matching(p.Spec.PeerSelector); err == nil && len(nodes) == 0 {
				warnings = append(warnings, fmt.Sprintf("BGPPeer %s selects no peer (peer_selector %q).", p.Name, p.Spec.PeerSelector))
			}
		}
	}
	return warnings
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
