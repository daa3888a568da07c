package resources_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// poolSpec is what Calico stores for a pool with the given changes to its defaults.
func poolSpec(cidr string, blockSize int, change func(*v3.IPPoolSpec)) v3.IPPoolSpec {
	s := v3.IPPoolSpec{
		CIDR: cidr, BlockSize: blockSize, IPIPMode: v3.IPIPModeNever, VXLANMode: v3.VXLANModeNever,
		NodeSelector: "all()", AllowedUses: []v3.IPPoolAllowedUse{v3.IPPoolAllowedUseWorkload, v3.IPPoolAllowedUseTunnel},
		AssignmentMode: ptr.To(v3.Automatic),
	}
	if change != nil {
		change(&s)
	}
	return s
}

func ipPoolConfig(ipipMode, vxlanMode string) string {
	return fmt.Sprintf(`
resource "calico_ip_pool" "default" {
  name          = "acc-default-ipv4-ippool"
  cidr          = "10.244.0.0/16"
  ipip_mode     = %q
  vxlan_mode    = %q
  nat_outgoing  = true
  block_size    = 26
  node_selector = "all()"
}`, ipipMode, vxlanMode)
}

// The seeds' move from an IPIP overlay to native BGP routing, and to VXLAN, all in place.
func TestAccIPPool_encapsulationSwitch(t *testing.T) {
	acctest.Cluster(t)
	const name, addr = "acc-default-ipv4-ippool", "calico_ip_pool.default"
	acctest.Delete(t, ipPools(t), name)
	inPlace := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}}
	nat := func(mode v3.IPIPMode, vx v3.VXLANMode) func(*v3.IPPoolSpec) {
		return func(s *v3.IPPoolSpec) { s.NATOutgoing, s.IPIPMode, s.VXLANMode = true, mode, vx }
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(ipPools(t), name),
		Steps: []resource.TestStep{
			{Config: ipPoolConfig("Always", "Never"), Check: expectSpec(ipPools(t), name, poolSpec("10.244.0.0/16", 26, nat(v3.IPIPModeAlways, v3.VXLANModeNever)))},
			{Config: ipPoolConfig("Always", "Never"), PlanOnly: true},
			{Config: ipPoolConfig("Never", "Never"), ConfigPlanChecks: inPlace, Check: expectSpec(ipPools(t), name, poolSpec("10.244.0.0/16", 26, nat(v3.IPIPModeNever, v3.VXLANModeNever)))},
			{Config: ipPoolConfig("Never", "CrossSubnet"), ConfigPlanChecks: inPlace, Check: expectSpec(ipPools(t), name, poolSpec("10.244.0.0/16", 26, nat(v3.IPIPModeNever, v3.VXLANModeCrossSubnet)))},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name"},
			{
				// Out-of-band change back to IPIP: the plan restores the configured encapsulation.
				PreConfig: func() {
					acctest.Mutate(t, ipPools(t), name, func(o *v3.IPPool) { o.Spec.VXLANMode, o.Spec.IPIPMode = v3.VXLANModeNever, v3.IPIPModeAlways })
				},
				Config: ipPoolConfig("Never", "CrossSubnet"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("ipip_mode"), knownvalue.StringExact("Never")),
				}},
				Check: expectSpec(ipPools(t), name, poolSpec("10.244.0.0/16", 26, nat(v3.IPIPModeNever, v3.VXLANModeCrossSubnet))),
			},
			acctest.DeletedOutOfBandStep(t, ipPools(t), name, addr, ipPoolConfig("Never", "CrossSubnet")),
		},
	})
}

// Calico's defaults produce no diff, removing an attribute returns it to the default, and
// what cannot change in place replaces the pool.
func TestAccIPPool_defaultsAndReplacement(t *testing.T) {
	acctest.Cluster(t)
	const addr = "calico_ip_pool.p"
	acctest.Delete(t, ipPools(t), "acc-pool-min")
	acctest.Delete(t, ipPools(t), "acc-pool-v6")
	minimal := `
resource "calico_ip_pool" "p" {
  name = "acc-pool-min"
  cidr = "10.245.0.0/16"
}`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: minimal,
				Check:  expectSpec(ipPools(t), "acc-pool-min", poolSpec("10.245.0.0/16", 26, nil)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("block_size"), knownvalue.Int64Exact(26)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("allowed_uses"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("Workload"), knownvalue.StringExact("Tunnel")})),
				},
			},
			{Config: minimal, PlanOnly: true},
			{
				Config: `
resource "calico_ip_pool" "p" {
  name               = "acc-pool-min"
  cidr               = "10.245.0.0/16"
  block_size         = 26
  ipip_mode          = "CrossSubnet"
  disabled           = true
  disable_bgp_export = true
  node_selector      = "rack == 'r1'"
  namespace_selector = "tenant == 'a'"
  allowed_uses       = ["Workload"]
  assignment_mode    = "Manual"
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}},
				Check: expectSpec(ipPools(t), "acc-pool-min", poolSpec("10.245.0.0/16", 26, func(s *v3.IPPoolSpec) {
					s.IPIPMode, s.Disabled, s.DisableBGPExport = v3.IPIPModeCrossSubnet, true, true
					s.NodeSelector, s.NamespaceSelector = "rack == 'r1'", "tenant == 'a'"
					s.AllowedUses, s.AssignmentMode = []v3.IPPoolAllowedUse{v3.IPPoolAllowedUseWorkload}, ptr.To(v3.Manual)
				})),
			},
			{
				// Back to the minimal configuration: every attribute returns to Calico's default.
				Config:           minimal,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}},
				Check:            expectSpec(ipPools(t), "acc-pool-min", poolSpec("10.245.0.0/16", 26, nil)),
			},
			{
				Config: `
resource "calico_ip_pool" "p" {
  name       = "acc-pool-min"
  cidr       = "10.245.0.0/16"
  block_size = 28
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check:            expectSpec(ipPools(t), "acc-pool-min", poolSpec("10.245.0.0/16", 28, nil)),
			},
			{
				// An IPv6 pool written in a non-canonical form: Calico normalises it, with no diff.
				Config: `
resource "calico_ip_pool" "p" {
  name = "acc-pool-v6"
  cidr = "fd00:0:245::/64"
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check:            expectSpec(ipPools(t), "acc-pool-v6", poolSpec("fd00:0:245::/64", 122, nil)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cidr"), knownvalue.StringExact("fd00:0:245::/64")),
				},
			},
			{Config: `
resource "calico_ip_pool" "p" {
  name = "acc-pool-v6"
  cidr = "fd00:0:245::/64"
}`, PlanOnly: true},
		},
	})
}

func TestAccIPPool_loadBalancer(t *testing.T) {
	acctest.Cluster(t)
	const name, addr = "acc-pool-lb", "calico_ip_pool.lb"
	acctest.Delete(t, ipPools(t), name)
	config := func(uses string) string {
		return fmt.Sprintf(`
resource "calico_ip_pool" "lb" {
  name         = %q
  cidr         = "198.51.100.0/24"
  block_size   = 32
  allowed_uses = [%s]
}`, name, uses)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(ipPools(t), name),
		Steps: []resource.TestStep{
			{Config: config(`"LoadBalancer"`), Check: expectSpec(ipPools(t), name, poolSpec("198.51.100.0/24", 32, func(s *v3.IPPoolSpec) {
				s.AllowedUses = []v3.IPPoolAllowedUse{v3.IPPoolAllowedUseLoadBalancer}
			}))},
			{
				Config: config(`"Workload"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

func TestAccIPPool_invalid(t *testing.T) {
	acctest.Cluster(t)
	cases := []acctest.InvalidCase{
		{Name: "single address", Body: `cidr = "10.246.0.1"`,
			Summary: "Invalid CIDR", Attribute: "cidr",
			Valid: `cidr = "10.246.0.1/32"` + "\n" + `block_size = 32`},
		{Name: "host bits", Body: `cidr = "10.246.0.1/16"`,
			Summary: "Invalid CIDR", Attribute: "cidr",
			Valid: `cidr = "10.246.0.0/16"`},
		{Name: "link local", Body: `cidr = "169.254.0.0/16"`,
			Summary: "Pool Overlaps Link-Local Addresses", Attribute: "cidr",
			Valid: `cidr = "169.255.0.0/16"`},
		{Name: "v6 link local", Body: `cidr = "fe80::/64"`,
			Summary: "Pool Overlaps Link-Local Addresses", Attribute: "cidr",
			Valid: `cidr = "fe00::/64"`},
		{Name: "v4 block small", Body: `cidr = "10.246.0.0/16"` + "\n" + `block_size = 19`,
			Summary: "Invalid Block Size", Attribute: "block_size",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `block_size = 20`},
		{Name: "v4 block big", Body: `cidr = "10.246.0.0/16"` + "\n" + `block_size = 33`,
			Summary: "Invalid Block Size", Attribute: "block_size",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `block_size = 32`},
		{Name: "v6 block", Body: `cidr = "fd00:246::/64"` + "\n" + `block_size = 64`,
			Summary: "Invalid Block Size", Attribute: "block_size",
			Valid: `cidr = "fd00:246::/64"` + "\n" + `block_size = 116`},
		{Name: "pool below block", Body: `cidr = "10.246.0.0/28"` + "\n" + `block_size = 26`,
			Summary: "Pool Smaller Than a Block", Attribute: "block_size",
			Valid: `cidr = "10.246.0.0/28"` + "\n" + `block_size = 28`},
		{Name: "pool below default block", Body: `cidr = "10.246.0.0/28"`,
			Summary: "Calico Would Reject This IPPool", Attribute: "cidr",
			Valid: `cidr = "10.246.0.0/26"`},
		{Name: "ipip on v6", Body: `cidr = "fd00:246::/64"` + "\n" + `ipip_mode = "Always"`,
			Summary: "IPIP on an IPv6 Pool", Attribute: "ipip_mode",
			Valid: `cidr = "fd00:246::/64"` + "\n" + `vxlan_mode = "Always"`},
		{Name: "ipip and vxlan", Body: `cidr = "10.246.0.0/16"` + "\n" + `ipip_mode = "Always"` + "\n" + `vxlan_mode = "CrossSubnet"`,
			Summary: "Both IPIP and VXLAN Enabled", Attribute: "vxlan_mode",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `ipip_mode = "Always"` + "\n" + `vxlan_mode = "Never"`},
		{Name: "mode value", Body: `cidr = "10.246.0.0/16"` + "\n" + `ipip_mode = "always"`,
			Summary: "Invalid Attribute Value Match", Attribute: "ipip_mode",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `ipip_mode = "Always"`},
		{Name: "selector", Body: `cidr = "10.246.0.0/16"` + "\n" + `node_selector = "rack = 'r1'"`,
			Summary: "Invalid Selector", Attribute: "node_selector",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `node_selector = "rack == 'r1'"`},
		{Name: "global selector", Body: `cidr = "10.246.0.0/16"` + "\n" + `node_selector = "global()"`,
			Summary: "global() Not Allowed Here", Attribute: "node_selector",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `node_selector = "all()"`},
		{Name: "use value", Body: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["Pods"]`,
			Summary: "Invalid Attribute Value Match", Attribute: "allowed_uses[0]",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["Tunnel"]`},
		{Name: "lb mixed", Body: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer", "Workload"]`,
			Summary: "LoadBalancer Pool Mixed With Other Uses", Attribute: "allowed_uses",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer"]`},
		{Name: "lb encapsulated", Body: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer"]` + "\n" + `vxlan_mode = "Always"`,
			Summary: "Encapsulation on a LoadBalancer Pool", Attribute: "allowed_uses",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer"]` + "\n" + `vxlan_mode = "Never"`},
		{Name: "lb no export", Body: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer"]` + "\n" + `disable_bgp_export = true`,
			Summary: "LoadBalancer Pool Not Advertised", Attribute: "disable_bgp_export",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer"]` + "\n" + `disable_bgp_export = false`},
		{Name: "lb some nodes", Body: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer"]` + "\n" + `node_selector = "has(lb)"`,
			Summary: "LoadBalancer Pool Limited to Some Nodes", Attribute: "node_selector",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer"]` + "\n" + `node_selector = "all()"`},
		{Name: "tunnel namespace", Body: `cidr = "10.246.0.0/16"` + "\n" + `namespace_selector = "all()"`,
			Summary: "Namespace Selector on a Tunnel Pool", Attribute: "namespace_selector",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["Workload"]` + "\n" + `namespace_selector = "all()"`},
		{Name: "assignment", Body: `cidr = "10.246.0.0/16"` + "\n" + `assignment_mode = "Auto"`,
			Summary: "Invalid Attribute Value Match", Attribute: "assignment_mode",
			Valid: `cidr = "10.246.0.0/16"` + "\n" + `assignment_mode = "Automatic"`},
	}
	rec := &acctest.DiagnosticRecorder{}
	steps := acctest.InvalidCaseSteps(t, rec, acctest.ResourceBlock("calico_ip_pool", "acc-invalid-pool"), cases)
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: rec.Factories(), Steps: steps})
	if err := acctest.Gone(ipPools(t), "acc-invalid-pool"); err != nil {
		t.Fatal("an invalid configuration reached the server: ", err)
	}
}

// Pools the Tigera operator reconciles are never written: creating over one, updating and
// destroying one fail before any write; importing one works and warns.
func TestAccIPPool_operatorManagedIsNotWritten(t *testing.T) {
	acctest.Cluster(t)
	const name, summary = "acc-operator-pool", "IPPool Managed by the Tigera Operator"
	pool := v3.NewIPPool()
	pool.Name = name
	pool.Labels = map[string]string{"app.kubernetes.io/managed-by": "tigera-operator"}
	pool.Spec = poolSpec("10.248.0.0/16", 26, nil)
	acctest.Create(t, ipPools(t), pool)
	unchanged := expectSpec(ipPools(t), name, poolSpec("10.248.0.0/16", 26, nil))
	config := func(natOutgoing bool) string {
		return fmt.Sprintf(`
resource "calico_ip_pool" "p" {
  name         = %q
  cidr         = "10.248.0.0/16"
  nat_outgoing = %t
}`, name, natOutgoing)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(false), ExpectError: regexp.MustCompile(summary)},
			{Config: config(false), ResourceName: "calico_ip_pool.p", ImportState: true, ImportStateId: name, ImportStatePersist: true},
			{Config: config(true), ExpectError: regexp.MustCompile(`(?s)` + summary + `.*ipPools`)},
			{Config: `# nothing: the pool would be destroyed`, ExpectError: regexp.MustCompile(summary)},
			{Config: `
removed {
  from = calico_ip_pool.p
  lifecycle {
    destroy = false
  }
}`, Check: unchanged},
		},
	})
	if err := unchanged(nil); err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": fmt.Appendf(nil, `
terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
import {
  to = calico_ip_pool.p
  id = %q
}
%s`, name, config(false))})
	if got := cli.PlanWarnings(); !slices.Contains(got, summary) {
		t.Errorf("importing an operator pool warned %q, want %q", got, summary)
	}
}

// Calico's validator runs at plan time, but a rule that reads a value not known yet waits for
// the apply: here the pool's size against its block size, when the block size is unknown.
func TestAccIPPool_calicoRulesWaitForUnknowns(t *testing.T) {
	acctest.Cluster(t)
	config := func(blockSize string) string {
		return fmt.Sprintf(`
resource "terraform_data" "later" {}
resource "calico_ip_pool" "p" {
  name       = "acc-unknown-pool"
  cidr       = "10.246.0.0/28"
  block_size = %s
}`, blockSize)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config(`terraform_data.later.id == "" ? 28 : 26`), PlanOnly: true, ExpectNonEmptyPlan: true,
		}, {
			Config: config("26"), PlanOnly: true, ExpectError: regexp.MustCompile(`Pool Smaller Than a Block`),
		}},
	})
}
