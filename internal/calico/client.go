package calico

import (
	"context"
	"errors"
	"fmt"
	"sync"

	calicov3 "github.com/projectcalico/api/pkg/client/clientset_generated/clientset/typed/projectcalico/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// CalicoGroupVersion is the API the provider manages Calico through.
const CalicoGroupVersion = "projectcalico.org/v3"

// Client is shared by every resource and data source of one provider instance. It connects
// lazily, once: a provider configured with values unknown at plan time (a cluster created in
// the same apply) still validates and plans.
type Client struct {
	cfg     Config
	unknown bool

	connectOnce sync.Once
	connectErr  error
	core        *coreClient
	calico      calicov3.ProjectcalicoV3Interface

	snapshotsMu sync.Mutex
	snapshots   map[string]*snapshot

	namespaceOnce sync.Once
	namespace     string
	namespaceErr  error
}

// NewClient returns a client that connects on first use. No request is made here.
func NewClient(cfg Config) *Client {
	return &Client{cfg: cfg, snapshots: map[string]*snapshot{}}
}

// NewUnknownClient stands in when the provider configuration is not known yet; any use of the
// API reports that instead of failing obscurely.
func NewUnknownClient() *Client {
	return &Client{unknown: true, snapshots: map[string]*snapshot{}}
}

// LogFields describes the configuration for structured logs, with no secret in it.
func (c *Client) LogFields() map[string]any { return c.cfg.redactedSummary() }

func (c *Client) connect(ctx context.Context) error {
	c.connectOnce.Do(func() { c.connectErr = c.doConnect(ctx) })
	return c.connectErr
}

func (c *Client) doConnect(ctx context.Context) error {
	if c.unknown {
		return &Error{
			Summary: "Provider Configuration Unknown",
			Detail: "The provider's connection settings depend on values not known until apply (for example a " +
				"cluster created in the same run). Apply the cluster first, or use -target, then run again.",
		}
	}
	rc, err := c.cfg.RESTConfig()
	if err != nil {
		if errors.Is(err, ErrNoCredentials) {
			return &Error{
				Summary: "No Kubernetes Credentials Found",
				Detail: "Set host with token or client_certificate/client_key (or the KUBE_HOST, KUBE_TOKEN, ... " +
					"environment variables), or config_path / config_content, or run inside a cluster. Cause: " + err.Error(),
				Err: err,
			}
		}
		return &Error{Summary: "Invalid Provider Configuration", Detail: err.Error(), Err: err}
	}
	core, err := newCoreClient(rc)
	if err != nil {
		return &Error{Summary: "Invalid Provider Configuration", Detail: err.Error(), Err: err}
	}
	cc, err := calicov3.NewForConfig(rc)
	if err != nil {
		return &Error{Summary: "Invalid Provider Configuration", Detail: err.Error(), Err: err}
	}
	// One discovery request per provider process: is projectcalico.org/v3 served (by the Calico
	// API server on Calico <= 3.31, or by v3 CRDs on Calico >= 3.32)?
	err = cc.RESTClient().Get().AbsPath("/apis/" + CalicoGroupVersion).Do(ctx).Error()
	switch {
	case err == nil:
	case apierrors.IsNotFound(err):
		return calicoAPIMissing(err)
	case apierrors.IsServiceUnavailable(err):
		return calicoAPIUnavailable(err)
	default:
		if ce := connectionError(err); ce != err {
			return ce
		}
		return fmt.Errorf("discovering %s: %w", CalicoGroupVersion, err)
	}
	c.core, c.calico = core, cc
	return nil
}

// coreAPI returns the Kubernetes core/v1 client, connecting first if needed.
func (c *Client) coreAPI(ctx context.Context) (*coreClient, error) {
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	return c.core, nil
}
