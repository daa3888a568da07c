package resources

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// Schema pieces the resources share.

// calicoNameAttribute is a required attribute that holds a name as Calico and Kubernetes spell
// them: an object's, a node's, a Secret's, a community's.
func calicoNameAttribute(markdownDescription string) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: markdownDescription,
		Validators:          []validator.String{validate.Name()},
	}
}

// identityAttribute is the attribute a resource is identified by (a Calico object's name, a
// node resource's node): a Calico name, replacing the resource when it changes, as the engines
// read and import by it.
func identityAttribute(markdownDescription string) schema.StringAttribute {
	a := calicoNameAttribute(markdownDescription)
	a.PlanModifiers = []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return a
}

// nodeAttribute is a node resource's identity: the node whose settings it owns.
func nodeAttribute() schema.StringAttribute {
	return identityAttribute("Name of the node (the Kubernetes Node, or the Calico Node on etcd). Changing it replaces the resource.")
}

// objectAttrTypes gives the attribute types of a nested object's attributes.
func objectAttrTypes(attrs map[string]schema.Attribute) map[string]attr.Type {
	out := make(map[string]attr.Type, len(attrs))
	for k, a := range attrs {
		out[k] = a.GetType()
	}
	return out
}

// needsRelease is the sentence that ends the description of an attribute whose Calico field
// (or value, when value is set) came after the oldest release the provider supports, as the
// registry dates it.
func needsRelease(kind calico.KindInfo, field, value string) string {
	for _, f := range kind.Fields {
		if f.Path == field && f.Value == value && !f.Since.In(calico.OldestRelease) {
			if value != "" {
				return fmt.Sprintf(" `%s` needs Calico %s or later; a plan that sets it on an older release fails.", value, f.Since)
			}
			return fmt.Sprintf(" Needs Calico %s or later; a plan that sets it on an older release fails.", f.Since)
		}
	}
	panic(fmt.Sprintf("resources: the registry does not date %s %s %q after Calico %s", kind.Name, field, value, calico.OldestRelease))
}

// sessionGuardAttribute is the provider's own setting (not stored in Calico) for the check made
// before a write of a resource that makes BGP sessions (bgp.GuardChange).
func sessionGuardAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "What an apply checks **before it writes** a change of this resource (create, update or " +
			"destroy), so that the change cuts no node off. A node is cut off when the change drops BGP sessions it " +
			"has and leaves it none that is up. That is either no session at all in the sessions Calico will " +
			"configure (as `calico_bgp_topology` computes them), or only sessions this apply brought (the " +
			"node-to-node mesh turned back on, a replacement peer created before it in the same apply) that " +
			"calico-node does not yet report **Established**. In the first case the apply fails at once. In the " +
			"second it waits up to `timeout` for one of them, reading the nodes' `CalicoNodeStatus` reports as " +
			"`mesh_disable_check` does on `calico_bgp_configuration`, and fails if none comes up. When it fails, " +
			"nothing of the change is written, and the error lists each node with the sessions it would lose and " +
			"keep. Sessions a change adds or resets (new AS numbers, a new route-reflector role) come up by " +
			"themselves once it is written. Sessions configured before the apply are taken to be up. Neither is " +
			"waited for; the plan's \"This Change Drops BGP Sessions\" warning lists them. Changes of one apply " +
			"that make sessions are checked and written one at a time, each against those already written. " +
			"Creating a BGP peer only adds sessions and is not checked. Turning the mesh off is checked by " +
			"`mesh_disable_check` instead. On destroy the setting is read from the state: set it and apply before " +
			"destroying.",
		Attributes: map[string]schema.Attribute{
			"allow_cut_off": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Write the change even if it cuts nodes off, for maintenance: nothing is " +
					"checked. Default `false`.",
			},
			"timeout": schema.StringAttribute{
				CustomType: customtypes.DurationType{},
				Optional:   true,
				MarkdownDescription: "How long to wait for the sessions this apply brought to be Established, as a " +
					"duration (`90s`, `5m`). Default `2m`.",
			},
		},
	}
}
