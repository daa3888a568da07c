package resources

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

func ipPoolSchema() schema.Schema {
	modes := []string{"Never", "Always", "CrossSubnet"}
	return schema.Schema{
		MarkdownDescription: "An IP pool (`IPPool`, `projectcalico.org/v3`): a range Calico's IPAM assigns pod (and " +
			"tunnel or LoadBalancer) addresses from, and how traffic between pods on different nodes is carried: " +
			"encapsulated (`ipip_mode` or `vxlan_mode`) or routed natively, with pod routes carried by BGP (both " +
			"`Never`). Switching the encapsulation is an in-place update.\n\n" +
			"Unset attributes take Calico's defaults, shown in the plan, so removing an attribute returns it to the " +
			"default rather than leaving the old value in place.\n\n" +
			"**Replacing a pool in use.** `cidr` and `block_size` cannot change in place: Terraform replaces the pool. " +
			"Running pods keep the addresses they have, but their blocks no longer belong to any pool, and new pods " +
			"get addresses only from the remaining pools. To move a cluster to a new range without disruption, add " +
			"the new pool first, set `disabled = true` on the old one, recreate the pods (roll the deployments), " +
			"and only then remove the old pool.\n\n" +
			"**Pools of the Tigera operator.** A pool labelled `app.kubernetes.io/managed-by: tigera-operator` is " +
			"reconciled by the operator from the Installation's `spec.calicoNetwork.ipPools`, which reverts other " +
			"changes within minutes. Terraform imports such a pool with a warning and refuses to create over, change " +
			"or destroy it. Change the Installation instead, or hand the pools over to Terraform: set `ipPools: []` " +
			"in the Installation, remove the label from the pool, and import it.",
		Attributes: map[string]schema.Attribute{
			"name": identityAttribute("Name of the pool, such as `default-ipv4-ippool`. Changing it replaces the pool."),
			"cidr": schema.StringAttribute{
				CustomType: customtypes.CIDRType{},
				Required:   true,
				MarkdownDescription: "The pool's range, such as `10.244.0.0/16` or `fd00:10:244::/56`, with no host " +
					"bits set; not overlapping link-local addresses. Changing it replaces the pool.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"block_size": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Prefix length of the blocks Calico's IPAM assigns to nodes: 20-32 for IPv4 " +
					"(Calico's default 26, 64 addresses), 116-128 for IPv6 (default 122). Not shorter than the pool's " +
					"own prefix. Changing it replaces the pool.",
				Validators: []validator.Int64{int64validator.Between(20, 128)},
				PlanModifiers: []planmodifier.Int64{
					int64planmodifier.UseStateForUnknown(),
					int64planmodifier.RequiresReplace(),
				},
			},
			"ipip_mode": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("Never"),
				MarkdownDescription: "IP-in-IP encapsulation between nodes: `Never` (default), `Always`, or " +
					"`CrossSubnet` (only between nodes on different subnets). IPv4 pools only; not with `vxlan_mode`.",
				Validators: []validator.String{stringvalidator.OneOf(modes...)},
			},
			"vxlan_mode": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("Never"),
				MarkdownDescription: "VXLAN encapsulation between nodes: `Never` (default), `Always`, or `CrossSubnet`. " +
					"Not with `ipip_mode`.",
				Validators: []validator.String{stringvalidator.OneOf(modes...)},
			},
			"nat_outgoing": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Masquerade traffic from pods in this pool to destinations outside all pools. Defaults to `false`.",
			},
			"disabled": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Stop assigning new addresses from this pool (existing pods keep theirs). Defaults to `false`.",
			},
			"disable_bgp_export": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Do not advertise this pool's routes over BGP. Defaults to `false`.",
			},
			"node_selector": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("all()"),
				MarkdownDescription: "Calico selector over node labels: only matching nodes get addresses from this " +
					"pool. Defaults to `all()`.",
				Validators: []validator.String{validate.Selector()},
			},
			"namespace_selector": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Calico selector over namespace labels: only pods in matching namespaces get " +
					"addresses from this pool (and only on nodes `node_selector` matches). Not with the `Tunnel` use." +
					needsRelease(calico.IPPools.KindInfo, "spec.namespaceSelector", ""),
				Validators: []validator.String{validate.Selector()},
			},
			"allowed_uses": schema.ListAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Default: listdefault.StaticValue(defaultAllowedUsesValue()),
				MarkdownDescription: "What addresses from this pool are for: `Workload` (pods), `Tunnel` (the nodes' " +
					"IPIP/VXLAN/WireGuard tunnel addresses) and/or `LoadBalancer` (Service LoadBalancer addresses, " +
					"alone). Defaults to `[\"Workload\", \"Tunnel\"]`. A LoadBalancer pool cannot be changed to another use." +
					needsRelease(calico.IPPools.KindInfo, "spec.allowedUses", "LoadBalancer"),
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.OneOf("Workload", "Tunnel", "LoadBalancer")),
				},
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplaceIf(leavesLoadBalancerUse,
					"Calico does not allow a LoadBalancer pool to change use, so that replaces the pool.",
					"Calico does not allow a `LoadBalancer` pool to change use, so that replaces the pool.")},
			},
			"assignment_mode": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("Automatic"),
				MarkdownDescription: "`Automatic` (default): Calico's IPAM assigns from this pool by itself; " +
					"`Manual`: only to workloads that ask for this pool explicitly." +
					needsRelease(calico.IPPools.KindInfo, "spec.assignmentMode", ""),
				Validators: []validator.String{stringvalidator.OneOf("Automatic", "Manual")},
			},
		},
	}
}

// defaultAllowedUsesValue is Calico's default allowed uses as a Terraform value.
func defaultAllowedUsesValue() types.List {
	vals := make([]attr.Value, len(defaultAllowedUses))
	for i, u := range defaultAllowedUses {
		vals[i] = types.StringValue(string(u))
	}
	return types.ListValueMust(types.StringType, vals)
}

// leavesLoadBalancerUse reports a change of allowed_uses away from LoadBalancer, which
// Calico rejects in place.
func leavesLoadBalancerUse(ctx context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
	var before, after []string
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(req.StateValue.ElementsAs(ctx, &before, false)...)
	resp.Diagnostics.Append(req.PlanValue.ElementsAs(ctx, &after, false)...)
	resp.RequiresReplace = slices.Contains(before, "LoadBalancer") && !slices.Equal(before, after)
}
