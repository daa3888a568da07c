package resources

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
)

// secretKeyRefModel points at a key of a Secret in the namespace calico-node runs in: a BGP
// password, on BGP peers and on the node-to-node mesh of the BGP configuration.
type secretKeyRefModel struct {
	Name     types.String `tfsdk:"name"`
	Key      types.String `tfsdk:"key"`
	Optional types.Bool   `tfsdk:"optional"`
}

// secretKeyRefAttrTypes are the attribute types of a secret reference.
var secretKeyRefAttrTypes = objectAttrTypes(secretKeyRefAttributes())

func (r *secretKeyRefModel) selector() *corev1.SecretKeySelector {
	return &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: r.Name.ValueString()},
		Key:                  r.Key.ValueString(),
		Optional:             boolPointer(r.Optional),
	}
}

func secretKeyRefFrom(s *corev1.SecretKeySelector) *secretKeyRefModel {
	return &secretKeyRefModel{
		Name:     types.StringValue(s.Name),
		Key:      types.StringValue(s.Key),
		Optional: boolFromPointer(s.Optional),
	}
}

// secretKeyRefAttributes describe a key of a Secret in calico-node's namespace.
func secretKeyRefAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": calicoNameAttribute("Name of the Secret, in the namespace calico-node runs in (`calico-system` or `kube-system`)."),
		"key": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Key of the Secret's data that holds the password.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"optional": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "When `true`, a missing Secret or key means no password instead of an error.",
		},
	}
}
