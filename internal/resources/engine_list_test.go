package resources_test

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// adoptPrefix names every object of the adoption test, so that its list blocks find only them.
const adoptPrefix = "acc-adopt-"

// adoptManifest has one object of each kind with every field set, Calico's default values
// included where users write them (logSeverityScreen: Info), as calicoctl users write them.
const adoptManifest = `apiVersion: projectcalico.org/v3
kind: BGPFilter
metadata: {name: acc-adopt-filter, labels: {team: net}}
spec:
  exportV4:
  - {action: Accept, cidr: 10.244.0.0/16, matchOperator: In, prefixLength: {min: 16, max: 26}}
  - {action: Reject, source: RemotePeers, interface: "eth*"}
  importV4:
  - {action: Accept, cidr: 10.0.0.0/8, matchOperator: Equal}
  exportV6:
  - {action: Accept, cidr: "fd00:10::/48", matchOperator: In, prefixLength: {min: 48, max: 64}}
  importV6:
  - {action: Reject, cidr: "fd00::/8", matchOperator: NotIn}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: acc-adopt-peer, labels: {team: net}}
spec:
  nodeSelector: rack == 'r1' && has(route-reflector)
  peerIP: 172.20.0.254
  asNumber: 65001
  localASNumber: 65546
  password: {secretKeyRef: {name: bgp-secrets, key: rack1}}
  maxRestartTime: 2m0s
  sourceAddress: None
  nextHopMode: Self
  numAllowedLocalASNumbers: 2
  ttlSecurity: 1
  reversePeering: Manual
  filters: [acc-adopt-filter]
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: acc-adopt-pool, labels: {team: net}}
spec:
  cidr: 10.246.0.0/16
  blockSize: 24
  vxlanMode: CrossSubnet
  ipipMode: Never
  natOutgoing: true
  disabled: true
  disableBGPExport: true
  nodeSelector: rack == 'r1'
  allowedUses: [Workload]
  assignmentMode: Manual
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: acc-adopt-operator-pool, labels: {app.kubernetes.io/managed-by: tigera-operator}}
spec:
  cidr: 10.245.0.0/16
---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: node.acc-adopt-node}
spec:
  logSeverityScreen: Info
  listenPort: 1179
  ignoredInterfaces: ["vxlan*"]
  communities: [{name: edge, value: "65001:100"}]
  prefixAdvertisements: [{cidr: 192.0.2.0/24, communities: [edge, "65001:200"]}]
---
apiVersion: projectcalico.org/v3
kind: CalicoNodeStatus
metadata: {name: acc-adopt-status}
spec:
  node: acc-adopt-node
  classes: [Agent, BGP, Routes]
  updatePeriodSeconds: 30`

// A cluster calicoctl populated is adopted in one command: terraform query -generate-config-out
// writes a configuration and import blocks by identity for every object the list blocks find
// (operator-owned pools only when asked), whose apply only imports and is then an empty plan;
// an object deleted and re-created from the generated configuration is stored as it was. Most
// of its nodes are as calico-node leaves them, with addresses and no AS number of their own:
// they are no node resource's, and listing them would generate a configuration that fails to
// plan.
func TestAccAdopt_queryGeneratesFaithfulConfiguration(t *testing.T) {
	query := acctest.AdoptionQuery(func(kind string) string {
		if kind == "bgp_configuration" {
			return "node." + adoptPrefix
		}
		return adoptPrefix
	})
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(acctest.AdoptionProvider), "adopt.tfquery.hcl": query})
	if !cli.SupportsQuery() {
		t.Skip("the CLI under test has no terraform query (Terraform 1.14+; OpenTofu has none)")
	}
	node := adoptPrefix + "node"
	acctest.CreateNode(t, node, map[string]string{"rack": "r1", "route-reflector": "true"}, map[string]string{
		"projectcalico.org/IPv4Address": "192.0.2.41/24", "projectcalico.org/ASNumber": "65041",
		"projectcalico.org/RouteReflectorClusterID": "244.0.0.41",
	})
	acctest.CreateNode(t, adoptPrefix+"reflector", map[string]string{"rack": "r1", "route-reflector": "true"}, map[string]string{
		"projectcalico.org/IPv4Address": "192.0.2.42/24", "projectcalico.org/RouteReflectorClusterID": "244.0.0.42",
	})
	acctest.CreateNodeAsCalicoNodeLeavesIt(t, adoptPrefix+"worker-ipv4", map[string]string{"rack": "r1"}, "192.0.2.43/24", "")
	acctest.CreateNodeAsCalicoNodeLeavesIt(t, adoptPrefix+"worker-dual-stack", map[string]string{"rack": "r1"}, "192.0.2.44/24", "2001:db8::44/64")
	acctest.CreateFromManifest(t, adoptManifest)

	generated, onlyImports := acctest.GenerateAdoption(t, cli)
	for _, want := range []string{`name += "acc-adopt-peer"`, `log_severity_screen += "Info"`, `node += "acc-adopt-node"`,
		`cluster_id += "244.0.0.41"`, `cluster_id += "244.0.0.42"`, `name += "acc-adopt-status"`, `name += "acc-adopt-filter"`, `name += "acc-adopt-pool"`} {
		if !regexp.MustCompile(want).MatchString(generated) {
			t.Errorf("the generated configuration lacks %s:\n%s", want, generated)
		}
	}
	for _, unwanted := range []string{"acc-adopt-operator-pool", "acc-adopt-worker",
		"192.0.2.41", "192.0.2.42", "192.0.2.43", "192.0.2.44", "2001:db8::44"} {
		if strings.Contains(generated, unwanted) {
			t.Errorf("the generated configuration has %s (operator-owned pools, calico-node's addresses and nodes as calico-node "+
				"leaves them stay out):\n%s", unwanted, generated)
		}
	}
	if got := strings.Count(generated, `resource "calico_node_bgp"`); got != 1 {
		t.Errorf("the generated configuration has %d calico_node_bgp, want 1 (the node with its own AS number):\n%s", got, generated)
	}
	if len(onlyImports) != 8 {
		t.Errorf("the plan has %d resources, want the 8 objects found", len(onlyImports))
	}
	for address, ok := range onlyImports {
		if !ok {
			t.Errorf("%s: the plan does more than import it", address)
		}
	}
	if err := cli.Apply(); err != nil {
		t.Fatalf("terraform apply: %v", err)
	}
	if !cli.PlanIsEmpty() {
		t.Fatal("the plan after adopting is not empty")
	}

	// Re-created from the generated configuration, each object is stored as calicoctl stored it.
	for _, o := range []struct{ plural, name string }{
		{calico.BGPPeers.Plural, "acc-adopt-peer"}, {calico.BGPFilters.Plural, "acc-adopt-filter"}, {calico.IPPools.Plural, "acc-adopt-pool"},
		{calico.BGPConfigurations.Plural, "node.acc-adopt-node"}, {calico.CalicoNodeStatuses.Plural, "acc-adopt-status"},
	} {
		store := acctest.Stored(t, o.plural)
		before := acctest.StoredObject(t, o.plural, o.name)
		if err := store.Delete(context.Background(), o.name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := cli.Apply(); err != nil {
			t.Fatalf("terraform apply re-creating %s %s: %v", o.plural, o.name, err)
		}
		after := acctest.StoredObject(t, o.plural, o.name)
		if !reflect.DeepEqual(before.Object["spec"], after.Object["spec"]) {
			t.Errorf("%s %s re-created from the generated configuration is stored as\n%v\nwas\n%v", o.plural, o.name,
				after.Object["spec"], before.Object["spec"])
		}
	}
}

// queryFound runs terraform query -json and returns, per list block address, the display names
// of what it found, in order, and the summaries of the errors it reported.
func queryFound(t *testing.T, cli *acctest.CLI) (found map[string][]string, errs []string) {
	t.Helper()
	out, _ := cli.Run("query", "-json")
	found = map[string][]string{}
	for _, line := range strings.Split(string(out), "\n") {
		var msg struct {
			Type  string `json:"type"`
			Found struct {
				Address     string `json:"address"`
				DisplayName string `json:"display_name"`
			} `json:"list_resource_found"`
			Diagnostic struct{ Severity, Summary string } `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) != nil {
			continue
		}
		switch {
		case msg.Type == "list_resource_found":
			found[msg.Found.Address] = append(found[msg.Found.Address], msg.Found.DisplayName)
		case msg.Type == "diagnostic" && msg.Diagnostic.Severity == "error":
			errs = append(errs, msg.Diagnostic.Summary)
		}
	}
	if len(found) == 0 && len(errs) == 0 {
		t.Fatalf("terraform query -json reported nothing:\n%s", out)
	}
	return found, errs
}

// A list finds what its filters say, in name order: a Calico selector over labels, a name
// prefix, the limit, and operator-owned IP pools only when asked; a selector Calico cannot parse
// fails on the attribute before anything is listed.
func TestAccList_filters(t *testing.T) {
	lists := `list "calico_ip_pool" "selected" {
  provider = calico
  limit    = 2
  config {
    name_prefix              = "acc-list-"
    selector                 = "!has(skip)"
    include_operator_managed = true
  }
}
list "calico_ip_pool" "default" {
  provider = calico
  config {
    name_prefix = "acc-list-"
  }
}
`
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(acctest.AdoptionProvider), "list.tfquery.hcl": []byte(lists)})
	if !cli.SupportsQuery() {
		t.Skip("the CLI under test has no terraform query (Terraform 1.14+; OpenTofu has none)")
	}
	acctest.CreateFromManifest(t, `apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: acc-list-d}
spec: {cidr: 10.214.0.0/16}
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: acc-list-c}
spec: {cidr: 10.213.0.0/16}
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: acc-list-b, labels: {skip: "yes"}}
spec: {cidr: 10.212.0.0/16}
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: acc-list-a, labels: {app.kubernetes.io/managed-by: tigera-operator}}
spec: {cidr: 10.211.0.0/16}`)
	found, errs := queryFound(t, cli)
	if len(errs) > 0 {
		t.Fatalf("terraform query failed: %v", errs)
	}
	for address, want := range map[string][]string{
		"list.calico_ip_pool.selected": {"acc-list-a", "acc-list-c"},
		"list.calico_ip_pool.default":  {"acc-list-b", "acc-list-c", "acc-list-d"},
	} {
		if !slices.Equal(found[address], want) {
			t.Errorf("%s found %v, want %v", address, found[address], want)
		}
	}

	cli.WriteFile("list.tfquery.hcl", []byte(`list "calico_bgp_peer" "bad" {
  provider = calico
  config {
    selector = "rack = 'r1'"
  }
}
`))
	if _, errs := queryFound(t, cli); !slices.Contains(errs, "Invalid Selector") {
		t.Errorf("an invalid selector: errors %v, want Invalid Selector", errs)
	}
}
