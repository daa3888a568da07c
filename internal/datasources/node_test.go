package datasources_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// Effective AS numbers and their sources, addresses, route-reflector role, merged labels, and
// the absence of status said plainly.
func TestAccNodeDataSource_facts(t *testing.T) {
	acctest.Cluster(t)
	acctest.Delete(t, acctest.Calico(t).BGPConfigurations(), "default")
	acctest.CreateNode(t, "acc-ds-rr1", map[string]string{"rack": "r1", "kubernetes.io/hostname": "acc-ds-rr1"}, map[string]string{
		"projectcalico.org/IPv4Address": "192.0.2.40/24", "projectcalico.org/IPv6Address": "fd00::40/64",
		// Labels set through Calico; the Kubernetes label "rack" overrides Calico's.
		"projectcalico.org/labels": `{"rack":"r9","calico-only":"yes"}`,
	})
	acctest.CreateNode(t, "acc-ds-worker", nil, map[string]string{"projectcalico.org/IPv4Address": "192.0.2.41/24"})
	const rr, worker = "data.calico_node.rr", "data.calico_node.worker"
	dataSources := func(deps string) string {
		return fmt.Sprintf(`
data "calico_node" "rr" {
  name       = "acc-ds-rr1"
  depends_on = [%[1]s]
}
data "calico_node" "worker" {
  name       = "acc-ds-worker"
  depends_on = [%[1]s]
}`, deps)
	}
	resources := `
# The test's cluster has no peering: the reflector's cluster ID takes it out of the mesh, and
# cuts off both nodes, which the session guard would refuse.
resource "calico_node_rr" "rr" {
  node          = "acc-ds-rr1"
  cluster_id    = "244.0.0.1"
  session_guard = { allow_cut_off = true }
}
resource "calico_node_bgp" "rr" {
  node      = "acc-ds-rr1"
  as_number = "1.10"
}`
	nodes := resources + dataSources("calico_node_rr.rr, calico_node_bgp.rr")
	withCluster := resources + dataSources("calico_node_rr.rr, calico_node_bgp.rr, calico_bgp_configuration.default") + `
resource "calico_bgp_configuration" "default" {
  name      = "default"
  as_number = 65000
}`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: nodes,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("as_number"), knownvalue.Int64Exact(65546)),
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("as_number_source"), knownvalue.StringExact("node")),
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("ipv4_address"), knownvalue.StringExact("192.0.2.40/24")),
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("ipv6_address"), knownvalue.StringExact("fd00::40/64")),
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("route_reflector"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("route_reflector_cluster_id"), knownvalue.StringExact("244.0.0.1")),
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"rack": knownvalue.StringExact("r1"), "calico-only": knownvalue.StringExact("yes"),
						"kubernetes.io/hostname": knownvalue.StringExact("acc-ds-rr1"), "route-reflector": knownvalue.StringExact("true"),
					})),
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("bgp_status_available"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("bgp_status_message"), knownvalue.StringRegexp(regexp.MustCompile(`No BGP status is available.*calico_node_status`))),
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("bgp_peers"), knownvalue.ListSizeExact(0)),
					// No node AS and no default BGPConfiguration: Calico's default.
					statecheck.ExpectKnownValue(worker, tfjsonpath.New("as_number"), knownvalue.Int64Exact(64512)),
					statecheck.ExpectKnownValue(worker, tfjsonpath.New("as_number_source"), knownvalue.StringExact("default")),
					statecheck.ExpectKnownValue(worker, tfjsonpath.New("route_reflector"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(worker, tfjsonpath.New("ipv6_address"), knownvalue.Null()),
				},
			},
			{
				Config: withCluster,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(worker, tfjsonpath.New("as_number"), knownvalue.Int64Exact(65000)),
					statecheck.ExpectKnownValue(worker, tfjsonpath.New("as_number_source"), knownvalue.StringExact("bgp_configuration")),
					statecheck.ExpectKnownValue(rr, tfjsonpath.New("as_number_source"), knownvalue.StringExact("node")),
				},
			},
		},
	})
}

// Live peer state: the test plays calico-node's reporter.
func TestAccNodeDataSource_peerState(t *testing.T) {
	acctest.Cluster(t)
	const node = "acc-ds-status"
	acctest.CreateNode(t, node, nil, nil)
	statusConfig := fmt.Sprintf(`
resource "calico_node_status" "s" {
  name    = "acc-ds-status"
  node    = %q
  classes = ["BGP"]
}`, node)
	withData := statusConfig + fmt.Sprintf(`
data "calico_node" "n" {
  name = %q
}`, node)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: statusConfig},
			{
				PreConfig: func() {
					acctest.ReportNodeStatus(t, "acc-ds-status", v3.CalicoNodeStatusStatus{
						LastUpdated: metav1.NewTime(time.Date(2026, 11, 21, 11, 0, 0, 0, time.UTC)),
						BGP: v3.CalicoNodeBGPStatus{NumberEstablishedV4: 1, PeersV4: []v3.CalicoNodePeer{
							{PeerIP: "192.0.2.50", Type: v3.BGPPeerTypeNodePeer, State: v3.BGPSessionStateEstablished, Since: "11:00:00"},
						}},
					})
				},
				Config: withData,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.calico_node.n", tfjsonpath.New("bgp_status_available"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.calico_node.n", tfjsonpath.New("bgp_status_time"), knownvalue.StringExact("2026-11-21T11:00:00Z")),
					statecheck.ExpectKnownValue("data.calico_node.n", tfjsonpath.New("bgp_peers"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"peer_ip": knownvalue.StringExact("192.0.2.50"), "type": knownvalue.StringExact("NodePeer"),
							"state": knownvalue.StringExact("Established"), "since": knownvalue.StringExact("11:00:00"), "ip_version": knownvalue.Int64Exact(4),
						}),
					})),
				},
			},
		},
	})
}

func TestAccNodesDataSource_selector(t *testing.T) {
	acctest.Cluster(t)
	for i, rack := range []string{"r1", "r1", "r2"} {
		acctest.CreateNode(t, fmt.Sprintf("acc-sel-%d", i), map[string]string{"acc-sel": "yes", "rack": rack}, nil)
	}
	// Calico-only label: selectable although Kubernetes does not have it.
	acctest.CreateNode(t, "acc-sel-3", map[string]string{"acc-sel": "yes"}, map[string]string{"projectcalico.org/labels": `{"rack":"r1"}`})
	names := func(ns ...string) knownvalue.Check {
		var checks []knownvalue.Check
		for _, n := range ns {
			checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)}))
		}
		return knownvalue.ListExact(checks)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "calico_nodes" "r1" { selector = "acc-sel == 'yes' && rack == 'r1'" }
data "calico_nodes" "not_r1" { selector = "has(acc-sel) && rack != 'r1'" }
data "calico_nodes" "in" { selector = "acc-sel == 'yes' && rack in {'r2', 'r3'}" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.calico_nodes.r1", tfjsonpath.New("nodes"), names("acc-sel-0", "acc-sel-1", "acc-sel-3")),
					statecheck.ExpectKnownValue("data.calico_nodes.not_r1", tfjsonpath.New("nodes"), names("acc-sel-2")),
					statecheck.ExpectKnownValue("data.calico_nodes.in", tfjsonpath.New("nodes"), names("acc-sel-2")),
				},
			},
			{Config: `data "calico_nodes" "x" { selector = "rack = 'r1'" }`, ExpectError: regexp.MustCompile(`Invalid Selector`)},
			{Config: `data "calico_node" "x" { name = "acc-no-such-node" }`, ExpectError: regexp.MustCompile(`(?s)Node Not Found.*"acc-no-such-node" not found`)},
		},
	})
}

// More nodes than one LIST page (500): every matching node is found across pages.
func TestAccNodesDataSource_paging(t *testing.T) {
	acctest.Cluster(t)
	const n = 520
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("acc-page-%03d", i)
	}
	acctest.CreateNodes(t, names, func(name string) map[string]string {
		return map[string]string{"acc-page": "yes", "odd": fmt.Sprint(name[len(name)-1]%2 == 1)}
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "calico_nodes" "all" { selector = "acc-page == 'yes'" }
data "calico_nodes" "odd" { selector = "acc-page == 'yes' && odd == 'true'" }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.calico_nodes.all", tfjsonpath.New("nodes"), knownvalue.ListSizeExact(n)),
				statecheck.ExpectKnownValue("data.calico_nodes.odd", tfjsonpath.New("nodes"), knownvalue.ListSizeExact(n/2)),
				statecheck.ExpectKnownValue("data.calico_nodes.all", tfjsonpath.New("nodes").AtSliceIndex(n-1).AtMapKey("name"), knownvalue.StringExact("acc-page-519")),
			},
		}},
	})
}
