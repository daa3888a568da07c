package resources_test

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// sampleReport is what calico-node's status reporter writes for a route reflector with two
// top-of-rack sessions, one of them down.
func sampleReport(at time.Time) v3.CalicoNodeStatusStatus {
	return v3.CalicoNodeStatusStatus{
		LastUpdated: metav1.NewTime(at),
		Agent: v3.CalicoNodeAgentStatus{
			BIRDV4: v3.BGPDaemonStatus{State: v3.BGPDaemonStateReady, Version: "v0.3.3+birdv1.6.8", RouterID: "192.0.2.30", LastBootTime: "2026-11-21 10:00:00", LastReconfigurationTime: "2026-11-21 10:05:00"},
			BIRDV6: v3.BGPDaemonStatus{State: v3.BGPDaemonStateNotReady},
		},
		BGP: v3.CalicoNodeBGPStatus{
			NumberEstablishedV4: 1, NumberNotEstablishedV4: 1, NumberEstablishedV6: 1,
			PeersV4: []v3.CalicoNodePeer{
				{PeerIP: "172.20.0.254", Type: v3.BGPPeerTypeNodePeer, State: v3.BGPSessionStateEstablished, Since: "10:00:05"},
				{PeerIP: "172.20.0.253", Type: v3.BGPPeerTypeNodePeer, State: v3.BGPSessionStateActive, Since: "10:00:06"},
			},
			PeersV6: []v3.CalicoNodePeer{{PeerIP: "fd00::254", Type: v3.BGPPeerTypeGlobalPeer, State: v3.BGPSessionStateEstablished, Since: "10:00:07"}},
		},
		Routes: v3.CalicoNodeBGPRouteStatus{RoutesV4: []v3.CalicoNodeRoute{{
			Type: v3.RouteTypeFIB, Destination: "10.244.5.0/26", Gateway: "192.0.2.31", Interface: "eth0",
			LearnedFrom: v3.CalicoNodeRouteLearnedFrom{SourceType: v3.RouteSourceTypeBGPPeer, PeerIP: "192.0.2.31"},
		}}},
	}
}

func TestAccNodeStatus_basic(t *testing.T) {
	acctest.Cluster(t)
	const name, addr = "acc-status-rr1", "calico_node_status.rr1"
	acctest.Delete(t, nodeStatuses(t), name)
	config := func(classes string) string {
		return `
resource "calico_node_status" "rr1" {
  name                  = "acc-status-rr1"
  node                  = "acc-status-node"
  classes               = ` + classes + `
  update_period_seconds = 30
}`
	}
	reportedAt := time.Date(2026, 11, 21, 10, 6, 0, 0, time.UTC)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(nodeStatuses(t), name),
		Steps: []resource.TestStep{
			{
				Config: config(`["Agent", "BGP", "Routes"]`),
				Check: acctest.CheckStored(nodeStatuses(t), name, func(o *v3.CalicoNodeStatus) v3.CalicoNodeStatusSpec { return o.Spec },
					v3.CalicoNodeStatusSpec{Node: "acc-status-node", Classes: []v3.NodeStatusClassType{"Agent", "BGP", "Routes"}, UpdatePeriodSeconds: ptr.To[uint32](30)}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_updated"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bgp").AtMapKey("peers"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				// calico-node reports; the next refresh shows it, with no diff.
				PreConfig: func() { acctest.ReportNodeStatus(t, name, sampleReport(reportedAt)) },
				Config:    config(`["Agent", "BGP", "Routes"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_updated"), knownvalue.StringExact("2026-11-21T10:06:00Z")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("agent").AtMapKey("bird_v4").AtMapKey("router_id"), knownvalue.StringExact("192.0.2.30")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("agent").AtMapKey("bird_v4").AtMapKey("state"), knownvalue.StringExact("Ready")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bgp").AtMapKey("established_v4"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bgp").AtMapKey("not_established_v4"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bgp").AtMapKey("peers"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"peer_ip": knownvalue.StringExact("172.20.0.254"), "type": knownvalue.StringExact("NodePeer"), "state": knownvalue.StringExact("Established"), "since": knownvalue.StringExact("10:00:05"), "ip_version": knownvalue.Int64Exact(4)}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"peer_ip": knownvalue.StringExact("172.20.0.253"), "type": knownvalue.StringExact("NodePeer"), "state": knownvalue.StringExact("Active"), "since": knownvalue.StringExact("10:00:06"), "ip_version": knownvalue.Int64Exact(4)}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"peer_ip": knownvalue.StringExact("fd00::254"), "type": knownvalue.StringExact("GlobalPeer"), "state": knownvalue.StringExact("Established"), "since": knownvalue.StringExact("10:00:07"), "ip_version": knownvalue.Int64Exact(6)}),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("routes").AtSliceIndex(0).AtMapKey("learned_from_peer_ip"), knownvalue.StringExact("192.0.2.31")),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name"},
			{
				Config: config(`["BGP"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: acctest.CheckStored(nodeStatuses(t), name, func(o *v3.CalicoNodeStatus) []v3.NodeStatusClassType { return o.Spec.Classes },
					[]v3.NodeStatusClassType{"BGP"}),
			},
		},
	})
}

// Invalid calico_node_status configurations fail at plan time, on the attribute, before the
// provider reaches any cluster: the test needs none and runs without TF_ACC.
func TestAccNodeStatus_invalid(t *testing.T) {
	t.Parallel()
	rec := &acctest.DiagnosticRecorder{}
	steps := acctest.InvalidCaseSteps(t, rec, acctest.ResourceBlock("calico_node_status", ""), []acctest.InvalidCase{
		{Name: "class value", Body: `name = "x"` + "\n" + `node = "n"` + "\n" + `classes = ["Peers"]`,
			Summary: "Invalid Attribute Value Match", Attribute: "classes[0]",
			Valid: `name = "x"` + "\n" + `node = "n"` + "\n" + `classes = ["BGP"]`},
		{Name: "no class", Body: `name = "x"` + "\n" + `node = "n"` + "\n" + `classes = []`,
			Summary: "Invalid Attribute Value", Attribute: "classes",
			Valid: `name = "x"` + "\n" + `node = "n"` + "\n" + `classes = ["Agent"]`},
		{Name: "update period", Body: `name = "x"` + "\n" + `node = "n"` + "\n" + `classes = ["BGP"]` + "\n" + `update_period_seconds = 86401`,
			Summary: "Invalid Attribute Value", Attribute: "update_period_seconds",
			Valid: `name = "x"` + "\n" + `node = "n"` + "\n" + `classes = ["BGP"]` + "\n" + `update_period_seconds = 86400`},
	})
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: rec.Factories(), Steps: steps})
}
