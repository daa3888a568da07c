package resources_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// adoptProvider is the configuration the list blocks run in.
const adoptProvider = `terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
provider "calico" {}
`

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
// an object deleted and re-created from the generated configuration is stored as it was.
func TestAccAdopt_queryGeneratesFaithfulConfiguration(t *testing.T) {
	var lists strings.Builder
	for _, kind := range []string{"bgp_filter", "bgp_peer", "ip_pool", "bgp_configuration", "node_status", "node_rr", "node_bgp"} {
		prefix := adoptPrefix
		if kind == "bgp_configuration" {
			prefix = "node." + adoptPrefix
		}
		fmt.Fprintf(&lists, "list %q %q {\n  provider         = calico\n  include_resource = true\n  config {\n    name_prefix = %q\n  }\n}\n",
			"calico_"+kind, "all", prefix)
	}
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(adoptProvider),
		"adopt.tfquery.hcl": []byte(lists.String())})
	if !cli.SupportsQuery() {
		t.Skip("the CLI under test has no terraform query (Terraform 1.14+; OpenTofu has none)")
	}
	node := adoptPrefix + "node"
	acctest.CreateNode(t, node, map[string]string{"rack": "r1", "route-reflector": "true"}, map[string]string{
		"projectcalico.org/IPv4Address": "192.0.2.41/24", "projectcalico.org/ASNumber": "65041",
		"projectcalico.org/RouteReflectorClusterID": "244.0.0.41",
	})
	acctest.CreateFromManifest(t, adoptManifest)

	if out, err := cli.Run("query", "-no-color", "-generate-config-out=generated.tf"); err != nil {
		t.Fatalf("terraform query: %v\n%s", err, out)
	}
	generatedFile, err := os.ReadFile(filepath.Join(cli.Dir(), "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	generated := string(generatedFile)
	for _, want := range []string{`name += "acc-adopt-peer"`, `log_severity_screen += "Info"`, `node += "acc-adopt-node"`,
		`cluster_id += "244.0.0.41"`, `name += "acc-adopt-status"`, `name += "acc-adopt-filter"`, `name += "acc-adopt-pool"`} {
		if !regexp.MustCompile(want).MatchString(generated) {
			t.Errorf("the generated configuration lacks %s:\n%s", want, generated)
		}
	}
	for _, unwanted := range []string{"acc-adopt-operator-pool", "192.0.2.41"} {
		if strings.Contains(generated, unwanted) {
			t.Errorf("the generated configuration has %s (operator-owned pools and calico-node's addresses stay out):\n%s", unwanted, generated)
		}
	}

	ctx := context.Background()
	tf := cli.Terraform()
	planFile := filepath.Join(cli.Dir(), "adopt.tfplan")
	if _, err := tf.Plan(ctx, tfexec.Out(planFile)); err != nil {
		t.Fatalf("terraform plan: %v", err)
	}
	plan, err := tf.ShowPlanFile(ctx, planFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.ResourceChanges) != 7 {
		t.Errorf("the plan has %d resources, want the 7 objects found", len(plan.ResourceChanges))
	}
	for _, rc := range plan.ResourceChanges {
		if !rc.Change.Actions.NoOp() || rc.Change.Importing == nil {
			t.Errorf("%s: %v (importing: %v), want only an import", rc.Address, rc.Change.Actions, rc.Change.Importing != nil)
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
		{"bgppeers", "acc-adopt-peer"}, {"bgpfilters", "acc-adopt-filter"}, {"ippools", "acc-adopt-pool"},
		{"bgpconfigurations", "node.acc-adopt-node"}, {"caliconodestatuses", "acc-adopt-status"},
	} {
		store := acctest.Stored(t, o.plural)
		before := acctest.StoredObject(t, o.plural, o.name)
		if err := store.Delete(ctx, o.name, metav1.DeleteOptions{}); err != nil {
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
