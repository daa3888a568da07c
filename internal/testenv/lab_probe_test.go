package testenv

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// A lost ping is put down to a route replacement only when a route the ping takes, on its path,
// was deleted and added back the same, quickly, while that ping can have been on its way; and a
// replacement explains one lost ping at most.
func TestLostPingPutDownToReplacement(t *testing.T) {
	base := time.Date(2026, 12, 7, 14, 0, 0, 0, time.Local)
	at := func(ms int) time.Time { return base.Add(time.Duration(ms) * time.Millisecond) }
	change := func(ms int, namespace, verb, route string) routeChange {
		prefix, _ := routePrefix(route)
		return routeChange{at: at(ms), namespace: namespace, deleted: verb == "Deleted", route: route, prefix: prefix}
	}
	fromPod, toPod := netip.MustParseAddr("10.244.0.65"), netip.MustParseAddr("10.244.1.1")
	pp := &probePing{onPath: map[string][]netip.Addr{
		"node": {toPod}, "other": {fromPod}, "tor": {fromPod, toPod},
	}}
	// Ping 16 answered at 1000 ms, 17 reported unanswered when 18 was sent at 1200 ms.
	lines := []pingLine{
		{at: at(1000), seq: 16, text: "64 bytes from 10.244.1.1: icmp_seq=16 ttl=62 time=0.1 ms"},
		{at: at(1200), seq: 17, text: "no answer yet for icmp_seq=17"},
	}
	const toBlock = "10.244.1.0/26 via 10.1.0.15 dev eth0 proto bird"
	for _, c := range []struct {
		name    string
		changes []routeChange
		want    bool
	}{
		{"the route to a pod replaced by itself", []routeChange{
			change(1100, "tor", "Deleted", toBlock), change(1130, "tor", "", toBlock)}, true},
		{"the route back on the other node", []routeChange{
			change(1100, "other", "Deleted", "10.244.0.64/26 via 10.1.0.12 dev eth0 proto bird"),
			change(1101, "other", "", "10.244.0.64/26 via 10.1.0.12 dev eth0 proto bird")}, true},
		{"the route back on the node it is sent from", []routeChange{
			change(1100, "node", "Deleted", "10.244.0.64/26 via 10.1.0.12 dev eth0 proto bird"),
			change(1101, "node", "", "10.244.0.64/26 via 10.1.0.12 dev eth0 proto bird")}, false},
		{"a node off the path", []routeChange{
			change(1100, "third", "Deleted", toBlock), change(1130, "third", "", toBlock)}, false},
		{"gone too long for a replacement", []routeChange{
			change(1100, "tor", "Deleted", toBlock), change(1100+int(maxReplacementGap/time.Millisecond)+1, "tor", "", toBlock)}, false},
		{"back by another next hop", []routeChange{
			change(1100, "tor", "Deleted", toBlock), change(1101, "tor", "", "10.244.1.0/26 via 10.1.0.11 dev eth0 proto bird")}, false},
		{"back in another namespace", []routeChange{
			change(1100, "tor", "Deleted", toBlock), change(1101, "other", "", toBlock)}, false},
		{"another block replaced", []routeChange{
			change(1100, "tor", "Deleted", "10.244.2.0/26 via 10.1.0.15 dev eth0 proto bird"),
			change(1101, "tor", "", "10.244.2.0/26 via 10.1.0.15 dev eth0 proto bird")}, false},
		{"replaced before the ping was sent", []routeChange{
			change(800, "tor", "Deleted", toBlock), change(801, "tor", "", toBlock)}, false},
		{"replaced after ping gave up on it", []routeChange{
			change(1400, "tor", "Deleted", toBlock), change(1401, "tor", "", toBlock)}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, got := replacedDuring(replacementsIn(c.changes), map[int]bool{}, pp, lines, 17)
			if got != c.want {
				t.Errorf("put down to a replacement: %v (%v), want %v", got, r, c.want)
			}
		})
	}
	replaced := replacementsIn([]routeChange{change(1100, "tor", "Deleted", toBlock), change(1101, "tor", "", toBlock)})
	if _, got := replacedDuring(replaced, map[int]bool{}, pp, lines[1:], 17); got {
		t.Error("put down to a replacement with no line of ping's before the lost one to bound it")
	}
	// Pings 17 and 18 lost, a replacement while either can have been on its way: it explains
	// one of them only.
	both := append(lines, pingLine{at: at(1300), seq: 18, text: "no answer yet for icmp_seq=18"})
	replaced = replacementsIn([]routeChange{change(1150, "tor", "Deleted", toBlock), change(1190, "tor", "", toBlock)})
	used := map[int]bool{}
	if _, got := replacedDuring(replaced, used, pp, both, 17); !got {
		t.Fatal("the first lost ping not put down to the replacement")
	}
	if r, got := replacedDuring(replaced, used, pp, both, 18); got {
		t.Errorf("a second lost ping put down to the same replacement (%v)", r)
	}
}

func TestRoutePrefix(t *testing.T) {
	for route, want := range map[string]string{
		"10.244.0.0/26 via 10.1.0.11 dev eth0 proto bird": "10.244.0.0/26",
		"blackhole 10.244.1.128/26 proto bird":            "10.244.1.128/26",
		"10.1.0.11 dev eth0 scope link":                   "10.1.0.11/32",
	} {
		if got, ok := routePrefix(route); !ok || got.String() != want {
			t.Errorf("routePrefix(%q) = %v, %v; want %s", route, got, ok, want)
		}
	}
	if got, ok := routePrefix("default via 10.1.0.1 dev eth0"); ok {
		t.Errorf("routePrefix(default …) = %v, want none", got)
	}
}

// What ping printed, read with the lab's route changes: a ping lost alone, while a route on its
// path was replaced by itself, is counted apart; a run of losses is counted whole, whatever was
// replaced meanwhile; a replacement too brief to be likely to meet a ping explains nothing.
func TestProbeResultCountsReplacementsApart(t *testing.T) {
	base := time.Date(2026, 12, 7, 14, 0, 0, 0, time.Local)
	at := func(ms float64) time.Time { return base.Add(time.Duration(ms * float64(time.Millisecond))) }
	const toBlock = "10.244.1.0/26 via 10.1.0.15 dev eth0 proto bird"
	replacedAt := func(ms, gapMs float64) []routeChange {
		prefix, _ := routePrefix(toBlock)
		return []routeChange{
			{at: at(ms), namespace: "tor", deleted: true, route: toBlock, prefix: prefix},
			{at: at(ms + gapMs), namespace: "tor", route: toBlock, prefix: prefix},
		}
	}
	// 30 pings, one every 100 ms from 0 ms; lost lists those unanswered, each reported when
	// the next is sent. The last ten are not counted (still in flight when the probe stops).
	output := func(lost ...int) string {
		out := ""
		for seq := 1; seq <= 30; seq++ {
			sent := base.Add(time.Duration(seq-1) * ProbeInterval)
			stamp := func(t time.Time) string { return fmt.Sprintf("[%d.%06d] ", t.Unix(), t.Nanosecond()/1000) }
			if slices.Contains(lost, seq) {
				out += stamp(sent.Add(ProbeInterval)) + fmt.Sprintf("no answer yet for icmp_seq=%d\n", seq)
				continue
			}
			out += stamp(sent.Add(time.Millisecond)) + fmt.Sprintf("64 bytes from 10.244.1.1: icmp_seq=%d ttl=62 time=0.1 ms\n", seq)
		}
		return out + "30 packets transmitted, 28 received\n"
	}
	pp := &probePing{from: "a", to: "b", onPath: map[string][]netip.Addr{"tor": {netip.MustParseAddr("10.244.1.1")}}}
	for _, c := range []struct {
		name             string
		lost             []int
		changes          []routeChange
		wantLost, wantBy int
	}{
		{"alone, during a replacement", []int{10}, replacedAt(905, 30), 0, 1},
		{"alone, no replacement", []int{10}, nil, 1, 0},
		{"alone, a replacement too brief", []int{10}, replacedAt(905, 0.5), 1, 0},
		{"a run of two", []int{10, 11}, replacedAt(905, 30), 2, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := pp.result(output(c.lost...), c.changes, replacementsIn(c.changes))
			if r.Sent != 20 || r.Lost != c.wantLost || r.LostToReplacement != c.wantBy {
				t.Errorf("sent %d, lost %d, lost to replacement %d; want 20, %d, %d\n%s", r.Sent, r.Lost, r.LostToReplacement, c.wantLost, c.wantBy, r)
			}
		})
	}
}
