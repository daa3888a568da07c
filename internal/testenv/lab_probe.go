package testenv

import (
	"bytes"
	"fmt"
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

// ProbeInterval is how often the probe pings each pair.
const ProbeInterval = 100 * time.Millisecond

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
	cmd      *exec.Cmd
	out      bytes.Buffer
}

// ProbeResult is what one pair's pings saw.
type ProbeResult struct {
	From, To   string
	Sent, Lost int
	// LongestGap is the longest run of lost pings, as time (runs × ProbeInterval).
	LongestGap time.Duration
	// LostSeqs are the sequence numbers of the lost pings (the first ten): a loss at the end of
	// the run may be a reply the loaded machine read late, one in the middle a route's gap.
	LostSeqs []int
	// Trace is, when a ping was lost, what ping printed about it (an ICMP error names the router
	// that had no route) and every route change in the lab within a second of it.
	Trace []string
}

func (r ProbeResult) String() string {
	s := fmt.Sprintf("%s -> %s: %d sent, %d lost, longest gap %s", r.From, r.To, r.Sent, r.Lost, r.LongestGap)
	if r.Lost > 0 {
		s += fmt.Sprintf(" (icmp_seq %v)", r.LostSeqs)
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

var (
	pingReply       = regexp.MustCompile(`icmp_seq=(\d+) ttl=`)
	pingTransmitted = regexp.MustCompile(`(\d+) packets transmitted`)
	pingStamped     = regexp.MustCompile(`^\[(\d+)\.(\d{6})\] (.*icmp_seq=(\d+).*)$`)
	routeStamped    = regexp.MustCompile(`^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\] (.*)$`)
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
	for _, pp := range p.pings {
		_ = pp.cmd.Wait()
		out := pp.out.String()
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
		run := 0
		for seq := 1; seq <= r.Sent; seq++ {
			if replied[seq] {
				run = 0
				continue
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
		if r.Lost > 0 {
			r.Trace = p.trace(out, r.LostSeqs)
		}
		results = append(results, r)
	}
	return results
}

// trace is ping's lines about the lost pings and their neighbours, then the route changes in
// every lab namespace from a second before the first lost ping to a second after the last.
func (p *Probe) trace(pingOut string, lost []int) []string {
	var lines []string
	var first, last time.Time
	near := func(seq int) bool {
		for _, l := range lost {
			if seq >= l-1 && seq <= l+1 {
				return true
			}
		}
		return false
	}
	for _, line := range strings.Split(pingOut, "\n") {
		m := pingStamped.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		seq, _ := strconv.Atoi(m[4])
		if !near(seq) {
			continue
		}
		secs, _ := strconv.ParseInt(m[1], 10, 64)
		micros, _ := strconv.ParseInt(m[2], 10, 64)
		at := time.Unix(secs, micros*1000)
		if first.IsZero() || at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
		lines = append(lines, at.UTC().Format("15:04:05.000000")+" ping: "+m[3])
	}
	if first.IsZero() {
		return lines
	}
	for _, w := range p.routes {
		for _, line := range strings.Split(w.out.String(), "\n") {
			m := routeStamped.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			// ip monitor stamps in local time.
			at, err := time.ParseInLocation("2006-01-02T15:04:05.000000", m[1], time.Local)
			if err != nil || at.Before(first.Add(-time.Second)) || at.After(last.Add(time.Second)) {
				continue
			}
			lines = append(lines, at.UTC().Format("15:04:05.000000")+" "+w.namespace+": "+m[2])
		}
	}
	slices.Sort(lines)
	if len(lines) > traceLines {
		lines = append(lines[:traceLines], fmt.Sprintf("… and %d more", len(lines)-traceLines))
	}
	return lines
}

// traceLines bounds a trace: a long gap (a node whose sessions all restart) changes every
// route in the lab, and the first changes say where it began.
const traceLines = 40
