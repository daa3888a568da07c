package shortcuts

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/datasources"
)

// topologyAnswer answers reads of calico_bgp_topology below the framework. Over thousands of
// nodes the state holds tens of thousands of sessions, and the framework's handling of a value
// that size (a walk over every null in it, comparisons, conversions) costs more than reading
// the cluster and computing the sessions (README, Performance, has the figures). The state is the one the data source's Read builds
// (datasources.BGPTopologyState); only the framework's handling is skipped. A read that does
// not succeed here (no configured client, an error of the API) goes through the framework,
// whose data source reports it.
type topologyAnswer struct {
	typeName string
	client   func() *calico.Client
}

func (a topologyAnswer) read(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) *tfprotov6.ReadDataSourceResponse {
	if req.TypeName != a.typeName {
		return nil
	}
	c := a.client()
	if c == nil || !c.Known() {
		return nil
	}
	topo, err := calico.LoadTopology(ctx, c)
	if err != nil {
		return nil
	}
	state, err := tfprotov6.NewDynamicValue(datasources.BGPTopologyType, datasources.BGPTopologyState(topo))
	if err != nil {
		return nil
	}
	return &tfprotov6.ReadDataSourceResponse{State: &state}
}
