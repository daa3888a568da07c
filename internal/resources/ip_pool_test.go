package resources_test

import (
	"context"
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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

func ipPools(t *testing.T) acctest.Objects[*v3.IPPool] {
	return acctest.Calico(t).IPPools()
}

func expectIPPoolSpec(t *testing.T, name string, want v3.IPPoolSpec) resource.TestCheckFunc {
	return acctest.CheckStored(ipPools(t), name, func(o *v3.IPPool) v3.IPPoolSpec { return o.Spec }, want)
}

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
			{Config: ipPoolConfig("Always", "Never"), Check: expectIPPoolSpec(t, name, poolSpec("10.244.0.0/16", 26, nat(v3.IPIPModeAlways, v3.VXLANModeNever)))},
			{Config: ipPoolConfig("Always", "Never"), PlanOnly: true},
			{Config: ipPoolConfig("Never", "Never"), ConfigPlanChecks: inPlace, Check: expectIPPoolSpec(t, name, poolSpec("10.244.0.0/16", 26, nat(v3.IPIPModeNever, v3.VXLANModeNever)))},
			{Config: ipPoolConfig("Never", "CrossSubnet"), ConfigPlanChecks: inPlace, Check: expectIPPoolSpec(t, name, poolSpec("10.244.0.0/16", 26, nat(v3.IPIPModeNever, v3.VXLANModeCrossSubnet)))},
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
				Check: expectIPPoolSpec(t, name, poolSpec("10.244.0.0/16", 26, nat(v3.IPIPModeNever, v3.VXLANModeCrossSubnet))),
			},
			{
				PreConfig: func() { acctest.Delete(t, ipPools(t), name) },
				Config:    ipPoolConfig("Never", "CrossSubnet"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
			},
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
				Check:  expectIPPoolSpec(t, "acc-pool-min", poolSpec("10.245.0.0/16", 26, nil)),
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
				Check: expectIPPoolSpec(t, "acc-pool-min", poolSpec("10.245.0.0/16", 26, func(s *v3.IPPoolSpec) {
					s.IPIPMode, s.Disabled, s.DisableBGPExport = v3.IPIPModeCrossSubnet, true, true
					s.NodeSelector, s.NamespaceSelector = "rack == 'r1'", "tenant == 'a'"
					s.AllowedUses, s.AssignmentMode = []v3.IPPoolAllowedUse{v3.IPPoolAllowedUseWorkload}, ptr.To(v3.Manual)
				})),
			},
			{
				// Back to the minimal configuration: every attribute returns to Calico's default.
				Config:           minimal,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}},
				Check:            expectIPPoolSpec(t, "acc-pool-min", poolSpec("10.245.0.0/16", 26, nil)),
			},
			{
				Config: `
resource "calico_ip_pool" "p" {
  name       = "acc-pool-min"
  cidr       = "10.245.0.0/16"
  block_size = 28
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check:            expectIPPoolSpec(t, "acc-pool-min", poolSpec("10.245.0.0/16", 28, nil)),
			},
			{
				// An IPv6 pool written in a non-canonical form: Calico normalises it, with no diff.
				Config: `
resource "calico_ip_pool" "p" {
  name = "acc-pool-v6"
  cidr = "fd00:0:245::/64"
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)}},
				Check:            expectIPPoolSpec(t, "acc-pool-v6", poolSpec("fd00:0:245::/64", 122, nil)),
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
			{Config: config(`"LoadBalancer"`), Check: expectIPPoolSpec(t, name, poolSpec("198.51.100.0/24", 32, func(s *v3.IPPoolSpec) {
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
	cases := map[string]struct{ body, want string }{
		"single address":   {`cidr = "10.246.0.1"`, `Invalid CIDR`},
		"host bits":        {`cidr = "10.246.0.1/16"`, `host bits set`},
		"link local":       {`cidr = "169.254.0.0/16"`, `Pool Overlaps Link-Local`},
		"v6 link local":    {`cidr = "fe80::/64"`, `Pool Overlaps Link-Local`},
		"v4 block small":   {`cidr = "10.246.0.0/16"` + "\n" + `block_size = 19`, `block_size`},
		"v4 block big":     {`cidr = "10.246.0.0/16"` + "\n" + `block_size = 33`, `Invalid Block Size`},
		"v6 block":         {`cidr = "fd00:246::/64"` + "\n" + `block_size = 64`, `Invalid Block Size`},
		"pool below block": {`cidr = "10.246.0.0/28"` + "\n" + `block_size = 26`, `Pool Smaller Than a Block`},
		"ipip on v6":       {`cidr = "fd00:246::/64"` + "\n" + `ipip_mode = "Always"`, `IPIP on an IPv6 Pool`},
		"ipip and vxlan":   {`cidr = "10.246.0.0/16"` + "\n" + `ipip_mode = "Always"` + "\n" + `vxlan_mode = "CrossSubnet"`, `Both IPIP and VXLAN Enabled`},
		"mode value":       {`cidr = "10.246.0.0/16"` + "\n" + `ipip_mode = "always"`, `ipip_mode`},
		"selector":         {`cidr = "10.246.0.0/16"` + "\n" + `node_selector = "rack = 'r1'"`, `Invalid Selector`},
		"global selector":  {`cidr = "10.246.0.0/16"` + "\n" + `node_selector = "global()"`, `global\(\) Not Allowed Here`},
		"use value":        {`cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["Pods"]`, `allowed_uses`},
		"use duplicate":    {`cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["Workload", "Workload"]`, `allowed_uses`},
		"lb mixed":         {`cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer", "Workload"]`, `LoadBalancer Pool Mixed`},
		"lb encapsulated":  {`cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer"]` + "\n" + `vxlan_mode = "Always"`, `Encapsulation on a LoadBalancer Pool`},
		"lb no export":     {`cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer"]` + "\n" + `disable_bgp_export = true`, `LoadBalancer Pool Not Advertised`},
		"lb some nodes":    {`cidr = "10.246.0.0/16"` + "\n" + `allowed_uses = ["LoadBalancer"]` + "\n" + `node_selector = "has(lb)"`, `LoadBalancer Pool Limited`},
		"tunnel namespace": {`cidr = "10.246.0.0/16"` + "\n" + `namespace_selector = "all()"`, `Namespace Selector on a Tunnel Pool`},
		"assignment":       {`cidr = "10.246.0.0/16"` + "\n" + `assignment_mode = "Auto"`, `assignment_mode`},
	}
	steps := acctest.PlanErrorSteps(planErrors(cases, "resource \"calico_ip_pool\" \"bad\" {\n  name = \"acc-invalid-pool\"\n  %s\n}\n"))
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	if err := acctest.Gone(ipPools(t), "acc-invalid-pool"); err != nil {
		t.Fatal("an invalid configuration reached the server: ", err)
	}
}

// Pools the Tigera operator reconciles are never written: creating over one, updating and
// destroying one fail before any write; importing one works and warns.
func TestAccIPPool_operatorManagedIsNotWritten(t *testing.T) {
	acctest.Cluster(t)
	const name, summary = "acc-operator-pool", "IPPool Managed by the Tigera Operator"
	acctest.Delete(t, ipPools(t), name)
	pool := v3.NewIPPool()
	pool.Name = name
	pool.Labels = map[string]string{"app.kubernetes.io/managed-by": "tigera-operator"}
	pool.Spec = poolSpec("10.248.0.0/16", 26, nil)
	if _, err := ipPools(t).Create(context.Background(), pool, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { acctest.Delete(t, ipPools(t), name) })
	unchanged := expectIPPoolSpec(t, name, poolSpec("10.248.0.0/16", 26, nil))
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
