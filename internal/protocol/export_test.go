package protocol

import "github.com/hashicorp/terraform-plugin-framework/provider"

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
