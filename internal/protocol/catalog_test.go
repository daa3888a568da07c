package protocol_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/resources"
)

// The shortcuts find the resources and data sources they answer for by interface, so a method
// renamed on their side would turn the shortcuts off without a word. The object resources they
// must find are those of every kind the registry says the provider writes, one each.
func TestCatalogFindsWhatTheShortcutsAnswerFor(t *testing.T) {
	c := catalogOf(testProvider, "calico")
	var wantObjects, kindsServed []string
	for _, newResource := range resources.All() {
		r := newResource()
		k, ok := r.(interface{ CalicoKind() string })
		if !ok {
			continue
		}
		var meta resource.MetadataResponse
		r.Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "calico"}, &meta)
		wantObjects, kindsServed = append(wantObjects, meta.TypeName), append(kindsServed, k.CalicoKind())
	}
	var written []string
	for _, k := range calico.Kinds() {
		if !k.ReadOnly {
			written = append(written, k.Name)
		}
	}
	if slices.Sort(kindsServed); !slices.Equal(kindsServed, slices.Sorted(slices.Values(written))) {
		t.Errorf("the object resources manage the kinds %v; the registry's written kinds are %v", kindsServed, written)
	}
	if got := slices.Sorted(maps.Keys(c.objects)); !slices.Equal(got, slices.Sorted(slices.Values(wantObjects))) {
		t.Errorf("object resources %v, want %v", got, wantObjects)
	}
	wantClusterStates := []string{"calico_bgp_topology", "calico_nodes"}
	if got := slices.Sorted(maps.Keys(c.clusterStates)); !slices.Equal(got, wantClusterStates) {
		t.Errorf("cluster-state data sources %v, want %v", got, wantClusterStates)
	}
}
