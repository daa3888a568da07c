package scenarios_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// guardLabFabric is the lab's rack1-node1 a route reflector of every other node, the mesh off;
// peering adds the peering that is every node's only session, with guard in it.
func guardLabFabric(peering bool, checkSessions int, guard string) string {
	config := acctest.AdoptionProvider + fmt.Sprintf(`
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  mesh_disable_check        = { min_established_sessions = %d }
  depends_on                = [calico_node_rr.rr]
}
resource "calico_node_rr" "rr" {
  node       = "rack1-node1"
  cluster_id = "244.0.0.1"
}
`, checkSessions)
	if peering {
		config += `
resource "calico_bgp_peer" "clients" {
  name          = "peer-with-route-reflectors"
  node_selector = "all()"
  peer_selector = "route-reflector == 'true'"
  ` + guard + `
}
`
		config = strings.Replace(config, "depends_on                = [calico_node_rr.rr]", "depends_on                = [calico_node_rr.rr, calico_bgp_peer.clients]", 1)
	}
	return config
}

// The session guard on real speakers: destroying the peering that is every node's only session
// is refused, and no ping between pods is lost; allowed in session_guard, the destroy goes, pings
// are lost, and the sessions BIRD dropped are the ones the plan said it would drop. On etcd too:
// this refusal needs no report from calico-node.
func TestAccLab_guardRefusesCuttingNodesOff(t *testing.T) {
	clearBGP(t)
	lab := acctest.Lab(t, rackLab(1, 4))
	waitMesh(t, lab, lab.Nodes)
	checkSessions := 1
	if !acctest.Cluster(t).Mode.Kubernetes() {
		checkSessions = 0 // reportsOnEtcd; the sessions are awaited below instead
	}
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(guardLabFabric(true, checkSessions, ""))})
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	reflector := lab.Nodes[0]
	for _, n := range lab.Nodes {
		want := []string{reflector.Address}
		if n.Name == reflector.Name {
			want = nil
			for _, o := range lab.Nodes[1:] {
				want = append(want, o.Address)
			}
		}
		if _, err := lab.WaitSessions(context.Background(), n.Name, want, 60*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	var pairs [][2]string
	for i, a := range lab.Nodes {
		for _, b := range lab.Nodes[i+1:] {
			pairs = append(pairs, [2]string{a.Name, b.Name})
		}
	}
	before := establishedPeers(t, lab)

	cli.WriteFile("main.tf", []byte(guardLabFabric(false, checkSessions, "")))
	var diags []acctest.JSONDiagnostic
	var applyErr error
	lost, gap := logLoss(t, "guard refuses", probed(t, lab, pairs, func() { diags, applyErr = cli.ApplyErrors() }))
	labReport(t, map[string]any{"test": "session guard: the only peering destroyed", "guard": "on", "pairs": len(pairs), "lost": lost, "longest_gap": gap.String()})
	// Terraform names no address for a destroy's diagnostic: the detail names the object.
	if applyErr == nil || len(diags) != 1 || diags[0].Summary != "This Change Would Cut Nodes Off" ||
		!strings.Contains(diags[0].Detail, `To delete BGPPeer "peer-with-route-reflectors" leaves 4 nodes with no BGP session at all`) {
		t.Fatalf("want the guard's refusal on calico_bgp_peer.clients, got %+v (%v)", diags, applyErr)
	}
	if lost != 0 {
		t.Errorf("the refused destroy lost %d pings (longest gap %s)", lost, gap)
	}
	if after := establishedPeers(t, lab); !maps.EqualFunc(before, after, slices.Equal) {
		t.Errorf("the refused destroy changed the sessions: before %v, after %v", before, after)
	}

	cli.WriteFile("main.tf", []byte(guardLabFabric(true, checkSessions, "session_guard = { allow_cut_off = true }")))
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	cli.WriteFile("main.tf", []byte(guardLabFabric(false, checkSessions, "")))
	predicted := predictedDrops(t, cli)
	lost, gap = logLoss(t, "guard allows", probed(t, lab, pairs, func() { applyErr = cli.Apply() }))
	labReport(t, map[string]any{"test": "session guard: the only peering destroyed", "guard": "allow_cut_off", "pairs": len(pairs), "lost": lost, "longest_gap": gap.String()})
	if applyErr != nil {
		t.Fatalf("the allowed destroy: %v", applyErr)
	}
	if lost == 0 {
		t.Error("the allowed destroy lost no ping: the probe cannot tell a cut from none")
	}
	var dropped map[string][]string
	err := pollFor(30*time.Second, func() error {
		dropped = droppedPeers(before, establishedPeers(t, lab))
		if !maps.EqualFunc(dropped, predicted, slices.Equal) {
			return fmt.Errorf("BIRD dropped %v, the plan predicted %v", dropped, predicted)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// probed runs apply while pinging between pairs every 100 ms, from a second before it to three
// seconds after.
func probed(t *testing.T, lab *testenv.Lab, pairs [][2]string, apply func()) []testenv.ProbeResult {
	t.Helper()
	probe, err := lab.StartProbe(pairs, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	apply()
	time.Sleep(3 * time.Second)
	return probe.Stop()
}

// establishedPeers are each node's Established BGP sessions, by peer address, sorted.
func establishedPeers(t *testing.T, lab *testenv.Lab) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, n := range lab.Nodes {
		sessions, err := lab.Sessions(n.Name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sessions {
			if s.State == "Established" {
				out[n.Name] = append(out[n.Name], s.PeerIP)
			}
		}
		slices.Sort(out[n.Name])
	}
	return out
}

// droppedPeers are the sessions in before that after lacks, by node; nodes with none are left out.
func droppedPeers(before, after map[string][]string) map[string][]string {
	out := map[string][]string{}
	for node, peers := range before {
		for _, p := range peers {
			if !slices.Contains(after[node], p) {
				out[node] = append(out[node], p)
			}
		}
	}
	return out
}

// predictedDrops reads, from the plan's warnings, the sessions they say the changes drop, by
// node and peer address, sorted.
func predictedDrops(t *testing.T, cli *acctest.CLI) map[string][]string {
	t.Helper()
	out := plannedSessions(cli, "Sessions dropped:")
	if len(out) == 0 {
		t.Fatalf("the plan names no dropped session: %v", cli.PlanWarningDiagnostics())
	}
	return out
}

// waitLabFabric peers the lab's rack1 nodes with their switch in AS torAS, and runs the wait
// for their sessions, up to timeout, after the peering is created or updated.
func waitLabFabric(torAS int, timeout string) string {
	return acctest.AdoptionProvider + fmt.Sprintf(`
resource "calico_bgp_peer" "tor" {
  name          = "rack1-rr-to-tor"
  node_selector = "rack == 'rack1'"
  peer_ip       = "10.1.0.1"
  as_number     = %d

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.calico_wait_for_bgp_sessions.rack1]
    }
  }
}
action "calico_wait_for_bgp_sessions" "rack1" {
  config {
    node_selector = "rack == 'rack1'"
    timeout       = %q
  }
}
`, torAS, timeout)
}

// The wait on real speakers: with the switch's AS wrong in the peering, the apply's wait fails
// naming each node's session with the switch and the state BIRD reports for it, and not the
// mesh sessions, which are up; with the AS fixed, the apply's wait passes.
func TestAccLab_waitNamesTheSessionThatIsNotUp(t *testing.T) {
	if !acctest.Cluster(t).Mode.Kubernetes() {
		t.Skip(reportsOnEtcd + ", so the wait cannot pass there")
	}
	clearBGP(t)
	lab := acctest.Lab(t, rackLab(1, 2))
	waitMesh(t, lab, lab.Nodes)
	var neighbors []testenv.SwitchNeighbor
	for _, n := range lab.Nodes {
		neighbors = append(neighbors, testenv.SwitchNeighbor{Node: n.Name, PeerIP: n.Address, PeerAS: 64512, LocalAS: 65001})
	}
	if err := lab.SetSwitchNeighbors("rack1", neighbors); err != nil {
		t.Fatal(err)
	}
	// Checked before the action is configured: older CLIs refuse an action block, their
	// destroy too.
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(acctest.AdoptionProvider)})
	if !cli.SupportsActions() {
		t.Skip("the CLI under test has no actions (Terraform 1.14 and later have)")
	}
	cli.WriteFile("main.tf", []byte(waitLabFabric(65009, "20s")))
	diags, err := cli.ApplyErrors()
	if err == nil || len(diags) != 1 {
		t.Fatalf("with the switch's AS wrong: want the wait's failure, got %+v (%v)", diags, err)
	}
	summary, detail := acctest.ActionDiagnostic(diags[0])
	if summary != "BGP Sessions Not Established" {
		t.Errorf("summary %q, want BGP Sessions Not Established", summary)
	}
	for _, n := range lab.Nodes {
		prefix := fmt.Sprintf("  - %s: 10.1.0.1 (rack1-rr-to-tor): ", n.Name)
		i := strings.Index(detail, prefix)
		if i < 0 {
			t.Errorf("the failure does not name %s's session with the switch:\n%s", n.Name, detail)
			continue
		}
		if state, _, _ := strings.Cut(detail[i+len(prefix):], "\n"); state == "Established" || state == "not reported" {
			t.Errorf("%s's session with the switch: state %q, want BIRD's state of a session that is not up", n.Name, state)
		}
	}
	if strings.Contains(detail, "node-to-node mesh") {
		t.Errorf("the failure names mesh sessions, which are up:\n%s", detail)
	}

	// After a minute of refused sessions, BIRD on either side waits before it tries again
	// (BIRD's error wait time, 60 s at first), so the fixed sessions may take that long.
	cli.WriteFile("main.tf", []byte(waitLabFabric(65001, "3m")))
	if err := cli.Apply(); err != nil {
		t.Fatalf("with the switch's AS right, the apply's wait: %v", err)
	}
	if err := lab.WaitSwitchSessions(context.Background(), 5*time.Second); err != nil {
		t.Errorf("the wait passed, but the switch's sessions are not all up: %v", err)
	}
}

// impactLabFabric is the lab's rack1: rack1-node1 the reflector of the others and the peer of
// the switch at torIP, every node in AS as, the reflector in cluster clusterID, the mesh off.
func impactLabFabric(as int, clusterID, torIP string) string {
	return acctest.AdoptionProvider + fmt.Sprintf(`
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  mesh_disable_check        = { min_established_sessions = 0 }
  depends_on                = [calico_node_rr.rr, calico_bgp_peer.clients, calico_bgp_peer.tor]
}
resource "calico_node_bgp" "node" {
  for_each  = toset(["rack1-node1", "rack1-node2", "rack1-node3"])
  node      = each.key
  as_number = %d
}
resource "calico_node_rr" "rr" {
  node       = "rack1-node1"
  cluster_id = %q
  depends_on = [calico_bgp_peer.clients, calico_bgp_peer.tor]
}
resource "calico_bgp_peer" "clients" {
  name          = "rack1-nodes-to-rr"
  node_selector = "!has(route-reflector)"
  peer_selector = "has(route-reflector)"
}
resource "calico_bgp_peer" "tor" {
  name          = "rack1-rr-to-tor"
  node_selector = "has(route-reflector)"
  peer_ip       = %q
  as_number     = 65001
}
`, as, clusterID, torIP)
}

// What a plan says a change takes down is what BIRD takes down: for a switch peering's new
// address, a reflector's new cluster ID and a rack's new AS number, the sessions the plan's
// warnings name as dropped or reset, among those up before, are the sessions that BIRD took
// down during the apply (watched every 100 ms), node by node.
func TestAccLab_planNamesTheSessionsBIRDTakesDown(t *testing.T) {
	clearBGP(t)
	lab := acctest.Lab(t, rackLab(1, 3))
	node1 := lab.Nodes[0]
	if err := lab.SetSwitchNeighbors("rack1", []testenv.SwitchNeighbor{{Node: node1.Name, PeerIP: node1.Address, PeerAS: 65101, LocalAS: 65001}}); err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(impactLabFabric(65101, "244.0.0.1", "10.1.0.1"))})
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.WaitSessions(context.Background(), node1.Name, []string{lab.Nodes[1].Address, lab.Nodes[2].Address, "10.1.0.1"}, 60*time.Second); err != nil {
		t.Fatal(err)
	}
	for _, n := range lab.Nodes[1:] {
		if _, err := lab.WaitSessions(context.Background(), n.Name, []string{node1.Address}, 60*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	for _, change := range []struct {
		name   string
		config string
	}{
		{"the switch peering's new address", impactLabFabric(65101, "244.0.0.1", "10.1.0.99")},
		{"the reflector's new cluster ID", impactLabFabric(65101, "244.0.0.2", "10.1.0.99")},
		{"the rack's new AS number", impactLabFabric(65102, "244.0.0.2", "10.1.0.99")},
	} {
		t.Run(change.name, func(t *testing.T) {
			cli.WriteFile("main.tf", []byte(change.config))
			up := establishedPeers(t, lab)
			predicted := map[string][]string{}
			for node, peers := range plannedDown(cli) {
				for _, p := range peers {
					if slices.Contains(up[node], p) {
						predicted[node] = append(predicted[node], p)
					}
				}
			}
			watch := watchSessionsGoDown(lab, up)
			if err := cli.Apply(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Second) // confd and BIRD follow within a second or two
			down := watch()
			t.Logf("predicted %v, BIRD took down %v", predicted, down)
			if !maps.EqualFunc(down, predicted, slices.Equal) {
				t.Errorf("BIRD took down %v; the plan named %v", down, predicted)
			}
			labReport(t, map[string]any{"test": "plan against BIRD: " + change.name, "predicted": predicted, "bird_took_down": down})
		})
	}
}

// plannedDown are the sessions the plan's warnings name as dropped or reset, by node and peer
// address, sorted: each resource's warning counts its own change, so they are put together.
func plannedDown(cli *acctest.CLI) map[string][]string {
	return plannedSessions(cli, "Sessions dropped:", "Sessions reset")
}

// plannedSessions are the sessions the plan's "This Change Drops BGP Sessions" warnings list in
// the parts whose titles start with one of titles, by node and peer address, sorted.
func plannedSessions(cli *acctest.CLI, titles ...string) map[string][]string {
	out := map[string][]string{}
	for _, d := range cli.PlanWarningDiagnostics() {
		if d.Summary != "This Change Drops BGP Sessions" {
			continue
		}
		in := false
		for _, line := range strings.Split(d.Detail, "\n") {
			switch {
			case slices.ContainsFunc(titles, func(title string) bool { return strings.HasPrefix(line, title) }):
				in = true
			case !strings.HasPrefix(line, "  - "):
				in = false
			case in:
				node, sessions, _ := strings.Cut(strings.TrimPrefix(line, "  - "), ": ")
				for _, s := range strings.Split(sessions, "), ") {
					if ip := strings.Fields(s)[0]; !slices.Contains(out[node], ip) {
						out[node] = append(out[node], ip)
					}
				}
			}
		}
	}
	for node := range out {
		slices.Sort(out[node])
	}
	return out
}

// watchSessionsGoDown watches, every 100 ms, the sessions in up (by node and peer address),
// until the returned function is called; it returns those that were not Established at some
// look, sorted.
func watchSessionsGoDown(lab *testenv.Lab, up map[string][]string) func() map[string][]string {
	down := map[string][]string{}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			for node, peers := range up {
				sessions, err := lab.Sessions(node)
				if err != nil {
					continue
				}
				for _, p := range peers {
					if slices.Contains(down[node], p) {
						continue
					}
					if !slices.ContainsFunc(sessions, func(s testenv.LabSession) bool { return s.PeerIP == p && s.State == "Established" }) {
						down[node] = append(down[node], p)
					}
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return func() map[string][]string {
		close(stop)
		<-done
		for node := range down {
			slices.Sort(down[node])
		}
		return down
	}
}
