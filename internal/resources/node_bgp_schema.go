package resources

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

func nodeBGPSchema() schema.Schema {
	address := func(family int, example string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "The node's BGP address with its prefix length, such as `" + example + "` (the " +
				"Node annotation `projectcalico.org/IPv" + map[int]string{4: "4", 6: "6"}[family] + "Address`, or " +
				"`spec.bgp.ipv" + map[int]string{4: "4", 6: "6"}[family] + "Address` of the Calico Node on etcd). " +
				"When not set, this shows what calico-node detected and the provider leaves it to calico-node. " +
				"The provider never removes an address, even on destroy: that would break the node's sessions.",
			// No UseStateForUnknown: calico-node may change an address it detects at any time,
			// so an update plans one not set here as known only after apply.
			Validators: []validator.String{validate.InterfaceAddress(family)},
		}
	}
	return schema.Schema{
		MarkdownDescription: "A node's own BGP identity, for designs with one AS per rack: its AS number (the Node " +
			"annotation `projectcalico.org/ASNumber`, or `spec.bgp.asNumber` of the Calico Node on etcd, overriding " +
			"the cluster's in `calico_bgp_configuration`) and, optionally, its BGP addresses.\n\n" +
			"The resource owns only the settings it sets. Destroying it removes the AS number (the node then uses " +
			"the cluster's) and leaves the addresses. If calico-node's `AS` environment variable is also set, " +
			"calico-node rewrites the AS number when it starts: set the AS in one place only. It can manage the same " +
			"node as `calico_node_rr`.",
		Attributes: map[string]schema.Attribute{
			"session_guard": sessionGuardAttribute(),
			"node":          nodeAttribute(),
			"as_number": schema.StringAttribute{
				CustomType:          customtypes.ASNumberType{},
				Required:            true,
				MarkdownDescription: "The node's AS number: a number (`64512`) or asdot (`\"1.10\"`), kept as written.",
			},
			"ipv4_address": address(4, "10.0.0.5/24"),
			"ipv6_address": address(6, "fd00::5/64"),
		},
	}
}
