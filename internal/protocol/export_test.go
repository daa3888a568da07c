package protocol

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// CatalogOf gives the tests outside the package the type names catalogOf finds in p.
func CatalogOf(p provider.Provider, providerTypeName string) (objects, clusterStates map[string]bool) {
	c := catalogOf(p, providerTypeName)
	objects, clusterStates = map[string]bool{}, map[string]bool{}
	for name := range c.objects {
		objects[name] = true
	}
	for name := range c.clusterStates {
		clusterStates[name] = true
	}
	return objects, clusterStates
}

// CreatePlanTypes gives the tests outside the package the resource types whose create plan the
// server answers itself.
func CreatePlanTypes(s *Server) map[string]bool {
	names := map[string]bool{}
	for name := range s.creates.catalog().newObjects {
		if s.creates.typeOf(name) != nil {
			names[name] = true
		}
	}
	return names
}

// CreateApply is the server's own answer to the create req: nil when it leaves it to the
// framework.
func CreateApply(ctx context.Context, s *Server, req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
	return s.creates.apply(ctx, req)
}
