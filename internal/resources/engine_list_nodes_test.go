package resources

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// nodeListing is what the list engine does with each node of a node resource's list.
type nodeListing interface {
	includes(n *calico.Node) bool
	setResource(ctx context.Context, r *list.ListResult, n *calico.Node)
}

// A node resource's list lists only the nodes its resource can represent: every required
// attribute is set in what it generates, or the next plan fails with "Missing Configuration for
// Required Attribute". Most nodes of a real cluster are as calico-node leaves them, with its
// addresses and no AS number of their own; those are no node resource's.
func TestNodeListsListOnlyWhatTheirResourceRepresents(t *testing.T) {
	nodes := []*calico.Node{
		{Name: "calico-node-ipv4", Settings: map[string]string{calico.AnnotationIPv4Address: "192.0.2.1/24"}},
		{Name: "calico-node-dual-stack", Settings: map[string]string{
			calico.AnnotationIPv4Address: "192.0.2.2/24", calico.AnnotationIPv6Address: "2001:db8::2/64"}},
		{Name: "calico-node-ipv6", Settings: map[string]string{calico.AnnotationIPv6Address: "2001:db8::3/64"}},
		{Name: "no-bgp"},
		{Name: "own-as", Settings: map[string]string{calico.AnnotationIPv4Address: "192.0.2.4/24", calico.AnnotationASNumber: "65004"}},
		{Name: "reflector", Settings: map[string]string{
			calico.AnnotationIPv4Address: "192.0.2.5/24", calico.AnnotationRouteReflectorClusterID: "244.0.0.5"},
			Labels: map[string]string{routeReflectorLabel: "true"}},
	}
	want := map[string][]string{"calico_node_bgp": {"own-as"}, "calico_node_rr": {"reflector"}}

	ctx := context.Background()
	checked := 0
	for _, newResource := range All() {
		r := newResource()
		lister, ok := r.(listable).list().(nodeListing)
		if !ok {
			continue // an object resource: Calico requires what its resource requires
		}
		checked++
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "calico"}, &meta)
		var schema resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &schema)
		var identity resource.IdentitySchemaResponse
		r.(resource.ResourceWithIdentity).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &identity)
		req := list.ListRequest{ResourceSchema: schema.Schema, ResourceIdentitySchema: identity.IdentitySchema}

		var listed []string
		for _, n := range nodes {
			if !lister.includes(n) {
				continue
			}
			listed = append(listed, n.Name)
			result := req.NewListResult(ctx)
			lister.setResource(ctx, &result, n)
			if result.Diagnostics.HasError() {
				t.Errorf("%s, node %s: %v", meta.TypeName, n.Name, result.Diagnostics)
				continue
			}
			var attrs map[string]tftypes.Value
			if err := result.Resource.Raw.As(&attrs); err != nil {
				t.Fatal(err)
			}
			for name, a := range schema.Schema.Attributes {
				if a.IsRequired() && attrs[name].IsNull() {
					t.Errorf("%s lists node %s with %s null, which its resource requires", meta.TypeName, n.Name, name)
				}
			}
		}
		if !slices.Equal(listed, want[meta.TypeName]) {
			t.Errorf("%s lists %v, want %v", meta.TypeName, listed, want[meta.TypeName])
		}
	}
	if checked != len(want) {
		t.Errorf("%d node resources have a list, want %d", checked, len(want))
	}
}
