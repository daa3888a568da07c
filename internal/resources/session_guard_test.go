package resources_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// guardFabric is a reflector and two clients, the mesh off, peered by selector; the peering
// carries session_guard when guard is set.
func guardFabric(peering bool, guard string) string {
	config := acctest.AdoptionProvider + acctest.MeshOffUnchecked + `resource "calico_node_rr" "rr" {
  node       = "acc-guard-rr"
  cluster_id = "244.0.0.70"
}
`
	if peering {
		config += `
resource "calico_bgp_peer" "clients" {
  name          = "acc-guard-clients"
  node_selector = "has(acc-guard)"
  peer_selector = "route-reflector == 'true' && has(acc-guard)"
  ` + guard + `
}
`
	}
	return config
}

// guardNodes makes the reflector and the clients of guardFabric.
func guardNodes(t *testing.T) {
	for i, name := range []string{"acc-guard-rr", "acc-guard-client1", "acc-guard-client2"} {
		acctest.CreateNode(t, name, map[string]string{"acc-guard": "true"}, map[string]string{"projectcalico.org/IPv4Address": fmt.Sprintf("192.0.2.%d/24", 70+i)})
	}
}

// Destroying the peering that is every node's only session is refused before anything is
// written, naming the nodes and what they would lose; allowed in session_guard, it goes.
func TestAccBGPPeer_sessionGuardRefusesCuttingNodesOff(t *testing.T) {
	acctest.Cluster(t)
	deleteBGPConfiguration(t, "default")
	acctest.Delete(t, bgpPeers(t), "acc-guard-clients")
	guardNodes(t)
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(guardFabric(true, ""))})
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}

	cli.WriteFile("main.tf", []byte(guardFabric(false, "")))
	diags, err := cli.ApplyErrors()
	if err == nil || len(diags) != 1 {
		t.Fatalf("destroying the only peering: want one error, got %+v (%v)", diags, err)
	}
	d := diags[0]
	// Terraform names no address for a destroy's diagnostic: the detail names the object.
	if d.Summary != "This Change Would Cut Nodes Off" || d.Address != "" && d.Address != "calico_bgp_peer.clients" {
		t.Errorf("refusal %q on %q, want \"This Change Would Cut Nodes Off\" on calico_bgp_peer.clients", d.Summary, d.Address)
	}
	for _, want := range []string{`To delete BGPPeer "acc-guard-clients" leaves 3 nodes with no BGP session at all`,
		"  - acc-guard-client1 loses acc-guard-rr 192.0.2.70 (acc-guard-clients) and keeps none",
		"  - acc-guard-rr loses acc-guard-client1 192.0.2.71 (acc-guard-clients), acc-guard-client2 192.0.2.72 (acc-guard-clients) and keeps none",
		"Nothing was written", "session_guard = { allow_cut_off = true }"} {
		if !strings.Contains(d.Detail, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, d.Detail)
		}
	}
	if _, err := bgpPeers(t).Get(context.Background(), "acc-guard-clients", metav1.GetOptions{}); err != nil {
		t.Fatalf("the refused destroy deleted the peering: %v", err)
	}

	// Allowed for maintenance: the setting is applied first, then the destroy goes.
	cli.WriteFile("main.tf", []byte(guardFabric(true, "session_guard = { allow_cut_off = true }")))
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	cli.WriteFile("main.tf", []byte(guardFabric(false, "")))
	if err := cli.Apply(); err != nil {
		t.Fatalf("destroy allowed to cut nodes off: %v", err)
	}
	if _, err := bgpPeers(t).Get(context.Background(), "acc-guard-clients", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the allowed destroy left the peering: %v", err)
	}
}

// A change that leaves nodes only sessions this apply brought waits for calico-node to report
// one of them Established: destroying the fabric turns the mesh back on first, and the
// peering's destroy then waits for the clients' mesh session with each other. It fails after
// session_guard.timeout while they are down, naming them, and goes once they are up.
func TestAccBGPPeer_sessionGuardWaitsForSessionsTheApplyBrought(t *testing.T) {
	acctest.Cluster(t)
	deleteBGPConfiguration(t, "default")
	acctest.Delete(t, bgpPeers(t), "acc-guard-switch")
	for i, name := range []string{"acc-guard-client1", "acc-guard-client2"} {
		acctest.CreateNode(t, name, map[string]string{"acc-guard": "true"}, map[string]string{"projectcalico.org/IPv4Address": fmt.Sprintf("192.0.2.%d/24", 71+i)})
	}
	mesh := func(ip string, state v3.BGPSessionState) []v3.CalicoNodePeer {
		return []v3.CalicoNodePeer{{PeerIP: ip, Type: v3.BGPPeerTypeNodeMesh, State: state, Since: "10:00:00"}}
	}
	calicoNode := acctest.PlayCalicoNode(t, map[string][]v3.CalicoNodePeer{
		"acc-guard-client1": mesh("192.0.2.72", v3.BGPSessionStateConnect),
		"acc-guard-client2": mesh("192.0.2.71", v3.BGPSessionStateConnect),
	})
	config := acctest.AdoptionProvider + `
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  mesh_disable_check        = { min_established_sessions = 0 }
  depends_on                = [calico_bgp_peer.switch]
}
resource "calico_bgp_peer" "switch" {
  name          = "acc-guard-switch"
  node_selector = "has(acc-guard)"
  peer_ip       = "192.0.2.254"
  as_number     = 65070
  session_guard = { timeout = "3s" }
}
`
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(config)})
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	cli.WriteFile("main.tf", []byte(acctest.AdoptionProvider))
	diags, err := cli.ApplyErrors()
	if err == nil || len(diags) != 1 || diags[0].Summary != "BGP Sessions Not Established Before This Change" || !strings.Contains(diags[0].Detail, `To delete BGPPeer "acc-guard-switch"`) {
		t.Fatalf("destroying the switch peering before the mesh is up: want the wait's refusal on calico_bgp_peer.switch, got %+v (%v)", diags, err)
	}
	for _, want := range []string{"drops BGP sessions of 2 nodes", "session_guard.timeout (3s)",
		"  - acc-guard-client1 loses 192.0.2.254 (acc-guard-switch); it would keep acc-guard-client2 192.0.2.72 (node-to-node mesh), none reported Established (it reports: 192.0.2.72 NodeMesh Connect)"} {
		if !strings.Contains(diags[0].Detail, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, diags[0].Detail)
		}
	}
	if _, err := bgpPeers(t).Get(context.Background(), "acc-guard-switch", metav1.GetOptions{}); err != nil {
		t.Fatalf("the refused destroy deleted the peering: %v", err)
	}

	// Again, and the mesh sessions come up two seconds into the wait: the destroy goes.
	cli.WriteFile("main.tf", []byte(strings.Replace(config, `timeout = "3s"`, `timeout = "60s"`, 1)))
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	cli.WriteFile("main.tf", []byte(acctest.AdoptionProvider))
	go func() {
		time.Sleep(2 * time.Second)
		calicoNode.SetSessions("acc-guard-client1", mesh("192.0.2.72", v3.BGPSessionStateEstablished))
		calicoNode.SetSessions("acc-guard-client2", mesh("192.0.2.71", v3.BGPSessionStateEstablished))
	}()
	if err := cli.Apply(); err != nil {
		t.Fatalf("destroy once the mesh sessions are Established: %v", err)
	}
	if _, err := bgpPeers(t).Get(context.Background(), "acc-guard-switch", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the destroy left the peering: %v", err)
	}
}
