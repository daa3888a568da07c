package resources_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// A newer Calico (or its operator) sets fields the provider's Calico does not know
// (testenv.NewerCalicoFields adds them to the test CRDs): updates through Terraform keep them
// as they are, and the plan shows no drift for them.
func TestAccNewerFields_keptByUpdates(t *testing.T) {
	acctest.RequireStoredNewerFields(t)
	const peer, filter, config = "acc-newer-peer", "acc-newer-filter", "node.acc-newer"
	acctest.Delete(t, bgpPeers(t), peer)
	acctest.Delete(t, bgpFilters(t), filter)
	deleteBGPConfiguration(t, config)
	// rules are the filter's export_v4 rules.
	hcl := func(asNumber int, severity string, rules string) string {
		return fmt.Sprintf(`
resource "calico_bgp_peer" "p" {
  name      = %q
  peer_ip   = "172.20.9.1"
  as_number = %d
}
resource "calico_bgp_filter" "f" {
  name      = %q
  export_v4 = [%s]
}
resource "calico_bgp_configuration" "c" {
  name                = %q
  log_severity_screen = %q
}`, peer, asNumber, filter, rules, config, severity)
	}
	const (
		acceptPods = `{ action = "Accept", cidr = "10.244.0.0/16", match_operator = "In" }`
		acceptNext = `{ action = "Accept", cidr = "10.245.0.0/16", match_operator = "In" }`
		reject     = `{ action = "Reject" }`
		rejectEth9 = `{ action = "Reject", interface = "eth9" }`
	)
	// The out-of-band fields, each at its path in the stored object.
	setNewer := func() {
		acctest.SetStored(t, calico.BGPPeers.Plural, peer, "45s", "spec", "keepaliveTime")
		acctest.SetStored(t, calico.BGPConfigurations.Plural, config, "Disabled", "spec", "programClusterRoutes")
		setStoredRule(t, filter, 1, "peerType", "eBGP")
	}
	var before map[string]any
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(bgpPeers(t), peer),
		Steps: []resource.TestStep{{
			Config: hcl(64512, "Info", acceptPods+", "+reject),
		}, {
			PreConfig: setNewer,
			// Every object changes a known field, the filter in the rule beside the one holding
			// peerType; the plan after apply must be empty.
			Config: hcl(64513, "Warning", acceptNext+", "+reject),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkStoredField(t, calico.BGPPeers.Plural, peer, "45s", "spec", "keepaliveTime"),
				checkStoredField(t, calico.BGPPeers.Plural, peer, int64(64513), "spec", "asNumber"),
				checkStoredField(t, calico.BGPConfigurations.Plural, config, "Disabled", "spec", "programClusterRoutes"),
				checkStoredField(t, calico.BGPConfigurations.Plural, config, "Warning", "spec", "logSeverityScreen"),
				checkStoredRules(t, filter, []any{
					map[string]any{"action": "Accept", "cidr": "10.245.0.0/16", "matchOperator": "In"},
					map[string]any{"action": "Reject", "peerType": "eBGP"},
				}),
			),
		}, {
			// A rule edited in place keeps peerType.
			Config: hcl(64513, "Warning", acceptNext+", "+rejectEth9),
			Check: checkStoredRules(t, filter, []any{
				map[string]any{"action": "Accept", "cidr": "10.245.0.0/16", "matchOperator": "In"},
				map[string]any{"action": "Reject", "interface": "eth9", "peerType": "eBGP"},
			}),
		}, {
			Config: hcl(64513, "Warning", acceptNext+", "+reject),
			Check: func(*terraform.State) error {
				before = acctest.StoredObject(t, calico.BGPFilters.Plural, filter).Object
				return nil
			},
		}, {
			// The rule holding peerType goes and a new one comes at another place: whether the
			// new one is the old one edited cannot be told, so nothing is written.
			Config:      hcl(64513, "Warning", rejectEth9+", "+acceptNext),
			ExpectError: regexp.MustCompile(`Change Would Remove Fields Unknown to This Provider[\s\S]*spec\.exportV4\[1\]\.peerType`),
		}, {
			Config: hcl(64513, "Warning", acceptNext+", "+reject),
			Check: func(*terraform.State) error {
				if after := acctest.StoredObject(t, calico.BGPFilters.Plural, filter).Object; !reflect.DeepEqual(after, before) {
					return fmt.Errorf("the refused update changed the stored filter:\nbefore %v\nafter  %v", before, after)
				}
				return nil
			},
		}},
	})
}

// A cluster of a newer Calico says so in ClusterInformation; the provider warns once per run.
func TestAccNewerFields_warnsOfANewerCalico(t *testing.T) {
	const peer = "acc-newer-version"
	acctest.Delete(t, bgpPeers(t), peer)
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": fmt.Appendf(nil, `
terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
resource "calico_bgp_peer" "a" {
  name      = %q
  peer_ip   = "172.20.9.2"
  as_number = 64512
}
resource "calico_bgp_peer" "b" {
  name      = "%s-b"
  peer_ip   = "172.20.9.3"
  as_number = 64512
}`, peer, peer)})
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}
	const summary = "Cluster Runs a Newer Calico Than This Provider"
	if got := cli.PlanWarnings(); slices.Contains(got, summary) {
		t.Fatalf("warned %q while the cluster reports the provider's own Calico release", got)
	}
	setClusterCalicoVersion(t, "v3.32.1")
	got := cli.PlanWarnings()
	if n := count(got, summary); n != 1 {
		t.Fatalf("plan warned %q; want %q once", got, summary)
	}
	setClusterCalicoVersion(t, "v3.31.2")
	if got := cli.PlanWarnings(); slices.Contains(got, summary) {
		t.Fatalf("warned %q for the provider's own Calico release", got)
	}
}

func count(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

// setClusterCalicoVersion records the cluster's Calico version in ClusterInformation "default",
// as calico-node does.
func setClusterCalicoVersion(t *testing.T, version string) {
	t.Helper()
	acctest.PutStored(t, "clusterinformations", "ClusterInformation", "default",
		map[string]any{"calicoVersion": version, "clusterType": "k8s,bgp", "datastoreReady": true})
}

// setStoredRule sets a field of the filter's stored exportV4 rule i.
func setStoredRule(t *testing.T, filter string, i int, field, value string) {
	t.Helper()
	obj := acctest.StoredObject(t, calico.BGPFilters.Plural, filter)
	rules, _, _ := unstructured.NestedSlice(obj.Object, "spec", "exportV4")
	rules[i].(map[string]any)[field] = value
	if err := unstructured.SetNestedSlice(obj.Object, rules, "spec", "exportV4"); err != nil {
		t.Fatal(err)
	}
	if _, err := acctest.Stored(t, calico.BGPFilters.Plural).Update(context.Background(), obj, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func checkStoredField(t *testing.T, resource, name string, want any, fields ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, _, err := unstructured.NestedFieldNoCopy(acctest.StoredObject(t, resource, name).Object, fields...)
		if err != nil || !reflect.DeepEqual(got, want) {
			return fmt.Errorf("stored %s %s %v = %#v (%v), want %#v", resource, name, fields, got, err, want)
		}
		return nil
	}
}

func checkStoredRules(t *testing.T, filter string, want []any) resource.TestCheckFunc {
	return checkStoredField(t, calico.BGPFilters.Plural, filter, want, "spec", "exportV4")
}
