package resources

import (
	"math"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

func bgpPeerSchema() schema.Schema {
	root := path.MatchRoot
	return schema.Schema{
		MarkdownDescription: "A BGP peering (`BGPPeer`, `projectcalico.org/v3`): which Calico nodes (`node` or " +
			"`node_selector`, all nodes when neither is set) peer with whom (`peer_ip` for a router or switch, " +
			"`peer_selector` for other Calico nodes such as route reflectors, `local_workload_selector` for " +
			"workloads on the node).\n\n" +
			"**Passwords never enter Terraform state.** Either point `password_secret_ref` at an existing Secret, " +
			"or set the write-only `password_wo` (Terraform 1.11+) with `password_wo_version`: the provider then " +
			"keeps the password in a Secret it owns, named `bgp-password-<peer name>`, in the namespace calico-node " +
			"runs in (see the provider's `calico_node_namespace`), and rewrites it when `password_wo_version` " +
			"changes. calico-node needs RBAC to read either kind of Secret: a Role granting `get`, `list` and " +
			"`watch` on those Secrets, bound to the `calico-node` ServiceAccount (see the example).\n\n" +
			"A peer imported after its state was lost shows the provider's Secret as `password_secret_ref`. When " +
			"such a peer is switched to another `password_secret_ref` or destroyed, the provider deletes that Secret " +
			"only if the Secret itself proves it is the provider's, made for this peer (the " +
			"`app.kubernetes.io/managed-by: terraform-provider-calico` label and the peer's name in its " +
			"`projectcalico.org/bgp-password-for` annotation); any other Secret is left as it is.",
		Attributes: map[string]schema.Attribute{
			"session_guard": sessionGuardAttribute(),
			"name":          identityAttribute("Name of the BGPPeer. Changing it replaces the resource."),
			"node": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Name of the one node that peers. Conflicts with `node_selector`; with neither, every node peers.",
				Validators:          []validator.String{validate.Name(), stringvalidator.ConflictsWith(root("node_selector"))},
			},
			"node_selector": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Calico selector over node labels choosing the nodes that peer, such as `all()` " +
					"or `rr-group == 'rr1' && has(rr-id)`.",
				Validators: []validator.String{validate.Selector()},
			},
			"peer_ip": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Address of the remote peer: an IP (`172.20.0.254`), `IPv4:port` " +
					"(`10.0.0.1:1179`) or `[IPv6]:port` (`[fd00::1]:1179`). Conflicts with `peer_selector`.",
				Validators: []validator.String{validate.PeerIP(), stringvalidator.ConflictsWith(root("peer_selector"))},
			},
			"peer_selector": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Calico selector over node labels choosing the Calico nodes to peer with, such as " +
					"`route-reflector == 'true'`. Their AS numbers come from the nodes, so `as_number` must not be set.",
				Validators: []validator.String{validate.Selector(), stringvalidator.ConflictsWith(root("as_number"))},
			},
			"as_number": schema.StringAttribute{
				CustomType: customtypes.ASNumberType{},
				Optional:   true,
				MarkdownDescription: "AS number of the remote peer: a number (`65001`) or asdot (`\"1.10\"`), kept as " +
					"written. Required with `local_workload_selector`; not allowed with `peer_selector`.",
			},
			"local_as_number": schema.StringAttribute{
				CustomType: customtypes.ASNumberType{},
				Optional:   true,
				MarkdownDescription: "AS number the node presents to this peer instead of its own (number or asdot)." +
					needsRelease(calico.BGPPeers.KindInfo, "spec.localASNumber", ""),
			},
			"keep_original_next_hop": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Deprecated by Calico in favour of `next_hop_mode = \"Keep\"`: keep the next " +
					"hop of routes advertised to this eBGP peer. Not allowed together with `next_hop_mode`.",
			},
			"next_hop_mode": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Next hop of routes advertised to the peer: `Auto` (BIRD's default: self for " +
					"eBGP, unchanged for iBGP), `Self` or `Keep`." +
					needsRelease(calico.BGPPeers.KindInfo, "spec.nextHopMode", ""),
				Validators: []validator.String{stringvalidator.OneOf("Auto", "Self", "Keep")},
			},
			"password_secret_ref": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "BGP (TCP MD5) password read from an existing Secret in calico-node's namespace. " +
					"Conflicts with `password_wo`.",
				Attributes: secretKeyRefAttributes(),
				Validators: []validator.Object{objectvalidator.ConflictsWith(root("password_wo"), root("password_wo_version"))},
			},
			"password_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "Write-only BGP password (Terraform 1.11+): stored only in a Secret the provider " +
					"owns, never in state or plan. Requires `password_wo_version`; the Secret is rewritten when that changes.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(root("password_wo_version")),
				},
			},
			"password_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Version of `password_wo`. Change it (for example increment it) to send a new " +
					"password; removing it and `password_wo` removes the password and its Secret.",
				Validators: []validator.Int64{int64validator.AlsoRequires(root("password_wo"))},
			},
			"source_address": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "`UseNodeIP` (Calico's default: the session's source is the node's BGP address) " +
					"or `None` (let the kernel choose, for peers reached through another interface).",
				Validators: []validator.String{stringvalidator.OneOf("UseNodeIP", "None")},
			},
			"max_restart_time": schema.StringAttribute{
				CustomType: customtypes.DurationType{},
				Optional:   true,
				MarkdownDescription: "Graceful-restart time for this peering, as a duration (`120s`, `2m`; equal " +
					"spellings cause no diff). BIRD's default is 120s.",
			},
			"num_allowed_local_as_numbers": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many times the node's own AS may appear in a received AS path (BIRD's `allow local as`). " +
					"Calico stores any 32-bit count, but BIRD cannot parse a negative one, so that plans with a warning.",
				Validators: []validator.Int64{int64validator.Between(math.MinInt32, math.MaxInt32)},
			},
			"ttl_security": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Hops for GTSM (RFC 5082) TTL security: packets must arrive with TTL of at least " +
					"255 minus this value. 0 disables it; 1 for a directly connected peer.",
				Validators: []validator.Int64{int64validator.Between(0, 255)},
			},
			"reachable_by": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Gateway through which `peer_ip` is reachable, for peers that are not on a " +
					"connected network; must be of the same address family. Requires `peer_ip`.",
				Validators: []validator.String{validate.PeerIPAddress(), stringvalidator.AlsoRequires(root("peer_ip"))},
			},
			"filters": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Names of `calico_bgp_filter` resources applied to this peering, in order; refer " +
					"to them as `calico_bgp_filter.<label>.name` so Terraform creates the filters first.",
				Validators: []validator.List{listvalidator.ValueStringsAre(validate.Name())},
			},
			"local_workload_selector": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Calico selector over workload labels: peer with the matching workloads on each " +
					"node (through BGPConfiguration's `local_workload_peering_ipv4/ipv6`). Requires `as_number`; " +
					"conflicts with `peer_ip` and `peer_selector`." +
					needsRelease(calico.BGPPeers.KindInfo, "spec.localWorkloadSelector", ""),
				Validators: []validator.String{
					validate.Selector(),
					stringvalidator.ConflictsWith(root("peer_ip"), root("peer_selector")),
					stringvalidator.AlsoRequires(root("as_number")),
				},
			},
			"reverse_peering": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "For peerings between Calico nodes: `Auto` (Calico's default: the reverse session " +
					"is configured automatically) or `Manual` (only when another BGPPeer selects it)." +
					needsRelease(calico.BGPPeers.KindInfo, "spec.reversePeering", ""),
				Validators: []validator.String{stringvalidator.OneOf("Auto", "Manual")},
			},
		},
	}
}
