package resources_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// meshCheckConfig turns the mesh off for three nodes (two clients and a route reflector)
// with the check on, scoped to them; peers adds the reflector and the peering that replace
// the mesh, with a status object of the test's own for mc-node2.
func meshCheckConfig(peers bool, extra string) string {
	config := `
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  ` + extra + `
  mesh_disable_check = {
    node_selector = "meshcheck == 'true'"
    timeout       = "3s"
  }
  depends_on = [calico_node_rr.rr, calico_bgp_peer.to_rr, calico_node_status.node2]
}`
	if !peers {
		return strings.Replace(config, "depends_on = [calico_node_rr.rr, calico_bgp_peer.to_rr, calico_node_status.node2]", "", 1)
	}
	return config + `
resource "calico_node_rr" "rr" {
  node       = "mc-rr"
  cluster_id = "244.0.0.9"
}
resource "calico_bgp_peer" "to_rr" {
  name          = "mc-to-rr"
  node_selector = "meshcheck == 'true'"
  peer_selector = "route-reflector == 'true'"
}
resource "calico_node_status" "node2" {
  name                  = "mc-node2-status"
  node                  = "mc-node2"
  classes               = ["BGP"]
  update_period_seconds = 10
}`
}

func peer(ip string, kind v3.BGPPeerType, state v3.BGPSessionState) v3.CalicoNodePeer {
	return v3.CalicoNodePeer{PeerIP: ip, Type: kind, State: state, Since: "10:00:00"}
}

// Turning the mesh off checks first, and writes nothing when the check fails: with no session
// to replace the mesh it fails at once; with sessions that are not Established (mesh sessions
// do not count) it fails after the timeout, naming each node's sessions and states; once
// calico-node reports them Established it writes. The nodes' own status objects are used,
// temporary ones are made for the others and removed. With the mesh already off, nothing is
// checked.
func TestAccBGPConfiguration_meshDisableCheck(t *testing.T) {
	acctest.Cluster(t)
	deleteBGPConfiguration(t, "default")
	for name, ip := range map[string]string{"mc-node1": "192.0.2.11", "mc-node2": "192.0.2.12", "mc-rr": "192.0.2.13"} {
		acctest.CreateNode(t, name, map[string]string{"meshcheck": "true"}, map[string]string{"projectcalico.org/IPv4Address": ip + "/24"})
	}
	acctest.CreateNode(t, "mc-other", nil, map[string]string{"projectcalico.org/IPv4Address": "192.0.2.14/24"})
	calicoNode := acctest.PlayCalicoNode(t, map[string][]v3.CalicoNodePeer{
		"mc-node1": {peer("192.0.2.13", v3.BGPPeerTypeNodePeer, v3.BGPSessionStateActive), peer("192.0.2.12", v3.BGPPeerTypeNodeMesh, v3.BGPSessionStateEstablished)},
		"mc-rr":    {peer("192.0.2.11", v3.BGPPeerTypeNodePeer, v3.BGPSessionStateEstablished), peer("192.0.2.12", v3.BGPPeerTypeNodePeer, v3.BGPSessionStateEstablished)},
	})
	meshStaysOn := func() {
		switch cfg, err := acctest.Calico(t).BGPConfigurations().Get(context.Background(), "default", metav1.GetOptions{}); {
		case err == nil:
			t.Fatalf("the check failed, but the default BGPConfiguration was written: %+v", cfg.Spec)
		case !apierrors.IsNotFound(err):
			t.Fatalf("reading the default BGPConfiguration: %v", err)
		}
		if left := temporaryReports(t); len(left) > 0 {
			t.Fatalf("temporary status objects left behind: %v", left)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: meshCheckConfig(false, ""),
			ExpectError: regexp.MustCompile(`(?s)Turning the Mesh Off Would Leave Nodes Without BGP Sessions.*` +
				`3 nodes fall short.*mc-node1: no session.*mc-node2: no session.*mc-rr: no session.*Nothing was written`),
		}, {
			PreConfig: meshStaysOn,
			Config:    meshCheckConfig(true, ""),
			ExpectError: regexp.MustCompile(`(?s)BGP Sessions Not Established Before Turning the Mesh Off.*2 nodes fall short.*` +
				`mc-node1: not Established with mc-rr \(192\.0\.2\.13\); reported: 192\.0\.2\.13 NodePeer Active; 192\.0\.2\.12 NodeMesh Established.*` +
				`mc-node2: no status report yet.*Nothing was written`),
		}, {
			PreConfig: func() {
				meshStaysOn()
				calicoNode.SetSessions("mc-node1", []v3.CalicoNodePeer{peer("192.0.2.13", v3.BGPPeerTypeNodePeer, v3.BGPSessionStateEstablished)})
				calicoNode.SetSessions("mc-node2", []v3.CalicoNodePeer{peer("192.0.2.13", v3.BGPPeerTypeNodePeer, v3.BGPSessionStateEstablished)})
			},
			Config: meshCheckConfig(true, ""),
			Check: resource.ComposeTestCheckFunc(
				acctest.CheckStored(acctest.Calico(t).BGPConfigurations(), "default", func(c *v3.BGPConfiguration) *bool { return c.Spec.NodeToNodeMeshEnabled }, new(bool)),
				func(*terraform.State) error {
					if left := temporaryReports(t); len(left) > 0 {
						return fmt.Errorf("temporary status objects left behind: %v", left)
					}
					// mc-node2's own status object was read; the others got temporary ones.
					if got := calicoNode.Reports("mc-node2"); !slices.Equal(got, []string{"mc-node2-status"}) {
						return fmt.Errorf("mc-node2 was reported to in %v, want only its own mc-node2-status", got)
					}
					if got := calicoNode.Reports("mc-node1"); !slices.Contains(got, "terraform-mesh-check-mc-node1") {
						return fmt.Errorf("mc-node1 was reported to in %v, want a temporary terraform-mesh-check-mc-node1", got)
					}
					if got := calicoNode.Reports("mc-other"); len(got) > 0 {
						return fmt.Errorf("a node the selector leaves out was asked for a report: %v", got)
					}
					return nil
				},
			),
		}, {
			// Already off: the change writes without checking, though nothing is Established now.
			PreConfig: func() {
				calicoNode.SetSessions("mc-node1", []v3.CalicoNodePeer{peer("192.0.2.13", v3.BGPPeerTypeNodePeer, v3.BGPSessionStateActive)})
			},
			Config: meshCheckConfig(true, `log_severity_screen = "Debug"`),
			Check:  acctest.CheckStored(acctest.Calico(t).BGPConfigurations(), "default", func(c *v3.BGPConfiguration) string { return c.Spec.LogSeverityScreen }, "Debug"),
		}},
	})
}

// temporaryReports are the status objects the check makes, where they still exist.
func temporaryReports(t *testing.T) []string {
	list, err := acctest.Stored(t, calico.CalicoNodeStatuses.Plural).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list.Items {
		if strings.HasPrefix(s.GetName(), "terraform-mesh-check-") {
			names = append(names, s.GetName())
		}
	}
	return names
}

// A temporary report left by an earlier, interrupted check is made anew, not read: what it
// says may be long out of date. It is gone afterwards.
func TestAccBGPConfiguration_meshDisableCheckLeftover(t *testing.T) {
	acctest.Cluster(t)
	deleteBGPConfiguration(t, "default")
	acctest.CreateNode(t, "lo-node1", map[string]string{"leftover": "true"}, map[string]string{"projectcalico.org/IPv4Address": "192.0.2.21/24"})
	acctest.CreateNode(t, "lo-rr", map[string]string{"leftover": "true"}, map[string]string{"projectcalico.org/IPv4Address": "192.0.2.22/24"})
	leftover := v3.NewCalicoNodeStatus()
	leftover.Name, leftover.Labels = "terraform-mesh-check-lo-node1", map[string]string{"terraform-provider-calico/mesh-disable-check": "true"}
	leftover.Spec = v3.CalicoNodeStatusSpec{Node: "lo-node1", Classes: []v3.NodeStatusClassType{v3.NodeStatusClassTypeBGP}, UpdatePeriodSeconds: new(uint32)}
	acctest.Create(t, nodeStatuses(t), leftover)
	acctest.ReportNodeStatus(t, leftover.Name, v3.CalicoNodeStatusStatus{LastUpdated: metav1.Now(), BGP: v3.CalicoNodeBGPStatus{
		NumberEstablishedV4: 1, PeersV4: []v3.CalicoNodePeer{peer("192.0.2.22", v3.BGPPeerTypeNodePeer, v3.BGPSessionStateEstablished)}}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "calico_node_rr" "rr" {
  node       = "lo-rr"
  cluster_id = "244.0.0.8"
}
resource "calico_bgp_peer" "to_rr" {
  name          = "lo-to-rr"
  node_selector = "leftover == 'true'"
  peer_selector = "route-reflector == 'true'"
}
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  mesh_disable_check        = { node_selector = "leftover == 'true'", timeout = "3s" }
  depends_on                = [calico_node_rr.rr, calico_bgp_peer.to_rr]
}`,
			ExpectError: regexp.MustCompile(`(?s)BGP Sessions Not Established.*lo-node1: no status report yet.*lo-rr: no status report yet`),
		}, {
			PreConfig: func() {
				if left := temporaryReports(t); len(left) > 0 {
					t.Fatalf("temporary status objects left behind: %v", left)
				}
			},
			Config: `# nothing`,
		}},
	})
}
