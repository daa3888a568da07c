package resources_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

const bgpFilterFull = `
resource "calico_bgp_filter" "pods_only" {
  name      = "acc-export-pods"
  export_v4 = [
    { action = "Accept", cidr = "10.244.0.0/16", match_operator = "In" },
    { action = "Reject" },
  ]
  import_v4 = [
    { action = "Accept", cidr = "10.0.0.0/8", match_operator = "In", prefix_length = { min = 16, max = 24 } },
    { action = "Reject", source = "RemotePeers", interface = "eth*" },
  ]
  export_v6 = [
    { action = "Accept", cidr = "fd00:10:244::/48", match_operator = "Equal", prefix_length = { max = 64 } },
  ]
  import_v6 = [
    { action = "Reject", cidr = "fd00::/8", match_operator = "NotIn" },
  ]
}
`

const bgpFilterUpdated = `
resource "calico_bgp_filter" "pods_only" {
  name      = "acc-export-pods"
  export_v4 = [
    { action = "Reject", cidr = "10.244.99.0/24", match_operator = "Equal" },
    { action = "Accept", cidr = "10.244.0.0/16", match_operator = "In" },
  ]
  import_v6 = []
}
`

func TestAccBGPFilter_basic(t *testing.T) {
	acctest.Cluster(t)
	const name, addr = "acc-export-pods", "calico_bgp_filter.pods_only"
	acctest.Delete(t, bgpFilters(t), name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(bgpFilters(t), name),
		Steps: []resource.TestStep{
			{
				Config: bgpFilterFull,
				Check: expectSpec(bgpFilters(t), name, v3.BGPFilterSpec{
					ExportV4: []v3.BGPFilterRuleV4{
						{Action: v3.Accept, CIDR: "10.244.0.0/16", MatchOperator: v3.In},
						{Action: v3.Reject},
					},
					ImportV4: []v3.BGPFilterRuleV4{
						{Action: v3.Accept, CIDR: "10.0.0.0/8", MatchOperator: v3.In, PrefixLength: &v3.BGPFilterPrefixLengthV4{Min: ptr.To[int32](16), Max: ptr.To[int32](24)}},
						{Action: v3.Reject, Source: v3.BGPFilterSourceRemotePeers, Interface: "eth*"},
					},
					ExportV6: []v3.BGPFilterRuleV6{
						{Action: v3.Accept, CIDR: "fd00:10:244::/48", MatchOperator: v3.Equal, PrefixLength: &v3.BGPFilterPrefixLengthV6{Max: ptr.To[int32](64)}},
					},
					ImportV6: []v3.BGPFilterRuleV6{{Action: v3.Reject, CIDR: "fd00::/8", MatchOperator: v3.NotIn}},
				}),
			},
			{Config: bgpFilterFull, PlanOnly: true},
			{
				ResourceName: addr, ImportState: true, ImportStateId: name,
				ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name",
			},
			{
				Config: bgpFilterUpdated, // order matters: the first match decides
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: expectSpec(bgpFilters(t), name, v3.BGPFilterSpec{ExportV4: []v3.BGPFilterRuleV4{
					{Action: v3.Reject, CIDR: "10.244.99.0/24", MatchOperator: v3.Equal},
					{Action: v3.Accept, CIDR: "10.244.0.0/16", MatchOperator: v3.In},
				}}),
			},
			{Config: bgpFilterUpdated, PlanOnly: true},
			{
				PreConfig: func() {
					acctest.Mutate(t, bgpFilters(t), name, func(o *v3.BGPFilter) {
						o.Spec.ExportV4 = o.Spec.ExportV4[1:]
						o.Spec.ImportV4 = []v3.BGPFilterRuleV4{{Action: v3.Accept}}
					})
				},
				Config: bgpFilterUpdated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: expectSpec(bgpFilters(t), name, v3.BGPFilterSpec{ExportV4: []v3.BGPFilterRuleV4{
					{Action: v3.Reject, CIDR: "10.244.99.0/24", MatchOperator: v3.Equal},
					{Action: v3.Accept, CIDR: "10.244.0.0/16", MatchOperator: v3.In},
				}}),
			},
			acctest.DeletedOutOfBandStep(t, bgpFilters(t), name, addr, bgpFilterUpdated),
		},
	})
}

func TestAccBGPFilter_invalid(t *testing.T) {
	acctest.Cluster(t)
	cases := []acctest.InvalidCase{
		{Name: "cidr without operator", Body: `export_v4 = [{ action = "Accept", cidr = "10.0.0.0/8" }]`,
			Summary: "Invalid Attribute Combination", Attribute: "export_v4[0].cidr",
			Valid: `export_v4 = [{ action = "Accept", cidr = "10.0.0.0/8", match_operator = "In" }]`},
		{Name: "operator without cidr", Body: `export_v4 = [{ action = "Accept", match_operator = "In" }]`,
			Summary: "Invalid Attribute Combination", Attribute: "export_v4[0].match_operator",
			Valid: `export_v4 = [{ action = "Accept", match_operator = "In", cidr = "10.0.0.0/8" }]`},
		{Name: "length without cidr", Body: `export_v4 = [{ action = "Accept", prefix_length = { min = 24 } }]`,
			Summary: "Invalid Attribute Combination", Attribute: "export_v4[0].prefix_length",
			Valid: `export_v4 = [{ action = "Accept", prefix_length = { min = 24 }, cidr = "10.0.0.0/8", match_operator = "In" }]`},
		{Name: "v4 length range", Body: `export_v4 = [{ action = "Accept", cidr = "10.0.0.0/8", match_operator = "In", prefix_length = { max = 33 } }]`,
			Summary: "Invalid Attribute Value", Attribute: "export_v4[0].prefix_length.max",
			Valid: `export_v4 = [{ action = "Accept", cidr = "10.0.0.0/8", match_operator = "In", prefix_length = { max = 32 } }]`},
		{Name: "v6 length range", Body: `export_v6 = [{ action = "Accept", cidr = "fd00::/8", match_operator = "In", prefix_length = { max = 129 } }]`,
			Summary: "Invalid Attribute Value", Attribute: "export_v6[0].prefix_length.max",
			Valid: `export_v6 = [{ action = "Accept", cidr = "fd00::/8", match_operator = "In", prefix_length = { max = 128 } }]`},
		{Name: "v6 cidr in v4 list", Body: `export_v4 = [{ action = "Accept", cidr = "fd00::/8", match_operator = "In" }]`,
			Summary: "Invalid IPv4 CIDR", Attribute: "export_v4[0].cidr",
			Valid: `export_v6 = [{ action = "Accept", cidr = "fd00::/8", match_operator = "In" }]`},
		{Name: "v4 cidr in v6 list", Body: `import_v6 = [{ action = "Accept", cidr = "10.0.0.0/8", match_operator = "In" }]`,
			Summary: "Invalid IPv6 CIDR", Attribute: "import_v6[0].cidr",
			Valid: `import_v4 = [{ action = "Accept", cidr = "10.0.0.0/8", match_operator = "In" }]`},
		{Name: "host bits", Body: `export_v4 = [{ action = "Accept", cidr = "10.0.0.1/8", match_operator = "In" }]`,
			Summary: "Invalid IPv4 CIDR", Attribute: "export_v4[0].cidr",
			Valid: `export_v4 = [{ action = "Accept", cidr = "10.0.0.1/32", match_operator = "In" }]`},
		{Name: "interface", Body: `export_v4 = [{ action = "Accept", interface = "eth 0" }]`,
			Summary: "Invalid Interface Name", Attribute: "export_v4[0].interface",
			Valid: `export_v4 = [{ action = "Accept", interface = "eth0" }]`},
		{Name: "action", Body: `export_v4 = [{ action = "Drop" }]`,
			Summary: "Invalid Attribute Value Match", Attribute: "export_v4[0].action",
			Valid: `export_v4 = [{ action = "Reject" }]`},
		{Name: "operator", Body: `export_v4 = [{ action = "Accept", cidr = "10.0.0.0/8", match_operator = "Contains" }]`,
			Summary: "Invalid Attribute Value Match", Attribute: "export_v4[0].match_operator",
			Valid: `export_v4 = [{ action = "Accept", cidr = "10.0.0.0/8", match_operator = "NotEqual" }]`},
		{Name: "source", Body: `export_v4 = [{ action = "Accept", source = "Local" }]`,
			Summary: "Invalid Attribute Value Match", Attribute: "export_v4[0].source",
			Valid: `export_v4 = [{ action = "Accept", source = "RemotePeers" }]`},
		{Name: "action missing", Body: `export_v4 = [{ cidr = "10.0.0.0/8", match_operator = "In" }]`,
			Summary: "Incorrect attribute value type", ByTerraform: true,
			Valid: `export_v4 = [{ action = "Accept", cidr = "10.0.0.0/8", match_operator = "In" }]`},
	}
	rec := &acctest.DiagnosticRecorder{}
	steps := acctest.InvalidCaseSteps(t, rec, acctest.ResourceBlock("calico_bgp_filter", "acc-invalid"), cases)
	steps = append(steps, acctest.InvalidCaseSteps(t, rec, acctest.ResourceBlock("calico_bgp_filter", ""), []acctest.InvalidCase{{Name: "name", Body: `name = "Not_Valid"`, Summary: "Invalid Name", Attribute: "name", Valid: `name = "not-valid.x"`}})...)
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: rec.Factories(), Steps: steps})
	if err := acctest.Gone(bgpFilters(t), "acc-invalid"); err != nil {
		t.Fatal("an invalid configuration reached the server: ", err)
	}
}

// Prefix lengths that do not do what they seem to are Calico's to store: the provider warns
// (TestBGPFilterPrefixLengthsJudgedByCalico pins the warnings) and writes them as they are.
func TestAccBGPFilter_prefixLengthsCalicoStores(t *testing.T) {
	acctest.Cluster(t)
	const name = "acc-lengths-calico-stores"
	acctest.Delete(t, bgpFilters(t), name)
	want := v3.BGPFilterSpec{ImportV4: []v3.BGPFilterRuleV4{
		{Action: v3.Accept, CIDR: "10.0.0.0/16", MatchOperator: v3.In, PrefixLength: &v3.BGPFilterPrefixLengthV4{Min: ptr.To[int32](8)}},
		{Action: v3.Accept, CIDR: "10.1.0.0/16", MatchOperator: v3.In, PrefixLength: &v3.BGPFilterPrefixLengthV4{Min: ptr.To[int32](28), Max: ptr.To[int32](24)}},
	}}
	check := expectSpec(bgpFilters(t), name, want)
	if acctest.Cluster(t).Mode != testenv.ModeV3CRDs { // calicoctl 3.31 cannot read native v3 CRDs
		check = resource.ComposeTestCheckFunc(check,
			acctest.CheckCalicoctlStored(t, "bgpfilter", name, func(o *v3.BGPFilter) v3.BGPFilterSpec { return o.Spec }, want))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(bgpFilters(t), name),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`resource "calico_bgp_filter" "f" {
  name      = %q
  import_v4 = [
    { action = "Accept", cidr = "10.0.0.0/16", match_operator = "In", prefix_length = { min = 8 } },
    { action = "Accept", cidr = "10.1.0.0/16", match_operator = "In", prefix_length = { min = 28, max = 24 } },
  ]
}`, name),
				Check: check,
			},
		},
	})
}
