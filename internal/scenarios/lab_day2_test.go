package scenarios_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// The day-2 runbooks of the guide "Day-2 operations on a leaf-spine fabric", each done as the
// guide says on one lab, with the guide's own files (examples/guides/day-2-operations): verify
// convergence, add a node and a rack, change a rack's AS, drain and replace a reflector, adopt
// the fabric into the module. The switch side of each step is the lab's switches configured from
// tor_neighbors, as a switch vendor's provider in the same configuration would. Every step ends
// verified: the guide's check passes, BIRD has exactly the predicted sessions Established, and
// pods ping across every rack. The pods of nodes a step does not change lose no ping.
func TestAccLab_day2Runbooks(t *testing.T) {
	if !acctest.Cluster(t).Mode.Kubernetes() {
		t.Skip(reportsOnEtcd + ", so the mesh check cannot pass there (TestAccLab_meshCheckOnRealReports shows it)")
	}
	clearBGP(t)
	// rack1-node4 and rack3 are in the cluster before the configuration knows them, as nodes
	// that joined before Terraform ran.
	spec := rackLab(3, 3)
	spec.Racks[0].Nodes = append(spec.Racks[0].Nodes, "rack1-node4")
	spec.Racks[2].Nodes = spec.Racks[2].Nodes[:2]
	clearDay2(t, spec)
	lab := acctest.Lab(t, spec)
	t.Cleanup(func() { clearDay2(t, spec) })

	racks := map[string]any{"rack1": labRack(1), "rack2": labRack(2)}
	vars := map[string]any{"racks": racks, "mesh_disable_check": map[string]any{"node_selector": "rack != 'rack3'"}}
	cli := acctest.NewCLI(t, day2Files(t, "main.tf", "verify.tf"))
	if cli.SupportsActions() {
		cli.WriteFile("wait.tf", day2Files(t, "wait.tf")["wait.tf"])
	}
	setVars(t, cli, vars)
	initModules(t, cli)
	step := func(name string, keep func(a, b testenv.LabNode) bool) {
		t.Helper()
		var pairs [][2]string
		for i, a := range lab.Nodes {
			for _, b := range lab.Nodes[i+1:] {
				if keep(a, b) {
					pairs = append(pairs, [2]string{a.Name, b.Name})
				}
			}
		}
		lost, gap := logLoss(t, name, applyProbed(t, lab, cli, pairs, func() { configureSwitchesFrom(t, lab, cli) }))
		labReport(t, map[string]any{"test": "day-2 runbook: " + name, "pairs": len(pairs), "lost": lost, "longest_gap": gap.String()})
		if lost != 0 {
			t.Errorf("%s: pods on nodes the step does not change lost %d pings (longest gap %s)", name, lost, gap)
		}
		verifyConverged(t, lab, cli, fabricNodes(lab, racks))
	}
	in := func(nodes ...string) func(a, b testenv.LabNode) bool {
		return func(a, b testenv.LabNode) bool {
			return slices.Contains(nodes, a.Name) && slices.Contains(nodes, b.Name)
		}
	}
	besides := func(nodes ...string) func(a, b testenv.LabNode) bool {
		return func(a, b testenv.LabNode) bool {
			return !slices.Contains(nodes, a.Name) && !slices.Contains(nodes, b.Name)
		}
	}

	// The fabric in place, with the mesh check scoped to the racks the design has.
	waitMesh(t, lab, lab.Nodes)
	if err := cli.Apply(); err != nil {
		t.Fatalf("terraform apply: %v", err)
	}
	configureSwitchesFrom(t, lab, cli)
	verifyConverged(t, lab, cli, fabricNodes(lab, racks))

	// Add a node and a rack: the node to its rack's nodes, the rack to racks; one apply, then
	// the new rack's switch. Nodes already in the design lose nothing.
	rack1 := labRack(1)
	rack1["nodes"] = append(rack1["nodes"].([]string), "rack1-node4")
	racks["rack1"] = rack1
	racks["rack3"] = map[string]any{
		"as_number": 65103, "cluster_id": "244.0.3.1",
		"nodes": []string{"rack3-node1", "rack3-node2"}, "route_reflectors": []string{"rack3-node1", "rack3-node2"},
		"tor": map[string]any{"peer_ip": "10.3.0.1", "as_number": 65003},
	}
	setVars(t, cli, vars)
	step("add a node and a rack", in("rack1-node1", "rack1-node2", "rack1-node3", "rack2-node1", "rack2-node2", "rack2-node3"))

	// Change a rack's AS: rack2's sessions reset, the switch's neighbors take the new AS from
	// tor_neighbors; the other racks lose nothing.
	rack2 := labRack(2)
	rack2["as_number"] = 65112
	racks["rack2"] = rack2
	setVars(t, cli, vars)
	step("change a rack's AS", besides("rack2-node1", "rack2-node2", "rack2-node3"))

	// Drain and replace a reflector: the new one added first, then the old one removed, each an
	// apply followed by the switch. Pods on the two nodes whose role changes are drained.
	rack2["route_reflectors"] = []string{"rack2-node1", "rack2-node2", "rack2-node3"}
	setVars(t, cli, vars)
	step("replace a reflector: the new one added", besides("rack2-node1", "rack2-node3"))
	rack2["route_reflectors"] = []string{"rack2-node2", "rack2-node3"}
	setVars(t, cli, vars)
	step("replace a reflector: the old one removed", besides("rack2-node1", "rack2-node3"))

	// Adopt the fabric into the module from another configuration, as if it had been made by
	// hand: with racks as the fabric is, the plan only imports, and nothing changes after.
	adopt := acctest.NewCLI(t, day2Files(t, "main.tf", "adopt.tf"))
	setVars(t, adopt, vars)
	initModules(t, adopt)
	// Besides importing, the plan may only write what Calico already holds: a reflector's labels
	// (an import cannot know which of a node's labels its resource owns) and the mesh check's
	// settings, which are the provider's own.
	allowed := map[string][]string{"calico_node_rr": {"labels"}, "calico_bgp_configuration": {"mesh_disable_check"}}
	changes := acctest.PlanImportChanges(t, adopt)
	if len(changes) == 0 {
		t.Error("the adoption's plan imports nothing")
	}
	for address, changed := range changes {
		kind := strings.SplitN(address, ".", 4)[2]
		for _, attribute := range changed {
			if !slices.Contains(allowed[kind], attribute) {
				t.Errorf("%s: the adoption's plan changes %s", address, attribute)
			}
		}
	}
	before := storedFabric(t, lab)
	if err := adopt.Apply(); err != nil {
		t.Fatalf("terraform apply of the adoption: %v", err)
	}
	if after := storedFabric(t, lab); !maps.Equal(before, after) {
		for key, v := range after {
			if before[key] != v {
				t.Errorf("the adoption's apply changed %s: %s, was %s", key, v, before[key])
			}
		}
	}
	if !adopt.PlanIsEmpty() {
		t.Error("the plan after the adoption is not empty")
	}
	checkSpeakersOf(t, lab, adopt, fabricNodes(lab, racks))
}

// storedFabric is what the fabric's objects hold: the resourceVersion of every BGP peer, filter
// and configuration the module makes, and every lab node's labels and annotations.
func storedFabric(t *testing.T, lab *testenv.Lab) map[string]string {
	t.Helper()
	ctx := context.Background()
	calico := acctest.Calico(t)
	stored := map[string]string{}
	for _, rack := range []string{"rack1", "rack2", "rack3"} {
		for _, name := range []string{rack + "-rr-to-tor", rack + "-nodes-to-rr"} {
			if p, err := get(calico.BGPPeers(), name); err == nil {
				stored["BGPPeer "+name] = p.ResourceVersion
			}
		}
	}
	if c, err := get(calico.BGPConfigurations(), "default"); err == nil {
		stored["BGPConfiguration default"] = c.ResourceVersion
	}
	if f, err := get(calico.BGPFilters(), "export-pod-cidr-only"); err == nil {
		stored["BGPFilter export-pod-cidr-only"] = f.ResourceVersion
	}
	for _, n := range lab.Nodes {
		node, err := acctest.Kube(t).CoreV1().Nodes().Get(ctx, n.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		stored["Node "+n.Name] = fmt.Sprint(node.Labels, node.Annotations)
	}
	return stored
}

// fabricNodes are the lab nodes of racks, the leaf-spine module's input.
func fabricNodes(lab *testenv.Lab, racks map[string]any) []testenv.LabNode {
	var names []string
	for _, r := range racks {
		names = append(names, r.(map[string]any)["nodes"].([]string)...)
	}
	var nodes []testenv.LabNode
	for _, n := range lab.Nodes {
		if slices.Contains(names, n.Name) {
			nodes = append(nodes, n)
		}
	}
	return nodes
}

// day2Files are the guide's files of the given names, with the leaf-spine module copied where
// main.tf's module block finds it.
func day2Files(t *testing.T, names ...string) map[string][]byte {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	examples := filepath.Join(filepath.Dir(file), "..", "..", "examples")
	files := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(examples, "guides", "day-2-operations", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	module, err := filepath.Glob(filepath.Join(examples, "scenarios", "leaf-spine-per-rack", "*.tf"))
	if err != nil || len(module) == 0 {
		t.Fatalf("the leaf-spine module has no .tf files (%v)", err)
	}
	for _, f := range module {
		if files["leaf-spine-per-rack/"+filepath.Base(f)], err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// initModules installs the working directory's local module with terraform get: the provider
// is the freshly built one, through dev_overrides, which terraform init would look up in the
// registry before Terraform 1.15.
func initModules(t *testing.T, cli *acctest.CLI) {
	t.Helper()
	if out, err := cli.Run("get", "-no-color"); err != nil {
		t.Fatalf("terraform get: %v\n%s", err, out)
	}
}

// configureSwitchesFrom gives every lab switch the neighbors output tor_neighbors lists, and
// waits for their sessions.
func configureSwitchesFrom(t *testing.T, lab *testenv.Lab, cli *acctest.CLI) {
	t.Helper()
	var neighbors map[string][]testenv.SwitchNeighbor
	cli.Output("tor_neighbors", &neighbors)
	for rack, ns := range neighbors {
		if err := lab.SetSwitchNeighbors(rack, ns); err != nil {
			t.Fatal(err)
		}
	}
	if err := lab.WaitSwitchSessions(context.Background(), 90*time.Second); err != nil {
		t.Fatal(err)
	}
}

// verifyConverged verifies as the guide does, then on the speakers: plans until the guide's
// check passes (calico-node's reports lag BIRD by up to their period), runs the wait action
// where the CLI has actions, and checks BIRD, the kernels and pings on the fabric's nodes
// (checkSpeakersOf).
func verifyConverged(t *testing.T, lab *testenv.Lab, cli *acctest.CLI, nodes []testenv.LabNode) {
	t.Helper()
	const notYet = "Sessions not Established yet"
	err := pollFor(2*time.Minute, func() error {
		for _, d := range cli.PlanWarningDiagnostics() {
			if strings.Contains(d.Detail, notYet) {
				return &checkWarning{d.Detail}
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("the guide's check after 2 minutes: %v", err)
	}
	if cli.SupportsActions() {
		if diags, err := cli.Invoke("action.calico_wait_for_bgp_sessions.fabric"); err != nil {
			t.Errorf("the guide's wait action: %v %v", err, diags)
		}
	}
	checkSpeakersOf(t, lab, cli, nodes)
}

type checkWarning struct{ detail string }

func (w *checkWarning) Error() string { return w.detail }

// clearDay2 deletes what the day-2 configuration makes beyond clearBGP's objects: the third
// rack's peers and the nodes' status objects.
func clearDay2(t *testing.T, spec testenv.LabSpec) {
	calico := acctest.Calico(t)
	for _, p := range []string{"rack3-rr-to-tor", "rack3-nodes-to-rr"} {
		acctest.Delete(t, calico.BGPPeers(), p)
	}
	for _, r := range spec.Racks {
		for _, n := range r.Nodes {
			acctest.Delete(t, calico.CalicoNodeStatuses(), n+"-bgp")
		}
	}
}
