package resources

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// NewBGPPeer is the calico_bgp_peer resource.
func NewBGPPeer() resource.Resource {
	return newObjectResource(objectMapping[bgpPeerModel, *v3.BGPPeer]{
		typeName:      "bgp_peer",
		kind:          calico.BGPPeers.On,
		schema:        bgpPeerSchema,
		name:          func(m *bgpPeerModel) *types.String { return &m.Name },
		calicoNames:   map[string]string{"password": "password_secret_ref"},
		expand:        expandBGPPeer,
		flatten:       flattenBGPPeer,
		validate:      validateBGPPeer,
		planCheck:     checkPeerPasswordDatastore,
		makesSessions: true,
		// A new peer adds sessions; where one replaces a mesh session to the same address, the
		// node keeps a session with that peer.
		createAddsOnly: true,
		beforeWrite:    checkOrWritePeerPassword,
		afterWrite:     finishPeerPassword,
		afterDelete:    deletePeerPassword,
		keepsSecrets:   func(plan *bgpPeerModel) bool { return plan.managesPassword() },
	})
}

type bgpPeerModel struct {
	Name                     types.String         `tfsdk:"name"`
	Node                     types.String         `tfsdk:"node"`
	NodeSelector             types.String         `tfsdk:"node_selector"`
	PeerIP                   types.String         `tfsdk:"peer_ip"`
	PeerSelector             types.String         `tfsdk:"peer_selector"`
	ASNumber                 customtypes.ASNumber `tfsdk:"as_number"`
	LocalASNumber            customtypes.ASNumber `tfsdk:"local_as_number"`
	KeepOriginalNextHop      types.Bool           `tfsdk:"keep_original_next_hop"`
	NextHopMode              types.String         `tfsdk:"next_hop_mode"`
	PasswordSecretRef        types.Object         `tfsdk:"password_secret_ref"`
	PasswordWO               types.String         `tfsdk:"password_wo"`
	PasswordWOVersion        types.Int64          `tfsdk:"password_wo_version"`
	SourceAddress            types.String         `tfsdk:"source_address"`
	MaxRestartTime           customtypes.Duration `tfsdk:"max_restart_time"`
	NumAllowedLocalASNumbers types.Int64          `tfsdk:"num_allowed_local_as_numbers"`
	TTLSecurity              types.Int64          `tfsdk:"ttl_security"`
	ReachableBy              types.String         `tfsdk:"reachable_by"`
	Filters                  types.List           `tfsdk:"filters"`
	LocalWorkloadSelector    types.String         `tfsdk:"local_workload_selector"`
	ReversePeering           types.String         `tfsdk:"reverse_peering"`
	SessionGuard             types.Object         `tfsdk:"session_guard"`
}

// managesPassword reports whether the provider owns the peer's password Secret (password_wo).
func (m *bgpPeerModel) managesPassword() bool { return !m.PasswordWOVersion.IsNull() }

func expandBGPPeer(ctx context.Context, m *bgpPeerModel, obj *v3.BGPPeer) diag.Diagnostics {
	var diags diag.Diagnostics
	spec := v3.BGPPeerSpec{
		Node:                     m.Node.ValueString(),
		NodeSelector:             m.NodeSelector.ValueString(),
		PeerIP:                   m.PeerIP.ValueString(),
		PeerSelector:             m.PeerSelector.ValueString(),
		KeepOriginalNextHop:      m.KeepOriginalNextHop.ValueBool(),
		NextHopMode:              stringPointer[v3.NextHopMode](m.NextHopMode),
		SourceAddress:            v3.SourceAddress(m.SourceAddress.ValueString()),
		NumAllowedLocalASNumbers: int32Pointer(m.NumAllowedLocalASNumbers),
		ReachableBy:              m.ReachableBy.ValueString(),
		LocalWorkloadSelector:    m.LocalWorkloadSelector.ValueString(),
		ReversePeering:           stringPointer[v3.ReversePeering](m.ReversePeering),
	}
	if asn := asNumberPointer(m.ASNumber, path.Root("as_number"), &diags); asn != nil {
		spec.ASNumber = *asn
	}
	spec.LocalASNumber = asNumberPointer(m.LocalASNumber, path.Root("local_as_number"), &diags)
	if !m.TTLSecurity.IsNull() {
		ttl := uint8(m.TTLSecurity.ValueInt64())
		spec.TTLSecurity = &ttl
	}
	if !m.MaxRestartTime.IsNull() {
		d, _ := time.ParseDuration(m.MaxRestartTime.ValueString()) // validated by the type
		spec.MaxRestartTime = &metav1.Duration{Duration: d}
	}
	filters, d := listElements[string](ctx, m.Filters)
	diags.Append(d...)
	spec.Filters = filters
	switch ref := objectAs[secretKeyRefModel](ctx, m.PasswordSecretRef, &diags); {
	case ref != nil:
		spec.Password = &v3.BGPPassword{SecretKeyRef: ref.selector()}
	case m.managesPassword():
		spec.Password = &v3.BGPPassword{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: calico.PasswordSecretName(m.Name.ValueString())},
			Key:                  calico.PasswordSecretKey,
		}}
	}
	obj.Spec = spec
	return diags
}

func flattenBGPPeer(ctx context.Context, obj *v3.BGPPeer, m *bgpPeerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	s := obj.Spec
	m.Name = types.StringValue(obj.Name)
	m.Node = stringValue(s.Node, m.Node)
	m.NodeSelector = stringValue(s.NodeSelector, m.NodeSelector)
	m.PeerIP = stringValue(s.PeerIP, m.PeerIP)
	m.PeerSelector = stringValue(s.PeerSelector, m.PeerSelector)
	m.ASNumber = customtypes.NullCanonicalString[customtypes.ASNumberFormat]()
	if s.ASNumber != 0 {
		m.ASNumber = customtypes.NewCanonicalString[customtypes.ASNumberFormat](s.ASNumber.String())
	}
	m.LocalASNumber = customtypes.NullCanonicalString[customtypes.ASNumberFormat]()
	if s.LocalASNumber != nil {
		m.LocalASNumber = customtypes.NewCanonicalString[customtypes.ASNumberFormat](s.LocalASNumber.String())
	}
	m.KeepOriginalNextHop = boolValue(s.KeepOriginalNextHop, m.KeepOriginalNextHop)
	m.NextHopMode = stringFromPointer(s.NextHopMode, m.NextHopMode)
	m.SourceAddress = stringValue(string(s.SourceAddress), m.SourceAddress)
	m.MaxRestartTime = customtypes.NullCanonicalString[customtypes.DurationFormat]()
	if s.MaxRestartTime != nil {
		m.MaxRestartTime = customtypes.NewCanonicalString[customtypes.DurationFormat](s.MaxRestartTime.Duration.String())
	}
	m.NumAllowedLocalASNumbers = int64FromPointer(s.NumAllowedLocalASNumbers)
	m.TTLSecurity = int64FromPointer(s.TTLSecurity)
	m.ReachableBy = stringValue(s.ReachableBy, m.ReachableBy)
	m.LocalWorkloadSelector = stringValue(s.LocalWorkloadSelector, m.LocalWorkloadSelector)
	m.ReversePeering = stringFromPointer(s.ReversePeering, m.ReversePeering)
	var d diag.Diagnostics
	m.Filters, d = stringsToList(ctx, s.Filters, m.Filters)
	diags.Append(d...)

	// The password: a Secret the provider owns (password_wo) shows as password_wo_version only;
	// any other Secret shows as password_secret_ref. password_wo itself is never stored.
	m.PasswordWO = types.StringNull()
	ref := (*corev1.SecretKeySelector)(nil)
	if s.Password != nil {
		ref = s.Password.SecretKeyRef
	}
	owned := ref != nil && ref.Name == calico.PasswordSecretName(obj.Name) && ref.Key == calico.PasswordSecretKey
	switch {
	case ref == nil:
		m.PasswordSecretRef, m.PasswordWOVersion = types.ObjectNull(secretKeyRefAttrTypes), types.Int64Null()
	case owned && m.managesPassword():
		m.PasswordSecretRef = types.ObjectNull(secretKeyRefAttrTypes)
	default:
		m.PasswordSecretRef = objectFrom(ctx, secretKeyRefAttrTypes, secretKeyRefFrom(ref), &diags)
		m.PasswordWOVersion = types.Int64Null()
	}
	return diags
}

// validateBGPPeer applies Calico's rules that span attributes (the single-attribute ones are
// validators in the schema).
func validateBGPPeer(_ context.Context, m *bgpPeerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	known := func(v interface {
		IsNull() bool
		IsUnknown() bool
	}) bool {
		return !v.IsNull() && !v.IsUnknown()
	}
	unknown := func(vs ...interface{ IsUnknown() bool }) bool {
		for _, v := range vs {
			if v.IsUnknown() {
				return true
			}
		}
		return false
	}

	if !unknown(m.PeerIP, m.PeerSelector, m.LocalWorkloadSelector) &&
		m.PeerIP.IsNull() && m.PeerSelector.IsNull() && m.LocalWorkloadSelector.IsNull() {
		// Calico stores such a peer, so it plans; it just configures no session.
		diags.AddAttributeWarning(path.Root("peer_ip"), "BGP Peer Without a Peer",
			"Calico accepts this BGPPeer but configures no BGP session for it. Say whom the selected nodes peer "+
				"with: peer_ip (a router or switch), peer_selector (other Calico nodes, such as route reflectors), "+
				"or local_workload_selector (workloads on the node).")
	}
	if known(m.ReachableBy) && known(m.PeerIP) {
		reach := net.ParseIP(m.ReachableBy.ValueString())
		peer, _, err := validate.ParsePeerIP(m.PeerIP.ValueString())
		if reach != nil && err == nil && validate.Family(reach) != validate.Family(peer) {
			diags.AddAttributeError(path.Root("reachable_by"), "Address Family Mismatch",
				fmt.Sprintf("reachable_by %s is IPv%d but peer_ip %s is IPv%d: the gateway must be of the peer's family.",
					m.ReachableBy.ValueString(), validate.Family(reach), m.PeerIP.ValueString(), validate.Family(peer)))
		}
	}
	if known(m.NumAllowedLocalASNumbers) && m.NumAllowedLocalASNumbers.ValueInt64() < 0 {
		// Calico's validator and CRD accept any int32 here.
		diags.AddAttributeWarning(path.Root("num_allowed_local_as_numbers"), "BIRD Will Reject This BGP Peer",
			fmt.Sprintf("Calico stores num_allowed_local_as_numbers = %d, but calico-node writes it into BIRD's "+
				"configuration as \"allow local as %d;\", which BIRD cannot parse: BIRD then rejects the whole "+
				"configuration of every node this peer selects (and keeps its old one, or does not start). Use 0 "+
				"(the node's own AS is never allowed) or a positive count.", m.NumAllowedLocalASNumbers.ValueInt64(),
				m.NumAllowedLocalASNumbers.ValueInt64()))
	}
	if known(m.KeepOriginalNextHop) && m.KeepOriginalNextHop.ValueBool() && known(m.NextHopMode) {
		diags.AddAttributeError(path.Root("keep_original_next_hop"), "Conflicting Next-Hop Settings",
			"keep_original_next_hop is deprecated and Calico rejects it together with next_hop_mode. Use "+
				"next_hop_mode = \"Keep\" instead.")
	}
	return diags
}
