package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Lab is the environment's one running lab (testenv lab up makes one).
func (e *Env) Lab() (*Lab, error) {
	labs, err := e.Labs()
	if err != nil {
		return nil, err
	}
	if len(labs) != 1 {
		return nil, fmt.Errorf("want one lab running from %s, found %d (testenv lab -dir %s up FILE starts one)", e.Dir, len(labs), e.Dir)
	}
	return labs[0], nil
}

// Show prints what the lab's speakers say: every node's BGP sessions and the routes BIRD put in
// its kernel, the switches' sessions and routes, and a ping between the first and the last
// node's pods.
func (l *Lab) Show(ctx context.Context, w io.Writer) error {
	for _, n := range l.Nodes {
		sessions, err := l.Sessions(n.Name)
		if err != nil {
			return err
		}
		routes, err := l.KernelRoutes(ctx, n.Name)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s (%s, pod %s; birdc -s %s/bird.ctl show protocols)\n", n.Name, n.Address, n.PodAddress, n.Run)
		for _, s := range sessions {
			fmt.Fprintf(w, "  BGP %-22s %-10s %s\n", s.Protocol, s.PeerIP, s.State)
		}
		var dests []string
		for d := range routes {
			dests = append(dests, d)
		}
		sort.Strings(dests)
		for _, d := range dests {
			fmt.Fprintf(w, "  route %-18s via %s\n", d, routes[d])
		}
	}
	for _, sw := range l.Switches {
		fmt.Fprintf(w, "switch of %s (AS %d, %s)\n", sw.Rack, sw.AS, sw.Address)
		for _, c := range []string{"show protocols", "show route"} {
			out, err := l.SwitchBirdc(sw.Rack, c)
			if err != nil {
				return err
			}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
				if c == "show route" || strings.Contains(line, " BGP ") {
					fmt.Fprintf(w, "  %s\n", line)
				}
			}
		}
	}
	if len(l.Nodes) < 2 {
		return nil
	}
	from, to := l.Nodes[0], l.Nodes[len(l.Nodes)-1]
	probe, err := l.StartProbe([][2]string{{from.Name, to.Name}}, 10*time.Second)
	if err != nil {
		return err
	}
	time.Sleep(3 * time.Second)
	r := probe.Stop()[0]
	fmt.Fprintf(w, "ping from %s's pod (%s) to %s's pod (%s), every %s: %d sent, %d lost\n", from.Name, from.PodAddress, to.Name, to.PodAddress, ProbeInterval, r.Sent, r.Lost)
	if r.Lost > 0 {
		return errors.New("the ping lost packets")
	}
	return nil
}
