package scenarios_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// The scenarios on the BGP lab: real BIRDs configured by Calico's confd from what the provider
// wrote, calico-node's status reporter writing what they say, and switches configured from the
// provider's output. No CalicoNodeStatus is written by these tests.

// rackLab is racks of nodes named rackR-nodeI, each rack a /24 10.R.0.0 behind a switch of AS
// 6500R, the nodes' blocks in 10.244.0.0/16.
func rackLab(racks, nodesPerRack int) testenv.LabSpec {
	spec := testenv.LabSpec{Pool: "10.244.0.0/16"}
	for r := 1; r <= racks; r++ {
		rack := testenv.LabRack{Name: fmt.Sprintf("rack%d", r), Subnet: fmt.Sprintf("10.%d.0.0/24", r), SwitchAS: uint32(65000 + r)}
		for i := 1; i <= nodesPerRack; i++ {
			rack.Nodes = append(rack.Nodes, fmt.Sprintf("rack%d-node%d", r, i))
		}
		spec.Racks = append(spec.Racks, rack)
	}
	return spec
}

// reportsOnEtcd says why calico-node's reports are not there on etcd: calico-node 3.31's status
// reporter updates the copy of each CalicoNodeStatus its syncer delivers, which on etcd carries
// no resourceVersion, and the library refuses every such update ("field must be set for an
// Update request" in the reporter's log). The mesh check cannot pass there; the lab shows it.
const reportsOnEtcd = "calico-node 3.31 writes no CalicoNodeStatus report on etcd"

// clearBGP deletes the cluster-wide BGP objects the scenarios write, so that a lab starts in
// the full mesh at the default AS.
func clearBGP(t *testing.T) {
	calico := acctest.Calico(t)
	acctest.Delete(t, calico.BGPConfigurations(), "default")
	for _, p := range []string{"peer-with-route-reflectors", "rack1-rr-to-tor", "rack2-rr-to-tor", "rack1-nodes-to-rr", "rack2-nodes-to-rr"} {
		acctest.Delete(t, calico.BGPPeers(), p)
	}
	acctest.Delete(t, calico.BGPFilters(), "export-pod-cidr-only")
}

// labRack is the leaf-spine scenario's input for rack n of rackLab(2, 3): AS 6510n, its first
// two nodes the reflectors, its switch at 10.n.0.1 in AS 6500n.
func labRack(n int) map[string]any {
	name := fmt.Sprintf("rack%d", n)
	return map[string]any{
		"as_number": 65100 + n, "cluster_id": fmt.Sprintf("244.0.%d.1", n),
		"nodes":            []string{name + "-node1", name + "-node2", name + "-node3"},
		"route_reflectors": []string{name + "-node1", name + "-node2"},
		"tor":              map[string]any{"peer_ip": fmt.Sprintf("10.%d.0.1", n), "as_number": 65000 + n},
	}
}

// waitMesh waits until every lab node has its full-mesh sessions Established.
func waitMesh(t *testing.T, lab *testenv.Lab, nodes []testenv.LabNode) {
	// The mesh spans the racks: the switches route between the racks' subnets.
	t.Helper()
	for _, n := range nodes {
		var peers []string
		for _, o := range nodes {
			if o.Name != n.Name {
				peers = append(peers, o.Address)
			}
		}
		if _, err := lab.WaitSessions(context.Background(), n.Name, peers, 60*time.Second); err != nil {
			t.Fatal(err)
		}
	}
}

// checkSpeakers checks what the provider predicted against the speakers: every node's BIRD has
// exactly the sessions of output bgp_sessions, Established; every node's kernel has a route to
// every other node's block; and pod addresses ping each other, each pair both ways.
func checkSpeakers(t *testing.T, lab *testenv.Lab, cli *acctest.CLI) {
	t.Helper()
	checkSpeakersOf(t, lab, cli, lab.Nodes)
}

// checkSpeakersOf checks as checkSpeakers does, on the given nodes of the lab only.
func checkSpeakersOf(t *testing.T, lab *testenv.Lab, cli *acctest.CLI, nodes []testenv.LabNode) {
	t.Helper()
	ctx := context.Background()
	var predicted map[string][]string
	cli.Output("bgp_sessions", &predicted)
	for _, n := range nodes {
		if _, err := lab.WaitSessions(ctx, n.Name, predicted[n.Name], 60*time.Second); err != nil {
			t.Errorf("sessions calico_bgp_topology predicted for %s: %v", n.Name, err)
		}
	}
	for _, n := range nodes {
		var routes map[string]string
		err := pollFor(30*time.Second, func() error {
			var err error
			if routes, err = lab.KernelRoutes(ctx, n.Name); err != nil {
				return err
			}
			for _, o := range nodes {
				if gw, ok := routes[o.Block]; o.Name != n.Name && (!ok || gw == "blackhole") {
					return fmt.Errorf("no route to %s's block %s", o.Name, o.Block)
				}
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s's kernel routes %v: %v", n.Name, routes, err)
		}
	}
	var pairs [][2]string
	for i, a := range nodes {
		for _, b := range nodes[i+1:] {
			pairs = append(pairs, [2]string{a.Name, b.Name})
		}
	}
	probe, err := lab.StartProbe(pairs, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second) // 20 counted pings each: the last second's are not (Probe.Stop)
	for _, r := range probe.Stop() {
		if r.Sent < 10 || r.Lost != 0 {
			t.Errorf("ping between pod addresses: %s", r)
		}
	}
	if t.Failed() {
		logLab(t, lab)
	}
}

// logLab logs what the switches and nodes have, for a failed test.
func logLab(t *testing.T, lab *testenv.Lab) {
	ctx := context.Background()
	for _, sw := range lab.Switches {
		for _, c := range []string{"show protocols", "show route"} {
			out, err := lab.SwitchBirdc(sw.Rack, c)
			t.Logf("the %s switch, birdc %s: %v\n%s", sw.Rack, c, err, out)
		}
		out, err := lab.Exec(ctx, sw.Namespace, "ip", "route")
		t.Logf("the %s switch, ip route: %v\n%s", sw.Rack, err, out)
	}
	for _, n := range lab.Nodes {
		out, err := lab.Exec(ctx, n.Namespace, "ip", "route")
		t.Logf("%s, ip route: %v\n%s", n.Name, err, out)
	}
}

func pollFor(timeout time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// Leaf-spine on real speakers: the mesh check passes on calico-node's own reports, at its
// defaults; the switches, configured from tor_neighbors, learn every rack's blocks; every node
// has the sessions calico_bgp_topology predicted, and pods ping across racks.
func TestAccLab_leafSpinePerRack(t *testing.T) {
	clearBGP(t)
	lab := acctest.Lab(t, rackLab(2, 3))
	waitMesh(t, lab, lab.Nodes)
	vars := map[string]any{
		"export_only_pod_cidr": "10.244.0.0/16",
		"racks":                map[string]any{"rack1": labRack(1), "rack2": labRack(2)},
	}
	etcd := !acctest.Cluster(t).Mode.Kubernetes()
	if etcd {
		vars["mesh_disable_check"] = map[string]any{"min_established_sessions": 0} // reportsOnEtcd
	}
	cli := scenario(t, "leaf-spine-per-rack", vars)
	mustApply(t, cli)

	// The switches, configured as a switch vendor's provider would from tor_neighbors.
	var neighbors map[string][]testenv.SwitchNeighbor
	cli.Output("tor_neighbors", &neighbors)
	for rack, ns := range neighbors {
		if err := lab.SetSwitchNeighbors(rack, ns); err != nil {
			t.Fatal(err)
		}
	}
	checkSpeakers(t, lab, cli)

	for rack := range neighbors {
		out, err := lab.SwitchBirdc(rack, "show protocols")
		if err != nil || strings.Count(out, "Established") != 3 { // two reflectors, one other switch
			t.Errorf("the %s switch: %v\n%s", rack, err, out)
		}
	}
	if etcd {
		return // reportsOnEtcd
	}
	// calico_nodes reads the same sessions from calico-node's reports (asked for here; the
	// reports change every second, so this configuration's plans never stay empty).
	cli.WriteFile("lab.tf", []byte(labStatusConfig))
	err := pollFor(60*time.Second, func() error {
		if err := cli.Apply(); err != nil {
			return err
		}
		var peers map[string][]string
		cli.Output("lab_peers", &peers)
		var predicted map[string][]string
		cli.Output("bgp_sessions", &predicted)
		for _, n := range lab.Nodes {
			if got, want := len(peers[n.Name]), len(predicted[n.Name]); got != want {
				return fmt.Errorf("%s reported %v, want %d sessions", n.Name, peers[n.Name], want)
			}
			for _, p := range peers[n.Name] {
				if !strings.HasSuffix(p, " Established") {
					return fmt.Errorf("%s reported %v", n.Name, peers[n.Name])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("calico_nodes' bgp_peers from calico-node's reports: %v", err)
	}
}

// labStatusConfig asks calico-node of every lab node for reports (calico_node_status) and reads
// them back through calico_nodes.
const labStatusConfig = `
data "calico_nodes" "lab" {
  selector = "has(rack)"
}

resource "calico_node_status" "lab" {
  for_each              = toset([for n in data.calico_nodes.lab.nodes : n.name])
  name                  = "lab-${each.key}"
  node                  = each.key
  classes               = ["BGP"]
  update_period_seconds = 1
}

data "calico_nodes" "reported" {
  selector   = "has(rack)"
  depends_on = [calico_node_status.lab]
}

output "lab_peers" {
  value = { for n in data.calico_nodes.reported.nodes : n.name => [for p in n.bgp_peers : "${p.peer_ip} ${p.state}"] }
}
`

// The mesh check on real reports: it refuses while a future reflector's BIRD is down, leaving
// the mesh on, and passes once it is back, at its defaults. On etcd, where no report comes
// (reportsOnEtcd), it refuses with every BIRD up, and says why.
func TestAccLab_meshCheckOnRealReports(t *testing.T) {
	clearBGP(t)
	lab := acctest.Lab(t, rackLab(1, 4))
	waitMesh(t, lab, lab.Nodes)
	if !acctest.Cluster(t).Mode.Kubernetes() {
		cli := scenario(t, "mesh-to-route-reflectors", map[string]any{"route_reflectors": []string{"rack1-node2", "rack1-node3"}, "mesh_disable_timeout": "20s"})
		diags, err := cli.ApplyErrors()
		if err == nil || len(diags) != 1 || !strings.Contains(diags[0].Detail, "On the etcd datastore, calico-node 3.31 writes no status report") {
			t.Fatalf("want the check's refusal with the reason on etcd, got %+v (%v)", diags, err)
		}
		return
	}
	if err := lab.StopBIRD("rack1-node2"); err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"route_reflectors": []string{"rack1-node2", "rack1-node3"}, "cluster_id": "244.0.0.1", "mesh_disable_timeout": "20s"}
	cli := scenario(t, "mesh-to-route-reflectors", vars)
	diags, err := cli.ApplyErrors()
	if err == nil {
		t.Fatal("the mesh went off while a reflector's BIRD was down")
	}
	if len(diags) != 1 || diags[0].Summary != "BGP Sessions Not Established Before Turning the Mesh Off" ||
		diags[0].Address != "calico_bgp_configuration.default" || !strings.Contains(diags[0].Detail, "rack1-node2") {
		t.Fatalf("want the check's refusal naming rack1-node2, got %+v (%v)", diags, err)
	}
	cfg, err := get(acctest.Calico(t).BGPConfigurations(), "default")
	if err == nil && cfg.Spec.NodeToNodeMeshEnabled != nil && !*cfg.Spec.NodeToNodeMeshEnabled {
		t.Fatal("the refused check turned the mesh off")
	}
	if err := lab.StartBIRD("rack1-node2"); err != nil {
		t.Fatal(err)
	}
	delete(vars, "mesh_disable_timeout")
	setVars(t, cli, vars)
	mustApply(t, cli)
	checkSpeakers(t, lab, cli)
	cfg, err = get(acctest.Calico(t).BGPConfigurations(), "default")
	if err != nil || cfg.Spec.NodeToNodeMeshEnabled == nil || *cfg.Spec.NodeToNodeMeshEnabled {
		t.Fatalf("mesh still on: %v %+v", err, cfg)
	}
}

// No packet lost while the provider moves a running full-mesh cluster to route reflectors
// (Calico's own system test, test_switch_route_reflector.py, holds calicoctl workflows to the
// same): pod addresses ping each other every 100 ms, each pair, through terraform apply of the
// mesh-to-route-reflectors scenario with the mesh check at its defaults, and through the
// rollback the route-reflector guide gives (the mesh on, then the reflectors out). The same
// migration with the check off must lose packets, or this test could not see a loss.
//
// The pods are on the nodes that stay clients. A node leaves the mesh the moment it takes its
// cluster ID, whatever the check: BIRD replaces its mesh sessions with new ones, and routes to
// and from its own pods are gone until they are up (about two seconds, measured here and
// reported, not asserted). The route-reflector guide says to drain those nodes first, as
// Calico's test uses reflectors that carry no pods.
func TestAccLab_migrationToRouteReflectorsLosesNoPacket(t *testing.T) {
	if !acctest.Cluster(t).Mode.Kubernetes() {
		t.Skip(reportsOnEtcd + ", so the check cannot pass there (TestAccLab_meshCheckOnRealReports shows it)")
	}
	clearBGP(t)
	lab := acctest.Lab(t, rackLab(1, 6))
	reflectors := []string{"rack1-node1", "rack1-node2"}
	var pairs, reflectorPairs [][2]string
	for i, a := range lab.Nodes {
		for _, b := range lab.Nodes[i+1:] {
			if slices.Contains(reflectors, a.Name) || slices.Contains(reflectors, b.Name) {
				reflectorPairs = append(reflectorPairs, [2]string{a.Name, b.Name})
			} else {
				pairs = append(pairs, [2]string{a.Name, b.Name})
			}
		}
	}
	vars := map[string]any{"route_reflectors": reflectors, "cluster_id": "244.0.0.1"}
	cli := scenario(t, "mesh-to-route-reflectors", vars)
	migrate := func(check string) (lost int, gap time.Duration) {
		waitMesh(t, lab, lab.Nodes)
		results := applyProbed(t, lab, cli, append(pairs, reflectorPairs...), nil)
		lost, gap = logLoss(t, "mesh check "+check+", pods on clients", results[:len(pairs)])
		reflectorLost, reflectorGap := logLoss(t, "mesh check "+check+", a pod on a new reflector", results[len(pairs):])
		labReport(t, map[string]any{"test": "mesh to route reflectors", "mesh_check": check, "pairs": len(pairs), "lost": lost, "longest_gap": gap.String(),
			"reflector_pairs": len(reflectorPairs), "reflector_lost": reflectorLost, "reflector_longest_gap": reflectorGap.String()})
		return lost, gap
	}

	if lost, gap := migrate("on"); lost != 0 {
		t.Errorf("with the mesh check on, %d pings were lost (longest gap %s)", lost, gap)
	}

	// The rollback the route-reflector guide gives: the mesh on, then the reflectors out, one
	// apply each. Pods on the clients lose nothing in either step.
	rollback := func(what string) {
		setVars(t, cli, vars)
		results := applyProbed(t, lab, cli, append(pairs, reflectorPairs...), nil)
		lost, gap := logLoss(t, "rollback, "+what+", pods on clients", results[:len(pairs)])
		reflectorLost, reflectorGap := logLoss(t, "rollback, "+what+", a pod on a reflector", results[len(pairs):])
		labReport(t, map[string]any{"test": "route reflectors rolled back: " + what, "pairs": len(pairs), "lost": lost, "longest_gap": gap.String(),
			"reflector_pairs": len(reflectorPairs), "reflector_lost": reflectorLost, "reflector_longest_gap": reflectorGap.String()})
		if lost != 0 {
			t.Errorf("rollback, %s: %d pings were lost (longest gap %s)", what, lost, gap)
		}
	}
	vars["node_to_node_mesh_enabled"] = true
	rollback("the mesh on")
	vars["route_reflectors"] = []string{}
	rollback("the reflectors out")
	waitMesh(t, lab, lab.Nodes)

	vars["route_reflectors"] = reflectors
	vars["node_to_node_mesh_enabled"] = false
	vars["min_established_sessions"] = 0
	setVars(t, cli, vars)
	if lost, _ := migrate("off"); lost == 0 {
		t.Error("with the mesh check off, no ping was lost: the probe cannot tell a safe migration from an unsafe one")
	}
}

// The leaf-spine design from a running full mesh, in the order the leaf-spine guide gives: the
// design with the mesh still on (reflectors, peers, AS per rack), the switches configured from
// tor_neighbors, then the mesh off with the check at its defaults. Turning the mesh off loses
// no ping between any two pods, across racks too. The first step renumbers every node (AS per
// rack) and makes reflectors, which restarts sessions: its losses are measured and reported.
// Everything in one apply with the check off must lose pings.
func TestAccLab_leafSpineFromMeshLosesNoPacket(t *testing.T) {
	if !acctest.Cluster(t).Mode.Kubernetes() {
		t.Skip(reportsOnEtcd + ", so the check cannot pass there (TestAccLab_meshCheckOnRealReports shows it)")
	}
	clearBGP(t)
	lab := acctest.Lab(t, rackLab(2, 3))
	var pairs, sameRack [][2]string
	for i, a := range lab.Nodes {
		for _, b := range lab.Nodes[i+1:] {
			pairs = append(pairs, [2]string{a.Name, b.Name})
			if a.Rack == b.Rack {
				sameRack = append(sameRack, [2]string{a.Name, b.Name})
			}
		}
	}
	vars := map[string]any{"export_only_pod_cidr": "10.244.0.0/16", "racks": map[string]any{"rack1": labRack(1), "rack2": labRack(2)},
		"node_to_node_mesh_enabled": true}
	cli := scenario(t, "leaf-spine-per-rack", vars)
	// The design's step ends once every pair's pods reach each other, so that the next step's
	// probe starts on a converged fabric: on a loaded machine a node's sessions can come up well
	// after the switches are configured, and the next step would count that node's last gap as
	// its own. (Its sessions cannot be awaited as predicted: with the mesh on, BIRD keeps the
	// mesh's sessions across racks configured but never opens them.)
	configureSwitches := func() {
		configureSwitchesFrom(t, lab, cli)
		waitReachable(t, lab, pairs)
	}

	// Before the switches learn the blocks, pods reach only their own rack (no encapsulation
	// here). With the mesh on and an AS per rack, the mesh's sessions across racks are eBGP
	// between subnets, which BIRD does not open without multihop: the design's sessions with
	// the switches are what the first step waits for.
	waitMesh(t, lab, lab.Nodes)
	lost, gap := logLoss(t, "the design, mesh on, same rack", applyProbed(t, lab, cli, sameRack, configureSwitches))
	labReport(t, map[string]any{"test": "leaf-spine from the mesh: the design with the mesh on", "pairs": len(sameRack), "lost": lost, "longest_gap": gap.String()})
	vars["node_to_node_mesh_enabled"] = false
	setVars(t, cli, vars)
	lost, gap = logLoss(t, "the mesh off, check on, every pair", applyProbed(t, lab, cli, pairs, nil))
	labReport(t, map[string]any{"test": "leaf-spine from the mesh: the mesh off", "mesh_check": "on", "pairs": len(pairs), "lost": lost, "longest_gap": gap.String()})
	if lost != 0 {
		t.Errorf("turning the mesh off with the check on lost %d pings (longest gap %s)", lost, gap)
	}
	checkSpeakers(t, lab, cli)

	if err := cli.Terraform().Destroy(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitMesh(t, lab, lab.Nodes)
	vars["mesh_disable_check"] = map[string]any{"min_established_sessions": 0}
	setVars(t, cli, vars)
	lost, gap = logLoss(t, "everything in one apply, check off, same rack", applyProbed(t, lab, cli, sameRack, nil))
	labReport(t, map[string]any{"test": "leaf-spine from the mesh in one apply", "mesh_check": "off", "pairs": len(sameRack), "lost": lost, "longest_gap": gap.String()})
	if lost == 0 {
		t.Error("everything in one apply with the check off lost no ping: the probe cannot tell a safe migration from an unsafe one")
	}
}

// applyProbed applies cli's configuration while pinging between pairs every 100 ms, and goes on
// pinging until settle returns (by default, until every node has the sessions output
// bgp_sessions predicts), and 3 s more.
func applyProbed(t *testing.T, lab *testenv.Lab, cli *acctest.CLI, pairs [][2]string, settle func()) []testenv.ProbeResult {
	t.Helper()
	probe, err := lab.StartProbe(pairs, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	applyErr := cli.Apply()
	if applyErr == nil && settle != nil {
		settle()
	} else if applyErr == nil {
		waitPredictedSessions(t, lab, cli)
	}
	time.Sleep(3 * time.Second)
	results := probe.Stop()
	if applyErr != nil {
		t.Fatalf("terraform apply: %v", applyErr)
	}
	return results
}

// waitPredictedSessions waits until every lab node has the sessions the configuration's output
// bgp_sessions predicts, Established.
func waitPredictedSessions(t *testing.T, lab *testenv.Lab, cli *acctest.CLI) {
	t.Helper()
	var predicted map[string][]string
	cli.Output("bgp_sessions", &predicted)
	for _, n := range lab.Nodes {
		if _, err := lab.WaitSessions(context.Background(), n.Name, predicted[n.Name], 60*time.Second); err != nil {
			t.Error(err)
		}
	}
}

// waitReachable waits, a minute at most, until the pods of every pair ping each other for a
// second with none lost.
func waitReachable(t *testing.T, lab *testenv.Lab, pairs [][2]string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		probe, err := lab.StartProbe(pairs, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second) // a second counted: the last second's pings are not (Probe.Stop)
		results := probe.Stop()
		reachable := true
		for _, r := range results {
			reachable = reachable && r.Sent > 0 && r.Lost == 0 && r.LostToReplacement == 0
		}
		if reachable {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pods do not reach each other a minute after the step: %v", results)
		}
	}
}

// logLoss logs each pair's pings and sums their losses, but for those a route replacement
// explains.
func logLoss(t *testing.T, what string, results []testenv.ProbeResult) (lost int, gap time.Duration) {
	replaced := 0
	for _, r := range results {
		t.Logf("%s: %s", what, r)
		lost += r.Lost
		replaced += r.LostToReplacement
		gap = max(gap, r.LongestGap)
	}
	if replaced > 0 {
		t.Logf("%s: %d pings lost while BIRD replaced a route with the same route, not counted (testenv.Probe)", what, replaced)
	}
	return lost, gap
}

// labReport appends a measurement to $CALICO_LAB_REPORT (JSON lines), when set, for the README.
func labReport(t *testing.T, m map[string]any) {
	path := os.Getenv("CALICO_LAB_REPORT")
	if path == "" {
		return
	}
	m["mode"] = string(acctest.Cluster(t).Mode)
	b, _ := json.Marshal(m)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s\n", b)
}

// Adopting the lab's cluster as calico-node left it, every node with its addresses and none
// with an AS number of its own: terraform query writes a configuration whose plan only imports
// (the nodes are no node resource's, so none is generated for them), and the plan fails on
// nothing.
func TestAccAdopt_labClusterAsCalicoNodeLeftIt(t *testing.T) {
	clearBGP(t)
	cli := acctest.NewCLI(t, map[string][]byte{
		"main.tf":           []byte(acctest.AdoptionProvider),
		"adopt.tfquery.hcl": acctest.AdoptionQuery(func(string) string { return "" }),
	})
	if !cli.SupportsQuery() {
		t.Skip("the CLI under test has no terraform query (Terraform 1.14+; OpenTofu has none)")
	}
	lab := acctest.Lab(t, rackLab(1, 3))
	generated, onlyImports := acctest.GenerateAdoption(t, cli)
	for address, ok := range onlyImports {
		if !ok {
			t.Errorf("%s: the plan does more than import it", address)
		}
	}
	for _, n := range lab.Nodes {
		if strings.Contains(generated, n.Name) || strings.Contains(generated, n.Address) {
			t.Errorf("the generated configuration has lab node %s, which has no AS number or cluster ID of its own:\n%s", n.Name, generated)
		}
	}
}
