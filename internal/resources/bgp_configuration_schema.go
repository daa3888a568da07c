package resources

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

func bgpConfigurationSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Calico's BGP settings (`BGPConfiguration`, `projectcalico.org/v3`): the cluster-wide " +
			"object named `default`, or per-node overrides named `node.<node name>`.\n\n" +
			"**Creating `default` when it exists.** The `default` object usually exists already: calico-node or the " +
			"Tigera operator creates it. Creating this resource with `name = \"default\"` then takes that object " +
			"over. Every field this resource has an attribute for is set from the configuration: a field whose " +
			"attribute is not set is removed, and Calico's default applies to it. The plan warns first, listing " +
			"each stored field the apply clears or replaces, with its stored value (the warning \"Taking Over " +
			"the Existing BGPConfiguration\"). The object's " +
			"labels and annotations are kept, and so are the fields this provider does not know (those of a newer " +
			"Calico, such as `programClusterRoutes`). To see the changes in a plan first, import the object " +
			"instead. After the takeover or the import, an update writes only the attributes the configuration " +
			"changes. An existing `node.<node name>` object is not taken over: import it.\n\n" +
			"**Turning the mesh off is checked first** (`mesh_disable_check`, on by default). Before the apply " +
			"writes `node_to_node_mesh_enabled = false`, every node the check selects (its `node_selector`, default " +
			"all nodes) must report, in calico-node's status, at least `min_established_sessions` (default 1) " +
			"Established BGP sessions other than mesh sessions. Every session it will have with another selected " +
			"node must be Established too. The apply waits for this up to the check's `timeout` (default `5m`). " +
			"Otherwise it fails, writes nothing, and the mesh stays on.\n\n" +
			"**Destroying `default` with the mesh off turns the full mesh back on**, on every node at once, beside " +
			"the route-reflector and top-of-rack sessions: every node opens a session to every other. Calico then " +
			"uses its built-in defaults for every field (AS 64512 among them). The plan warns when a destroy would " +
			"turn the mesh back on. To stop managing the object but keep it, remove it from the state instead (a " +
			"`removed` block with `destroy = false`, or `terraform state rm`).\n\n" +
			"Import by name (`id = \"default\"`), or, with Terraform 1.12 and later, by resource identity " +
			"(`identity = { name = \"default\" }`).",
		Attributes: map[string]schema.Attribute{
			"session_guard": sessionGuardAttribute(),
			"name": identityAttribute("`default` for the cluster-wide settings, or `node.<node name>` for one node's " +
				"overrides. Calico stores a BGPConfiguration of any other valid name but reads none, so such a " +
				"name plans with a warning. Changing it replaces the resource."),
			"log_severity_screen": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Lowest severity BIRD's configuration daemon logs to stdout: one of `Trace`, " +
					"`Debug`, `Info`, `Warning`, `Error`, `Fatal`. Calico's default is `Info`.",
				Validators: []validator.String{stringvalidator.OneOf("Trace", "Debug", "Info", "Warning", "Error", "Fatal")},
			},
			"node_to_node_mesh_enabled": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether every node peers with every other node (the full mesh). Set `false` " +
					"when nodes peer with route reflectors or top-of-rack switches instead. Those sessions must be " +
					"Established first, or routes are lost until they are. `mesh_disable_check` checks them before the " +
					"mesh goes off. Calico's default is `true`. Only on `default`.",
			},
			"as_number": schema.StringAttribute{
				CustomType: customtypes.ASNumberType{},
				Optional:   true,
				MarkdownDescription: "AS number of nodes that do not set their own: a number (`64512`) or asdot " +
					"(`\"1.10\"`); either spelling stays as written in state. Calico's default is 64512. Only on `default`.",
			},
			"listen_port": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "TCP port BIRD listens for BGP on, 1-65535. Calico's default is 179.",
				Validators:          []validator.Int64{int64validator.Between(1, 65535)},
			},
			"bind_mode": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Where BIRD listens: `None` (all addresses, Calico's default) or `NodeIP` " +
					"(only the node's BGP address). Calico stores any other value too, and calico-node then listens " +
					"on all addresses as with `None`, so another value plans with a warning.",
			},
			"service_cluster_ips":       cidrListAttribute("Service cluster IP ranges to advertise over BGP, with every cluster IP in them. Only on `default`."),
			"service_external_ips":      cidrListAttribute("Ranges of Service external IPs to advertise; an external IP outside them is not advertised. Only on `default`."),
			"service_load_balancer_ips": cidrListAttribute("Ranges of Service LoadBalancer ingress IPs to advertise; an address outside them is not advertised. Only on `default`."),
			"service_load_balancer_aggregation": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How LoadBalancer IPs are advertised: `Enabled` (the whole range, Calico's " +
					"default) or `Disabled` (one /32 or /128 per Service, so a failed Service's route is withdrawn)." +
					needsRelease(calico.BGPConfigurations.KindInfo, "spec.serviceLoadBalancerAggregation", ""),
				Validators: []validator.String{stringvalidator.OneOf("Enabled", "Disabled")},
			},
			"communities":           communitiesAttribute,
			"prefix_advertisements": prefixAdvertisementsAttribute,
			"node_mesh_password_secret_ref": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "BGP password of the node-to-node mesh sessions (Calico's `nodeMeshPassword`), " +
					"read from a Secret in the namespace calico-node runs in; calico-node needs RBAC to read it. " +
					"Requires the mesh to be enabled. Only on `default`.",
				Attributes: secretKeyRefAttributes(),
			},
			"node_mesh_max_restart_time": schema.StringAttribute{
				CustomType: customtypes.DurationType{},
				Optional:   true,
				MarkdownDescription: "Graceful-restart time of the node-to-node mesh sessions, as a duration " +
					"(`120s`, `2m`; equal spellings cause no diff). BIRD's default is 120s. Requires the mesh to be " +
					"enabled. Only on `default`.",
			},
			"ignored_interfaces": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Interfaces whose routes BIRD ignores when reading device routes: names or " +
					"patterns with `*`, such as `eth*` (1-15 characters).",
				Validators: []validator.List{listvalidator.ValueStringsAre(validate.IgnoredInterface())},
			},
			"mesh_disable_check": meshDisableCheckAttribute(),
			"local_workload_peering_ipv4": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Virtual IPv4 address of each node that its local workloads peer with " +
					"(see `local_workload_selector` on BGP peers); a link-local address is recommended." +
					needsRelease(calico.BGPConfigurations.KindInfo, "spec.localWorkloadPeeringIPV4", ""),
				Validators: []validator.String{validate.IPv4Address()},
			},
			"local_workload_peering_ipv6": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Virtual IPv6 address of each node that its local workloads peer with; a link-local address is recommended." +
					needsRelease(calico.BGPConfigurations.KindInfo, "spec.localWorkloadPeeringIPV6", ""),
				Validators: []validator.String{validate.IPv6Address()},
			},
		},
	}
}

// meshDisableCheckAttribute is the provider's own setting (not stored in Calico) for the check
// made before an apply turns the node-to-node mesh off.
func meshDisableCheckAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "The check an apply makes before it turns the node-to-node mesh off " +
			"(`node_to_node_mesh_enabled = false` while the mesh is on, or unset, in the cluster). Turning the mesh " +
			"off drops every mesh session at once, so the apply writes nothing until both conditions hold. " +
			"(1) In the sessions Calico will configure without the mesh (as `calico_bgp_topology` computes them), " +
			"every selected node has at least `min_established_sessions` sessions. If not, the apply fails at once " +
			"and lists the nodes. (2) Every selected node's calico-node reports, in a `CalicoNodeStatus`, at least " +
			"`min_established_sessions` **Established** sessions other than mesh sessions. Every session the node " +
			"will have with another selected node (its route reflectors, say) must be Established too. A count " +
			"alone is not enough: a reflector passes a client's routes only to the clients it has a session with, " +
			"so two clients each up with a different reflector would lose each other. " +
			"The apply waits up to `timeout` for (2), logging its progress. If a node still falls short, the apply " +
			"fails with each node's sessions and their states. When the check fails, nothing of the " +
			"BGPConfiguration is written and the mesh stays on. " +
			"A node's own status object is used where one reports BGP with an update period of at most 60 seconds. " +
			"For the other nodes the provider creates temporary ones (`terraform-mesh-check-<node>`, refreshed by " +
			"calico-node every 5 seconds, at most 100 at a time). It deletes each one when its node passes or the " +
			"wait ends. calico-node rewrites a report whenever a session changes, so a node's own report is as " +
			"current as its calico-node. " +
			"Nodes without a BGP address run no BGP and are not checked. An apply that keeps the mesh on, or finds " +
			"it already off, checks nothing. The check runs at apply, after the resources this one depends on: " +
			"put the BGP peers and route reflectors that replace the mesh in `depends_on`. Only used on `default`. " +
			"Defaults: `{ min_established_sessions = 1, node_selector = \"all()\", timeout = \"5m\" }`. An unset " +
			"block or attribute takes its default, so the check is on unless `min_established_sessions = 0`.",
		Attributes: map[string]schema.Attribute{
			"min_established_sessions": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many sessions other than mesh sessions each selected node needs: in the " +
					"computed sessions, and Established in its status report. Every session that is not a mesh session " +
					"counts (with a route reflector, a switch or any other BGP peer), IPv4 and IPv6 ones separately. " +
					"`0` turns the check off. Default `1`. Use `2` where every node peers over IPv4 with two route " +
					"reflectors.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"node_selector": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The nodes the check applies to, in Calico's selector syntax over the nodes' " +
					"labels. Default `all()`. Every session between two selected nodes must be Established. Sessions " +
					"with other nodes and with routers only count toward `min_established_sessions`.",
				Validators: []validator.String{validate.Selector()},
			},
			"timeout": schema.StringAttribute{
				CustomType: customtypes.DurationType{},
				Optional:   true,
				MarkdownDescription: "How long to wait for the sessions to be Established, as a duration (`90s`, " +
					"`5m`). `0s` waits for nothing: only nodes whose own status object already reports the sessions " +
					"pass (a temporary one has no report yet). Default `5m`.",
			},
		},
	}
}

func cidrListAttribute(description string) schema.ListAttribute {
	return schema.ListAttribute{
		ElementType: types.StringType, Optional: true,
		MarkdownDescription: description + " Each entry is a CIDR with no host bits set, such as `10.96.0.0/12`.",
		Validators:          []validator.List{listvalidator.ValueStringsAre(validate.Network())},
	}
}

// Nested list attributes, kept as values so that their element types are at hand for flatten.
var (
	communitiesAttribute = schema.ListNestedAttribute{
		Optional: true,
		MarkdownDescription: "Named BGP community values that `prefix_advertisements` can refer to. Calico " +
			"accepts communities only when a prefix advertisement is set.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name": calicoNameAttribute("Name to refer to the value by (lower-case alphanumerics, `-` and `.`)."),
			"value": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Standard community `aa:nn` (16-bit parts) or large community `aa:nn:mm` " +
					"(32-bit parts).",
				Validators: []validator.String{validate.CommunityValue()},
			},
		}},
	}
	prefixAdvertisementsAttribute = schema.ListNestedAttribute{
		Optional:            true,
		MarkdownDescription: "Communities to attach to the routes of given prefixes when they are advertised.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"cidr": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Prefix the communities apply to, such as `10.244.0.0/16` (no host bits set).",
				Validators:          []validator.String{validate.Network()},
			},
			"communities": schema.ListAttribute{
				ElementType: types.StringType, Required: true,
				MarkdownDescription: "Community values (`aa:nn`, `aa:nn:mm`) or names defined in `communities`.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
			},
		}},
	}
)
