package resources_test

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// The Calico objects of each kind, as the tests read and write them beside the provider.
func bgpConfigurations(t *testing.T) acctest.Objects[*v3.BGPConfiguration] {
	return acctest.Calico(t).BGPConfigurations()
}
func bgpFilters(t *testing.T) acctest.Objects[*v3.BGPFilter] { return acctest.Calico(t).BGPFilters() }
func bgpPeers(t *testing.T) acctest.Objects[*v3.BGPPeer]     { return acctest.Calico(t).BGPPeers() }
func ipPools(t *testing.T) acctest.Objects[*v3.IPPool]       { return acctest.Calico(t).IPPools() }
func nodeStatuses(t *testing.T) acctest.Objects[*v3.CalicoNodeStatus] {
	return acctest.Calico(t).CalicoNodeStatuses()
}

// expectSpec compares the stored spec of the named object with want, field by field. Every
// projectcalico.org/v3 kind keeps its spec in a field named Spec, of want's type.
func expectSpec[T, S any](objects acctest.Objects[T], name string, want S) resource.TestCheckFunc {
	spec := func(obj T) S { return reflect.ValueOf(obj).Elem().FieldByName("Spec").Interface().(S) }
	return acctest.CheckStored(objects, name, spec, want)
}
