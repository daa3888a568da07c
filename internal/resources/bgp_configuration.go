package resources

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// NewBGPConfiguration is the calico_bgp_configuration resource.
func NewBGPConfiguration() resource.Resource {
	return newObjectResource(objectMapping[bgpConfigurationModel, *v3.BGPConfiguration]{
		typeName:      "bgp_configuration",
		kind:          calico.BGPConfigurations.On,
		schema:        bgpConfigurationSchema,
		name:          func(m *bgpConfigurationModel) *types.String { return &m.Name },
		calicoNames:   map[string]string{"nodeMeshPassword": "node_mesh_password_secret_ref"},
		expand:        expandBGPConfiguration,
		flatten:       flattenBGPConfiguration,
		validate:      validateBGPConfiguration,
		adopt:         func(name string) bool { return name == "default" },
		planDestroy:   warnMeshReturns,
		makesSessions: true,
		beforeWrite:   checkMeshTurnOff,
	})
}

// checkMeshTurnOff makes the mesh_disable_check before a write that turns the mesh off.
func checkMeshTurnOff(ctx context.Context, c *calico.Client, _ tfsdk.Config, plan, _ *bgpConfigurationModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.NodeToNodeMeshEnabled.IsNull() || plan.NodeToNodeMeshEnabled.ValueBool() {
		return diags
	}
	check := bgp.MeshCheck{MinSessions: defaultMeshCheckSessions, NodeSelector: defaultMeshCheckSelector, Timeout: defaultMeshCheckTimeout}
	if set := objectAs[meshDisableCheckModel](ctx, plan.MeshDisableCheck, &diags); set != nil {
		if !set.MinEstablishedSessions.IsNull() {
			check.MinSessions = int(set.MinEstablishedSessions.ValueInt64())
		}
		if !set.NodeSelector.IsNull() {
			check.NodeSelector = set.NodeSelector.ValueString()
		}
		if !set.Timeout.IsNull() {
			check.Timeout, _ = time.ParseDuration(set.Timeout.ValueString()) // validated by the type
		}
	}
	planned := v3.NewBGPConfiguration()
	planned.Name = plan.Name.ValueString()
	if diags.Append(expandBGPConfiguration(ctx, plan, planned)...); diags.HasError() {
		return diags
	}
	check.Progress = func(p bgp.MeshCheckProgress) {
		tflog.Info(ctx, fmt.Sprintf("Waiting for Established BGP sessions before turning the node-to-node mesh off: "+
			"%d of %d nodes ready after %s", p.Ready, p.Total, p.Elapsed), map[string]any{"waiting_for": p.Waiting})
	}
	err := bgp.CheckMeshTurnOff(ctx, c, planned, check)
	if err != nil {
		tfcommon.AddAttributeAPIError(&diags, path.Root("node_to_node_mesh_enabled"), "Update", calico.BGPConfigurations.Name, planned.Name, err)
	}
	return diags
}

// warnMeshReturns warns of destroying the default BGPConfiguration with the mesh off: without
// it, Calico's default (the node-to-node mesh, on every node) comes back.
func warnMeshReturns(m *bgpConfigurationModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.Name.ValueString() == "default" && !m.NodeToNodeMeshEnabled.IsNull() && !m.NodeToNodeMeshEnabled.ValueBool() {
		diags.AddAttributeWarning(path.Root("node_to_node_mesh_enabled"), "Destroying Turns the Node-to-Node Mesh Back On",
			"This destroys the default BGPConfiguration, which has node_to_node_mesh_enabled = false. Without it "+
				"Calico uses its defaults, and the default is the full node-to-node mesh: every node peers with every "+
				"other at once, beside the route-reflector and top-of-rack sessions. To stop managing the object but "+
				"keep it, use a removed block with destroy = false (or terraform state rm) instead.")
	}
	return diags
}

type bgpConfigurationModel struct {
	Name                           types.String         `tfsdk:"name"`
	LogSeverityScreen              types.String         `tfsdk:"log_severity_screen"`
	NodeToNodeMeshEnabled          types.Bool           `tfsdk:"node_to_node_mesh_enabled"`
	ASNumber                       customtypes.ASNumber `tfsdk:"as_number"`
	ListenPort                     types.Int64          `tfsdk:"listen_port"`
	BindMode                       types.String         `tfsdk:"bind_mode"`
	ServiceClusterIPs              types.List           `tfsdk:"service_cluster_ips"`
	ServiceExternalIPs             types.List           `tfsdk:"service_external_ips"`
	ServiceLoadBalancerIPs         types.List           `tfsdk:"service_load_balancer_ips"`
	ServiceLoadBalancerAggregation types.String         `tfsdk:"service_load_balancer_aggregation"`
	Communities                    types.List           `tfsdk:"communities"`
	PrefixAdvertisements           types.List           `tfsdk:"prefix_advertisements"`
	NodeMeshPasswordSecretRef      types.Object         `tfsdk:"node_mesh_password_secret_ref"`
	NodeMeshMaxRestartTime         customtypes.Duration `tfsdk:"node_mesh_max_restart_time"`
	IgnoredInterfaces              types.List           `tfsdk:"ignored_interfaces"`
	LocalWorkloadPeeringIPv4       types.String         `tfsdk:"local_workload_peering_ipv4"`
	LocalWorkloadPeeringIPv6       types.String         `tfsdk:"local_workload_peering_ipv6"`
	MeshDisableCheck               types.Object         `tfsdk:"mesh_disable_check"`
	SessionGuard                   types.Object         `tfsdk:"session_guard"`
}

// meshDisableCheckModel is the provider's check before it turns the mesh off (bgp.MeshCheck).
type meshDisableCheckModel struct {
	MinEstablishedSessions types.Int64          `tfsdk:"min_established_sessions"`
	NodeSelector           types.String         `tfsdk:"node_selector"`
	Timeout                customtypes.Duration `tfsdk:"timeout"`
}

// The check's defaults, where mesh_disable_check or one of its attributes is unset: on, for
// every node, for up to five minutes.
const (
	defaultMeshCheckSessions = 1
	defaultMeshCheckSelector = "all()"
	defaultMeshCheckTimeout  = 5 * time.Minute
)

type communityModel struct {
	Name  types.String `tfsdk:"name"`
	Value types.String `tfsdk:"value"`
}

type prefixAdvertisementModel struct {
	CIDR        types.String `tfsdk:"cidr"`
	Communities types.List   `tfsdk:"communities"`
}

// Calico's built-in value for a field its CRDs fill in when it is not set. (logSeverityScreen
// defaults to Info in confd, but nothing stores that: an Info read back was written by someone,
// so it is shown, and a generated configuration keeps it.)
const defaultServiceLoadBalancerAggregation = string(v3.ServiceLoadBalancerAggregationEnabled)

func expandBGPConfiguration(ctx context.Context, m *bgpConfigurationModel, obj *v3.BGPConfiguration) diag.Diagnostics {
	var diags diag.Diagnostics
	spec := v3.BGPConfigurationSpec{
		LogSeverityScreen:              m.LogSeverityScreen.ValueString(),
		NodeToNodeMeshEnabled:          boolPointer(m.NodeToNodeMeshEnabled),
		BindMode:                       stringPointer[v3.BindMode](m.BindMode),
		ServiceLoadBalancerAggregation: stringPointer[v3.ServiceLoadBalancerAggregation](m.ServiceLoadBalancerAggregation),
		LocalWorkloadPeeringIPV4:       m.LocalWorkloadPeeringIPv4.ValueString(),
		LocalWorkloadPeeringIPV6:       m.LocalWorkloadPeeringIPv6.ValueString(),
	}
	spec.ASNumber = asNumberPointer(m.ASNumber, path.Root("as_number"), &diags)
	if !m.ListenPort.IsNull() {
		spec.ListenPort = uint16(m.ListenPort.ValueInt64())
	}
	cidrs := func(l types.List) []string {
		out, d := listElements[string](ctx, l)
		diags.Append(d...)
		return out
	}
	for _, c := range cidrs(m.ServiceClusterIPs) {
		spec.ServiceClusterIPs = append(spec.ServiceClusterIPs, v3.ServiceClusterIPBlock{CIDR: c})
	}
	for _, c := range cidrs(m.ServiceExternalIPs) {
		spec.ServiceExternalIPs = append(spec.ServiceExternalIPs, v3.ServiceExternalIPBlock{CIDR: c})
	}
	for _, c := range cidrs(m.ServiceLoadBalancerIPs) {
		spec.ServiceLoadBalancerIPs = append(spec.ServiceLoadBalancerIPs, v3.ServiceLoadBalancerIPBlock{CIDR: c})
	}
	spec.IgnoredInterfaces = cidrs(m.IgnoredInterfaces)

	communities, d := listElements[communityModel](ctx, m.Communities)
	diags.Append(d...)
	for _, c := range communities {
		spec.Communities = append(spec.Communities, v3.Community{Name: c.Name.ValueString(), Value: c.Value.ValueString()})
	}
	ads, d := listElements[prefixAdvertisementModel](ctx, m.PrefixAdvertisements)
	diags.Append(d...)
	for _, a := range ads {
		spec.PrefixAdvertisements = append(spec.PrefixAdvertisements, v3.PrefixAdvertisement{
			CIDR: a.CIDR.ValueString(), Communities: cidrs(a.Communities),
		})
	}
	if ref := objectAs[secretKeyRefModel](ctx, m.NodeMeshPasswordSecretRef, &diags); ref != nil {
		spec.NodeMeshPassword = &v3.BGPPassword{SecretKeyRef: ref.selector()}
	}
	if !m.NodeMeshMaxRestartTime.IsNull() {
		d, _ := time.ParseDuration(m.NodeMeshMaxRestartTime.ValueString()) // validated by the type
		spec.NodeMeshMaxRestartTime = &metav1.Duration{Duration: d}
	}
	obj.Spec = spec
	return diags
}

func flattenBGPConfiguration(ctx context.Context, obj *v3.BGPConfiguration, m *bgpConfigurationModel) diag.Diagnostics {
	var diags diag.Diagnostics
	s := obj.Spec
	m.Name = types.StringValue(obj.Name)
	m.LogSeverityScreen = stringValue(s.LogSeverityScreen, m.LogSeverityScreen)
	m.NodeToNodeMeshEnabled = boolFromPointer(s.NodeToNodeMeshEnabled)
	m.ASNumber = customtypes.NullCanonicalString[customtypes.ASNumberFormat]()
	if s.ASNumber != nil {
		m.ASNumber = customtypes.NewCanonicalString[customtypes.ASNumberFormat](strconv.FormatUint(uint64(*s.ASNumber), 10))
	}
	m.ListenPort = types.Int64Null()
	if s.ListenPort != 0 {
		m.ListenPort = types.Int64Value(int64(s.ListenPort))
	}
	m.BindMode = stringFromPointer(s.BindMode, m.BindMode)
	m.ServiceLoadBalancerAggregation = stringFromPointer(s.ServiceLoadBalancerAggregation,
		m.ServiceLoadBalancerAggregation, defaultServiceLoadBalancerAggregation)
	m.LocalWorkloadPeeringIPv4 = stringValue(s.LocalWorkloadPeeringIPV4, m.LocalWorkloadPeeringIPv4)
	m.LocalWorkloadPeeringIPv6 = stringValue(s.LocalWorkloadPeeringIPV6, m.LocalWorkloadPeeringIPv6)

	list := func(vals []string, prior types.List) types.List {
		l, d := stringsToList(ctx, vals, prior)
		diags.Append(d...)
		return l
	}
	blocks := func(n int, cidr func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = cidr(i)
		}
		return out
	}
	m.ServiceClusterIPs = list(blocks(len(s.ServiceClusterIPs), func(i int) string { return s.ServiceClusterIPs[i].CIDR }), m.ServiceClusterIPs)
	m.ServiceExternalIPs = list(blocks(len(s.ServiceExternalIPs), func(i int) string { return s.ServiceExternalIPs[i].CIDR }), m.ServiceExternalIPs)
	m.ServiceLoadBalancerIPs = list(blocks(len(s.ServiceLoadBalancerIPs), func(i int) string { return s.ServiceLoadBalancerIPs[i].CIDR }), m.ServiceLoadBalancerIPs)
	m.IgnoredInterfaces = list(s.IgnoredInterfaces, m.IgnoredInterfaces)

	communities := make([]communityModel, len(s.Communities))
	for i, c := range s.Communities {
		communities[i] = communityModel{Name: types.StringValue(c.Name), Value: types.StringValue(c.Value)}
	}
	var d diag.Diagnostics
	m.Communities, d = objectsToList(ctx, communitiesAttribute.NestedObject.Type(), communities, m.Communities)
	diags.Append(d...)

	priorAds, _ := listElements[prefixAdvertisementModel](ctx, m.PrefixAdvertisements)
	ads := make([]prefixAdvertisementModel, len(s.PrefixAdvertisements))
	for i, a := range s.PrefixAdvertisements {
		prior := types.ListNull(types.StringType)
		if i < len(priorAds) {
			prior = priorAds[i].Communities
		}
		ads[i] = prefixAdvertisementModel{CIDR: types.StringValue(a.CIDR), Communities: list(a.Communities, prior)}
	}
	m.PrefixAdvertisements, d = objectsToList(ctx, prefixAdvertisementsAttribute.NestedObject.Type(), ads, m.PrefixAdvertisements)
	diags.Append(d...)

	var ref *secretKeyRefModel
	if p := s.NodeMeshPassword; p != nil && p.SecretKeyRef != nil {
		ref = secretKeyRefFrom(p.SecretKeyRef)
	}
	m.NodeMeshPasswordSecretRef = objectFrom(ctx, secretKeyRefAttrTypes, ref, &diags)
	m.NodeMeshMaxRestartTime = customtypes.NullCanonicalString[customtypes.DurationFormat]()
	if s.NodeMeshMaxRestartTime != nil {
		m.NodeMeshMaxRestartTime = customtypes.NewCanonicalString[customtypes.DurationFormat](s.NodeMeshMaxRestartTime.Duration.String())
	}
	return diags
}

// defaultOnlyBGPConfigurationFields are the attributes Calico accepts only on the object named
// "default" (libcalico-go's ValidateDefaultOnlyFields).
var defaultOnlyBGPConfigurationFields = []string{
	"node_to_node_mesh_enabled", "as_number", "service_cluster_ips", "service_external_ips",
	"service_load_balancer_ips", "node_mesh_password_secret_ref", "node_mesh_max_restart_time",
}

// validateBGPConfiguration applies Calico's rules that span attributes.
func validateBGPConfiguration(ctx context.Context, m *bgpConfigurationModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if name := m.Name.ValueString(); !m.Name.IsUnknown() && validate.CheckName(name) == nil && !validate.IsBGPConfigurationNameCalicoReads(name) {
		diags.AddAttributeWarning(path.Root("name"), "Calico Ignores This BGPConfiguration",
			fmt.Sprintf("Calico reads the BGPConfiguration named \"default\" (the cluster-wide settings) and those "+
				"named \"node.<node name>\" (one node's overrides). It stores one named %q but no node uses it.", name))
	}
	if !m.Name.IsNull() && !m.Name.IsUnknown() && m.Name.ValueString() != "default" {
		set := map[string]bool{
			"node_to_node_mesh_enabled":     !m.NodeToNodeMeshEnabled.IsNull(),
			"as_number":                     !m.ASNumber.IsNull(),
			"service_cluster_ips":           !m.ServiceClusterIPs.IsNull() && len(m.ServiceClusterIPs.Elements()) > 0,
			"service_external_ips":          !m.ServiceExternalIPs.IsNull() && len(m.ServiceExternalIPs.Elements()) > 0,
			"service_load_balancer_ips":     !m.ServiceLoadBalancerIPs.IsNull() && len(m.ServiceLoadBalancerIPs.Elements()) > 0,
			"node_mesh_password_secret_ref": !m.NodeMeshPasswordSecretRef.IsNull(),
			"node_mesh_max_restart_time":    !m.NodeMeshMaxRestartTime.IsNull(),
		}
		for _, attr := range defaultOnlyBGPConfigurationFields {
			if set[attr] {
				diags.AddAttributeError(path.Root(attr), "Attribute Only Allowed on the Default BGPConfiguration",
					fmt.Sprintf("%s is cluster-wide: Calico accepts it only on the BGPConfiguration named \"default\", "+
						"not on %q. Set it on calico_bgp_configuration with name = \"default\", or remove it here.", attr, m.Name.ValueString()))
			}
		}
	}

	if mode := m.BindMode.ValueString(); !m.BindMode.IsNull() && !m.BindMode.IsUnknown() &&
		mode != string(v3.BindModeNone) && mode != string(v3.BindModeNodeIP) {
		// Calico's validator and CRD leave bindMode unchecked, so Calico stores any value.
		diags.AddAttributeWarning(path.Root("bind_mode"), "Unknown Bind Mode Listens on All Addresses",
			fmt.Sprintf("Calico stores bind_mode %q, but calico-node knows only \"NodeIP\" (BIRD listens on the "+
				"node's BGP address) and \"None\": with any other value BIRD listens on all addresses, as with "+
				"\"None\". Use \"None\" or \"NodeIP\".", mode))
	}

	if !m.NodeToNodeMeshEnabled.IsNull() && !m.NodeToNodeMeshEnabled.IsUnknown() && !m.NodeToNodeMeshEnabled.ValueBool() {
		if !m.NodeMeshPasswordSecretRef.IsNull() {
			diags.AddAttributeError(path.Root("node_mesh_password_secret_ref"), "Mesh Password Without a Mesh",
				"node_mesh_password_secret_ref protects the node-to-node mesh sessions, but node_to_node_mesh_enabled is "+
					"false, and Calico rejects that combination. Remove the password, or enable the mesh.")
		}
		if !m.NodeMeshMaxRestartTime.IsNull() {
			diags.AddAttributeError(path.Root("node_mesh_max_restart_time"), "Mesh Restart Time Without a Mesh",
				"node_mesh_max_restart_time applies to the node-to-node mesh sessions, but node_to_node_mesh_enabled is "+
					"false, and Calico rejects that combination. Remove it, or enable the mesh.")
		}
	}

	if m.Communities.IsUnknown() || m.PrefixAdvertisements.IsUnknown() {
		return diags
	}
	communities, d := listElements[communityModel](ctx, m.Communities)
	diags.Append(d...)
	defined := map[string]bool{}
	for _, c := range communities {
		if c.Name.IsUnknown() {
			return diags
		}
		defined[c.Name.ValueString()] = true
	}
	ads, d := listElements[prefixAdvertisementModel](ctx, m.PrefixAdvertisements)
	diags.Append(d...)
	if len(communities) > 0 && len(ads) == 0 {
		diags.AddAttributeError(path.Root("communities"), "Communities Not Used",
			"Calico accepts communities only when a prefix advertisement uses them, and prefix_advertisements is "+
				"empty. Add a prefix_advertisements entry that names them, or remove communities.")
	}
	for i, a := range ads {
		if a.Communities.IsUnknown() {
			continue
		}
		names, d := listElements[types.String](ctx, a.Communities)
		diags.Append(d...)
		for j, n := range names {
			if n.IsUnknown() || n.IsNull() {
				continue
			}
			v := n.ValueString()
			at := path.Root("prefix_advertisements").AtListIndex(i).AtName("communities").AtListIndex(j)
			switch {
			case validate.IsCommunityValue(v):
				if err := validate.CheckCommunityValue(v); err != nil {
					diags.AddAttributeError(at, "Invalid Community Value", err.Error())
				}
			case !defined[v]:
				diags.AddAttributeError(at, "Undefined Community",
					fmt.Sprintf("%q is neither a community value (aa:nn or aa:nn:mm) nor the name of an entry in "+
						"communities. Define it in communities or use a value.", v))
			}
		}
	}
	return diags
}
