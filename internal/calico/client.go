package calico

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
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

	releaseOnce   sync.Once
	release       Release
	releaseSource ReleaseSource
	releaseTold   atomic.Bool

	// writes counts the writes made through the client (see Writes).
	writes atomic.Uint64

	namespaceOnce sync.Once
	namespace     string
	namespaceErr  error
}

// connection is what connecting made: the datastore, each registered kind's objects on it
// (with this run's snapshot of them), and the Kubernetes core API where there is one.
type connection struct {
	ds   datastore
	core *coreClient // nil on etcd
	// objects are the registered kinds' objects, by kind name.
	objects map[string]*objects
}

func newConnection(ds datastore, core *coreClient) *connection {
	cn := &connection{ds: ds, core: core, objects: make(map[string]*objects, len(registry))}
	for _, k := range registry {
		name := k.info().Name
		cn.objects[name] = newObjects(name, ds.location(), ds.objects(k))
	}
	return cn
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
		ctx, release := interruptible(ctx)
		defer release()
		ds, core, err := openDatastore(ctx, c.cfg)
		if err != nil {
			if errors.Is(ctx.Err(), context.Canceled) {
				err = &Error{Class: ErrInterrupted, Op: OpConnect, Err: err}
			}
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

// secretsAPI returns the Kubernetes core/v1 client that Secrets are kept through, connecting
// first if needed. Where the datastore keeps no Secrets, it fails with ErrMissingCapability.
func (c *Client) secretsAPI(ctx context.Context) (*coreClient, error) {
	if err := c.Require(KeepsSecrets); err != nil {
		return nil, err
	}
	cn, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	return cn.core, nil
}

// Writes counts the writes made through the client so far, so that what was read before one can
// be known to be stale.
func (c *Client) Writes() uint64 { return c.writes.Load() }
