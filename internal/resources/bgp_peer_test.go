package resources_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

func secretRef(name, key string) *v3.BGPPassword {
	return &v3.BGPPassword{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}
}

// The seeds' route-reflector design: every node peers with the nodes labelled as reflectors.
func TestAccBGPPeer_routeReflectors(t *testing.T) {
	acctest.Cluster(t)
	const name, addr = "acc-peer-with-route-reflectors", "calico_bgp_peer.to_rr"
	acctest.Delete(t, bgpPeers(t), name)
	config := `
resource "calico_bgp_peer" "to_rr" {
  name          = "acc-peer-with-route-reflectors"
  node_selector = "all()"
  peer_selector = "route-reflector == 'true'"
}`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(bgpPeers(t), name),
		Steps: []resource.TestStep{
			{Config: config, Check: expectSpec(bgpPeers(t), name, v3.BGPPeerSpec{NodeSelector: "all()", PeerSelector: "route-reflector == 'true'"})},
			{Config: config, PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name"},
			{
				PreConfig: func() {
					acctest.Mutate(t, bgpPeers(t), name, func(o *v3.BGPPeer) {
						o.Spec.PeerSelector = "has(rr)"
						o.Spec.ReversePeering = ptr.To(v3.ReversePeeringManual)
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("peer_selector"), knownvalue.StringExact("route-reflector == 'true'")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("reverse_peering"), knownvalue.Null()),
				}},
				Check: expectSpec(bgpPeers(t), name, v3.BGPPeerSpec{NodeSelector: "all()", PeerSelector: "route-reflector == 'true'"}),
			},
			acctest.DeletedOutOfBandStep(t, bgpPeers(t), name, addr, config),
		},
	})
}

// The seeds' top-of-rack peering with every field, a filter referenced by attribute, and the
// spellings that must not cause diffs.
func TestAccBGPPeer_topOfRack(t *testing.T) {
	acctest.Cluster(t)
	const name, addr = "acc-rack1-tor", "calico_bgp_peer.rack1_tor"
	acctest.Delete(t, bgpPeers(t), name)
	config := `
resource "calico_bgp_filter" "pods_only" {
  name      = "acc-tor-export-pods"
  export_v4 = [
    { action = "Accept", cidr = "10.244.0.0/16", match_operator = "In" },
    { action = "Reject" },
  ]
}
resource "calico_bgp_peer" "rack1_tor" {
  name                         = "acc-rack1-tor"
  node_selector                = "rr-group == 'rr1' && has(rr-id)"
  peer_ip                      = "172.20.0.254"
  as_number                    = 65001
  local_as_number              = "1.10"
  password_secret_ref          = { name = "bgp-secrets", key = "rack1" }
  max_restart_time             = "2m"
  source_address               = "UseNodeIP"
  next_hop_mode                = "Self"
  num_allowed_local_as_numbers = 2
  ttl_security                 = 1
  reachable_by                 = "172.20.0.1"
  reverse_peering              = "Manual"
  filters                      = [calico_bgp_filter.pods_only.name]
}`
	updated := `
resource "calico_bgp_peer" "rack1_tor" {
  name             = "acc-rack1-tor"
  node             = "rack1-node1"
  peer_ip          = "[fd00::1]:1179"
  as_number        = "0.65001"
  keep_original_next_hop = true
  max_restart_time = "90s"
}`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(bgpPeers(t), name),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: expectSpec(bgpPeers(t), name, v3.BGPPeerSpec{
					NodeSelector:             "rr-group == 'rr1' && has(rr-id)",
					PeerIP:                   "172.20.0.254",
					ASNumber:                 65001,
					LocalASNumber:            ptr.To[numorstring.ASNumber](65546),
					Password:                 secretRef("bgp-secrets", "rack1"),
					MaxRestartTime:           &metav1.Duration{Duration: 2 * time.Minute},
					SourceAddress:            v3.SourceAddressUseNodeIP,
					NextHopMode:              ptr.To(v3.NextHopMode("Self")),
					NumAllowedLocalASNumbers: ptr.To[int32](2),
					TTLSecurity:              ptr.To[uint8](1),
					ReachableBy:              "172.20.0.1",
					ReversePeering:           ptr.To(v3.ReversePeeringManual),
					Filters:                  []string{"acc-tor-export-pods"},
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("local_as_number"), knownvalue.StringExact("1.10")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("max_restart_time"), knownvalue.StringExact("2m")),
				},
			},
			{Config: config, PlanOnly: true}, // "1.10" vs 65546, "2m" vs "2m0s": no diff
			{
				ResourceName: addr, ImportState: true, ImportStateId: name,
				ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name",
				ImportStateVerifyIgnore: []string{"local_as_number", "max_restart_time"}, // canonical spellings on import
			},
			{
				Config: updated,
				Check: expectSpec(bgpPeers(t), name, v3.BGPPeerSpec{
					Node: "rack1-node1", PeerIP: "[fd00::1]:1179", ASNumber: 65001,
					KeepOriginalNextHop: true, MaxRestartTime: &metav1.Duration{Duration: 90 * time.Second},
				}),
			},
			{Config: updated, PlanOnly: true},
		},
	})
}

// noSecretIn fails when the password appears anywhere in the JSON of a plan or state.
type noSecretIn struct{ secret string }

func (c noSecretIn) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.scan("plan", req.Plan)
}

func (c noSecretIn) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.scan("state", req.State)
}

func (c noSecretIn) scan(what string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if strings.Contains(string(b), c.secret) {
		return fmt.Errorf("the password appears in the %s", what)
	}
	return nil
}

var _ interface {
	plancheck.PlanCheck
	statecheck.StateCheck
} = noSecretIn{}

func ensureNamespace(t *testing.T, name string) {
	_, err := acctest.Kube(t).CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

func passwordSecret(t *testing.T, namespace, name string) (*corev1.Secret, error) {
	return acctest.Kube(t).CoreV1().Secrets(namespace).Get(context.Background(), name, metav1.GetOptions{})
}

func expectPassword(t *testing.T, namespace, name, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s, err := passwordSecret(t, namespace, name)
		if err != nil {
			return err
		}
		if got := string(s.Data["password"]); got != want {
			return fmt.Errorf("Secret %s/%s holds %q, want %q", namespace, name, got, want)
		}
		if s.Labels["app.kubernetes.io/managed-by"] != "terraform-provider-calico" {
			return fmt.Errorf("Secret %s/%s is not marked as the provider's: %v", namespace, name, s.Labels)
		}
		return nil
	}
}

// The write-only password: the Secret holds it, state, plan and logs do not, and the version
// rotates it. Operator installs run calico-node in calico-system, which the provider detects.
func TestAccBGPPeer_writeOnlyPassword(t *testing.T) {
	acctest.RequireKubernetes(t)
	ensureNamespace(t, "calico-system")
	const name, addr, ns = "acc-tor-password", "calico_bgp_peer.tor", "calico-system"
	secretName := "bgp-password-" + name
	acctest.Delete(t, bgpPeers(t), name)
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG", "TRACE")
	// The password comes in as users pass it: an ephemeral, sensitive variable.
	hcl := fmt.Sprintf(`
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}
variable "password_version" {
  type = number
}
resource "calico_bgp_peer" "tor" {
  name                = %q
  peer_ip             = "172.20.0.254"
  as_number           = 65001
  password_wo         = var.password
  password_wo_version = var.password_version
}`, name)
	vars := func(password string, version int) config.Variables {
		return config.Variables{"password": config.StringVariable(password), "password_version": config.IntegerVariable(version)}
	}
	first, second := "first-S3cret-pw", "second-S3cret-pw"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := passwordSecret(t, ns, secretName); !apierrors.IsNotFound(err) {
				return fmt.Errorf("the password Secret outlived the peer (err=%v)", err)
			}
			return acctest.Gone(bgpPeers(t), name)
		},
		Steps: []resource.TestStep{
			{
				Config: hcl, ConfigVariables: vars(first, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noSecretIn{first}}},
				ConfigStateChecks: []statecheck.StateCheck{
					noSecretIn{first},
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password_secret_ref"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectPassword(t, ns, secretName, first),
					expectSpec(bgpPeers(t), name, v3.BGPPeerSpec{PeerIP: "172.20.0.254", ASNumber: 65001, Password: secretRef(secretName, "password")}),
				),
			},
			{
				// Rotation: a new version sends the new password.
				Config: hcl, ConfigVariables: vars(second, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					noSecretIn{second},
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{noSecretIn{second}},
				Check:             expectPassword(t, ns, secretName, second),
			},
			{
				// A changed password without a new version is not sent (write-only values are not compared).
				Config: hcl, ConfigVariables: vars("third-S3cret-pw", 2),
				PlanOnly: true,
			},
			{
				// Switching to a Secret the user manages removes the provider's Secret.
				Config: fmt.Sprintf(`
resource "calico_bgp_peer" "tor" {
  name                = %q
  peer_ip             = "172.20.0.254"
  as_number           = 65001
  password_secret_ref = { name = "my-bgp-secrets", key = "tor" }
}`, name),
				Check: func(*terraform.State) error {
					if _, err := passwordSecret(t, ns, secretName); !apierrors.IsNotFound(err) {
						return fmt.Errorf("the provider's Secret was kept after switching to password_secret_ref (err=%v)", err)
					}
					return expectSpec(bgpPeers(t), name, v3.BGPPeerSpec{PeerIP: "172.20.0.254", ASNumber: 65001, Password: secretRef("my-bgp-secrets", "tor")})(nil)
				},
			},
			{Config: hcl, ConfigVariables: vars(first, 3), Check: expectPassword(t, ns, secretName, first)},
		},
	})
	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logs), "calico_kind") {
		t.Fatal("the provider's logs were not captured; the check below would prove nothing")
	}
	for _, pw := range []string{first, second, "third-S3cret-pw"} {
		if strings.Contains(string(logs), pw) {
			t.Errorf("a password appears in the logs")
		}
	}
}

// A Secret of the provider's chosen name that someone else created is never overwritten, and
// the peer is not created half-way.
func TestAccBGPPeer_foreignSecretIsNotOverwritten(t *testing.T) {
	acctest.RequireKubernetes(t)
	const name = "acc-foreign-secret"
	const ns = "kube-system"
	secretName := "bgp-password-" + name
	_, err := acctest.Kube(t).CoreV1().Secrets(ns).Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: secretName, Namespace: ns},
		StringData: map[string]string{"password": "theirs"},
	}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = acctest.Kube(t).CoreV1().Secrets(ns).Delete(context.Background(), secretName, metav1.DeleteOptions{})
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "calico" {
  calico_node_namespace = %q
}
resource "calico_bgp_peer" "p" {
  name                = %q
  peer_ip             = "10.0.0.1"
  as_number           = 65001
  password_wo         = "mine"
  password_wo_version = 1
}`, ns, name),
			ExpectError: regexp.MustCompile(`Password Secret Not Owned by the Provider`),
		}},
	})
	s, err := passwordSecret(t, ns, secretName)
	if err != nil || string(s.Data["password"]) != "theirs" {
		t.Fatalf("the foreign Secret was changed: %v %v", s, err)
	}
	if err := acctest.Gone(bgpPeers(t), name); err != nil {
		t.Fatal(err)
	}
}

func TestAccBGPPeer_invalid(t *testing.T) {
	acctest.Cluster(t)
	const ip, asn = "peer_ip = \"10.0.0.1\"\n", "as_number = 65001\n"
	cases := []acctest.InvalidCase{
		{Name: "node and selector", Body: `node = "n1"` + "\n" + `node_selector = "all()"` + "\n" + ip + asn,
			Summary: "Invalid Attribute Combination", Attribute: "node",
			Valid: `node = "n1"` + "\n" + ip + asn},
		{Name: "ip and selector", Body: ip + `peer_selector = "all()"`, Summary: "Invalid Attribute Combination", Attribute: "peer_ip",
			Valid: `peer_selector = "all()"`},
		{Name: "as with selector", Body: `peer_selector = "has(rr)"` + "\n" + asn, Summary: "Invalid Attribute Combination", Attribute: "peer_selector",
			Valid: `peer_selector = "has(rr)"`},
		{Name: "workload with ip", Body: `local_workload_selector = "app == 'x'"` + "\n" + ip + asn, Summary: "Invalid Attribute Combination", Attribute: "local_workload_selector",
			Valid: `local_workload_selector = "app == 'x'"` + "\n" + asn},
		{Name: "workload with selector", Body: `local_workload_selector = "app == 'x'"` + "\n" + `peer_selector = "all()"`, Summary: "Invalid Attribute Combination", Attribute: "local_workload_selector",
			Valid: `local_workload_selector = "app == 'x'"` + "\n" + asn},
		{Name: "workload without as", Body: `local_workload_selector = "app == 'x'"`, Summary: "Invalid Attribute Combination", Attribute: "local_workload_selector",
			Valid: `local_workload_selector = "app == 'x'"` + "\n" + asn},
		{Name: "reachable without ip", Body: `peer_selector = "all()"` + "\n" + `reachable_by = "10.0.0.1"`, Summary: "Invalid Attribute Combination", Attribute: "reachable_by",
			Valid: ip + asn + `reachable_by = "10.0.0.254"`},
		{Name: "reachable family", Body: `peer_ip = "fd00::1"` + "\n" + asn + `reachable_by = "10.0.0.1"`, Summary: "Address Family Mismatch", Attribute: "reachable_by",
			Valid: `peer_ip = "fd00::1"` + "\n" + asn + `reachable_by = "fd00::254"`},
		{Name: "keep and mode", Body: ip + asn + `keep_original_next_hop = true` + "\n" + `next_hop_mode = "Self"`, Summary: "Conflicting Next-Hop Settings", Attribute: "keep_original_next_hop",
			Valid: ip + asn + `next_hop_mode = "Self"`},
		{Name: "port zero", Body: `peer_ip = "10.0.0.1:0"` + "\n" + asn, Summary: "Invalid Peer IP", Attribute: "peer_ip",
			Valid: `peer_ip = "10.0.0.1:1"` + "\n" + asn},
		{Name: "port too big", Body: `peer_ip = "10.0.0.1:65536"` + "\n" + asn, Summary: "Invalid Peer IP", Attribute: "peer_ip",
			Valid: `peer_ip = "10.0.0.1:65535"` + "\n" + asn},
		{Name: "unbracketed v6 with port", Body: `peer_ip = "fd00::1:179:x"` + "\n" + asn, Summary: "Invalid Peer IP", Attribute: "peer_ip",
			Valid: `peer_ip = "[10.0.0.1]:179"` + "\n" + asn},
		{Name: "host name", Body: `peer_ip = "tor1.example.com"` + "\n" + asn, Summary: "Invalid Peer IP", Attribute: "peer_ip",
			Valid: `peer_ip = "[fd00::1]:179"` + "\n" + asn},
		{Name: "selector syntax", Body: `peer_selector = "route-reflector = 'true'"`, Summary: "Invalid Selector", Attribute: "peer_selector",
			Valid: `peer_selector = "route-reflector == 'true'"`},
		{Name: "selector quotes", Body: `node_selector = "rack == r1"` + "\n" + ip + asn, Summary: "Invalid Selector", Attribute: "node_selector",
			Valid: `node_selector = "rack == 'r1'"` + "\n" + ip + asn},
		{Name: "asn", Body: ip + `as_number = "65536.1"`, Summary: "Invalid AS Number", Attribute: "as_number",
			Valid: ip + `as_number = "65535.1"`},
		{Name: "password without version", Body: ip + asn + `password_wo = "x"`, Summary: "Invalid Attribute Combination", Attribute: "password_wo",
			Valid: ip + asn + `password_wo = "x"` + "\n" + `password_wo_version = 1`},
		{Name: "password and ref", Body: ip + asn + `password_wo = "x"` + "\n" + `password_wo_version = 1` + "\n" + `password_secret_ref = { name = "s", key = "k" }`,
			Summary: "Invalid Attribute Combination", Attribute: "password_secret_ref",
			Valid: ip + asn + `password_secret_ref = { name = "s", key = "k" }`},
		{Name: "ttl", Body: ip + asn + `ttl_security = 256`, Summary: "Invalid Attribute Value", Attribute: "ttl_security",
			Valid: ip + asn + `ttl_security = 255`},
		{Name: "filter name", Body: ip + asn + `filters = ["Bad_Name"]`, Summary: "Invalid Name", Attribute: "filters[0]",
			Valid: ip + asn + `filters = ["good-name"]`},
		{Name: "next hop mode", Body: ip + asn + `next_hop_mode = "Next"`, Summary: "Invalid Attribute Value Match", Attribute: "next_hop_mode",
			Valid: ip + asn + `next_hop_mode = "Keep"`},
		{Name: "source address", Body: ip + asn + `source_address = "Node"`, Summary: "Invalid Attribute Value Match", Attribute: "source_address",
			Valid: ip + asn + `source_address = "None"`},
		{Name: "duration", Body: ip + asn + `max_restart_time = "2"`, Summary: "Invalid Duration", Attribute: "max_restart_time",
			Valid: ip + asn + `max_restart_time = "2s"`},
		{Name: "reverse peering", Body: ip + asn + `reverse_peering = "Always"`, Summary: "Invalid Attribute Value Match", Attribute: "reverse_peering",
			Valid: ip + asn + `reverse_peering = "Manual"`},
	}
	rec := &acctest.DiagnosticRecorder{}
	steps := acctest.InvalidCaseSteps(t, rec, acctest.ResourceBlock("calico_bgp_peer", "acc-invalid-peer"), kubernetesCases(t, cases))
	// A peer without a peer is useless but valid to Calico: it plans, with a warning.
	steps = append(steps, resource.TestStep{PlanOnly: true, ExpectNonEmptyPlan: true,
		Config: "resource \"calico_bgp_peer\" \"no_peer\" {\n  name = \"acc-invalid-peer\"\n  node_selector = \"all()\"\n}\n"})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: rec.Factories(), Steps: steps})
	if err := acctest.Gone(bgpPeers(t), "acc-invalid-peer"); err != nil {
		t.Fatal("an invalid configuration reached the server: ", err)
	}
}

// Selectors the provider accepts at plan time must be accepted by Calico itself at apply.
func TestAccBGPPeer_selectorsAgreeWithCalico(t *testing.T) {
	acctest.Cluster(t)
	selectors := []string{
		`all()`, `global()`, `route-reflector == 'true'`, `rr-group == "rr1" && has(rr-id)`, `!has(a)`, `!!has(a)`,
		`a in {"x", 'y'}`, `a not in {}`, `a notin {"x"}`, `a contains "b"`, `a starts with "b"`, `a ends with "b"`,
		`(a == "1" || b == "2") && !(c != "3")`, `projectcalico.org/rr == "true"`, `has( x )`, `all( )`,
		`topology.kubernetes.io/zone in {'a','b'}`, `a == ""`,
	}
	list, _ := json.Marshal(selectors)
	config := fmt.Sprintf(`
locals { selectors = %s }
resource "calico_bgp_peer" "s" {
  count         = length(local.selectors)
  name          = "acc-selector-${count.index}"
  node_selector = local.selectors[count.index]
  peer_selector = local.selectors[count.index]
}`, list)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				for i, sel := range selectors {
					p, err := bgpPeers(t).Get(context.Background(), fmt.Sprintf("acc-selector-%d", i), metav1.GetOptions{})
					if err != nil {
						return err
					}
					if p.Spec.NodeSelector != sel {
						return fmt.Errorf("selector %q stored as %q", sel, p.Spec.NodeSelector)
					}
				}
				return nil
			},
		}},
	})
}

// Values unknown until apply (module inputs, other resources' outputs) must not fail
// validation, whole objects included.
func TestAccResources_unknownValuesPlan(t *testing.T) {
	acctest.Cluster(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "later" {
  input = { name = "bgp-secrets", key = "tor", min = 24, cidr = "10.0.0.0/8", selector = "has(rr)", asn = 65001 }
}
resource "calico_bgp_peer" "p" {
  name                = "acc-unknown-peer"
  peer_ip             = "10.0.0.1"
  as_number           = terraform_data.later.output.asn
  password_secret_ref = { name = terraform_data.later.output.name, key = terraform_data.later.output.key }
  node_selector       = terraform_data.later.output.selector
}
resource "calico_bgp_peer" "whole" {
  name                = "acc-unknown-peer-2"
  peer_ip             = "10.0.0.2"
  password_secret_ref = terraform_data.later.output.name == "" ? null : { name = terraform_data.later.output.name, key = "k" }
}
resource "calico_bgp_filter" "f" {
  name      = "acc-unknown-filter"
  import_v4 = [{ action = "Accept", cidr = terraform_data.later.output.cidr, match_operator = "In", prefix_length = { min = terraform_data.later.output.min } }]
}
resource "calico_bgp_configuration" "n" {
  name                          = "node.acc-unknown"
  listen_port                   = terraform_data.later.output.min
}`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

// kubernetesCases leaves out, in the etcd mode, the cases whose twin sets a write-only password:
// there every such plan fails (TestAccBGPPeer_writeOnlyPasswordNeedsSecrets).
func kubernetesCases(t *testing.T, cases []acctest.InvalidCase) []acctest.InvalidCase {
	if acctest.Cluster(t).Mode.Kubernetes() {
		return cases
	}
	return slices.DeleteFunc(cases, func(c acctest.InvalidCase) bool { return strings.Contains(c.Valid, "password_wo") })
}

// A create whose object already exists exactly as configured (an earlier apply's create whose
// answer was lost) takes it over, unchanged and not re-created; one that differs in any field
// still fails with Already Exists and is left alone.
func TestAccBGPPeer_identicalExistingIsTakenOver(t *testing.T) {
	acctest.Cluster(t)
	const name = "acc-identical-peer"
	peer := v3.NewBGPPeer()
	peer.Name = name
	peer.Spec = v3.BGPPeerSpec{PeerIP: "192.0.2.79", ASNumber: 65079}
	live := acctest.Create(t, bgpPeers(t), peer)
	config := func(as int) string {
		return fmt.Sprintf(`resource "calico_bgp_peer" "p" {
  name      = %q
  peer_ip   = "192.0.2.79"
  as_number = "%d"
}`, name, as)
	}
	sameObject := func(*terraform.State) error {
		got, err := bgpPeers(t).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if got.UID != live.UID || got.Spec.ASNumber != 65079 {
			return fmt.Errorf("the peer was replaced or changed: uid %s (was %s), AS %v", got.UID, live.UID, got.Spec.ASNumber)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(65080), ExpectError: regexp.MustCompile(`BGPPeer Already Exists`)},
			{Config: config(65079), Check: sameObject},
			{Config: config(65079), PlanOnly: true},
		},
	})
}
