package protocol

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// clusterStateAnswers answers reads of data sources whose state depends on the cluster and their
// configuration alone (clusterStateDataSource, such as calico_bgp_topology and calico_nodes)
// below the framework. Over thousands of nodes their states hold thousands of objects, and the
// framework's handling of a value that size (a walk over every null in it, comparisons,
// conversions) costs more than reading the cluster (CONTRIBUTING, Performance, has the
// figures). The state is the one the data source's Read builds, with the same method; only the
// framework's handling is skipped. A read that does not succeed here (no configured client, an
// error of the API, a configuration the data source would answer with a diagnostic) goes
// through the framework, whose data source reports it.
type clusterStateAnswers struct {
	catalog func() *catalog
	client  func() *calico.Client
}

func (a clusterStateAnswers) read(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) *tfprotov6.ReadDataSourceResponse {
	d, ok := a.catalog().clusterStates[req.TypeName]
	if !ok || req.Config == nil {
		return nil
	}
	c := a.client()
	if c == nil || !c.Known() {
		return nil
	}
	config, err := req.Config.Unmarshal(d.configType)
	if err != nil || !config.IsFullyKnown() {
		return nil
	}
	state, err := d.ClusterState(ctx, c, config)
	if err != nil {
		return nil
	}
	return &tfprotov6.ReadDataSourceResponse{State: &state}
}
