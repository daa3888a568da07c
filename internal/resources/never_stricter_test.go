package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/calico/libcalico-go/lib/apiconfig"
	"github.com/projectcalico/calico/libcalico-go/lib/clientv3"
	cnet "github.com/projectcalico/calico/libcalico-go/lib/net"
	calicovalidator "github.com/projectcalico/calico/libcalico-go/lib/validator/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// The provider's plan-time rules must reject what Calico rejects and nothing else (issue 26 §3).
// TestChecksNeverStricterThanCalico (internal/validate) covers the checks of single values; this
// test covers everything else the provider rejects a configuration for: the schema's validators
// (OneOf, ranges, ConflictsWith, AlsoRequires...), the custom types, and the rules across
// attributes in each resource's validate hook. It generates configurations around every boundary
// those rules check and sends each one through the framework's ValidateResourceConfig, as
// Terraform does; the Calico object the same configuration plans (the resource's own expand, after
// the schema's defaults) goes to Calico's rules. A configuration the provider fails with an error
// diagnostic but Calico accepts fails the test, naming the diagnostic and the configuration.
//
// Calico's rules are those its client library applies before it stores an object (the code
// calicoctl and the Calico API server write with): the validator (libcalico-go lib/validator/v3),
// then the checks of clientv3 itself, and the enums of the CRDs where neither has one. Rules
// that read other objects (pool overlaps, the mesh check) and the provider's own Terraform-only
// attributes (password_wo and password_wo_version, which become a Secret reference, and
// mesh_disable_check, which Calico never sees) are not compared.
func TestRulesNeverStricterThanCalico(t *testing.T) {
	ctx := context.Background()
	server := providerserver.NewProtocol6(&rulesProvider{})()
	for _, g := range []struct {
		name  string
		cases []rulesCase
		judge func(context.Context, *testing.T, map[string]attr.Value) (any, error)
	}{
		{"calico_ip_pool", ipPoolCases(), judgeWith(ipPoolSchema(), "name", expandIPPool, v3.NewIPPool)},
		{"calico_bgp_peer", bgpPeerCases(), judgeWith(bgpPeerSchema(), "name", expandBGPPeer, v3.NewBGPPeer)},
		{"calico_bgp_configuration", bgpConfigurationCases(), judgeWith(bgpConfigurationSchema(), "name", expandBGPConfiguration, v3.NewBGPConfiguration)},
		{"calico_bgp_filter", bgpFilterCases(), judgeWith(bgpFilterSchema(), "name", expandBGPFilter, v3.NewBGPFilter)},
	} {
		sch := schemaOf(ctx, t, g.name)
		rejected, accepted := 0, 0
		for _, c := range g.cases {
			if notSet(c.config) {
				continue
			}
			errs := providerErrors(ctx, t, server, g.name, sch, c.config)
			obj, calicoErr := g.judge(ctx, t, c.config)
			if calicoErr == nil && c.unrepresentable != "" {
				calicoErr = fmt.Errorf("%s", c.unrepresentable)
			}
			if calicoErr == nil {
				accepted++
				for _, e := range errs {
					t.Errorf("%s: %s rejects %s, which Calico accepts (as %s)", g.name, e, describe(c.config), specOf(obj))
				}
			} else {
				rejected++
				if len(errs) == 0 {
					t.Logf("%s: the provider accepts %s, which Calico rejects: %v", g.name, describe(c.config), calicoErr)
				}
			}
		}
		t.Logf("%s: %d configurations, %d accepted by Calico, %d rejected", g.name, len(g.cases), accepted, rejected)
		if accepted == 0 || rejected == 0 {
			t.Errorf("%s: the cases do not reach both sides of Calico's rules", g.name)
		}
	}
}

// notSet says whether the configuration sets an attribute to "" or [], which Calico reads as not
// set: it stores its default instead (allowed_uses [] becomes ["Workload", "Tunnel"]), so the
// provider, whose state must equal the configuration, rejects them at plan time rather than fail
// the apply with an inconsistent result. They are left out, as in TestChecksNeverStricterThanCalico.
func notSet(config map[string]attr.Value) bool {
	for _, v := range config {
		switch v := v.(type) {
		case types.String:
			if !v.IsNull() && v.ValueString() == "" {
				return true
			}
		case types.List:
			if !v.IsNull() && len(v.Elements()) == 0 {
				return true
			}
		}
	}
	return false
}

// rulesCase is one configuration: the attributes set (the others are null), and, where a value
// does not fit the Calico field it goes to (a TTL of 256 in a uint8), why Calico cannot take it.
type rulesCase struct {
	config          map[string]attr.Value
	unrepresentable string
}

// rulesProvider serves the resources alone, so that validation runs through the framework.
type rulesProvider struct{}

func (*rulesProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "calico"
}
func (*rulesProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (*rulesProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (*rulesProvider) Resources(context.Context) []func() resource.Resource { return All() }
func (*rulesProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}

func schemaOf(ctx context.Context, t *testing.T, typeName string) schema.Schema {
	for _, f := range All() {
		r := f()
		meta := &resource.MetadataResponse{}
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "calico"}, meta)
		if meta.TypeName == typeName {
			resp := &resource.SchemaResponse{}
			r.Schema(ctx, resource.SchemaRequest{}, resp)
			return resp.Schema
		}
	}
	t.Fatalf("no resource %s", typeName)
	return schema.Schema{}
}

// rawConfig is the configuration with the given attributes set and the others null.
func rawConfig(ctx context.Context, t *testing.T, sch schema.Schema, set map[string]attr.Value) tftypes.Value {
	objType := sch.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		v, ok := set[name]
		if !ok {
			vals[name] = tftypes.NewValue(typ, nil)
			continue
		}
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		vals[name] = tv
	}
	for name := range set {
		if _, ok := objType.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %s", name)
		}
	}
	return tftypes.NewValue(objType, vals)
}

// providerErrors validates the configuration as Terraform does and lists its errors.
func providerErrors(ctx context.Context, t *testing.T, server tfprotov6.ProviderServer, typeName string, sch schema.Schema, set map[string]attr.Value) []string {
	raw := rawConfig(ctx, t, sch, set)
	dv, err := tfprotov6.NewDynamicValue(raw.Type(), raw)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: &dv})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			at := ""
			if d.Attribute != nil {
				at = " on " + d.Attribute.String()
			}
			out = append(out, fmt.Sprintf("%q%s", d.Summary, at))
		}
	}
	return out
}

// judgeWith builds the Calico object a configuration plans (the schema's defaults in place of
// nulls, then the resource's expand) and asks Calico's rules about it.
func judgeWith[M any, T calico.Object](sch schema.Schema, nameAttr string, expand func(context.Context, *M, T) diag.Diagnostics, newObj func() T) func(context.Context, *testing.T, map[string]attr.Value) (any, error) {
	return func(ctx context.Context, t *testing.T, set map[string]attr.Value) (any, error) {
		plan := tfsdk.Plan{Schema: sch, Raw: withDefaults(ctx, t, sch, rawConfig(ctx, t, sch, set))}
		var m M
		if d := plan.Get(ctx, &m); d.HasError() {
			t.Fatalf("%v", d)
		}
		obj := newObj()
		var name types.String
		plan.GetAttribute(ctx, path.Root(nameAttr), &name)
		obj.SetName(name.ValueString())
		if d := expand(ctx, &m, obj); d.HasError() {
			t.Fatalf("expand %s: %v", describe(set), d)
		}
		return obj, calicoRejects(t, obj)
	}
}

// withDefaults puts the schema's defaults in place of null top-level attributes, as the plan does.
func withDefaults(ctx context.Context, t *testing.T, sch schema.Schema, raw tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	if err := raw.As(&vals); err != nil {
		t.Fatal(err)
	}
	for name, a := range sch.Attributes {
		if !vals[name].IsNull() {
			continue
		}
		var def attr.Value
		switch a := a.(type) {
		case schema.StringAttribute:
			if a.Default != nil {
				resp := &defaults.StringResponse{}
				a.Default.DefaultString(ctx, defaults.StringRequest{}, resp)
				def = resp.PlanValue
			}
		case schema.BoolAttribute:
			if a.Default != nil {
				resp := &defaults.BoolResponse{}
				a.Default.DefaultBool(ctx, defaults.BoolRequest{}, resp)
				def = resp.PlanValue
			}
		case schema.ListAttribute:
			if a.Default != nil {
				resp := &defaults.ListResponse{}
				a.Default.DefaultList(ctx, defaults.ListRequest{}, resp)
				def = resp.PlanValue
			}
		}
		if def != nil {
			tv, err := def.ToTerraformValue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			vals[name] = tv
		}
	}
	return tftypes.NewValue(raw.Type(), vals)
}

// calicoRejects applies Calico's rules to the object as a datastore receives it: encoded as
// JSON (so an empty list is an absent one), then decoded into Calico's types.
func calicoRejects(t *testing.T, obj calico.Object) error {
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	stored := reflect.New(reflect.TypeOf(obj).Elem()).Interface().(calico.Object)
	if err := json.Unmarshal(b, stored); err != nil {
		return err
	}
	if err := calicovalidator.Validate(stored); err != nil {
		return err
	}
	switch o := stored.(type) {
	case *v3.BGPConfiguration:
		// The CRD's enum (crd.projectcalico.org_bgpconfigurations.yaml): the only check of the field.
		if m := o.Spec.ServiceLoadBalancerAggregation; m != nil && *m != "Enabled" && *m != "Disabled" {
			return fmt.Errorf("serviceLoadBalancerAggregation %q not in the CRD's enum", *m)
		}
		// clientv3's BGPConfiguration Create and Update check the fields only "default" may set.
		return defaultOnlyFields(t).ValidateDefaultOnlyFields(o)
	case *v3.IPPool:
		// clientv3's IPPool Create and Update (validateAndSetDefaults in lib/clientv3/ippool.go)
		// check the block size's range, which the validator does not; its other checks there are
		// the validator's or read other pools.
		lo, hi := 20, 32
		if ip, _, err := cnet.ParseCIDR(o.Spec.CIDR); err == nil && ip.Version() == 6 {
			lo, hi = 116, 128
		}
		if o.Spec.BlockSize != 0 && (o.Spec.BlockSize < lo || o.Spec.BlockSize > hi) {
			return fmt.Errorf("block size %d outside %d-%d", o.Spec.BlockSize, lo, hi)
		}
	case *v3.BGPPeer:
		// The CRD's enums (crd.projectcalico.org_bgppeers.yaml): the only check of these fields.
		if m := o.Spec.NextHopMode; m != nil && !slices.Contains([]v3.NextHopMode{"Auto", "Self", "Keep"}, *m) {
			return fmt.Errorf("nextHopMode %q not in the CRD's enum", *m)
		}
		if m := o.Spec.ReversePeering; m != nil && !slices.Contains([]v3.ReversePeering{"Auto", "Manual"}, *m) {
			return fmt.Errorf("reversePeering %q not in the CRD's enum", *m)
		}
	}
	return nil
}

// defaultOnlyFields is clientv3's own check of a BGPConfiguration's default-only fields (a
// method of its client that reads nothing but the object). Building the client contacts no one.
func defaultOnlyFields(t *testing.T) interface {
	ValidateDefaultOnlyFields(*v3.BGPConfiguration) error
} {
	c, err := clientv3.New(apiconfig.CalicoAPIConfig{Spec: apiconfig.CalicoAPIConfigSpec{
		DatastoreType: apiconfig.Kubernetes,
		KubeConfig:    apiconfig.KubeConfig{K8sAPIEndpoint: "https://127.0.0.1:1", K8sInsecureSkipTLSVerify: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	v, ok := c.BGPConfigurations().(interface {
		ValidateDefaultOnlyFields(*v3.BGPConfiguration) error
	})
	if !ok {
		t.Fatal("clientv3's BGPConfigurations no longer has ValidateDefaultOnlyFields")
	}
	return v
}

func describe(set map[string]attr.Value) string {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + " = " + set[n].String()
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func specOf(obj any) string {
	o, ok := obj.(calico.Object)
	if !ok {
		return fmt.Sprint(obj)
	}
	b, _ := json.Marshal(reflect.ValueOf(o).Elem().FieldByName("Spec").Interface())
	return string(b)
}

// Values for configurations.
func str(s string) attr.Value { return types.StringValue(s) }
func i64(n int64) attr.Value  { return types.Int64Value(n) }
func boolean(b bool) attr.Value {
	return types.BoolValue(b)
}
func strs(ss ...string) attr.Value {
	vals := make([]attr.Value, len(ss))
	for i, s := range ss {
		vals[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, vals)
}

// with copies a configuration and sets (or, for a nil value, leaves out) more attributes.
func with(base map[string]attr.Value, kv ...any) map[string]attr.Value {
	out := map[string]attr.Value{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1].(attr.Value)
	}
	return out
}

// optional lists "unset" (nil) and the given values.
func optional(vals ...attr.Value) []attr.Value { return append([]attr.Value{nil}, vals...) }

func ipPoolCases() []rulesCase {
	var cases []rulesCase
	// Block sizes on both sides of each family's range and of the pool's own prefix length;
	// pools around and on the link-local ranges.
	cidrs := []string{
		"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.0.0.0/19", "10.0.0.0/20", "10.0.0.0/21", "10.0.0.0/25",
		"10.0.0.0/26", "10.0.0.0/27", "10.0.0.0/31", "10.0.0.1/32", "169.254.0.0/16", "169.254.1.0/24",
		"169.0.0.0/8", "169.253.0.0/16", "169.255.0.0/16", "168.0.0.0/6",
		"::/0", "fd00::/8", "fd00::/48", "fd00::/115", "fd00::/116", "fd00::/117", "fd00::/121", "fd00::/122",
		"fd00::/123", "fd00::1/128", "fe80::/10", "fe80::/64", "fe00::/9", "fec0::/10", "fc00::/7",
		"::ffff:10.0.0.0/104", "::ffff:169.254.0.0/112",
	}
	var sizes []attr.Value
	sizes = append(sizes, nil)
	for n := int64(18); n <= 34; n++ {
		sizes = append(sizes, i64(n))
	}
	for n := int64(114); n <= 130; n++ {
		sizes = append(sizes, i64(n))
	}
	sizes = append(sizes, i64(64)) // not 0: Calico's "not set", as "" is for strings
	for _, cidr := range cidrs {
		for _, size := range sizes {
			for _, disabled := range optional(boolean(false), boolean(true)) {
				cases = append(cases, rulesCase{config: with(map[string]attr.Value{"name": str("p"), "cidr": str(cidr)},
					"block_size", size, "disabled", disabled)})
			}
		}
	}
	// Encapsulation against family and uses; the LoadBalancer and Tunnel rules against the
	// attributes they relate.
	modes := optional(str("Never"), str("Always"), str("CrossSubnet"))
	uses := optional(strs("Workload"), strs("Tunnel"), strs("LoadBalancer"), strs("Workload", "Tunnel"),
		strs("Workload", "LoadBalancer"), strs("Tunnel", "LoadBalancer"), strs("LoadBalancer", "LoadBalancer"),
		strs("Workload", "Workload"), strs("Tunnel", "Tunnel", "Workload"), strs())
	for _, cidr := range []string{"10.0.0.0/16", "fd00::/48"} {
		for _, ipip := range modes {
			for _, vxlan := range modes {
				for _, use := range uses {
					cases = append(cases, rulesCase{config: with(map[string]attr.Value{"name": str("p"), "cidr": str(cidr)},
						"ipip_mode", ipip, "vxlan_mode", vxlan, "allowed_uses", use)})
				}
			}
		}
	}
	selectors := optional(str("all()"), str("rack == 'a'"), str("global()"), str("all() && global()"), str(""))
	for _, use := range uses {
		for _, export := range optional(boolean(false), boolean(true)) {
			for _, nodeSel := range selectors {
				for _, nsSel := range selectors {
					for _, vxlan := range optional(str("Always")) {
						cases = append(cases, rulesCase{config: with(map[string]attr.Value{"name": str("p"), "cidr": str("10.0.0.0/16")},
							"allowed_uses", use, "disable_bgp_export", export, "node_selector", nodeSel,
							"namespace_selector", nsSel, "vxlan_mode", vxlan)})
					}
				}
			}
		}
	}
	for _, v := range []string{"Automatic", "Manual", "manual", "Foo", ""} {
		cases = append(cases, rulesCase{config: map[string]attr.Value{"name": str("p"), "cidr": str("10.0.0.0/16"), "assignment_mode": str(v)}})
	}
	for _, v := range []string{"Never", "never", "Foo", ""} {
		cases = append(cases, rulesCase{config: map[string]attr.Value{"name": str("p"), "cidr": str("10.0.0.0/16"), "ipip_mode": str(v)}})
		cases = append(cases, rulesCase{config: map[string]attr.Value{"name": str("p"), "cidr": str("10.0.0.0/16"), "vxlan_mode": str(v)}})
	}
	return cases
}

func bgpPeerCases() []rulesCase {
	var cases []rulesCase
	base := map[string]attr.Value{"name": str("p"), "as_number": str("65001")}
	// Next-hop settings, and reachable_by against the peer's address family.
	peerIPs := optional(str("10.0.0.1"), str("10.0.0.1:1179"), str("fd00::1"), str("[fd00::1]:1179"), str("::ffff:10.0.0.1"))
	for _, keep := range optional(boolean(false), boolean(true)) {
		for _, mode := range optional(str("Auto"), str("Self"), str("Keep")) {
			for _, peerIP := range peerIPs {
				for _, reach := range optional(str("10.0.0.254"), str("fd00::fe"), str("::ffff:10.0.0.254")) {
					cases = append(cases, rulesCase{config: with(base, "keep_original_next_hop", keep,
						"next_hop_mode", mode, "peer_ip", peerIP, "reachable_by", reach)})
				}
			}
		}
	}
	// Whom with whom: every combination of the attributes the conflicts relate.
	for _, node := range optional(str("n1")) {
		for _, nodeSel := range optional(str("all()")) {
			for _, peerIP := range optional(str("10.0.0.1")) {
				for _, peerSel := range optional(str("has(rr)")) {
					for _, asn := range optional(str("65001"), str("0.1")) {
						for _, lws := range optional(str("app == 'x'")) {
							cases = append(cases, rulesCase{config: with(map[string]attr.Value{"name": str("p")},
								"node", node, "node_selector", nodeSel, "peer_ip", peerIP, "peer_selector", peerSel,
								"as_number", asn, "local_workload_selector", lws)})
						}
					}
				}
			}
		}
	}
	withIP := with(base, "peer_ip", str("10.0.0.1"))
	for _, n := range []int64{math.MinInt32 - 1, math.MinInt32, -1, 0, 1, 255, 256, math.MaxInt32, math.MaxInt32 + 1} {
		c := rulesCase{config: with(withIP, "num_allowed_local_as_numbers", i64(n))}
		if n < math.MinInt32 || n > math.MaxInt32 {
			c.unrepresentable = "numAllowedLocalASNumbers is an int32"
		}
		cases = append(cases, c)
	}
	for _, n := range []int64{-1, 0, 1, 255, 256} {
		c := rulesCase{config: with(withIP, "ttl_security", i64(n))}
		if n < 0 || n > 255 {
			c.unrepresentable = "ttlSecurity is a uint8"
		}
		cases = append(cases, c)
	}
	for _, attrName := range []string{"next_hop_mode", "reverse_peering", "source_address"} {
		for _, v := range []string{"Auto", "Self", "Keep", "Manual", "UseNodeIP", "None", "auto", "none", "Foo", ""} {
			cases = append(cases, rulesCase{config: with(withIP, attrName, str(v))})
		}
	}
	// A negative duration is left out: the duration type rejects it, and Calico stores it.
	for _, d := range []string{"0s", "1ns", "120s"} {
		cases = append(cases, rulesCase{config: with(withIP, "max_restart_time", str(d))})
	}
	for _, asn := range []string{"1", "4294967295", "0.1", "65535.65535"} {
		cases = append(cases, rulesCase{config: with(withIP, "as_number", str(asn), "local_as_number", str(asn))})
	}
	return cases
}

func bgpConfigurationCases() []rulesCase {
	var cases []rulesCase
	secretRef := types.ObjectValueMust(secretKeyRefAttrTypes, map[string]attr.Value{
		"name": str("mesh"), "key": str("password"), "optional": types.BoolNull(),
	})
	// Each default-only attribute on the default object, a node's and any other name.
	defaultOnly := map[string]attr.Value{
		"node_to_node_mesh_enabled": boolean(true), "as_number": str("64512"),
		"service_cluster_ips": strs("10.96.0.0/12"), "service_external_ips": strs("192.0.2.0/24"),
		"service_load_balancer_ips": strs("198.51.100.0/24"), "node_mesh_password_secret_ref": secretRef,
		"node_mesh_max_restart_time": str("120s"),
	}
	names := make([]string, 0, len(defaultOnly))
	for n := range defaultOnly {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range []string{"default", "node.n1", "other", "defaults"} {
		cases = append(cases, rulesCase{config: map[string]attr.Value{"name": str(name)}})
		for _, a := range names {
			cases = append(cases, rulesCase{config: map[string]attr.Value{"name": str(name), a: defaultOnly[a]}})
		}
		for _, a := range []string{"service_cluster_ips", "service_external_ips", "service_load_balancer_ips"} {
			cases = append(cases, rulesCase{config: map[string]attr.Value{"name": str(name), a: strs()}})
		}
	}
	// The mesh against its password and restart time.
	for _, mesh := range optional(boolean(true), boolean(false)) {
		for _, password := range optional(secretRef) {
			for _, restart := range optional(str("120s"), str("0s")) {
				cases = append(cases, rulesCase{config: with(map[string]attr.Value{"name": str("default")},
					"node_to_node_mesh_enabled", mesh, "node_mesh_password_secret_ref", password,
					"node_mesh_max_restart_time", restart)})
			}
		}
	}
	// Communities defined or not, used or not, by name or by value.
	communityType := communitiesAttribute.NestedObject.Type()
	adType := prefixAdvertisementsAttribute.NestedObject.Type()
	community := func(name, value string) attr.Value {
		return types.ObjectValueMust(communityType.(types.ObjectType).AttrTypes, map[string]attr.Value{"name": str(name), "value": str(value)})
	}
	ad := func(cidr string, communities attr.Value) attr.Value {
		return types.ObjectValueMust(adType.(types.ObjectType).AttrTypes, map[string]attr.Value{"cidr": str(cidr), "communities": communities})
	}
	list := func(t attr.Type, vals ...attr.Value) attr.Value { return types.ListValueMust(t, vals) }
	communityLists := optional(list(communityType), list(communityType, community("a", "65001:100")),
		list(communityType, community("a", "65001:100"), community("b", "1:2:3")))
	adLists := optional(list(adType), list(adType, ad("10.0.0.0/8", strs("a"))), list(adType, ad("10.0.0.0/8", strs("b"))),
		list(adType, ad("10.0.0.0/8", strs("65001:100"))), list(adType, ad("10.0.0.0/8", strs("65536:1"))),
		list(adType, ad("10.0.0.0/8", strs("1:2:3"))), list(adType, ad("10.0.0.0/8", strs("4294967296:1:1"))),
		list(adType, ad("10.0.0.0/8", strs())), list(adType, ad("10.0.0.0/8", strs("a", "b", "c"))))
	for _, cs := range communityLists {
		for _, ads := range adLists {
			cases = append(cases, rulesCase{config: with(map[string]attr.Value{"name": str("default")},
				"communities", cs, "prefix_advertisements", ads)})
		}
	}
	for _, attrName := range []string{"log_severity_screen", "bind_mode", "service_load_balancer_aggregation"} {
		for _, v := range []string{"Trace", "Debug", "Info", "Warning", "Error", "Fatal", "Panic", "info", "None",
			"NodeIP", "nodeip", "Enabled", "Disabled", "disabled", "Foo", ""} {
			cases = append(cases, rulesCase{config: map[string]attr.Value{"name": str("default"), attrName: str(v)}})
		}
	}
	// listen_port 0 is Calico's "not set", as "" is for strings.
	for _, n := range []int64{-1, 1, 179, 65535, 65536} {
		c := rulesCase{config: map[string]attr.Value{"name": str("default"), "listen_port": i64(n)}}
		if n < 0 || n > 65535 {
			c.unrepresentable = "listenPort is a uint16"
		}
		cases = append(cases, c)
	}
	return cases
}

func bgpFilterCases() []rulesCase {
	var cases []rulesCase
	ruleType := filterRuleObjectType.(types.ObjectType)
	lengthType := ruleType.AttrTypes["prefix_length"].(types.ObjectType)
	length := func(lo, hi attr.Value) attr.Value {
		if lo == nil {
			lo = types.Int64Null()
		}
		if hi == nil {
			hi = types.Int64Null()
		}
		return types.ObjectValueMust(lengthType.AttrTypes, map[string]attr.Value{"min": lo, "max": hi})
	}
	rule := func(set map[string]attr.Value) attr.Value {
		vals := map[string]attr.Value{}
		for n, t := range ruleType.AttrTypes {
			if v, ok := set[n]; ok && v != nil {
				vals[n] = v
			} else {
				vals[n], _ = t.ValueFromTerraform(context.Background(), tftypes.NewValue(t.TerraformType(context.Background()), nil))
			}
		}
		return types.ListValueMust(ruleType, []attr.Value{types.ObjectValueMust(ruleType.AttrTypes, vals)})
	}
	for _, fam := range []struct {
		attr, cidr string
		longest    int64
	}{{"export_v4", "10.0.0.0/8", 32}, {"import_v6", "fd00::/8", 128}} {
		for _, cidr := range optional(str(fam.cidr)) {
			for _, op := range optional(str("In"), str("NotIn"), str("Equal"), str("NotEqual"), str("in"), str("Foo")) {
				for _, pl := range optional(length(nil, nil), length(i64(16), nil), length(nil, i64(24))) {
					for _, action := range []attr.Value{str("Accept"), str("Reject"), str("accept")} {
						cases = append(cases, rulesCase{config: map[string]attr.Value{"name": str("f"),
							fam.attr: rule(map[string]attr.Value{"cidr": cidr, "match_operator": op, "prefix_length": pl, "action": action})}})
					}
				}
			}
		}
		for _, n := range []int64{-1, 0, fam.longest, fam.longest + 1} {
			for _, pl := range []attr.Value{length(i64(n), nil), length(nil, i64(n))} {
				cases = append(cases, rulesCase{config: map[string]attr.Value{"name": str("f"),
					fam.attr: rule(map[string]attr.Value{"cidr": str(fam.cidr), "match_operator": str("In"), "prefix_length": pl, "action": str("Accept")})}})
			}
		}
		for _, src := range []string{"RemotePeers", "remotepeers", "Foo"} {
			cases = append(cases, rulesCase{config: map[string]attr.Value{"name": str("f"),
				fam.attr: rule(map[string]attr.Value{"source": str(src), "action": str("Accept")})}})
		}
	}
	return cases
}
