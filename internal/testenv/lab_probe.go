package testenv

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"syscall"
	"time"
)

// The lab's probe: pings from pod address to pod address, every ProbeInterval, while something
// changes the cluster; it counts what was lost and the longest run of losses.

// ProbeInterval is how often the probe pings each pair.
const ProbeInterval = 100 * time.Millisecond

// Probe is pings running between pairs of lab nodes.
type Probe struct {
	pings []*probePing
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
}

func (r ProbeResult) String() string {
	s := fmt.Sprintf("%s -> %s: %d sent, %d lost, longest gap %s", r.From, r.To, r.Sent, r.Lost, r.LongestGap)
	if r.Lost > 0 {
		s += fmt.Sprintf(" (icmp_seq %v)", r.LostSeqs)
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
		pp.cmd = exec.Command("ip", "netns", "exec", from.Namespace, "ping", "-n", "-i", "0.1", "-W", "1",
			"-c", strconv.Itoa(int(limit/ProbeInterval)), "-w", strconv.Itoa(secs), "-I", from.PodAddress, to.PodAddress)
		pp.cmd.Stdout, pp.cmd.Stderr = &pp.out, &pp.out
		pp.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := pp.cmd.Start(); err != nil {
			p.Stop()
			return nil, err
		}
		p.pings = append(p.pings, pp)
	}
	return p, nil
}

var (
	pingReply       = regexp.MustCompile(`icmp_seq=(\d+) ttl=`)
	pingTransmitted = regexp.MustCompile(`(\d+) packets transmitted`)
)

// Stop interrupts the pings and reads what they saw. The pings of the last second may still be
// in flight when interrupted, so they are not counted.
func (p *Probe) Stop() []ProbeResult {
	var results []ProbeResult
	for _, pp := range p.pings {
		_ = syscall.Kill(-pp.cmd.Process.Pid, syscall.SIGINT)
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
		results = append(results, r)
	}
	return results
}
