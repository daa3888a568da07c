package resources_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

const bgpConfigDefault = `
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  as_number                 = 64512
  log_severity_screen       = "Info"
  listen_port               = 179
  bind_mode                 = "NodeIP"
  service_cluster_ips       = ["10.96.0.0/12"]
  service_external_ips      = ["198.51.100.0/24"]
  service_load_balancer_ips = ["203.0.113.0/24"]
  service_load_balancer_aggregation = "Disabled"
  communities               = [{ name = "rack", value = "64512:300" }]
  prefix_advertisements     = [{ cidr = "10.244.0.0/16", communities = ["rack", "64512:120"] }]
  ignored_interfaces        = ["eth*", "docker0"]
  local_workload_peering_ipv4 = "169.254.0.179"
  local_workload_peering_ipv6 = "fe80::179"
}
`

// The seeds' route-reflector guide: the mesh on with a password and restart time, asdot ASN.
const bgpConfigDefaultUpdated = `
resource "calico_bgp_configuration" "default" {
  name                          = "default"
  node_to_node_mesh_enabled     = true
  as_number                     = "1.10"
  log_severity_screen           = "Debug"
  node_mesh_password_secret_ref = { name = "bgp-secrets", key = "mesh" }
  node_mesh_max_restart_time    = "2m"
  service_cluster_ips           = []
}
`

func getBGPConfiguration(t *testing.T, name string) (*v3.BGPConfiguration, error) {
	return acctest.Calico(t).BGPConfigurations().Get(context.Background(), name, metav1.GetOptions{})
}

func deleteBGPConfiguration(t *testing.T, name string) { acctest.Delete(t, bgpConfigurations(t), name) }

func TestAccBGPConfiguration_default(t *testing.T) {
	acctest.Cluster(t)
	deleteBGPConfiguration(t, "default")
	const addr = "calico_bgp_configuration.default"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(acctest.Calico(t).BGPConfigurations(), "default"),
		Steps: []resource.TestStep{
			{
				Config: bgpConfigDefault,
				Check: expectSpec(bgpConfigurations(t), "default", v3.BGPConfigurationSpec{
					LogSeverityScreen:              "Info",
					NodeToNodeMeshEnabled:          ptr.To(false),
					ASNumber:                       ptr.To[numorstring.ASNumber](64512),
					ListenPort:                     179,
					BindMode:                       ptr.To(v3.BindModeNodeIP),
					ServiceClusterIPs:              []v3.ServiceClusterIPBlock{{CIDR: "10.96.0.0/12"}},
					ServiceExternalIPs:             []v3.ServiceExternalIPBlock{{CIDR: "198.51.100.0/24"}},
					ServiceLoadBalancerIPs:         []v3.ServiceLoadBalancerIPBlock{{CIDR: "203.0.113.0/24"}},
					ServiceLoadBalancerAggregation: ptr.To(v3.ServiceLoadBalancerAggregationDisabled),
					Communities:                    []v3.Community{{Name: "rack", Value: "64512:300"}},
					PrefixAdvertisements:           []v3.PrefixAdvertisement{{CIDR: "10.244.0.0/16", Communities: []string{"rack", "64512:120"}}},
					IgnoredInterfaces:              []string{"eth*", "docker0"},
					LocalWorkloadPeeringIPV4:       "169.254.0.179",
					LocalWorkloadPeeringIPV6:       "fe80::179",
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("as_number"), knownvalue.StringExact("64512")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("node_mesh_password_secret_ref"), knownvalue.Null()),
				},
			},
			{Config: bgpConfigDefault, PlanOnly: true}, // no diff
			{
				Config: bgpConfigDefaultUpdated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: expectSpec(bgpConfigurations(t), "default", v3.BGPConfigurationSpec{
					LogSeverityScreen:     "Debug",
					NodeToNodeMeshEnabled: ptr.To(true),
					ASNumber:              ptr.To[numorstring.ASNumber](65546),
					NodeMeshPassword: &v3.BGPPassword{SecretKeyRef: &corev1.SecretKeySelector{
						LocalObjectReference: corev1.LocalObjectReference{Name: "bgp-secrets"}, Key: "mesh",
					}},
					NodeMeshMaxRestartTime: &metav1.Duration{Duration: 2 * time.Minute},
					// Unset by Terraform, so the server's default applies (and shows no diff).
					ServiceLoadBalancerAggregation: acctest.CRDDefault(t, v3.ServiceLoadBalancerAggregationEnabled),
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					// What the user wrote stays in state, though the server stores 65546 and 2m0s.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("as_number"), knownvalue.StringExact("1.10")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("node_mesh_max_restart_time"), knownvalue.StringExact("2m")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("service_cluster_ips"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("service_load_balancer_aggregation"), knownvalue.Null()),
				},
			},
			{Config: bgpConfigDefaultUpdated, PlanOnly: true},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        "default",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "name",
				// The import reads the server's canonical spellings and cannot know [] from unset.
				ImportStateVerifyIgnore: []string{"as_number", "node_mesh_max_restart_time", "service_cluster_ips"},
			},
			{
				// Someone changes the object out of band: the plan shows exactly that drift,
				// and applying puts the configuration back.
				PreConfig: func() {
					acctest.Mutate(t, acctest.Calico(t).BGPConfigurations(), "default", func(o *v3.BGPConfiguration) {
						o.Spec.LogSeverityScreen = "Error"
						o.Spec.ListenPort = 1179
					})
				},
				Config: bgpConfigDefaultUpdated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("log_severity_screen"), knownvalue.StringExact("Debug")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("listen_port"), knownvalue.Null()),
				}},
				Check: func(*terraform.State) error {
					got, err := getBGPConfiguration(t, "default")
					if err != nil {
						return err
					}
					if got.Spec.LogSeverityScreen != "Debug" || got.Spec.ListenPort != 0 {
						return fmt.Errorf("drift not corrected: %+v", got.Spec)
					}
					return nil
				},
			},
			{
				// Deleted out of band: Terraform plans to create it again.
				PreConfig: func() { deleteBGPConfiguration(t, "default") },
				Config:    bgpConfigDefaultUpdated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					_, err := getBGPConfiguration(t, "default")
					return err
				},
			},
		},
	})
}

const adoptConfig = `
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  as_number                 = 65000
}`

// Calico's operator creates the default object; creating the resource adopts it.
func TestAccBGPConfiguration_adoptsDefault(t *testing.T) {
	acctest.Cluster(t)
	deleteBGPConfiguration(t, "default")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					_, err := acctest.Calico(t).BGPConfigurations().Create(context.Background(), &v3.BGPConfiguration{
						ObjectMeta: metav1.ObjectMeta{Name: "default", Labels: map[string]string{"created-by": "operator"}},
						Spec:       v3.BGPConfigurationSpec{LogSeverityScreen: "Warning", ListenPort: 1790, NodeToNodeMeshEnabled: ptr.To(true)},
					}, metav1.CreateOptions{})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: adoptConfig,
				Check: func(*terraform.State) error {
					got, err := getBGPConfiguration(t, "default")
					if err != nil {
						return err
					}
					want := v3.BGPConfigurationSpec{
						NodeToNodeMeshEnabled:          ptr.To(false),
						ASNumber:                       ptr.To[numorstring.ASNumber](65000),
						ServiceLoadBalancerAggregation: acctest.CRDDefault(t, v3.ServiceLoadBalancerAggregationEnabled),
					}
					if diff := cmp.Diff(want, got.Spec); diff != "" {
						return fmt.Errorf("adopted spec (-want +got):\n%s", diff)
					}
					if got.Labels["created-by"] != "operator" {
						return fmt.Errorf("adoption dropped the object's labels: %v", got.Labels)
					}
					return nil
				},
			},
			{
				Config:   adoptConfig,
				PlanOnly: true,
			},
		},
	})
}

// The plan that takes over the stored default names every field the takeover clears or replaces,
// with its stored value; an unchanged field is not named, and once taken over, no plan warns.
func TestAccBGPConfiguration_planSaysWhatTakingOverDefaultClears(t *testing.T) {
	acctest.Cluster(t)
	deleteBGPConfiguration(t, "default")
	_, err := acctest.Calico(t).BGPConfigurations().Create(context.Background(), &v3.BGPConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "default"},
		Spec: v3.BGPConfigurationSpec{LogSeverityScreen: "Warning", ListenPort: 1790, NodeToNodeMeshEnabled: ptr.To(true),
			ASNumber: ptr.To[numorstring.ASNumber](64513)},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(`
terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  as_number                 = 65000
  node_to_node_mesh_enabled = true
}`)})
	const summary = `Taking Over the Existing BGPConfiguration "default"`
	var found bool
	for _, d := range cli.PlanWarningDiagnostics() {
		if d.Summary != summary {
			continue
		}
		found = true
		if d.Address != "calico_bgp_configuration.default" {
			t.Errorf("the warning is on %q, want calico_bgp_configuration.default", d.Address)
		}
		cleared, replaced, _ := strings.Cut(d.Detail, "Replaced:")
		for _, want := range []string{`log_severity_screen (stored: "Warning")`, "listen_port (stored: 1790)"} {
			if !strings.Contains(cleared, want) {
				t.Errorf("the warning's cleared fields lack %s:\n%s", want, d.Detail)
			}
		}
		if !strings.Contains(replaced, "as_number (stored: 64513)") {
			t.Errorf("the warning's replaced fields lack as_number:\n%s", d.Detail)
		}
		if strings.Contains(d.Detail, "node_to_node_mesh_enabled") {
			t.Errorf("the warning names node_to_node_mesh_enabled, which keeps its stored value:\n%s", d.Detail)
		}
	}
	if !found {
		t.Fatalf("the plan has no warning %q", summary)
	}
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	for _, d := range cli.PlanWarningDiagnostics() {
		if d.Summary == summary {
			t.Errorf("a plan after the takeover still warns: %s", d.Detail)
		}
	}
}

// Per-node overrides: allowed fields only, and an existing one is not silently adopted.
func TestAccBGPConfiguration_node(t *testing.T) {
	acctest.Cluster(t)
	const name = "node.acc-node-1"
	deleteBGPConfiguration(t, name)
	config := fmt.Sprintf(`
resource "calico_bgp_configuration" "node" {
  name                = %q
  log_severity_screen = "Warning"
  listen_port         = 1179
  bind_mode           = "None"
  ignored_interfaces  = ["vxlan*"]
  communities         = [{ name = "edge", value = "4200000000:1:2" }]
  prefix_advertisements = [{ cidr = "192.0.2.0/24", communities = ["edge"] }]
}`, name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(acctest.Calico(t).BGPConfigurations(), name),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: expectSpec(bgpConfigurations(t), name, v3.BGPConfigurationSpec{
					LogSeverityScreen:              "Warning",
					ListenPort:                     1179,
					BindMode:                       ptr.To(v3.BindModeNone),
					IgnoredInterfaces:              []string{"vxlan*"},
					Communities:                    []v3.Community{{Name: "edge", Value: "4200000000:1:2"}},
					PrefixAdvertisements:           []v3.PrefixAdvertisement{{CIDR: "192.0.2.0/24", Communities: []string{"edge"}}},
					ServiceLoadBalancerAggregation: acctest.CRDDefault(t, v3.ServiceLoadBalancerAggregationEnabled),
				}),
			},
			{
				ResourceName: "calico_bgp_configuration.node", ImportState: true, ImportStateId: name,
				ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name",
			},
			{
				// Renaming replaces: the old object must not be orphaned.
				Config: `
resource "calico_bgp_configuration" "node" {
  name        = "node.acc-node-2"
  listen_port = 1179
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("calico_bgp_configuration.node", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(*terraform.State) error {
					if err := acctest.Gone(acctest.Calico(t).BGPConfigurations(), name); err != nil {
						return fmt.Errorf("renaming orphaned the old object: %w", err)
					}
					_, err := getBGPConfiguration(t, "node.acc-node-2")
					return err
				},
			},
		},
	})
}

func TestAccBGPConfiguration_existingNodeObjectIsNotAdopted(t *testing.T) {
	acctest.Cluster(t)
	const name = "node.acc-node-3"
	acctest.Create(t, bgpConfigurations(t), &v3.BGPConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v3.BGPConfigurationSpec{ListenPort: 2000},
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf(`resource "calico_bgp_configuration" "n" { name = %q }`, name),
			ExpectError: regexp.MustCompile(`BGPConfiguration Already Exists[\s\S]*import it`),
		}},
	})
	got, err := getBGPConfiguration(t, name)
	if err != nil || got.Spec.ListenPort != 2000 {
		t.Fatalf("the existing object was changed: %+v, %v", got, err)
	}
}

// Every Calico rule fails the plan on its attribute, and nothing reaches the server.
func TestAccBGPConfiguration_invalid(t *testing.T) {
	acctest.Cluster(t)
	cases := []acctest.InvalidCase{
		{Name: "default-only asn", Body: `name = "node.x"` + "\n" + `as_number = 64512`,
			Summary: "Attribute Only Allowed on the Default BGPConfiguration", Attribute: "as_number",
			Valid: `name = "default"` + "\n" + `as_number = 64512`},
		{Name: "default-only mesh", Body: `name = "node.x"` + "\n" + `node_to_node_mesh_enabled = false`,
			Summary: "Attribute Only Allowed on the Default BGPConfiguration", Attribute: "node_to_node_mesh_enabled",
			Valid: `name = "default"` + "\n" + `node_to_node_mesh_enabled = false`},
		{Name: "default-only svc", Body: `name = "node.x"` + "\n" + `service_cluster_ips = ["10.96.0.0/12"]`,
			Summary: "Attribute Only Allowed on the Default BGPConfiguration", Attribute: "service_cluster_ips",
			Valid: `name = "default"` + "\n" + `service_cluster_ips = ["10.96.0.0/12"]`},
		{Name: "asn format", Body: `name = "default"` + "\n" + `as_number = "1.70000"`,
			Summary: "Invalid AS Number", Attribute: "as_number",
			Valid: `name = "default"` + "\n" + `as_number = "1.65535"`},
		{Name: "asn zero", Body: `name = "default"` + "\n" + `as_number = 0`,
			Summary: "Invalid AS Number", Attribute: "as_number",
			Valid: `name = "default"` + "\n" + `as_number = 1`},
		{Name: "asn range", Body: `name = "default"` + "\n" + `as_number = 4294967296`,
			Summary: "Invalid AS Number", Attribute: "as_number",
			Valid: `name = "default"` + "\n" + `as_number = 4294967295`},
		{Name: "community 16 bit", Body: `name = "default"` + "\n" + `communities = [{ name = "a", value = "65536:1" }]` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.0/8", communities = ["a"] }]`,
			Summary: "Invalid Community Value", Attribute: "communities[0].value",
			Valid: `name = "default"` + "\n" + `communities = [{ name = "a", value = "65535:1" }]` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.0/8", communities = ["a"] }]`},
		{Name: "community 32 bit", Body: `name = "default"` + "\n" + `communities = [{ name = "a", value = "1:1:4294967296" }]` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.0/8", communities = ["a"] }]`,
			Summary: "Invalid Community Value", Attribute: "communities[0].value",
			Valid: `name = "default"` + "\n" + `communities = [{ name = "a", value = "1:1:4294967295" }]` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.0/8", communities = ["a"] }]`},
		{Name: "community shape", Body: `name = "default"` + "\n" + `communities = [{ name = "a", value = "1-2" }]` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.0/8", communities = ["a"] }]`,
			Summary: "Invalid Community Value", Attribute: "communities[0].value",
			Valid: `name = "default"` + "\n" + `communities = [{ name = "a", value = "1:2" }]` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.0/8", communities = ["a"] }]`},
		{Name: "community unused", Body: `name = "default"` + "\n" + `communities = [{ name = "a", value = "1:2" }]`,
			Summary: "Communities Not Used", Attribute: "communities",
			Valid: `name = "default"` + "\n" + `communities = [{ name = "a", value = "1:2" }]` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.0/8", communities = ["a"] }]`},
		{Name: "community undefined", Body: `name = "default"` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.0/8", communities = ["nope"] }]`,
			Summary: "Undefined Community", Attribute: "prefix_advertisements[0].communities[0]",
			Valid: `name = "default"` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.0/8", communities = ["1:1"] }]`},
		{Name: "mesh password", Body: `name = "default"` + "\n" + `node_to_node_mesh_enabled = false` + "\n" + `node_mesh_password_secret_ref = { name = "s", key = "k" }`,
			Summary: "Mesh Password Without a Mesh", Attribute: "node_mesh_password_secret_ref",
			Valid: `name = "default"` + "\n" + `node_to_node_mesh_enabled = true` + "\n" + `node_mesh_password_secret_ref = { name = "s", key = "k" }`},
		{Name: "mesh restart", Body: `name = "default"` + "\n" + `node_to_node_mesh_enabled = false` + "\n" + `node_mesh_max_restart_time = "120s"`,
			Summary: "Mesh Restart Time Without a Mesh", Attribute: "node_mesh_max_restart_time",
			Valid: `name = "default"` + "\n" + `node_mesh_max_restart_time = "120s"`},
		{Name: "duration", Body: `name = "default"` + "\n" + `node_mesh_max_restart_time = "2 minutes"`,
			Summary: "Invalid Duration", Attribute: "node_mesh_max_restart_time",
			Valid: `name = "default"` + "\n" + `node_mesh_max_restart_time = "2m"`},
		{Name: "mesh check timeout", Body: `name = "default"` + "\n" + `mesh_disable_check = { timeout = "-1m" }`,
			Summary: "Invalid Duration", Attribute: "mesh_disable_check.timeout",
			Valid: `name = "default"` + "\n" + `mesh_disable_check = { timeout = "0s" }`},
		{Name: "mesh check sessions", Body: `name = "default"` + "\n" + `mesh_disable_check = { min_established_sessions = -1 }`,
			Summary: "Invalid Attribute Value", Attribute: "mesh_disable_check.min_established_sessions",
			Valid: `name = "default"` + "\n" + `mesh_disable_check = { min_established_sessions = 0 }`},
		{Name: "mesh check selector", Body: `name = "default"` + "\n" + `mesh_disable_check = { node_selector = "rack = 'r1'" }`,
			Summary: "Invalid Selector", Attribute: "mesh_disable_check.node_selector",
			Valid: `name = "default"` + "\n" + `mesh_disable_check = { node_selector = "rack == 'r1'" }`},
		{Name: "interface", Body: `name = "default"` + "\n" + `ignored_interfaces = ["*"]`,
			Summary: "Invalid Interface Name", Attribute: "ignored_interfaces[0]",
			Valid: `name = "default"` + "\n" + `ignored_interfaces = ["eth*"]`},
		{Name: "interface length", Body: `name = "default"` + "\n" + `ignored_interfaces = ["abcdefghijklmnop"]`,
			Summary: "Invalid Interface Name", Attribute: "ignored_interfaces[0]",
			Valid: `name = "default"` + "\n" + `ignored_interfaces = ["abcdefghijklmno"]`},
		{Name: "cidr host bits", Body: `name = "default"` + "\n" + `service_cluster_ips = ["10.96.0.1/12"]`,
			Summary: "Invalid CIDR", Attribute: "service_cluster_ips[0]",
			Valid: `name = "default"` + "\n" + `service_cluster_ips = ["10.96.0.0/12"]`},
		{Name: "cidr", Body: `name = "default"` + "\n" + `service_external_ips = ["not-a-cidr"]`,
			Summary: "Invalid CIDR", Attribute: "service_external_ips[0]",
			Valid: `name = "default"` + "\n" + `service_external_ips = ["198.51.100.0/24"]`},
		{Name: "prefix cidr", Body: `name = "default"` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.1/8", communities = ["1:1"] }]`,
			Summary: "Invalid CIDR", Attribute: "prefix_advertisements[0].cidr",
			Valid: `name = "default"` + "\n" + `prefix_advertisements = [{ cidr = "10.0.0.0/8", communities = ["1:1"] }]`},
		{Name: "log level", Body: `name = "default"` + "\n" + `log_severity_screen = "info"`,
			Summary: "Invalid Attribute Value Match", Attribute: "log_severity_screen",
			Valid: `name = "default"` + "\n" + `log_severity_screen = "Info"`},
		{Name: "port", Body: `name = "default"` + "\n" + `listen_port = 65536`,
			Summary: "Invalid Attribute Value", Attribute: "listen_port",
			Valid: `name = "default"` + "\n" + `listen_port = 65535`},
		{Name: "ipv4", Body: `name = "default"` + "\n" + `local_workload_peering_ipv4 = "fe80::1"`,
			Summary: "Invalid IPv4 Address", Attribute: "local_workload_peering_ipv4",
			Valid: `name = "default"` + "\n" + `local_workload_peering_ipv4 = "::ffff:169.254.0.1"`},
		{Name: "ipv6", Body: `name = "default"` + "\n" + `local_workload_peering_ipv6 = "::ffff:169.254.0.1"`,
			Summary: "Invalid IPv6 Address", Attribute: "local_workload_peering_ipv6",
			Valid: `name = "default"` + "\n" + `local_workload_peering_ipv6 = "fe80::1"`},
		{Name: "name", Body: `name = "Node.X"`,
			Summary: "Invalid Name", Attribute: "name",
			Valid: `name = "global"`},
	}
	rec := &acctest.DiagnosticRecorder{}
	steps := acctest.InvalidCaseSteps(t, rec, acctest.ResourceBlock("calico_bgp_configuration", ""), cases)
	// A bind mode calico-node does not know is stored by Calico (and means "None"): it plans, with
	// a warning.
	steps = append(steps, resource.TestStep{PlanOnly: true, ExpectNonEmptyPlan: true,
		Config: "resource \"calico_bgp_configuration\" \"bind_mode\" {\n  name = \"node.x\"\n  bind_mode = \"All\"\n}\n"})
	before, _ := getBGPConfiguration(t, "default")
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: rec.Factories(), Steps: steps})
	after, _ := getBGPConfiguration(t, "default")
	if before != nil && after != nil && before.ResourceVersion != after.ResourceVersion {
		t.Fatal("an invalid configuration changed the default BGPConfiguration")
	}
	if _, err := getBGPConfiguration(t, "node.x"); !apierrors.IsNotFound(err) {
		t.Fatalf("an invalid configuration created node.x (err=%v)", err)
	}
}

func TestAccBGPConfiguration_importErrors(t *testing.T) {
	acctest.Cluster(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        `resource "calico_bgp_configuration" "n" { name = "node.acc-import" }`,
				ResourceName:  "calico_bgp_configuration.n",
				ImportState:   true,
				ImportStateId: "Node_1",
				ExpectError:   regexp.MustCompile(`Invalid Import ID[\s\S]*by its name`),
			},
			{
				Config:        `resource "calico_bgp_configuration" "n" { name = "node.acc-import" }`,
				ResourceName:  "calico_bgp_configuration.n",
				ImportState:   true,
				ImportStateId: "node.acc-import",
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

// Import blocks by identity need Terraform 1.12; older versions skip this test.
func TestAccBGPConfiguration_importByIdentity(t *testing.T) {
	acctest.Cluster(t)
	const name = "node.acc-identity"
	deleteBGPConfiguration(t, name)
	config := fmt.Sprintf(`resource "calico_bgp_configuration" "n" {
  name        = %q
  listen_port = 1790
}`, name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("calico_bgp_configuration.n", map[string]knownvalue.Check{
						"name": knownvalue.StringExact(name),
					}),
				},
			},
			{
				Config:          config,
				ResourceName:    "calico_bgp_configuration.n",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// Destroying the default BGPConfiguration with the mesh off brings Calico's default, the full
// mesh, back: the destroy plan says so. With the mesh on (or for a per-node object) it does not.
func TestAccBGPConfiguration_destroyWarnsOfTheMesh(t *testing.T) {
	acctest.Cluster(t)
	deleteBGPConfiguration(t, "default")
	const warning = "Destroying Turns the Node-to-Node Mesh Back On"
	config := func(mesh bool) []byte {
		return fmt.Appendf(nil, `
terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = %t
}
resource "calico_bgp_configuration" "node" {
  name                = "node.acc-destroy-warning"
  log_severity_screen = "Debug"
}`, mesh)
	}
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": config(false)})
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	if got := cli.DestroyPlanWarnings(); !slices.Equal(got, []string{warning}) {
		t.Errorf("destroy plan warnings with the mesh off = %q, want exactly one %q", got, warning)
	}
	cli.WriteFile("main.tf", config(true))
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	if got := cli.DestroyPlanWarnings(); len(got) != 0 {
		t.Errorf("destroy plan warnings with the mesh on = %q, want none", got)
	}
}
