package acctest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// AdoptionProvider is the root module of an adoption: the provider, configured from the
// environment (KUBECONFIG or the etcd variables the test env sets), and nothing else yet.
const AdoptionProvider = `terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
provider "calico" {}
`

// MeshOffUnchecked is the default BGPConfiguration with the node-to-node mesh off and the check
// before it goes off (mesh_disable_check) turned off: the fabric of tests about the peerings
// that replace the mesh, not about that check.
const MeshOffUnchecked = `
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  mesh_disable_check        = { min_established_sessions = 0 }
}
`

// AdoptionKinds are the provider's resource types that have a list resource, without the
// provider's prefix.
var AdoptionKinds = []string{"bgp_filter", "bgp_peer", "ip_pool", "bgp_configuration", "node_status", "node_rr", "node_bgp"}

// AdoptionQuery is a .tfquery.hcl file with one list block of each kind, each finding what
// namePrefix(kind) starts (every object, for ""), resources included, as a user adopting a
// cluster writes it.
func AdoptionQuery(namePrefix func(kind string) string) []byte {
	var lists strings.Builder
	for _, kind := range AdoptionKinds {
		fmt.Fprintf(&lists, "list %q %q {\n  provider         = calico\n  include_resource = true\n  config {\n",
			"calico_"+kind, "all")
		if prefix := namePrefix(kind); prefix != "" {
			fmt.Fprintf(&lists, "    name_prefix = %q\n", prefix)
		}
		lists.WriteString("  }\n}\n")
	}
	return []byte(lists.String())
}

// GenerateAdoption runs terraform query -generate-config-out=generated.tf, then plans, and
// returns the generated configuration and, per resource address, whether the plan only
// imports it. The CLI's directory needs the provider block and a query file.
func GenerateAdoption(t *testing.T, cli *CLI) (generated string, onlyImports map[string]bool) {
	t.Helper()
	if out, err := cli.Run("query", "-no-color", "-generate-config-out=generated.tf"); err != nil {
		t.Fatalf("terraform query: %v\n%s", err, out)
	}
	b, err := cli.ReadFile("generated.tf")
	if err != nil {
		t.Fatal(err)
	}
	return string(b), PlanImports(t, cli)
}

// PlanImports plans cli's configuration and returns, per resource address the plan touches,
// whether the plan only imports it. It logs every attribute the plan changes besides.
func PlanImports(t *testing.T, cli *CLI) (onlyImports map[string]bool) {
	t.Helper()
	onlyImports = map[string]bool{}
	for address, changed := range PlanImportChanges(t, cli) {
		onlyImports[address] = len(changed) == 0
		for _, attribute := range changed {
			t.Logf("%s: the plan changes %s besides importing it", address, attribute)
		}
	}
	return onlyImports
}

// PlanImportChanges plans cli's configuration and returns, per resource address the plan
// touches, the attributes it changes besides importing the resource (all of them, for a
// resource it does not import).
func PlanImportChanges(t *testing.T, cli *CLI) map[string][]string {
	t.Helper()
	ctx := context.Background()
	tf := cli.Terraform()
	planFile := cli.Dir() + "/adopt.tfplan"
	if _, err := tf.Plan(ctx, tfexec.Out(planFile)); err != nil {
		t.Fatalf("terraform plan: %v", err)
	}
	plan, err := tf.ShowPlanFile(ctx, planFile)
	if err != nil {
		t.Fatal(err)
	}
	changes := map[string][]string{}
	for _, rc := range plan.ResourceChanges {
		if rc.Mode == "data" {
			continue
		}
		changes[rc.Address] = []string{}
		if rc.Change.Actions.NoOp() && rc.Change.Importing != nil {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		if rc.Change.Importing == nil || !rc.Change.Actions.Update() {
			changes[rc.Address] = append(changes[rc.Address], fmt.Sprint(rc.Change.Actions))
			continue
		}
		for k, v := range after {
			if !reflect.DeepEqual(before[k], v) {
				changes[rc.Address] = append(changes[rc.Address], k)
			}
		}
		slices.Sort(changes[rc.Address])
	}
	return changes
}
