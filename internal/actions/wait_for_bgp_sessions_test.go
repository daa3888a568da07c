package actions_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// waitFabric is two nodes peered with a switch, the mesh off, and the wait for their sessions;
// trigger runs it after the peering is created or updated.
func waitFabric(switchAS int, trigger bool) string {
	lifecycle := ""
	if trigger {
		lifecycle = `
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.calico_wait_for_bgp_sessions.fabric]
    }
  }`
	}
	return acctest.AdoptionProvider + acctest.MeshOffUnchecked + fmt.Sprintf(`# The switch is the nodes' only session, which the test's destroy drops: allowed.
resource "calico_bgp_peer" "switch" {
  name          = "acc-wait-switch"
  node_selector = "has(acc-wait)"
  peer_ip       = "192.0.2.250"
  as_number     = %d
  session_guard = { allow_cut_off = true }%s
}
action "calico_wait_for_bgp_sessions" "fabric" {
  config {
    node_selector = "has(acc-wait)"
    timeout       = "3s"
  }
}
`, switchAS, lifecycle)
}

// The wait fails while a session is not Established, naming it with the state calico-node
// reports, and passes once every session is; run by hand (-invoke) or after the peering's
// update (action_trigger).
func TestAccWaitForBGPSessions(t *testing.T) {
	acctest.Cluster(t)
	acctest.Delete(t, acctest.Calico(t).BGPConfigurations(), "default")
	acctest.Delete(t, acctest.Calico(t).BGPPeers(), "acc-wait-switch")
	for i, name := range []string{"acc-wait-node1", "acc-wait-node2"} {
		acctest.CreateNode(t, name, map[string]string{"acc-wait": "true"}, map[string]string{"projectcalico.org/IPv4Address": fmt.Sprintf("192.0.2.%d/24", 80+i)})
	}
	toSwitch := func(state v3.BGPSessionState) []v3.CalicoNodePeer {
		return []v3.CalicoNodePeer{{PeerIP: "192.0.2.250", Type: v3.BGPPeerTypeGlobalPeer, State: state, Since: "10:00:00"}}
	}
	calicoNode := acctest.PlayCalicoNode(t, map[string][]v3.CalicoNodePeer{
		"acc-wait-node1": toSwitch(v3.BGPSessionStateEstablished),
		"acc-wait-node2": toSwitch(v3.BGPSessionStateActive),
	})
	// Checked before the action is configured: older CLIs refuse an action block, their
	// destroy too.
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(acctest.AdoptionProvider)})
	if !cli.SupportsActions() {
		t.Skip("the CLI under test has no actions (Terraform 1.14 and later have)")
	}
	cli.WriteFile("main.tf", []byte(waitFabric(65080, false)))
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	diags, err := cli.Invoke("action.calico_wait_for_bgp_sessions.fabric")
	if err == nil || len(diags) != 1 {
		t.Fatalf("want the wait to fail, got %+v (%v)", diags, err)
	}
	summary, detail := acctest.ActionDiagnostic(diags[0])
	if summary != "BGP Sessions Not Established" {
		t.Errorf("summary %q, want BGP Sessions Not Established", summary)
	}
	for _, want := range []string{"1 node still has sessions that are not Established:", "  - acc-wait-node2: 192.0.2.250 (acc-wait-switch): Active"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the failure lacks %q:\n%s", want, detail)
		}
	}
	if strings.Contains(detail, "acc-wait-node1") {
		t.Errorf("the failure names acc-wait-node1, whose session is Established:\n%s", detail)
	}

	calicoNode.SetSessions("acc-wait-node2", toSwitch(v3.BGPSessionStateEstablished))
	if diags, err := cli.Invoke("action.calico_wait_for_bgp_sessions.fabric"); err != nil {
		t.Fatalf("the wait with every session Established: %+v (%v)", diags, err)
	}

	// Triggered by the peering's update: a new AS the switch does not speak leaves the session
	// in OpenSent, and the apply fails on the wait; the write itself is done.
	calicoNode.SetSessions("acc-wait-node2", toSwitch(v3.BGPSessionStateOpenSent))
	cli.WriteFile("main.tf", []byte(waitFabric(65081, true)))
	diags, err = cli.ApplyErrors()
	if err == nil || len(diags) != 1 {
		t.Fatalf("want the triggered wait to fail, got %+v (%v)", diags, err)
	}
	if summary, detail := acctest.ActionDiagnostic(diags[0]); summary != "BGP Sessions Not Established" ||
		!strings.Contains(detail, "acc-wait-node2: 192.0.2.250 (acc-wait-switch): OpenSent") {
		t.Fatalf("want the triggered wait to fail naming acc-wait-node2's OpenSent session, got %q: %s", summary, detail)
	}
	peer, err := acctest.Calico(t).BGPPeers().Get(context.Background(), "acc-wait-switch", metav1.GetOptions{})
	if err != nil || peer.Spec.ASNumber != 65081 {
		t.Fatalf("the peering's update before the wait: %v, %+v", err, peer)
	}
}
