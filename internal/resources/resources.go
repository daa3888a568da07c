// Package resources holds the provider's resources. Each resource file (bgp_peer.go and its
// bgp_peer_schema.go, ...) supplies a schema, a model and the mapping between model and Calico
// object or node settings; the engines that serve them all are in the engine_*.go files:
// engine_object.go for Calico objects, engine_node.go for the settings a resource owns on a
// node, engine_list.go for their list resources.
package resources

import (
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// All lists the provider's resources: the Calico-object resources and the node resources.
func All() []func() resource.Resource {
	return []func() resource.Resource{
		NewBGPConfiguration,
		NewBGPFilter,
		NewBGPPeer,
		NewIPPool,
		NewNodeRR,
		NewNodeBGP,
		NewNodeStatus,
	}
}

// AllLists lists the provider's list resources (`terraform query`): one for every resource
// type, of the same name, built from the resource's own mapping so that a listed object reads
// exactly as an imported one.
func AllLists() []func() list.ListResource {
	lists := make([]func() list.ListResource, 0, len(All()))
	for _, newResource := range All() {
		lists = append(lists, func() list.ListResource { return newResource().(listable).list() })
	}
	return lists
}
