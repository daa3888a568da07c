package protocol

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// objectResource is a resource whose state is one Calico object's, and which records that
// object in private state, so that the server can answer reads and plans of it while it is
// unchanged (see unchangedAnswers).
type objectResource interface {
	// RecordedObject returns the name and resourceVersion of the object recorded in a private
	// state whose keys getKey reads; ok is false when none is.
	RecordedObject(getKey func(key string) []byte) (name, resourceVersion string, ok bool)
	// LiveResourceVersion returns the resourceVersion the named object has in the cluster
	// now; "" when it does not exist.
	LiveResourceVersion(ctx context.Context, c *calico.Client, name string) (string, error)
}

// clusterStateDataSource is a data source whose state depends on the cluster and its
// configuration alone, so that the server can answer its reads (see clusterStateAnswers).
type clusterStateDataSource interface {
	// ClusterState returns the data source's state for config, a value of its schema's type
	// encoded for the protocol, read through c. An error leaves the read to the framework, whose Read reports it: so
	// does one the data source would answer with a diagnostic.
	ClusterState(ctx context.Context, c *calico.Client, config tftypes.Value) (tfprotov6.DynamicValue, error)
}

// clusterStateSource is a clusterStateDataSource with the type of its configuration.
type clusterStateSource struct {
	clusterStateDataSource
	configType tftypes.Type
}

// catalog holds, by type name, the provider's resources and data sources that a shortcut can
// answer for. It is found the way the framework finds them: through the provider's
// registration and each one's Metadata.
type catalog struct {
	objects       map[string]objectResource
	newObjects    map[string]func() resource.Resource // the constructors of objects
	newResources  map[string]func() resource.Resource // the constructors of every resource
	clusterStates map[string]clusterStateSource
}

func catalogOf(p provider.Provider, providerTypeName string) *catalog {
	ctx := context.Background()
	resourceType := func(r resource.Resource) string {
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
		return meta.TypeName
	}
	dataSourceType := func(d datasource.DataSource) string {
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
		return meta.TypeName
	}
	c := &catalog{
		objects:       map[string]objectResource{},
		newObjects:    map[string]func() resource.Resource{},
		newResources:  map[string]func() resource.Resource{},
		clusterStates: map[string]clusterStateSource{},
	}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		name := resourceType(r)
		c.newResources[name] = newResource
		if object, ok := r.(objectResource); ok {
			c.objects[name], c.newObjects[name] = object, newResource
		}
	}
	for name, d := range implementing[clusterStateDataSource](p.DataSources(ctx), dataSourceType) {
		var schema datasource.SchemaResponse
		d.(datasource.DataSource).Schema(ctx, datasource.SchemaRequest{}, &schema)
		c.clusterStates[name] = clusterStateSource{d, schema.Schema.Type().TerraformType(ctx)}
	}
	return c
}

// implementing keeps, by type name, what the constructors build that is a T.
func implementing[T, V any](constructors []func() V, typeName func(V) string) map[string]T {
	found := map[string]T{}
	for _, newValue := range constructors {
		v := newValue()
		if t, ok := any(v).(T); ok {
			found[typeName(v)] = t
		}
	}
	return found
}
