package scenarios_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }

// scenario prepares an example scenario as a root module with the given inputs, to be run with
// the terraform CLI and the freshly built provider (plugin-testing cannot check configurations
// that use for_each, which the scenarios do, as users would).
func scenario(t *testing.T, name string, vars map[string]any) *acctest.CLI {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "..", "examples", "scenarios", name)
	tfFiles, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil || len(tfFiles) == 0 {
		t.Fatalf("scenario %s has no .tf files (%v)", name, err)
	}
	files := map[string][]byte{}
	for _, f := range tfFiles {
		if files[filepath.Base(f)], err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
	cli := acctest.NewCLI(t, files)
	setVars(t, cli, vars)
	return cli
}

func setVars(t *testing.T, cli *acctest.CLI, vars map[string]any) {
	b, err := json.Marshal(vars)
	if err != nil {
		t.Fatal(err)
	}
	cli.WriteFile("scenario.auto.tfvars.json", b)
}

func mustApply(t *testing.T, cli *acctest.CLI) {
	t.Helper()
	if err := cli.Apply(); err != nil {
		t.Fatalf("terraform apply: %v", err)
	}
	if !cli.PlanIsEmpty() {
		t.Fatal("the plan after apply is not empty")
	}
}

func get[T any](c acctest.Objects[T], name string) (T, error) {
	return c.Get(context.Background(), name, metav1.GetOptions{})
}

// Scenario 1: full mesh to route reflectors, with the mesh turned off last, once calico-node
// (played here) reports every node's sessions with the reflectors Established. calico-node is
// played because this test runs in every mode, native v3 CRDs included, where the lab's confd
// cannot read; the lab's tests (lab_test.go) show the same on real speakers in the other modes,
// and this one checks what they cannot: the order of the writes, by resource version.
func TestAccScenario_meshToRouteReflectors(t *testing.T) {
	acctest.Cluster(t)
	ips := map[string]string{"mesh-node1": "192.0.2.1", "mesh-node2": "192.0.2.2", "mesh-node3": "192.0.2.3"}
	sessions := map[string][]v3.CalicoNodePeer{}
	for n, ip := range ips {
		acctest.CreateNode(t, n, map[string]string{"kubernetes.io/hostname": n, "scenario": "mesh"}, map[string]string{"projectcalico.org/IPv4Address": ip + "/24"})
		// Every node peers with both reflectors, and they with each other: each has a session
		// with each other node, all Established.
		for other, ip := range ips {
			if other != n {
				sessions[n] = append(sessions[n], v3.CalicoNodePeer{PeerIP: ip, Type: v3.BGPPeerTypeNodePeer, State: v3.BGPSessionStateEstablished, Since: "12:00:00"})
			}
		}
	}
	calicoNode := acctest.PlayCalicoNode(t, sessions)
	calico := acctest.Calico(t)
	acctest.Delete(t, calico.BGPConfigurations(), "default")
	acctest.Delete(t, calico.BGPPeers(), "peer-with-route-reflectors")
	cli := scenario(t, "mesh-to-route-reflectors", map[string]any{
		"route_reflectors": []string{"mesh-node2", "mesh-node3"}, "cluster_id": "233.0.0.1",
		"checked_nodes": "scenario == 'mesh'", "mesh_disable_timeout": "30s",
	})
	mustApply(t, cli)
	// The module checks itself: every node peers with both reflectors.
	var missing map[string][]string
	cli.Output("nodes_missing_a_reflector", &missing)
	if len(missing) != 0 {
		t.Errorf("nodes missing a reflector: %v", missing)
	}
	// The check asked calico-node for every node's sessions before the mesh went off.
	for n := range ips {
		if len(calicoNode.Reports(n)) == 0 {
			t.Errorf("the mesh went off without a status report of %s", n)
		}
	}

	var mesh bool
	cli.Output("node_to_node_mesh_enabled", &mesh)
	cfg, err := get(calico.BGPConfigurations(), "default")
	if err != nil {
		t.Fatal(err)
	}
	peer, err := get(calico.BGPPeers(), "peer-with-route-reflectors")
	if err != nil {
		t.Fatal(err)
	}
	if mesh || cfg.Spec.NodeToNodeMeshEnabled == nil || *cfg.Spec.NodeToNodeMeshEnabled {
		t.Fatalf("mesh still on: output %v, spec %+v", mesh, cfg.Spec)
	}
	// The mesh went off only after the peering existed: the peer was written first.
	if rv(peer.ResourceVersion) >= rv(cfg.ResourceVersion) {
		t.Fatalf("the mesh was turned off (rv %s) before the peering existed (rv %s)", cfg.ResourceVersion, peer.ResourceVersion)
	}
	if peer.Spec.PeerSelector != "route-reflector == 'true'" || peer.Spec.NodeSelector != "all()" {
		t.Fatalf("peer: %+v", peer.Spec)
	}
	for node, want := range map[string]string{"mesh-node1": "", "mesh-node2": "233.0.0.1", "mesh-node3": "233.0.0.1"} {
		n, err := acctest.GetNode(t, node)
		if err != nil {
			t.Fatal(err)
		}
		if got := n.Annotations["projectcalico.org/RouteReflectorClusterID"]; got != want {
			t.Errorf("%s cluster ID %q, want %q", node, got, want)
		}
		if isRR := n.Labels["route-reflector"] == "true"; isRR != (want != "") {
			t.Errorf("%s route-reflector label: %v", node, n.Labels)
		}
	}
}

func rv(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}

// Scenario 2: leaf-spine with one AS per rack, and the neighbor list for the switches.
func TestAccScenario_leafSpinePerRack(t *testing.T) { leafSpinePerRack(t) }

// leafSpinePerRack applies the leaf-spine-per-rack scenario on two racks and checks what it
// wrote and what it tells the switches.
func leafSpinePerRack(t *testing.T) {
	acctest.Cluster(t)
	for r := 1; r <= 2; r++ {
		for i := 1; i <= 3; i++ {
			name := fmt.Sprintf("rack%d-node%d", r, i)
			acctest.CreateNode(t, name, map[string]string{"rack": fmt.Sprintf("rack%d", r)},
				map[string]string{"projectcalico.org/IPv4Address": fmt.Sprintf("10.%d.0.1%d/24", r, i)})
		}
	}
	calico := acctest.Calico(t)
	for _, p := range []string{"rack1-rr-to-tor", "rack2-rr-to-tor", "rack1-nodes-to-rr", "rack2-nodes-to-rr"} {
		acctest.Delete(t, calico.BGPPeers(), p)
	}
	acctest.Delete(t, calico.BGPFilters(), "export-pod-cidr-only")
	acctest.Delete(t, calico.BGPConfigurations(), "default")
	rack := func(n, as, torAS int) map[string]any {
		name := fmt.Sprintf("rack%d", n)
		return map[string]any{
			"as_number": as, "cluster_id": fmt.Sprintf("244.0.%d.1", n),
			"nodes":            []string{name + "-node1", name + "-node2", name + "-node3"},
			"route_reflectors": []string{name + "-node1", name + "-node2"},
			"tor":              map[string]any{"peer_ip": fmt.Sprintf("10.%d.0.1", n), "as_number": torAS},
		}
	}
	// calico-node, played: every node has its sessions Established, with the other nodes of
	// its rack (the reflectors with everyone, the client with the reflectors) and, from the
	// reflectors, with the rack's switch. Played for the mode of native v3 CRDs, which the lab
	// cannot run (TestAccLab_leafSpineFromMeshLosesNoPacket has real reports in the others).
	sessions := map[string][]v3.CalicoNodePeer{}
	for r := 1; r <= 2; r++ {
		for i := 1; i <= 3; i++ {
			node := fmt.Sprintf("rack%d-node%d", r, i)
			var peers []string
			for j := 1; j <= 3; j++ {
				if j != i {
					peers = append(peers, fmt.Sprintf("10.%d.0.1%d", r, j))
				}
			}
			if i <= 2 {
				peers = append(peers, fmt.Sprintf("10.%d.0.1", r))
			}
			for _, ip := range peers {
				sessions[node] = append(sessions[node], v3.CalicoNodePeer{PeerIP: ip, Type: v3.BGPPeerTypeNodePeer, State: v3.BGPSessionStateEstablished})
			}
		}
	}
	acctest.PlayCalicoNode(t, sessions)
	cli := scenario(t, "leaf-spine-per-rack", map[string]any{
		"password_secret": "bgp-secrets", "export_only_pod_cidr": "10.244.0.0/16",
		"racks":              map[string]any{"rack1": rack(1, 65101, 65001), "rack2": rack(2, 65102, 65002)},
		"mesh_disable_check": map[string]any{"node_selector": "has(rack)"},
	})
	mustApply(t, cli)

	type neighbor struct {
		Node           string `json:"node"`
		PeerIP         string `json:"peer_ip"`
		PeerAS         int64  `json:"peer_as"`
		LocalAS        int64  `json:"local_as"`
		PasswordSecret string `json:"password_secret"`
	}
	var got map[string][]neighbor
	cli.Output("tor_neighbors", &got)
	want := map[string][]neighbor{
		"rack1": {{"rack1-node1", "10.1.0.11", 65101, 65001, "bgp-secrets/rack1"}, {"rack1-node2", "10.1.0.12", 65101, 65001, "bgp-secrets/rack1"}},
		"rack2": {{"rack2-node1", "10.2.0.11", 65102, 65002, "bgp-secrets/rack2"}, {"rack2-node2", "10.2.0.12", 65102, 65002, "bgp-secrets/rack2"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tor_neighbors (-want +got):\n%s", diff)
	}
	// The fabric checks itself: every node reaches both reflectors of its rack.
	var missing map[string][]string
	cli.Output("nodes_missing_a_reflector", &missing)
	if len(missing) != 0 {
		t.Errorf("nodes missing a reflector of their rack: %v", missing)
	}

	tor, err := get(calico.BGPPeers(), "rack1-rr-to-tor")
	if err != nil {
		t.Fatal(err)
	}
	wantTor := v3.BGPPeerSpec{
		NodeSelector: "rr-group == 'rack1' && has(rr-id)", PeerIP: "10.1.0.1", ASNumber: 65001,
		Password: &v3.BGPPassword{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "bgp-secrets"}, Key: "rack1"}},
		Filters:  []string{"export-pod-cidr-only"},
	}
	if diff := cmp.Diff(wantTor, tor.Spec); diff != "" {
		t.Errorf("rack1-rr-to-tor (-want +got):\n%s", diff)
	}
	nodes, err := get(calico.BGPPeers(), "rack2-nodes-to-rr")
	if err != nil {
		t.Fatal(err)
	}
	if nodes.Spec.NodeSelector != "rack == 'rack2'" || nodes.Spec.PeerSelector != "rr-group == 'rack2'" {
		t.Errorf("rack2-nodes-to-rr: %+v", nodes.Spec)
	}
	n, err := acctest.GetNode(t, "rack2-node3")
	if err != nil {
		t.Fatal(err)
	}
	if n.Annotations["projectcalico.org/ASNumber"] != "65102" || n.Labels["route-reflector"] != "" {
		t.Errorf("rack2-node3: %v %v", n.Annotations, n.Labels)
	}
	cfg, err := get(calico.BGPConfigurations(), "default")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Spec.NodeToNodeMeshEnabled == nil || *cfg.Spec.NodeToNodeMeshEnabled {
		t.Error("mesh still on")
	}
}

// Scenario 3: IPIP overlay to native BGP routing, confirmed from calico-node's reports.
func TestAccScenario_ipipToBGP(t *testing.T) { ipipToBGP(t) }

// ipipToBGP moves a pool from IPIP to native routing once calico-node (played) reports the
// session Established, and refuses before.
func ipipToBGP(t *testing.T) {
	acctest.Cluster(t)
	acctest.CreateNode(t, "ipip-node1", nil, nil)
	calico := acctest.Calico(t)
	acctest.Delete(t, calico.IPPools(), "acc-scenario-pool")
	acctest.Delete(t, calico.CalicoNodeStatuses(), "bgp-check-ipip-node1")
	vars := func(encapsulation string) map[string]any {
		return map[string]any{
			"pool_name": "acc-scenario-pool", "cidr": "10.248.0.0/16", "encapsulation": encapsulation,
			"check_nodes": []string{"ipip-node1"},
		}
	}
	ipipMode := func() v3.IPIPMode {
		p, err := get(calico.IPPools(), "acc-scenario-pool")
		if err != nil {
			t.Fatal(err)
		}
		return p.Spec.IPIPMode
	}
	report := func(state v3.BGPSessionState) {
		acctest.ReportNodeStatus(t, "bgp-check-ipip-node1", v3.CalicoNodeStatusStatus{
			LastUpdated: metav1.NewTime(time.Now()),
			BGP: v3.CalicoNodeBGPStatus{PeersV4: []v3.CalicoNodePeer{
				{PeerIP: "10.1.0.1", Type: v3.BGPPeerTypeNodePeer, State: state, Since: "12:00:00"},
			}},
		})
	}
	var carried bool
	var missing []string

	cli := scenario(t, "ipip-to-bgp", vars("IPIP"))
	mustApply(t, cli)
	cli.Output("routes_carried_by_bgp", &carried)
	cli.Output("nodes_without_established_bgp", &missing)
	if carried || ipipMode() != v3.IPIPModeAlways || !cmp.Equal(missing, []string{"ipip-node1"}) {
		t.Fatalf("overlay: carried=%v mode=%s missing=%v", carried, ipipMode(), missing)
	}

	// The session is not up: switching to native routing is refused and the pool untouched.
	report(v3.BGPSessionStateActive)
	setVars(t, cli, vars("None"))
	if err := cli.Apply(); err == nil || !strings.Contains(err.Error(), "Native routing needs BGP") {
		t.Fatalf("switch with the session down: want a refusal, got %v", err)
	}
	if ipipMode() != v3.IPIPModeAlways {
		t.Fatal("the refused switch changed the pool")
	}

	report(v3.BGPSessionStateEstablished)
	mustApply(t, cli)
	cli.Output("routes_carried_by_bgp", &carried)
	if !carried || ipipMode() != v3.IPIPModeNever {
		t.Fatalf("native: carried=%v mode=%s", carried, ipipMode())
	}
}

// On each older release Calico users run, the scenarios apply as on the pinned one (nothing
// they set is newer than 3.28; defaults the provider fills in for newer fields, such as an IP
// pool's assignment_mode, are not sent) and plan empty after.
func TestAccRelease_scenariosOnOlderReleases(t *testing.T) {
	for _, release := range acctest.OlderReleases {
		t.Run(release, func(t *testing.T) {
			acctest.AtRelease(t, release)
			t.Run("leaf-spine-per-rack", leafSpinePerRack)
			t.Run("ipip-to-bgp", ipipToBGP)
		})
	}
}
