package testenv

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// What the lab's speakers say: BIRD's sessions and the routes it programmed into the kernel.

// LabSession is one BGP session as a node's BIRD has it.
type LabSession struct {
	Protocol string // such as Mesh_10_1_0_12, Node_10_1_0_11, Global_10_1_0_1
	PeerIP   string
	State    string // BIRD's BGP state: Established, Active, Connect, Idle...
}

// Sessions are the node's IPv4 BGP sessions, from `birdc show protocols all`.
func (l *Lab) Sessions(node string) ([]LabSession, error) {
	out, err := l.Birdc(node, false, "show protocols all")
	if err != nil {
		return nil, err
	}
	return parseBIRDProtocols(out), nil
}

func parseBIRDProtocols(out string) []LabSession {
	var sessions []LabSession
	var cur *LabSession
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if !strings.HasPrefix(line, " ") {
			cur = nil
			if len(f) > 1 && f[1] == "BGP" {
				sessions = append(sessions, LabSession{Protocol: f[0]})
				cur = &sessions[len(sessions)-1]
			}
			continue
		}
		if cur == nil {
			continue
		}
		key, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		switch key {
		case "BGP state":
			cur.State = strings.TrimSpace(value)
		case "Neighbor address":
			cur.PeerIP = strings.TrimSpace(value)
		}
	}
	return sessions
}

// WaitSessions waits until the node's BIRD has exactly the sessions with peers (by address),
// every one Established, and returns what it last saw.
func (l *Lab) WaitSessions(ctx context.Context, node string, peers []string, timeout time.Duration) ([]LabSession, error) {
	want := slices.Sorted(slices.Values(peers))
	var last []LabSession
	err := poll(ctx, timeout, func() error {
		s, err := l.Sessions(node)
		if err != nil {
			return err
		}
		last = s
		var got []string
		for _, x := range s {
			if x.State != "Established" {
				return fmt.Errorf("%s with %s is %s", x.Protocol, x.PeerIP, x.State)
			}
			got = append(got, x.PeerIP)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("sessions with %v, want %v", got, want)
		}
		return nil
	})
	if err != nil {
		return last, fmt.Errorf("lab node %s: %w", node, err)
	}
	return last, nil
}

// KernelRoutes are the routes BIRD programmed into the node's kernel: destination => gateway
// ("blackhole" for the node's own blocks).
func (l *Lab) KernelRoutes(ctx context.Context, node string) (map[string]string, error) {
	n, err := l.Node(node)
	if err != nil {
		return nil, err
	}
	out, err := l.Exec(ctx, n.Namespace, "ip", "-4", "route", "show", "proto", "bird")
	if err != nil {
		return nil, err
	}
	routes := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && f[0] == "blackhole":
			routes[f[1]] = "blackhole"
		case len(f) >= 3 && f[1] == "via":
			routes[f[0]] = f[2]
		}
	}
	return routes, nil
}
