package testenv

import (
	"bytes"
	"fmt"
	"net/netip"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The lab's probe: pings from pod address to pod address, every ProbeInterval, while something
// changes the cluster; it counts what was lost and the longest run of losses.
//
// BIRD 1.6, as calico-node's BIRD, changes a kernel route by deleting it and then adding the new
// one (krt_replace_rte), even when the new route is the same as the old, as when a node's best
// path to a block moves from one session to another carrying the same next hop. Between the two
// the block has no route, longer the more loaded the machine (CONTRIBUTING has the figures). A
// ping that crosses that moment is lost although no session and no route went away. The probe watches every lab namespace's routes, and counts such a ping
// apart (LostToReplacement): it names the replacement, and does not count it as lost. It does so
// only for a ping lost alone, its neighbours answered: a run of losses is a route gone, whatever
// was replaced meanwhile.

// ProbeInterval is how often the probe pings each pair.
const ProbeInterval = 100 * time.Millisecond

// maxReplacementGap is the longest a route may be gone and still count as BIRD replacing it
// with itself: a session that went down and came back takes seconds, not this.
const maxReplacementGap = 200 * time.Millisecond

// minReplacementGap is the shortest replacement that may explain a lost ping: one shorter has
// less than one chance in a hundred of meeting a ping sent every ProbeInterval, so a loss beside
// it is more likely something else.
const minReplacementGap = time.Millisecond

// Probe is pings running between pairs of lab nodes, and a watch on every lab namespace's
// routes, so that a lost ping can be told apart: a route gone somewhere on its path, or not.
type Probe struct {
	pings  []*probePing
	routes []*routeWatch
}

// routeWatch is `ip monitor route` in one lab namespace, each change stamped.
type routeWatch struct {
	namespace string
	cmd       *exec.Cmd
	out       bytes.Buffer
}

type probePing struct {
	from, to string
	// onPath holds, for each namespace on the way there and back, the pods a route there
	// leads to: each node's route to the other's pod, each rack switch's to both, when the
	// nodes are in different racks.
	onPath map[string][]netip.Addr
	cmd    *exec.Cmd
	out    bytes.Buffer
}

// ProbeResult is what one pair's pings saw.
type ProbeResult struct {
	From, To string
	Sent     int
	// Lost counts the pings lost, but for those LostToReplacement counts.
	Lost int
	// LongestGap is the longest run of lost pings, as time (runs × ProbeInterval).
	LongestGap time.Duration
	// LostSeqs are the sequence numbers of the lost pings (the first ten): a loss at the end of
	// the run may be a reply the loaded machine read late, one in the middle a route's gap.
	LostSeqs []int
	// LostToReplacement counts the pings lost while BIRD replaced a route to either pod with
	// the same route (see above), and Replacements names each such replacement.
	LostToReplacement int
	Replacements      []string
	// Trace is, when a ping was lost, what ping printed about it (an ICMP error names the router
	// that had no route) and every route change in the lab within a second of it.
	Trace []string
}

func (r ProbeResult) String() string {
	s := fmt.Sprintf("%s -> %s: %d sent, %d lost, longest gap %s", r.From, r.To, r.Sent, r.Lost, r.LongestGap)
	if r.Lost > 0 {
		s += fmt.Sprintf(" (icmp_seq %v)", r.LostSeqs)
	}
	if r.LostToReplacement > 0 {
		s += fmt.Sprintf("; %d more lost while BIRD replaced a route with itself, not counted: %s",
			r.LostToReplacement, strings.Join(r.Replacements, ", "))
	}
	for _, line := range r.Trace {
		s += "\n    " + line
	}
	return s
}

// StartProbe pings between every pair, each way given, for at most limit.
func (l *Lab) StartProbe(pairs [][2]string, limit time.Duration) (*Probe, error) {
	p := &Probe{}
	for _, pair := range pairs {
		from, err := l.Node(pair[0])
		if err != nil {
			return nil, err
		}
		to, err := l.Node(pair[1])
		if err != nil {
			return nil, err
		}
		pp := &probePing{from: from.Name, to: to.Name}
		if pp.onPath, err = l.pathOf(from, to); err != nil {
			return nil, err
		}
		secs := int(limit / time.Second)
		// -D stamps every line and -O reports a ping unanswered when the next is sent, so that a
		// lost ping has a time to look for route changes around.
		pp.cmd = exec.Command("ip", "netns", "exec", from.Namespace, "ping", "-n", "-D", "-O", "-i", "0.1", "-W", "1",
			"-c", strconv.Itoa(int(limit/ProbeInterval)), "-w", strconv.Itoa(secs), "-I", from.PodAddress, to.PodAddress)
		pp.cmd.Stdout, pp.cmd.Stderr = &pp.out, &pp.out
		pp.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := pp.cmd.Start(); err != nil {
			p.Stop()
			return nil, err
		}
		p.pings = append(p.pings, pp)
	}
	for _, ns := range l.Namespaces {
		w := &routeWatch{namespace: ns, cmd: exec.Command("ip", "-n", ns, "-ts", "monitor", "route")}
		w.cmd.Stdout, w.cmd.Stderr = &w.out, &w.out
		w.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := w.cmd.Start(); err != nil {
			p.Stop()
			return nil, err
		}
		p.routes = append(p.routes, w)
	}
	return p, nil
}

// pathOf is probePing.onPath for pings from one node's pod to another's.
func (l *Lab) pathOf(from, to LabNode) (map[string][]netip.Addr, error) {
	fromPod, err := netip.ParseAddr(from.PodAddress)
	if err != nil {
		return nil, err
	}
	toPod, err := netip.ParseAddr(to.PodAddress)
	if err != nil {
		return nil, err
	}
	path := map[string][]netip.Addr{from.Namespace: {toPod}, to.Namespace: {fromPod}}
	if from.Rack != to.Rack {
		for _, sw := range l.Switches {
			if sw.Rack == from.Rack || sw.Rack == to.Rack {
				path[sw.Namespace] = []netip.Addr{fromPod, toPod}
			}
		}
	}
	return path, nil
}

var (
	pingReply       = regexp.MustCompile(`icmp_seq=(\d+) ttl=`)
	pingTransmitted = regexp.MustCompile(`(\d+) packets transmitted`)
	pingStamped     = regexp.MustCompile(`^\[(\d+)\.(\d{6})\] (.*icmp_seq=(\d+).*)$`)
	routeStamped    = regexp.MustCompile(`^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\] (Deleted )?(.*)$`)
)

// Stop interrupts the pings and reads what they saw. The pings of the last second may still be
// in flight when interrupted, so they are not counted.
func (p *Probe) Stop() []ProbeResult {
	var results []ProbeResult
	for _, pp := range p.pings {
		_ = syscall.Kill(-pp.cmd.Process.Pid, syscall.SIGINT)
	}
	for _, w := range p.routes {
		_ = syscall.Kill(-w.cmd.Process.Pid, syscall.SIGINT)
		_ = w.cmd.Wait()
	}
	changes := p.routeChanges()
	replacements := replacementsIn(changes)
	for _, pp := range p.pings {
		_ = pp.cmd.Wait()
		results = append(results, pp.result(pp.out.String(), changes, replacements))
	}
	return results
}

// result reads what ping printed, given the lab's route changes meanwhile.
func (pp *probePing) result(out string, changes []routeChange, replacements []routeReplacement) ProbeResult {
	r := ProbeResult{From: pp.from, To: pp.to}
	if m := pingTransmitted.FindStringSubmatch(out); m != nil {
		r.Sent, _ = strconv.Atoi(m[1])
	}
	// A ping counts once its reply window (-W 1) has closed: the pings of the last second
	// may still be in flight when interrupted, the more so on a loaded machine.
	r.Sent = max(0, r.Sent-int(time.Second/ProbeInterval))
	replied := map[int]bool{}
	for _, m := range pingReply.FindAllStringSubmatch(out, -1) {
		seq, _ := strconv.Atoi(m[1])
		replied[seq] = true
	}
	lines := stampedPingLines(out)
	used := map[int]bool{} // the replacements that explained a lost ping already
	var missed []int
	run := 0
	for seq := 1; seq <= r.Sent; seq++ {
		if replied[seq] {
			run = 0
			continue
		}
		missed = append(missed, seq)
		if replied[seq-1] && replied[seq+1] {
			if rp, ok := replacedDuring(replacements, used, pp, lines, seq); ok {
				r.LostToReplacement++
				r.Replacements = append(r.Replacements, fmt.Sprintf("icmp_seq %d: %s", seq, rp))
				run = 0
				continue
			}
		}
		r.Lost++
		if len(r.LostSeqs) < 10 {
			r.LostSeqs = append(r.LostSeqs, seq)
		}
		run++
		if gap := time.Duration(run) * ProbeInterval; gap > r.LongestGap {
			r.LongestGap = gap
		}
	}
	if len(missed) > 0 {
		r.Trace = trace(lines, changes, missed)
	}
	return r
}

// pingLine is a stamped line of ping's about one sequence number.
type pingLine struct {
	at   time.Time
	seq  int
	text string
}

func stampedPingLines(out string) []pingLine {
	var lines []pingLine
	for _, line := range strings.Split(out, "\n") {
		m := pingStamped.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		secs, _ := strconv.ParseInt(m[1], 10, 64)
		micros, _ := strconv.ParseInt(m[2], 10, 64)
		seq, _ := strconv.Atoi(m[4])
		lines = append(lines, pingLine{at: time.Unix(secs, micros*1000), seq: seq, text: m[3]})
	}
	return lines
}

// routeChange is a route added or deleted in a lab namespace.
type routeChange struct {
	at        time.Time
	namespace string
	deleted   bool
	route     string // as ip prints it, without "Deleted "
	prefix    netip.Prefix
}

func (c routeChange) String() string {
	verb := ""
	if c.deleted {
		verb = "Deleted "
	}
	return c.at.UTC().Format("15:04:05.000000") + " " + c.namespace + ": " + verb + c.route
}

// routeChanges reads the route watches, in the order of time.
func (p *Probe) routeChanges() []routeChange {
	var changes []routeChange
	for _, w := range p.routes {
		for _, line := range strings.Split(w.out.String(), "\n") {
			m := routeStamped.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			// ip monitor stamps in local time.
			at, err := time.ParseInLocation("2006-01-02T15:04:05.000000", m[1], time.Local)
			if err != nil {
				continue
			}
			c := routeChange{at: at, namespace: w.namespace, deleted: m[2] != "", route: strings.TrimSpace(m[3])}
			c.prefix, _ = routePrefix(c.route)
			changes = append(changes, c)
		}
	}
	slices.SortStableFunc(changes, func(a, b routeChange) int { return a.at.Compare(b.at) })
	return changes
}

// routePrefix is the destination of a route as ip prints it ("10.244.0.0/26 via …",
// "blackhole 10.244.1.128/26 …", "10.1.0.11 dev …").
func routePrefix(route string) (netip.Prefix, bool) {
	fields := strings.Fields(route)
	if len(fields) > 1 && slices.Contains([]string{"blackhole", "unreachable", "prohibit", "unicast", "local", "broadcast"}, fields[0]) {
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return netip.Prefix{}, false
	}
	if prefix, err := netip.ParsePrefix(fields[0]); err == nil {
		return prefix, true
	}
	if addr, err := netip.ParseAddr(fields[0]); err == nil {
		return netip.PrefixFrom(addr, addr.BitLen()), true
	}
	return netip.Prefix{}, false
}

// routeReplacement is a route deleted and added back, the same, in one namespace.
type routeReplacement struct {
	deleted, added routeChange
}

func (r routeReplacement) String() string {
	return fmt.Sprintf("%s replaced %s in %s", r.deleted.namespace, r.deleted.route, r.added.at.Sub(r.deleted.at).Round(time.Microsecond))
}

// replacementsIn finds the routes deleted and added back the same, gone between
// minReplacementGap and maxReplacementGap, with no other change of the route between.
func replacementsIn(changes []routeChange) []routeReplacement {
	var found []routeReplacement
	for i, c := range changes {
		if !c.deleted || !c.prefix.IsValid() {
			continue
		}
		for _, next := range changes[i+1:] {
			if next.at.Sub(c.at) > maxReplacementGap {
				break
			}
			if next.namespace != c.namespace || next.prefix != c.prefix {
				continue
			}
			if gap := next.at.Sub(c.at); !next.deleted && next.route == c.route && gap >= minReplacementGap {
				found = append(found, routeReplacement{deleted: c, added: next})
			}
			break
		}
	}
	return found
}

// replacedDuring finds a replacement, on the ping's path, of a route it takes there or back,
// while the ping seq, which was lost, can have been on its way: after ping's last line about an
// earlier ping and before it reported seq unanswered (-O: when it sent the next one). A
// replacement explains one lost ping of a pair at most: used holds those that did.
func replacedDuring(replacements []routeReplacement, used map[int]bool, pp *probePing, lines []pingLine, seq int) (routeReplacement, bool) {
	var after, before time.Time
	for _, line := range lines {
		switch {
		case line.seq < seq:
			after = line.at
		case line.seq == seq && strings.HasPrefix(line.text, "no answer yet"):
			before = line.at
		}
	}
	if after.IsZero() || before.IsZero() {
		return routeReplacement{}, false
	}
	const slack = 50 * time.Millisecond // the stamps of two processes on a loaded machine
	after, before = after.Add(-slack), before.Add(slack)
	for i, r := range replacements {
		if used[i] || !slices.ContainsFunc(pp.onPath[r.deleted.namespace], r.deleted.prefix.Contains) {
			continue
		}
		if r.deleted.at.Before(before) && r.added.at.After(after) {
			used[i] = true
			return r, true
		}
	}
	return routeReplacement{}, false
}

// trace is ping's lines about the lost pings and their neighbours, then the route changes in
// every lab namespace from a second before the first lost ping to a second after the last.
func trace(lines []pingLine, changes []routeChange, lost []int) []string {
	var out []string
	var first, last time.Time
	near := func(seq int) bool {
		for _, l := range lost {
			if seq >= l-1 && seq <= l+1 {
				return true
			}
		}
		return false
	}
	for _, line := range lines {
		if !near(line.seq) {
			continue
		}
		if first.IsZero() || line.at.Before(first) {
			first = line.at
		}
		if line.at.After(last) {
			last = line.at
		}
		out = append(out, line.at.UTC().Format("15:04:05.000000")+" ping: "+line.text)
	}
	if first.IsZero() {
		return out
	}
	for _, c := range changes {
		if !c.at.Before(first.Add(-time.Second)) && !c.at.After(last.Add(time.Second)) {
			out = append(out, c.String())
		}
	}
	slices.Sort(out)
	if len(out) > traceLines {
		out = append(out[:traceLines], fmt.Sprintf("… and %d more", len(out)-traceLines))
	}
	return out
}

// traceLines bounds a trace: a long gap (a node whose sessions all restart) changes every
// route in the lab, and the first changes say where it began.
const traceLines = 40
