package provider_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
	"github.com/calico-tf/terraform-provider-calico/internal/provider"
)

// Reads and plans of unchanged objects are answered without the framework; everything that
// changes the answer takes the framework's path: a change on the server, a delete, a new
// configuration, another build of the provider. With TF_CALICO_SHORTCUTS=off nothing is, and
// the plans are the same.
func TestAccUnchanged_answersOnlyWhatCannotHaveChanged(t *testing.T) {
	const a, b = "acc-unchanged-a", "acc-unchanged-b"
	peers := acctest.Calico(t).BGPPeers()
	acctest.Delete(t, peers, a)
	acctest.Delete(t, peers, b)
	// Peer b's write-only password must stay null on every path; on etcd there is none to set.
	password := "password_wo         = \"secret\"\n  password_wo_version = 1"
	if !acctest.Cluster(t).Mode.Kubernetes() {
		password = ""
	}
	config := func(asNumber int) string {
		return fmt.Sprintf(`
provider "calico" {
  calico_node_namespace = "kube-system"
}
resource "calico_bgp_peer" "a" {
  name      = %q
  peer_ip   = "172.20.8.1"
  as_number = %d
}
resource "calico_bgp_peer" "b" {
  name                = %q
  peer_ip             = "172.20.8.2"
  as_number           = 64512
  %s
}`, a, asNumber, b, password)
	}
	answers := &ownAnswers{}
	on := !protocol.SwitchedOff()
	var reads, plans int
	mark := func() { reads, plans = answers.count("ReadResource"), answers.count("PlanResourceChange") }
	expect := func(wantReads, wantPlans bool) func() {
		return func() {
			t.Helper()
			wantReads, wantPlans := wantReads && on, wantPlans && on
			r, p := answers.count("ReadResource")-reads, answers.count("PlanResourceChange")-plans
			if (r > 0) != wantReads || (p > 0) != wantPlans {
				t.Errorf("answered without the framework: %d reads, %d plans; want reads %v, plans %v", r, p, wantReads, wantPlans)
			}
		}
	}
	then := func(fns ...func()) func() {
		return func() {
			for _, fn := range fns {
				fn()
			}
		}
	}
	otherBuild := answers.factories("acctest-next")
	addrA, addrB := "calico_bgp_peer.a", "calico_bgp_peer.b"
	steps := []resource.TestStep{{
		Config: config(64512),
	}, {
		// Nothing changed: both objects are answered without the framework.
		PreConfig: mark, Config: config(64512), PlanOnly: true,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addrB, tfjsonpath.New("password_wo"), knownvalue.Null()),
		},
	}, {
		// A change on the server is drift: a's read and plan go through the framework.
		PreConfig: then(expect(true, true), func() {
			acctest.Mutate(t, peers, a, func(p *v3.BGPPeer) { p.Spec.ASNumber = numorstring.ASNumber(65099) })
		}),
		Config: config(64512),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(addrA, plancheck.ResourceActionUpdate),
			plancheck.ExpectResourceAction(addrB, plancheck.ResourceActionNoop),
		}},
		Check: acctest.CheckStored(peers, a, func(p *v3.BGPPeer) numorstring.ASNumber { return p.Spec.ASNumber }, numorstring.ASNumber(64512)),
	}, acctest.DeletedOutOfBandStep(t, peers, b, addrB, config(64512)), { // a delete on the server is drift too
		// A new configuration is planned by the framework.
		Config: config(64513),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(addrA, plancheck.ResourceActionUpdate),
		}},
	}, {
		// Another build of the provider reads and plans everything itself once.
		PreConfig: mark, ProtoV6ProviderFactories: otherBuild, Config: config(64513), PlanOnly: true,
	}, {
		PreConfig: then(expect(false, false), mark), Config: config(64513), PlanOnly: true,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addrB, tfjsonpath.New("password_wo"), knownvalue.Null()),
		},
	}, {
		PreConfig: expect(true, true), Config: config(64513), PlanOnly: true,
	}}
	for i := range steps {
		if steps[i].ProtoV6ProviderFactories == nil {
			steps[i].ProtoV6ProviderFactories = answers.factories("acctest")
		}
	}
	resource.Test(t, resource.TestCase{CheckDestroy: acctest.CheckGone(peers, a), Steps: steps})
}

// Removing an attribute that has a default leaves Terraform's proposed state as it was (the
// attribute is computed too), but the plan must restore the default: the configuration
// differs from the applied one, so the framework plans it.
func TestAccUnchanged_removedAttributeReturnsToItsDefault(t *testing.T) {
	const name = "acc-unchanged-pool"
	pools := acctest.Calico(t).IPPools()
	acctest.Delete(t, pools, name)
	config := func(extra string) string { return ipPoolConfig(name, "10.250.0.0/16", extra) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(pools, name),
		Steps: []resource.TestStep{{
			Config: config(`  ipip_mode = "Always"`),
		}, backToDefaultIPIPMode(pools, name, resource.TestStep{
			Config: config(""),
		})},
	})
}

// ipPoolConfig is the pool calico_ip_pool.p named name, of cidr, with the attribute lines extra.
func ipPoolConfig(name, cidr, extra string) string {
	return fmt.Sprintf("resource \"calico_ip_pool\" \"p\" {\n  name = %q\n  cidr = %q\n%s\n}\n", name, cidr, extra)
}

// backToDefaultIPIPMode gives step, a configuration without ipip_mode after one with it, the
// checks that the plan updates calico_ip_pool.p back to Calico's default, Never, and that the
// pool named name stores it.
func backToDefaultIPIPMode(pools acctest.Objects[*v3.IPPool], name string, step resource.TestStep) resource.TestStep {
	step.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("calico_ip_pool.p", plancheck.ResourceActionUpdate),
		plancheck.ExpectKnownValue("calico_ip_pool.p", tfjsonpath.New("ipip_mode"), knownvalue.StringExact("Never")),
	}}
	step.Check = acctest.CheckStored(pools, name, func(p *v3.IPPool) v3.IPIPMode { return p.Spec.IPIPMode }, v3.IPIPModeNever)
	return step
}

// What the shortcuts recorded before they were switched off must not vouch for an apply made
// while they were off: here the apply without ipip_mode is followed by one with it while they
// are off, and the plan without it again, with them on, must restore the default.
func TestAccUnchanged_switchedOffLeavesNoRecordBehind(t *testing.T) {
	const name = "acc-unchanged-switch"
	pools := acctest.Calico(t).IPPools()
	acctest.Delete(t, pools, name)
	switchTo := func(value string) func() { // read by the servers the step starts
		return func() { protocol.SetSwitchForTest(t, value) }
	}
	config := func(extra string) string { return ipPoolConfig(name, "10.251.0.0/16", extra) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(pools, name),
		Steps: []resource.TestStep{{
			PreConfig: switchTo("on"), Config: config(""),
		}, {
			PreConfig: switchTo("off"), Config: config(`  ipip_mode = "Always"`),
		}, backToDefaultIPIPMode(pools, name, resource.TestStep{
			PreConfig: switchTo("on"), Config: config(""),
		})},
	})
}

// A configuration that this build validated without any diagnostic when it applied it is
// answered as valid once its object's refresh says so; one that drew a warning (a peer without
// a peer) is validated in full every time, and warns again. With TF_CALICO_SHORTCUTS=off every
// validation is the framework's.
func TestAccUnchanged_validatesWhatDrewNoDiagnostic(t *testing.T) {
	const clean, warned = "acc-unchanged-valid", "acc-unchanged-warned"
	peers := acctest.Calico(t).BGPPeers()
	for _, c := range []struct {
		name, body  string
		wantAnswers bool
	}{
		{clean, `peer_ip = "172.20.9.1"` + "\n  as_number = 64512", true},
		{warned, `node_selector = "all()"`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			acctest.Delete(t, peers, c.name)
			config := fmt.Sprintf("resource \"calico_bgp_peer\" \"p\" {\n  name = %q\n  %s\n}\n", c.name, c.body)
			answers := &ownAnswers{}
			var before, warnedBefore int
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: answers.factories("acctest"),
				CheckDestroy:             acctest.CheckGone(peers, c.name),
				Steps: []resource.TestStep{
					{Config: config},
					{PreConfig: func() {
						before, warnedBefore = answers.count("ValidateResourceConfig"), answers.count(validationWarned)
					}, Config: config, PlanOnly: true},
					{
						PreConfig: func() {
							if c.wantAnswers {
								want := !protocol.SwitchedOff()
								if answered := answers.count("ValidateResourceConfig") > before; answered != want {
									t.Errorf("validation answered without the framework: %v, want %v", answered, want)
								}
							} else if answers.count(validationWarned) == warnedBefore {
								t.Error("the plan's validation did not warn again")
							}
						},
						Config: config, PlanOnly: true,
					},
				},
			})
		})
	}
}

// ownAnswers counts, by request name, the requests that the servers of one test answered
// themselves: other tests' servers in the same process do not count.
type ownAnswers struct {
	mu sync.Mutex
	n  map[string]int
}

// factories serves the provider at version, its answers counted here.
func (a *ownAnswers) factories(version string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"calico": func() (tfprotov6.ProviderServer, error) {
			served := provider.NewServer(version)()
			s, ok := served.(*protocol.Server)
			if !ok {
				return nil, fmt.Errorf("provider.NewServer serves %T, want *protocol.Server", served)
			}
			s.Observe = a.observe
			return warningsCounted{s, a}, nil
		},
	}
}

// validationWarned counts, in ownAnswers, the validations answered with a warning.
const validationWarned = "ValidateResourceConfig warned"

// warningsCounted is the server, its validations' warnings counted.
type warningsCounted struct {
	*protocol.Server
	answers *ownAnswers
}

func (w warningsCounted) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	resp, err := w.Server.ValidateResourceConfig(ctx, req)
	if err == nil && slices.ContainsFunc(resp.Diagnostics, func(d *tfprotov6.Diagnostic) bool { return d.Severity == tfprotov6.DiagnosticSeverityWarning }) {
		w.answers.observe(validationWarned, req.TypeName)
	}
	return resp, err
}

func (a *ownAnswers) observe(rpc, _ string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.n == nil {
		a.n = map[string]int{}
	}
	a.n[rpc]++
}

func (a *ownAnswers) count(rpc string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n[rpc]
}
