package resources_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// sessionImpactFabric is two reflectors and two clients, the mesh off, peered by selector; with
// tor, the reflectors also peer with a switch. The reflectors are nodes the test makes with their
// cluster IDs, which no resource puts back into the mesh: destroying their peerings cuts them
// off, which their session_guard allows.
func sessionImpactFabric(clients, tor bool) string {
	config := acctest.AdoptionProvider + acctest.MeshOffUnchecked + `resource "calico_bgp_peer" "reflectors" {
  name          = "acc-impact-reflectors"
  node_selector = "has(acc-impact-rr)"
  peer_selector = "has(acc-impact-rr)"
  session_guard = { allow_cut_off = true }
}
`
	if clients {
		config += `
resource "calico_bgp_peer" "clients" {
  name          = "acc-impact-clients"
  node_selector = "has(acc-impact-client)"
  peer_selector = "has(acc-impact-rr)"
  session_guard = { allow_cut_off = true }
}
`
	}
	if tor {
		config += `
resource "calico_bgp_peer" "tor" {
  name          = "acc-impact-tor"
  node_selector = "has(acc-impact-rr)"
  peer_ip       = "172.20.9.254"
  as_number     = 65009
}
`
	}
	return config
}

// A plan says which BGP sessions each change drops and adds, on the resource that makes the
// change: destroying the clients' peering drops every client's sessions and leaves the clients
// with none; adding a switch peering adds the reflectors' sessions to it; a plan that changes
// nothing says nothing.
func TestAccBGPPeer_planSaysWhichSessionsGo(t *testing.T) {
	acctest.Cluster(t)
	deleteBGPConfiguration(t, "default")
	for _, name := range []string{"acc-impact-reflectors", "acc-impact-clients", "acc-impact-tor"} {
		acctest.Delete(t, bgpPeers(t), name)
	}
	for i, role := range []string{"rr", "rr", "client", "client"} {
		annotations := map[string]string{"projectcalico.org/IPv4Address": fmt.Sprintf("192.0.2.%d/24", 60+i)}
		if role == "rr" {
			annotations["projectcalico.org/RouteReflectorClusterID"] = "244.0.0.60"
		}
		acctest.CreateNode(t, fmt.Sprintf("acc-impact-%s%d", role, i), map[string]string{"acc-impact-" + role: "true"}, annotations)
	}
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(sessionImpactFabric(true, false))})
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Terraform().Destroy(t.Context()) })
	if warnings := cli.PlanWarnings(); len(warnings) != 0 {
		t.Errorf("a plan that changes nothing warned %q", warnings)
	}

	cli.WriteFile("main.tf", []byte(sessionImpactFabric(false, false)))
	drops := impactWarning(t, cli, "calico_bgp_peer.clients", "This Change Drops BGP Sessions")
	for _, want := range []string{"Sessions dropped: 8 on 4 nodes",
		"  - acc-impact-client2: 192.0.2.60 (AS 64512, acc-impact-clients), 192.0.2.61 (AS 64512, acc-impact-clients)",
		"no BGP session at all (they lose every route learned over BGP): acc-impact-client2, acc-impact-client3",
		"Other changes in this plan are not included"} {
		if !strings.Contains(drops, want) {
			t.Errorf("the destroy's warning lacks %q:\n%s", want, drops)
		}
	}

	cli.WriteFile("main.tf", []byte(sessionImpactFabric(true, true)))
	adds := impactWarning(t, cli, "calico_bgp_peer.tor", "This Change Adds BGP Sessions")
	for _, want := range []string{"Sessions added: 2 on 2 nodes", "  - acc-impact-rr0: 172.20.9.254 (AS 65009, acc-impact-tor)"} {
		if !strings.Contains(adds, want) {
			t.Errorf("the new peering's warning lacks %q:\n%s", want, adds)
		}
	}

	// A client made a reflector of the same cluster stops being the reflectors' client: their
	// sessions to it restart, on both ends.
	cli.WriteFile("main.tf", []byte(sessionImpactFabric(true, false)+`
resource "calico_node_rr" "client2" {
  node       = "acc-impact-client2"
  cluster_id = "244.0.0.60"
}
`))
	role := impactWarning(t, cli, "calico_node_rr.client2", "This Change Drops BGP Sessions")
	for _, want := range []string{"Sessions reset (AS numbers, route-reflector role or cluster ID change, on either end): 4 on 3 nodes",
		"  - acc-impact-rr0: 192.0.2.62 (AS 64512, acc-impact-clients)",
		"  - acc-impact-client2: 192.0.2.60 (AS 64512, acc-impact-clients), 192.0.2.61 (AS 64512, acc-impact-clients)"} {
		if !strings.Contains(role, want) {
			t.Errorf("the new reflector's warning lacks %q:\n%s", want, role)
		}
	}
}

// impactWarning plans the one change to address, and returns the detail of the one warning
// summary (terraform's JSON names no address for a plan's warnings; the plan changes only
// address).
func impactWarning(t *testing.T, cli *acctest.CLI, address, summary string) string {
	t.Helper()
	var found []string
	for _, d := range cli.PlanWarningDiagnostics() {
		if d.Summary == summary && (d.Address == "" || d.Address == address) {
			found = append(found, d.Detail)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d warnings %q on %s, want 1: %v", len(found), summary, address, cli.PlanWarningDiagnostics())
	}
	return found[0]
}
