package resources_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// newerAttributeCase sets one attribute that a Calico release after the oldest supported one
// brought, on a resource that is otherwise valid on every supported release.
type newerAttributeCase struct {
	kind      string // the Calico kind, whose registry entry dates the field
	field     string // the field's path in the registry
	value     string // the registry's value, for a value that came later than its field
	attribute string // where the diagnostic must be
	block     string // the resource block
}

// The resources the cases set a newer attribute on, each otherwise valid on every release.
func releaseFilter(rule string) string {
	return fmt.Sprintf(`resource "calico_bgp_filter" "f" {
  name      = "acc-release-filter"
  export_v4 = [{ action = "Reject", cidr = "10.0.0.0/8", match_operator = "In", %s }]
}`, rule)
}

func releaseDefaultConfig(attribute string) string {
	return fmt.Sprintf("resource \"calico_bgp_configuration\" \"c\" {\n  name = \"default\"\n  %s\n}", attribute)
}

func releasePeer(attributes string) string {
	return fmt.Sprintf("resource \"calico_bgp_peer\" \"p\" {\n  name = \"acc-release-peer\"\n  as_number = 65001\n  %s\n}", attributes)
}

func releasePool(cidr, attributes string) string {
	return fmt.Sprintf("resource \"calico_ip_pool\" \"p\" {\n  name = \"acc-release-pool\"\n  cidr = %q\n  %s\n}", cidr, attributes)
}

const torPeerIP = `peer_ip = "172.20.0.254"` + "\n  "

var newerAttributeCases = []newerAttributeCase{
	{"BGPFilter", "spec.exportV4[].prefixLength", "", "export_v4[0].prefix_length", releaseFilter("prefix_length = { min = 24 }")},
	{"BGPConfiguration", "spec.localWorkloadPeeringIPV4", "", "local_workload_peering_ipv4",
		releaseDefaultConfig(`local_workload_peering_ipv4 = "169.254.0.179"`)},
	{"BGPConfiguration", "spec.serviceLoadBalancerAggregation", "", "service_load_balancer_aggregation",
		releaseDefaultConfig(`service_load_balancer_aggregation = "Disabled"`)},
	{"BGPPeer", "spec.localWorkloadSelector", "", "local_workload_selector", releasePeer(`local_workload_selector = "app == 'lb'"`)},
	{"BGPPeer", "spec.nextHopMode", "", "next_hop_mode", releasePeer(torPeerIP + `next_hop_mode = "Self"`)},
	{"BGPPeer", "spec.reversePeering", "", "reverse_peering", releasePeer(torPeerIP + `reverse_peering = "Manual"`)},
	{"BGPPeer", "spec.localASNumber", "", "local_as_number", releasePeer(torPeerIP + `local_as_number = "65002"`)},
	{"IPPool", "spec.assignmentMode", "", "assignment_mode", releasePool("10.98.0.0/16", `assignment_mode = "Manual"`)},
	{"IPPool", "spec.allowedUses", "LoadBalancer", "allowed_uses[0]", releasePool("203.0.113.0/24", `allowed_uses = ["LoadBalancer"]`+"\n  "+`block_size = 32`)},
	{"IPPool", "spec.namespaceSelector", "", "namespace_selector",
		releasePool("10.98.0.0/16", `allowed_uses = ["Workload"]`+"\n  "+`namespace_selector = "tenant == 'a'"`)},
}

// since is when the registry says the case's field came.
func (c newerAttributeCase) since(t *testing.T) calico.Since {
	t.Helper()
	kind, ok := calico.KindNamed(c.kind)
	i := slices.IndexFunc(kind.Fields, func(f calico.FieldSince) bool { return f.Path == c.field && f.Value == c.value })
	if !ok || i < 0 {
		t.Fatalf("the registry does not date %s %s %s", c.kind, c.field, c.value)
	}
	return kind.Fields[i].Since
}

// On each older release, a plan that sets an attribute the release lacks fails at plan time on
// that attribute, naming the release that brought it and the one the cluster runs, and writes
// nothing; one that sets an attribute the release has applies and plans empty after. Where the
// test cluster runs the pinned release only (the Calico API server, native v3 CRDs), its
// ClusterInformation reports the older release, which is what the provider reads there too.
func TestAccRelease_newerAttributesRefused(t *testing.T) {
	for _, release := range acctest.OlderReleases {
		t.Run(release, func(t *testing.T) {
			if acctest.Cluster(t).Mode.OlderReleases() {
				acctest.AtRelease(t, release)
			} else {
				acctest.ReportRelease(t, release)
			}
			r, _ := calico.ParseRelease(release)
			rec := &acctest.DiagnosticRecorder{}
			for _, c := range newerAttributeCases {
				since := c.since(t)
				steps := []resource.TestStep{{Config: c.block}, {Config: c.block, PlanOnly: true}}
				if !since.In(r) {
					steps = []resource.TestStep{{Config: c.block, PlanOnly: true, ExpectError: regexp.MustCompile("Attribute Needs a Newer Calico")}}
				}
				resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: rec.Factories(), Steps: steps})
				got := rec.TakeDetailed()
				refused := slices.IndexFunc(got, func(d acctest.DetailedDiagnostic) bool {
					return d.Summary == "Attribute Needs a Newer Calico"
				})
				switch {
				case since.In(r) && refused >= 0:
					t.Errorf("%s on %s (which has it since %s): refused: %v", c.attribute, r, since, got[refused])
				case !since.In(r) && refused < 0:
					t.Errorf("%s on %s: the provider sent %v, want the refusal", c.attribute, r, got)
				case refused >= 0:
					d := got[refused]
					if d.Attribute != c.attribute {
						t.Errorf("%s on %s: the refusal is on %q", c.attribute, r, d.Attribute)
					}
					for _, want := range []string{"Calico " + since.String(), "Calico " + r.String(), "Nothing was written"} {
						if !strings.Contains(d.Detail, want) {
							t.Errorf("%s on %s: the detail lacks %q:\n%s", c.attribute, r, want, d.Detail)
						}
					}
				}
			}
			for _, gone := range []error{acctest.Gone(bgpFilters(t), "acc-release-filter"),
				acctest.Gone(bgpPeers(t), "acc-release-peer"), acctest.Gone(ipPools(t), "acc-release-pool")} {
				if gone != nil {
					t.Error(gone)
				}
			}
		})
	}
}

// An older cluster upgraded in place (its CRDs and the release it reports changed between two
// applies): the attribute refused before applies after, and plans empty.
func TestAccRelease_upgradeInPlace(t *testing.T) {
	config := strings.Replace(releasePeer(torPeerIP+`local_as_number = "65002"`), "acc-release-peer", "acc-release-upgrade", 1)
	acctest.Delete(t, bgpPeers(t), "acc-release-upgrade")
	acctest.AtRelease(t, "3.30.7")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(bgpPeers(t), "acc-release-upgrade"),
		Steps: []resource.TestStep{
			{Config: config, ExpectError: regexp.MustCompile("Attribute Needs a Newer Calico")},
			{
				PreConfig: func() { acctest.AtRelease(t, calico.LibraryRelease.String()) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("calico_bgp_peer.p", plancheck.ResourceActionCreate)},
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// A cluster whose CRDs are older than the release it reports (a patched or half-upgraded one)
// drops the field on write: the apply fails on the attribute, names the field, and the create
// is undone, so that nothing half-made is left.
func TestAccRelease_droppedFieldIsAnError(t *testing.T) {
	acctest.RequireKubernetes(t)
	acctest.Delete(t, bgpFilters(t), "acc-release-dropped")
	acctest.AtRelease(t, "3.28.5")
	acctest.ReportRelease(t, calico.LibraryRelease.String()) // it says 3.31.0; its CRDs are 3.28.5's
	rec := &acctest.DiagnosticRecorder{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.Factories(),
		Steps: []resource.TestStep{{
			Config:      strings.Replace(releaseFilter("prefix_length = { min = 24 }"), "acc-release-filter", "acc-release-dropped", 1),
			ExpectError: regexp.MustCompile("Datastore Dropped an Attribute"),
		}},
	})
	if err := acctest.Gone(bgpFilters(t), "acc-release-dropped"); err != nil {
		t.Errorf("the create was not undone: %v", err)
	}
}
