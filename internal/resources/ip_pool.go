package resources

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// NewIPPool is the calico_ip_pool resource.
func NewIPPool() resource.Resource {
	return newObjectResource(objectMapping[ipPoolModel, *v3.IPPool]{
		typeName:         "ip_pool",
		kind:             calico.IPPools.On,
		schema:           ipPoolSchema,
		name:             func(m *ipPoolModel) *types.String { return &m.Name },
		expand:           expandIPPool,
		flatten:          flattenIPPool,
		validate:         validateIPPool,
		planCheck:        checkPoolOverlap,
		managedElsewhere: managedByOperator,
	})
}

// checkPoolOverlap applies, at plan time, the rule Calico checks when it creates a pool: its CIDR
// must not overlap another pool's. It runs for a new pool (or one replaced, a new name or CIDR);
// the pool this one replaces does not count. When the pools cannot be read (the cluster does
// not exist yet), Calico checks at apply.
func checkPoolOverlap(ctx context.Context, c *calico.Client, plan, prior *ipPoolModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.CIDR.IsUnknown() || plan.Name.IsUnknown() ||
		prior != nil && prior.Name.Equal(plan.Name) && prior.CIDR.ValueString() == plan.CIDR.ValueString() {
		return diags
	}
	_, cidr, err := net.ParseCIDR(plan.CIDR.ValueString())
	if err != nil {
		return diags
	}
	replaced := ""
	if prior != nil {
		replaced = prior.Name.ValueString()
	}
	err = calico.IPPools.On(c).Each(ctx, func(pool *v3.IPPool) error {
		if pool.Name == plan.Name.ValueString() || pool.Name == replaced {
			return nil
		}
		if _, other, err := net.ParseCIDR(pool.Spec.CIDR); err == nil && (other.Contains(cidr.IP) || cidr.Contains(other.IP)) {
			diags.AddAttributeError(path.Root("cidr"), "IP Pool Overlaps an Existing Pool",
				fmt.Sprintf("%s overlaps IPPool %q (%s): Calico refuses to create a pool that overlaps another. "+
					"Choose a CIDR outside the cluster's other pools, or change or delete %q first.",
					cidr, pool.Name, pool.Spec.CIDR, pool.Name))
		}
		return nil
	})
	if err != nil {
		tflog.Debug(ctx, "pools not readable at plan time; Calico checks overlaps at apply", map[string]any{"error": err.Error()})
	}
	return diags
}

// managedByOperator tells of pools the Tigera operator reconciles from its Installation
// (spec.calicoNetwork.ipPools): it reverts changes to them within minutes, so Terraform must
// not make any.
func managedByOperator(pool *v3.IPPool) (summary, detail string) {
	if pool.Labels[calico.ManagedByLabel] != "tigera-operator" {
		return "", ""
	}
	return "IPPool Managed by the Tigera Operator", fmt.Sprintf("IPPool %q carries the label %s=tigera-operator: "+
		"the Tigera operator creates and reconciles it from the Installation's spec.calicoNetwork.ipPools and "+
		"reverts any other change, so Terraform does not write it. Change the pool in the Installation resource "+
		"instead; or, to hand the cluster's pools over to Terraform, set spec.calicoNetwork.ipPools to [] in the "+
		"Installation, remove that label from the pool, and import it.", pool.Name, calico.ManagedByLabel)
}

type ipPoolModel struct {
	Name              types.String     `tfsdk:"name"`
	CIDR              customtypes.CIDR `tfsdk:"cidr"`
	BlockSize         types.Int64      `tfsdk:"block_size"`
	IPIPMode          types.String     `tfsdk:"ipip_mode"`
	VXLANMode         types.String     `tfsdk:"vxlan_mode"`
	NATOutgoing       types.Bool       `tfsdk:"nat_outgoing"`
	Disabled          types.Bool       `tfsdk:"disabled"`
	DisableBGPExport  types.Bool       `tfsdk:"disable_bgp_export"`
	NodeSelector      types.String     `tfsdk:"node_selector"`
	NamespaceSelector types.String     `tfsdk:"namespace_selector"`
	AllowedUses       types.List       `tfsdk:"allowed_uses"`
	AssignmentMode    types.String     `tfsdk:"assignment_mode"`
}

func expandIPPool(ctx context.Context, m *ipPoolModel, obj *v3.IPPool) diag.Diagnostics {
	uses, diags := listElements[v3.IPPoolAllowedUse](ctx, m.AllowedUses)
	blockSize := int(m.BlockSize.ValueInt64())
	if blockSize == 0 { // unknown on create: Calico's default, written out so every datastore stores the same
		blockSize = defaultBlockSize(m.CIDR.ValueString())
	}
	obj.Spec = v3.IPPoolSpec{
		CIDR:              m.CIDR.ValueString(),
		BlockSize:         blockSize,
		IPIPMode:          v3.IPIPMode(m.IPIPMode.ValueString()),
		VXLANMode:         v3.VXLANMode(m.VXLANMode.ValueString()),
		NATOutgoing:       m.NATOutgoing.ValueBool(),
		Disabled:          m.Disabled.ValueBool(),
		DisableBGPExport:  m.DisableBGPExport.ValueBool(),
		NodeSelector:      m.NodeSelector.ValueString(),
		NamespaceSelector: m.NamespaceSelector.ValueString(),
		AllowedUses:       uses,
		AssignmentMode:    stringPointer[v3.AssignmentMode](m.AssignmentMode),
	}
	return diags
}

func flattenIPPool(ctx context.Context, obj *v3.IPPool, m *ipPoolModel) diag.Diagnostics {
	s := obj.Spec
	m.Name = types.StringValue(obj.Name)
	m.CIDR = customtypes.NewCanonicalString[customtypes.CIDRFormat](s.CIDR)
	m.BlockSize = types.Int64Value(int64(cmp.Or(s.BlockSize, defaultBlockSize(s.CIDR))))
	// Calico stores its defaults explicitly; the schema's defaults are the same values, so
	// these map one to one.
	m.IPIPMode = types.StringValue(string(orDefault(s.IPIPMode, v3.IPIPModeNever)))
	m.VXLANMode = types.StringValue(string(orDefault(s.VXLANMode, v3.VXLANModeNever)))
	m.NATOutgoing = types.BoolValue(s.NATOutgoing)
	m.Disabled = types.BoolValue(s.Disabled)
	m.DisableBGPExport = types.BoolValue(s.DisableBGPExport)
	m.NodeSelector = types.StringValue(orDefault(s.NodeSelector, "all()"))
	m.NamespaceSelector = stringValue(s.NamespaceSelector, m.NamespaceSelector)
	m.AssignmentMode = types.StringValue(string(v3.Automatic))
	if s.AssignmentMode != nil {
		m.AssignmentMode = types.StringValue(string(*s.AssignmentMode))
	}
	uses := s.AllowedUses
	if len(uses) == 0 {
		uses = defaultAllowedUses
	}
	var diags diag.Diagnostics
	m.AllowedUses, diags = types.ListValueFrom(ctx, types.StringType, uses)
	return diags
}

// defaultBlockSize is the block size Calico gives a pool that has none (its validator and IP
// pool client default it the same way): 26 for IPv4, 122 for IPv6.
func defaultBlockSize(cidr string) int {
	if ip, _, err := net.ParseCIDR(cidr); err == nil && ip.To4() == nil {
		return 122
	}
	return 26
}

var defaultAllowedUses = []v3.IPPoolAllowedUse{v3.IPPoolAllowedUseWorkload, v3.IPPoolAllowedUseTunnel}

func orDefault[S ~string](v, def S) S {
	if v == "" {
		return def
	}
	return v
}

var (
	ipv4LinkLocal = &net.IPNet{IP: net.IPv4(169, 254, 0, 0).To4(), Mask: net.CIDRMask(16, 32)}
	ipv6LinkLocal = &net.IPNet{IP: net.ParseIP("fe80::"), Mask: net.CIDRMask(10, 128)}
)

// validateIPPool applies Calico's pool rules (libcalico-go's validator and IPPool client).
func validateIPPool(ctx context.Context, m *ipPoolModel) diag.Diagnostics {
	var diags diag.Diagnostics
	known := func(v interface {
		IsNull() bool
		IsUnknown() bool
	}) bool {
		return !v.IsNull() && !v.IsUnknown()
	}

	var pool *net.IPNet
	family := 0
	if known(m.CIDR) {
		if _, n, err := net.ParseCIDR(m.CIDR.ValueString()); err == nil {
			pool, family = n, validate.Family(n.IP)
		}
	}
	if pool != nil && (pool.Contains(ipv4LinkLocal.IP) || ipv4LinkLocal.Contains(pool.IP) ||
		pool.Contains(ipv6LinkLocal.IP) || ipv6LinkLocal.Contains(pool.IP)) {
		diags.AddAttributeError(path.Root("cidr"), "Pool Overlaps Link-Local Addresses",
			fmt.Sprintf("%s overlaps the link-local range (169.254.0.0/16 or fe80::/10), which Calico does not allow in an IP pool.", pool))
	}
	if pool != nil && known(m.BlockSize) {
		size := m.BlockSize.ValueInt64()
		lo, hi := int64(20), int64(32)
		if family == 6 {
			lo, hi = 116, 128
		}
		if size < lo || size > hi {
			diags.AddAttributeError(path.Root("block_size"), "Invalid Block Size",
				fmt.Sprintf("block_size %d is outside %d-%d, the range Calico allows for an IPv%d pool.", size, lo, hi, family))
		}
		ones, _ := pool.Mask.Size()
		if disabled := known(m.Disabled) && m.Disabled.ValueBool(); int64(ones) > size && !disabled {
			diags.AddAttributeError(path.Root("block_size"), "Pool Smaller Than a Block",
				fmt.Sprintf("The pool %s (/%d) is smaller than one block (/%d): Calico's IPAM hands out whole blocks. "+
					"Use a block_size of at least %d, or a larger pool.", pool, ones, size, ones))
		}
	}
	ipip, vxlan := m.IPIPMode.ValueString(), m.VXLANMode.ValueString()
	ipipOn := known(m.IPIPMode) && ipip != string(v3.IPIPModeNever)
	vxlanOn := known(m.VXLANMode) && vxlan != string(v3.VXLANModeNever)
	if family == 6 && ipipOn {
		diags.AddAttributeError(path.Root("ipip_mode"), "IPIP on an IPv6 Pool",
			"IPIP encapsulates IPv4 only; Calico requires ipip_mode = \"Never\" on IPv6 pools. Use vxlan_mode, or no encapsulation.")
	}
	if ipipOn && vxlanOn {
		diags.AddAttributeError(path.Root("vxlan_mode"), "Both IPIP and VXLAN Enabled",
			fmt.Sprintf("ipip_mode is %q and vxlan_mode is %q: a pool uses at most one encapsulation. Set the other to \"Never\" "+
				"(both \"Never\" means pod routes are carried by BGP alone).", ipip, vxlan))
	}
	for attr, sel := range map[string]types.String{"node_selector": m.NodeSelector, "namespace_selector": m.NamespaceSelector} {
		if known(sel) && strings.Contains(sel.ValueString(), "global(") {
			diags.AddAttributeError(path.Root(attr), "global() Not Allowed Here",
				"Calico does not accept global() in an IP pool's selectors; use all().")
		}
	}

	if m.AllowedUses.IsUnknown() {
		return diags
	}
	var names []string // null means Calico's default uses
	for _, u := range defaultAllowedUses {
		names = append(names, string(u))
	}
	if !m.AllowedUses.IsNull() {
		uses, d := listElements[types.String](ctx, m.AllowedUses)
		diags.Append(d...)
		names = names[:0]
		for _, u := range uses {
			if !known(u) {
				return diags
			}
			names = append(names, u.ValueString())
		}
	}
	if slices.Contains(names, "LoadBalancer") {
		if slices.ContainsFunc(names, func(u string) bool { return u != "LoadBalancer" }) {
			diags.AddAttributeError(path.Root("allowed_uses"), "LoadBalancer Pool Mixed With Other Uses",
				"A pool for LoadBalancer addresses cannot also be used for Workload or Tunnel addresses.")
		}
		if ipipOn || vxlanOn {
			diags.AddAttributeError(path.Root("allowed_uses"), "Encapsulation on a LoadBalancer Pool",
				"LoadBalancer pools cannot use IPIP or VXLAN: set ipip_mode and vxlan_mode to \"Never\".")
		}
		if known(m.DisableBGPExport) && m.DisableBGPExport.ValueBool() {
			diags.AddAttributeError(path.Root("disable_bgp_export"), "LoadBalancer Pool Not Advertised",
				"Calico requires the routes of a LoadBalancer pool to be exported over BGP: remove disable_bgp_export.")
		}
		if known(m.NodeSelector) && m.NodeSelector.ValueString() != "all()" {
			diags.AddAttributeError(path.Root("node_selector"), "LoadBalancer Pool Limited to Some Nodes",
				"Calico requires node_selector = \"all()\" on LoadBalancer pools.")
		}
	}
	if slices.Contains(names, "Tunnel") && known(m.NamespaceSelector) {
		diags.AddAttributeError(path.Root("namespace_selector"), "Namespace Selector on a Tunnel Pool",
			"Tunnel addresses belong to nodes, not namespaces: remove namespace_selector, or \"Tunnel\" from allowed_uses.")
	}
	return diags
}
