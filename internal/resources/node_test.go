package resources_test

import (
	"fmt"
	"maps"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// calicoNodeAnnotations are what calico-node writes on a node it runs on.
func calicoNodeAnnotations(ip string) map[string]string {
	return map[string]string{
		"projectcalico.org/IPv4Address":        ip + "/24",
		"projectcalico.org/IPv4IPIPTunnelAddr": "10.244.1.1",
		"node.alpha.kubernetes.io/ttl":         "0",
	}
}

// expectNode checks the Node's annotations and labels: want values must match, and keys
// mapped to "" must be absent.
func expectNode(t *testing.T, name string, annotations, labels map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n, err := acctest.GetNode(t, name)
		if err != nil {
			return err
		}
		for what, pair := range map[string][2]map[string]string{"annotation": {annotations, n.Annotations}, "label": {labels, n.Labels}} {
			for k, want := range pair[0] {
				got, ok := pair[1][k]
				switch {
				case want == "" && ok:
					return fmt.Errorf("node %s: %s %s should be absent, is %q", name, what, k, got)
				case want != "" && got != want:
					return fmt.Errorf("node %s: %s %s is %q, want %q", name, what, k, got, want)
				}
			}
		}
		return nil
	}
}

func with(base map[string]string, extra map[string]string) map[string]string {
	out := maps.Clone(base)
	maps.Copy(out, extra)
	return out
}

func TestAccNodeRR_basic(t *testing.T) {
	acctest.Cluster(t)
	const node, addr = "acc-rr-node", "calico_node_rr.rr"
	theirs := calicoNodeAnnotations("192.0.2.10")
	theirLabels := map[string]string{"kubernetes.io/hostname": node, "rack": "r1"}
	acctest.CreateNode(t, node, theirLabels, theirs)
	config := func(clusterID, labels string) string {
		return fmt.Sprintf("resource \"calico_node_rr\" \"rr\" {\n  node = %q\n  cluster_id = %q\n  %s\n}\n", node, clusterID, labels)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		// Destroy removes exactly the resource's keys; calico-node's and people's stay.
		CheckDestroy: expectNode(t, node,
			with(theirs, map[string]string{"projectcalico.org/RouteReflectorClusterID": "",
				"projectcalico.org/IPv4Address": "192.0.2.11/24", "projectcalico.org/IPv4VXLANTunnelAddr": "10.244.1.2"}),
			with(theirLabels, map[string]string{"route-reflector": "", "rr-group": "", "rr-id": "", "team": "network"})),
		Steps: []resource.TestStep{
			{
				Config: config("244.0.0.1", ""),
				Check: expectNode(t, node,
					with(theirs, map[string]string{"projectcalico.org/RouteReflectorClusterID": "244.0.0.1"}),
					with(theirLabels, map[string]string{"route-reflector": "true"})),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"route-reflector": knownvalue.StringExact("true")})),
				},
			},
			{
				// calico-node and a person change keys the resource does not own: no diff.
				PreConfig: func() {
					acctest.MutateNode(t, node, func(n *corev1.Node) {
						n.Annotations["projectcalico.org/IPv4Address"] = "192.0.2.11/24"
						n.Annotations["projectcalico.org/IPv4VXLANTunnelAddr"] = "10.244.1.2"
						n.Labels["team"] = "network"
					})
				},
				Config:   config("244.0.0.1", ""),
				PlanOnly: true,
			},
			{
				// Drift on its own keys is shown and repaired.
				PreConfig: func() {
					acctest.MutateNode(t, node, func(n *corev1.Node) {
						n.Labels["route-reflector"] = "false"
						delete(n.Annotations, "projectcalico.org/RouteReflectorClusterID")
					})
				},
				Config: config("244.0.0.1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: expectNode(t, node,
					map[string]string{"projectcalico.org/RouteReflectorClusterID": "244.0.0.1", "projectcalico.org/IPv4VXLANTunnelAddr": "10.244.1.2"},
					map[string]string{"route-reflector": "true", "team": "network"}),
			},
			{
				// New cluster ID and other labels: the old label goes, the new ones come.
				Config: config("244.0.0.2", `labels = { "rr-group" = "rr1", "rr-id" = "a" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: expectNode(t, node,
					map[string]string{"projectcalico.org/RouteReflectorClusterID": "244.0.0.2"},
					map[string]string{"route-reflector": "", "rr-group": "rr1", "rr-id": "a", "rack": "r1", "team": "network"}),
			},
			{
				ResourceName: addr, ImportState: true, ImportStateId: node, ImportStateVerify: true,
				ImportStateVerifyIdentifierAttribute: "node",
				// An import cannot know which labels were this resource's: it reads the default one.
				ImportStateVerifyIgnore: []string{"labels"},
			},
		},
	})
}

func TestAccNodeRR_missingNode(t *testing.T) {
	acctest.Cluster(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `resource "calico_node_rr" "rr" {` + "\n" + `node = "acc-no-such-node"` + "\n" + `cluster_id = "244.0.0.1"` + "\n}",
			ExpectError: regexp.MustCompile(`(?s)Node Not Found.*node "acc-no-such-node" not found`),
		}},
	})
}

func TestAccNodeRR_nodeDeletedOutOfBand(t *testing.T) {
	acctest.Cluster(t)
	const node = "acc-rr-deleted"
	acctest.CreateNode(t, node, nil, nil)
	config := fmt.Sprintf("resource \"calico_node_rr\" \"rr\" {\n  node = %q\n  cluster_id = \"244.0.0.1\"\n}\n", node)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// The Node is gone (scaled in): the resource leaves state and is planned anew.
				PreConfig: func() {
					if err := acctest.Kube(t).CoreV1().Nodes().Delete(t.Context(), node, metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccNodeBGP_basic(t *testing.T) {
	acctest.Cluster(t)
	const node, addr = "acc-bgp-node", "calico_node_bgp.n"
	theirs := calicoNodeAnnotations("192.0.2.20")
	acctest.CreateNode(t, node, map[string]string{"kubernetes.io/hostname": node}, theirs)
	config := func(extra string) string {
		return fmt.Sprintf(`
resource "calico_node_bgp" "n" {
  node      = %q
  as_number = "1.10"
  %s
}
resource "calico_node_rr" "rr" {
  node       = %q
  cluster_id = "244.0.0.9"
}`, node, extra, node)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: expectNode(t, node, map[string]string{
			"projectcalico.org/ASNumber": "", "projectcalico.org/RouteReflectorClusterID": "",
			// Addresses are never removed, even the one Terraform set.
			"projectcalico.org/IPv4Address": "192.0.2.21/24", "projectcalico.org/IPv6Address": "fd00::21/64",
		}, nil),
		Steps: []resource.TestStep{
			{
				Config: config(""),
				Check: expectNode(t, node, with(theirs, map[string]string{
					"projectcalico.org/ASNumber": "65546", "projectcalico.org/RouteReflectorClusterID": "244.0.0.9",
				}), nil),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("as_number"), knownvalue.StringExact("1.10")),
					// Not set: shows what calico-node detected.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ipv4_address"), knownvalue.StringExact("192.0.2.20/24")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ipv6_address"), knownvalue.Null()),
				},
			},
			{
				// calico-node re-detects its address: not fought over, no diff.
				PreConfig: func() {
					acctest.MutateNode(t, node, func(n *corev1.Node) { n.Annotations["projectcalico.org/IPv4Address"] = "192.0.2.21/24" })
				},
				Config:   config(""),
				PlanOnly: true,
			},
			{
				Config: config(`ipv6_address = "fd00::21/64"`),
				Check: expectNode(t, node, map[string]string{
					"projectcalico.org/IPv6Address": "fd00::21/64", "projectcalico.org/IPv4Address": "192.0.2.21/24",
					"projectcalico.org/ASNumber": "65546",
				}, nil),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ipv4_address"), knownvalue.StringExact("192.0.2.21/24")),
				},
			},
			{
				// Drift on the AS number.
				PreConfig: func() {
					acctest.MutateNode(t, node, func(n *corev1.Node) { n.Annotations["projectcalico.org/ASNumber"] = "64999" })
				},
				Config: config(`ipv6_address = "fd00::21/64"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: expectNode(t, node, map[string]string{"projectcalico.org/ASNumber": "65546"}, nil),
			},
			{
				ResourceName: addr, ImportState: true, ImportStateId: node, ImportStateVerify: true,
				ImportStateVerifyIdentifierAttribute: "node", ImportStateVerifyIgnore: []string{"as_number"},
			},
		},
	})
}

// Invalid calico_node_rr and calico_node_bgp configurations fail at plan time, on the attribute,
// before the provider reaches any cluster: the test needs none and runs without TF_ACC.
func TestAccNode_invalid(t *testing.T) {
	t.Parallel()
	rec := &acctest.DiagnosticRecorder{}
	steps := acctest.InvalidCaseSteps(t, rec, acctest.ResourceBlock("calico_node_rr", ""), []acctest.InvalidCase{
		{Name: "cluster id", Body: `node = "n"` + "\n" + `cluster_id = "abc"`,
			Summary: "Invalid IPv4 Address", Attribute: "cluster_id",
			Valid: `node = "n"` + "\n" + `cluster_id = "244.0.0.1"`},
		{Name: "cluster v6", Body: `node = "n"` + "\n" + `cluster_id = "fd00::1"`,
			Summary: "Invalid IPv4 Address", Attribute: "cluster_id",
			Valid: `node = "n"` + "\n" + `cluster_id = "::ffff:244.0.0.1"`},
		{Name: "label key", Body: `node = "n"` + "\n" + `cluster_id = "244.0.0.1"` + "\n" + `labels = { "bad key" = "x" }`,
			Summary: "Invalid Label Key", Attribute: "labels[\"bad key\"]",
			Valid: `node = "n"` + "\n" + `cluster_id = "244.0.0.1"` + "\n" + `labels = { "rr-group" = "x" }`},
		{Name: "label value", Body: `node = "n"` + "\n" + `cluster_id = "244.0.0.1"` + "\n" + `labels = { "rr" = "not ok!" }`,
			Summary: "Invalid Label Value", Attribute: "labels[\"rr\"]",
			Valid: `node = "n"` + "\n" + `cluster_id = "244.0.0.1"` + "\n" + `labels = { "rr" = "ok" }`},
		{Name: "node name", Body: `node = "Node_1"` + "\n" + `cluster_id = "244.0.0.1"`,
			Summary: "Invalid Name", Attribute: "node",
			Valid: `node = "node-1"` + "\n" + `cluster_id = "244.0.0.1"`},
	})
	steps = append(steps, acctest.InvalidCaseSteps(t, rec, acctest.ResourceBlock("calico_node_bgp", ""), []acctest.InvalidCase{
		{Name: "asn", Body: `node = "n"` + "\n" + `as_number = "70000.1"`,
			Summary: "Invalid AS Number", Attribute: "as_number",
			Valid: `node = "n"` + "\n" + `as_number = "65535.1"`},
		{Name: "ipv4 address", Body: `node = "n"` + "\n" + `as_number = 1` + "\n" + `ipv4_address = "fd00::1/64"`,
			Summary: "Invalid Address", Attribute: "ipv4_address",
			Valid: `node = "n"` + "\n" + `as_number = 1` + "\n" + `ipv4_address = "10.0.0.5/24"`},
		{Name: "ipv6 address", Body: `node = "n"` + "\n" + `as_number = 1` + "\n" + `ipv6_address = "10.0.0.1/24"`,
			Summary: "Invalid Address", Attribute: "ipv6_address",
			Valid: `node = "n"` + "\n" + `as_number = 1` + "\n" + `ipv6_address = "fd00::5/64"`},
	})...)
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: rec.Factories(), Steps: steps})
}
