package calico

import "slices"

// Capability is something a datastore can or cannot do. Code above this package asks for a
// capability (c.Require(KeepsSecrets)), never which datastore it is, and errors are worded by
// the capability that is missing.
type Capability int

const (
	// KeepsSecrets: the cluster keeps Kubernetes Secrets next to Calico's objects, where the
	// provider keeps the secrets it manages (write-only BGP passwords) and calico-node reads them.
	KeepsSecrets Capability = iota + 1
	// ReportsNodeStatus: calico-node writes its status reports (CalicoNodeStatus) to the
	// datastore. calico-node 3.31 writes none on etcd: its status reporter updates the copy its
	// syncer delivered, which there has no resourceVersion, and every update is refused.
	ReportsNodeStatus
)

func (c Capability) String() string {
	switch c {
	case KeepsSecrets:
		return "keep Kubernetes Secrets"
	case ReportsNodeStatus:
		return "receive calico-node's status reports"
	}
	return "unknown capability"
}

// datastoreCapabilities are what each datastore can do. They follow from the configuration
// alone, so that a plan can be refused before anything connects.
var datastoreCapabilities = map[string][]Capability{
	DatastoreKubernetes: {KeepsSecrets, ReportsNodeStatus},
	DatastoreEtcdV3:     {},
}

// Can says whether the configured datastore has the capability. No request is made.
func (c *Client) Can(capability Capability) bool {
	datastore := c.cfg.DatastoreType
	if datastore == "" {
		datastore = DatastoreKubernetes
	}
	return slices.Contains(datastoreCapabilities[datastore], capability)
}

// Require fails with ErrMissingCapability, naming the capability and the datastore, when the
// configured datastore lacks it. No request is made.
func (c *Client) Require(capability Capability) error {
	if c.Can(capability) {
		return nil
	}
	return &Error{Class: ErrMissingCapability, Capability: capability, APIGroup: c.cfg.DatastoreType}
}
