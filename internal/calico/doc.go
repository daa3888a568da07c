// Package calico is the provider's one access layer to Calico's objects. It knows nothing of
// Terraform and nothing of BGP's rules (internal/bgp reasons over what it reads).
//
// A Client connects once, lazily, and openDatastore picks one datastore behind one interface,
// as libcalico-go's backend does: projectcalico.org/v3 (the Calico API server, or Calico 3.32's
// native CRDs; datastore_v3.go), crd.projectcalico.org/v1 through Calico's own library
// (datastore_crdv1.go), or Calico's own etcd through it (datastore_etcd.go). The kinds are
// registered once (kinds.go) and every datastore stores each of them the same way. Callers
// reach a kind through its entry, calico.BGPPeers.On(c).Get(ctx, name), and the nodes through
// c.Nodes().Patch(ctx, name, keys); they never learn which datastore answered, and ask what
// it can do by capability (capabilities.go).
//
// Calico's nodes are one type on every datastore (Node): Kubernetes Nodes and their
// annotations (nodes_kubernetes.go), or Calico Node objects in etcd (nodes_calico.go). Updates
// merge onto the stored object (merge.go), so fields of a newer Calico survive. Failures are
// classified into errors.Is-able classes (errors.go), which the provider words for users in
// one place.
package calico
