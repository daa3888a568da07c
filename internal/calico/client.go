package calico

import (
	"context"
	"sync"
	"sync/atomic"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
)

// Client is shared by every resource and data source of one provider instance. It connects
// lazily, once: a provider configured with values unknown at plan time (a cluster created in
// the same apply) still validates and plans. Connecting picks the datastore (see
// openDatastore); nothing above this package knows which it is.
type Client struct {
	cfg     Config
	unknown bool

	connectOnce sync.Once
	connectErr  error
	conn        *connection

	versionAsked atomic.Bool

	namespaceOnce sync.Once
	namespace     string
	namespaceErr  error
}

// connection is what connecting made: the datastore, each kind's objects on it (with this
// run's snapshot of them), and the Kubernetes core API where there is one.
type connection struct {
	ds   datastore
	core *coreClient // nil on etcd

	bgpConfigurations  *objects[*v3.BGPConfiguration]
	bgpPeers           *objects[*v3.BGPPeer]
	bgpFilters         *objects[*v3.BGPFilter]
	ipPools            *objects[*v3.IPPool]
	calicoNodeStatuses *objects[*v3.CalicoNodeStatus]
}

func newConnection(ds datastore, core *coreClient) *connection {
	g := ds.location()
	return &connection{ds: ds, core: core,
		bgpConfigurations:  newObjects(v3.KindBGPConfiguration, g, ds.bgpConfigurations()),
		bgpPeers:           newObjects(v3.KindBGPPeer, g, ds.bgpPeers()),
		bgpFilters:         newObjects(v3.KindBGPFilter, g, ds.bgpFilters()),
		ipPools:            newObjects(v3.KindIPPool, g, ds.ipPools()),
		calicoNodeStatuses: newObjects(v3.KindCalicoNodeStatus, g, ds.calicoNodeStatuses()),
	}
}

// NewClient returns a client that connects on first use. No request is made here.
func NewClient(cfg Config) *Client {
	return &Client{cfg: cfg}
}

// NewUnknownClient stands in when the provider configuration is not known yet; any use of the
// API reports that instead of failing obscurely.
func NewUnknownClient() *Client {
	return &Client{unknown: true}
}

// Known says whether the client has a configuration to connect with (see NewUnknownClient).
func (c *Client) Known() bool { return !c.unknown }

// LogFields describes the configuration for structured logs, with no secret in it.
func (c *Client) LogFields() map[string]any { return c.cfg.redactedSummary() }

func (c *Client) connect(ctx context.Context) (*connection, error) {
	c.connectOnce.Do(func() {
		if c.unknown {
			c.connectErr = &Error{Class: ErrConfigUnknown}
			return
		}
		ds, core, err := openDatastore(ctx, c.cfg)
		if err != nil {
			c.connectErr = err
			return
		}
		c.conn = newConnection(ds, core)
		if c.cfg.OnConnect != nil {
			c.cfg.OnConnect(ctx, ds.location().group)
		}
	})
	return c.conn, c.connectErr
}

// OnEtcd says whether Calico's objects are in etcd (DATASTORE_TYPE=etcdv3).
func (c *Client) OnEtcd() bool { return c.cfg.DatastoreType == DatastoreEtcdV3 }

// coreAPI returns the Kubernetes core/v1 client, connecting first if needed. On etcd there is
// none: ErrNeedsKubernetes.
func (c *Client) coreAPI(ctx context.Context) (*coreClient, error) {
	if err := c.NeedsKubernetes(); err != nil {
		return nil, err
	}
	cn, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	return cn.core, nil
}

// NeedsKubernetes says, without connecting, whether what needs the Kubernetes API itself (the
// Secrets of write-only BGP passwords) can work: not where Calico's objects are in etcd.
func (c *Client) NeedsKubernetes() error {
	if c.cfg.DatastoreType == DatastoreEtcdV3 {
		return &Error{Class: ErrNeedsKubernetes, APIGroup: DatastoreEtcdV3}
	}
	return nil
}
