package resources

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
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
