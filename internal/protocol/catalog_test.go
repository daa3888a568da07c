package protocol_test

import (
	"maps"
	"slices"
	"testing"
)

// The shortcuts find the resources and data sources they answer for by interface, so a method
// renamed on their side would turn the shortcuts off without a word: this names the types.
func TestCatalogFindsWhatTheShortcutsAnswerFor(t *testing.T) {
	c := catalogOf(testProvider{}, "calico")
	wantObjects := []string{"calico_bgp_configuration", "calico_bgp_filter", "calico_bgp_peer", "calico_ip_pool", "calico_node_status"}
	if got := slices.Sorted(maps.Keys(c.objects)); !slices.Equal(got, wantObjects) {
		t.Errorf("object resources %v, want %v", got, wantObjects)
	}
	wantClusterStates := []string{"calico_bgp_topology"}
	if got := slices.Sorted(maps.Keys(c.clusterStates)); !slices.Equal(got, wantClusterStates) {
		t.Errorf("cluster-state data sources %v, want %v", got, wantClusterStates)
	}
}
