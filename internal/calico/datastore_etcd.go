package calico

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/projectcalico/calico/libcalico-go/lib/apiconfig"
	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	etcd "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
)

// The datastores Calico keeps its objects in, as calicoctl's DATASTORE_TYPE names them.
const (
	DatastoreKubernetes = "kubernetes"
	DatastoreEtcdV3     = "etcdv3"
)

// DatastoreTypes are the values datastore_type accepts.
var DatastoreTypes = []string{DatastoreKubernetes, DatastoreEtcdV3}

// EtcdConfig says how to reach the etcd that Calico keeps its objects in (calicoctl's
// DATASTORE_TYPE=etcdv3). The certificates and key are PEM content.
type EtcdConfig struct {
	Endpoints         []string
	CACertificate     string
	ClientCertificate string
	ClientKey         string
	Username          string
	Password          string
}

// etcdDialTimeout bounds the first connection, so that a wrong endpoint or certificate fails
// with its cause instead of hanging until the request timeout.
const etcdDialTimeout = 10 * time.Second

// etcdPrefix is where Calico's library keeps its v3 objects in etcd, one key per object.
const etcdPrefix = "/calico/resources/v3/projectcalico.org/"

// openEtcdDatastore reaches Calico's own etcd, through Calico's library (as calicoctl with
// DATASTORE_TYPE=etcdv3 does) and the provider's own etcd client, which reads and writes objects
// as stored, for merges. It checks that etcd answers. Calico's nodes are Calico Node objects.
func openEtcdDatastore(ctx context.Context, cfg EtcdConfig, timeout time.Duration) (*libcalicoDatastore, error) {
	at := location{group: DatastoreEtcdV3, endpoint: strings.Join(cfg.Endpoints, ","), timeout: timeout, silence: newSilence()}
	if len(cfg.Endpoints) == 0 {
		return nil, &Error{Class: ErrInvalidConfig, APIGroup: DatastoreEtcdV3, Err: errors.New("no etcd endpoints are set")}
	}
	tlsConfig, err := cfg.tlsConfig()
	if err != nil {
		return nil, &Error{Class: ErrInvalidConfig, APIGroup: DatastoreEtcdV3, Err: err}
	}
	// The client lives for the process, beyond the request that connects, but its blocking
	// dial is the request's: stopped (Ctrl-C) while dialling, the request gives up.
	lifetime, endLifetime := context.WithCancel(context.WithoutCancel(ctx))
	unlink := context.AfterFunc(ctx, endLifetime)
	kv, err := etcd.New(etcd.Config{
		Endpoints: cfg.Endpoints, TLS: tlsConfig, Username: cfg.Username, Password: cfg.Password,
		DialTimeout: etcdDialTimeout, Logger: zap.NewNop(), Context: lifetime,
		//nolint:staticcheck // blocking until connected is what reports a bad endpoint or certificate
		DialOptions: []grpc.DialOption{grpc.WithBlock(), grpc.WithReturnConnectionError()},
	})
	if !unlink() {
		if err == nil {
			_ = kv.Close()
		}
		return nil, &Error{Class: ErrInterrupted, Op: OpConnect, APIGroup: DatastoreEtcdV3, Endpoint: at.endpoint, Err: ctx.Err()}
	}
	if err != nil {
		return nil, classify(cfg.tlsRefusalOr(ctx, tlsConfig, err), OpConnect, at, "", "")
	}
	probe, cancel := context.WithTimeout(ctx, etcdDialTimeout)
	defer cancel()
	if _, err := kv.Get(probe, etcdPrefix+"clusterinformations/default"); err != nil {
		_ = kv.Close()
		return nil, classify(cfg.tlsRefusalOr(ctx, tlsConfig, err), OpConnect, at, "", "")
	}
	spec, cleanup, err := cfg.librarySpec()
	defer cleanup()
	if err != nil {
		_ = kv.Close()
		return nil, &Error{Class: ErrInvalidConfig, APIGroup: DatastoreEtcdV3, Err: err}
	}
	api, err := newLibcalicoClient(spec)
	if err != nil {
		_ = kv.Close()
		return nil, &Error{Class: ErrInvalidConfig, APIGroup: DatastoreEtcdV3, Err: err}
	}
	stored := func(resource string) storedObjects { return etcdStored{kv: kv, resource: resource} }
	return &libcalicoDatastore{
		at: at, api: api, storedAt: stored, format: v3JSONFormat{},
		nodeStore: newCalicoNodeStore(api, stored("nodes"), at),
	}, nil
}

// tlsConfig is the provider's own client's TLS: the CA replaces the system's roots when set.
func (cfg EtcdConfig) tlsConfig() (*tls.Config, error) {
	if cfg.CACertificate == "" && cfg.ClientCertificate == "" && cfg.ClientKey == "" {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CACertificate != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(cfg.CACertificate)) {
			return nil, errors.New("the etcd CA certificate is not PEM")
		}
		c.RootCAs = pool
	}
	if (cfg.ClientCertificate == "") != (cfg.ClientKey == "") {
		return nil, errors.New("the etcd client certificate and key must be set together")
	}
	if cfg.ClientCertificate != "" {
		pair, err := tls.X509KeyPair([]byte(cfg.ClientCertificate), []byte(cfg.ClientKey))
		if err != nil {
			return nil, fmt.Errorf("the etcd client certificate and key cannot be used: %w", err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// tlsRefusalOr is why etcd refused the provider's TLS connection, or else err, the failure
// etcd's client reported. Under TLS 1.3 the client's handshake completes before the server
// checks the client certificate; a server that requires one then sends an alert and closes,
// and the gRPC client may report only its own broken write or its deadline. A connection of
// the provider's own, which reads that alert, tells the cause. It runs only after a failure.
func (cfg EtcdConfig) tlsRefusalOr(ctx context.Context, tlsConfig *tls.Config, err error) error {
	if tlsConfig == nil {
		return err
	}
	const alertWait = time.Second // an accepting etcd sends nothing: it waits for HTTP/2
	for _, endpoint := range cfg.Endpoints {
		u, perr := url.Parse(endpoint)
		if perr != nil || u.Scheme != "https" {
			continue
		}
		dialer := tls.Dialer{NetDialer: &net.Dialer{Timeout: alertWait}, Config: tlsConfig}
		conn, derr := dialer.DialContext(ctx, "tcp", u.Host)
		if derr == nil {
			_ = conn.SetReadDeadline(time.Now().Add(alertWait))
			_, derr = conn.Read(make([]byte, 1))
			_ = conn.Close()
		}
		if derr != nil && isTLSFailure(derr) {
			return fmt.Errorf("%s: %w", endpoint, derr)
		}
	}
	return err
}

// isTLSFailure: err is a failed TLS handshake, or the server's alert refusing one.
func isTLSFailure(err error) bool {
	var (
		alert tls.AlertError
		cert  *tls.CertificateVerificationError
	)
	return errors.As(err, &alert) || errors.As(err, &cert) || strings.Contains(err.Error(), "tls: ")
}

// librarySpec configures Calico's library. The library takes PEM content only together with a
// client certificate and key; a CA alone goes through a file, which it reads while connecting
// and cleanup then removes.
func (cfg EtcdConfig) librarySpec() (apiconfig.CalicoAPIConfigSpec, func(), error) {
	spec := apiconfig.CalicoAPIConfigSpec{DatastoreType: apiconfig.EtcdV3, EtcdConfig: apiconfig.EtcdConfig{
		EtcdEndpoints: strings.Join(cfg.Endpoints, ","), EtcdUsername: cfg.Username, EtcdPassword: cfg.Password,
	}}
	cleanup := func() {}
	switch {
	case cfg.ClientCertificate != "":
		spec.EtcdCert, spec.EtcdKey, spec.EtcdCACert = cfg.ClientCertificate, cfg.ClientKey, cfg.CACertificate
	case cfg.CACertificate != "":
		f, err := os.CreateTemp("", "calico-etcd-ca-*.pem")
		if err != nil {
			return spec, cleanup, err
		}
		cleanup = func() { _ = os.Remove(f.Name()) }
		_, err = f.WriteString(cfg.CACertificate)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		spec.EtcdCACertFile = f.Name()
		return spec, cleanup, err
	}
	return spec, cleanup, nil
}

// etcdStored is storedObjects in etcd: one key per object holding its JSON, its revision
// etcd's ModRevision of the key (which Calico's library reports as the resourceVersion).
type etcdStored struct {
	kv       *etcd.Client
	resource string
}

func (s etcdStored) key(name string) string { return etcdPrefix + s.resource + "/" + name }

func (s etcdStored) get(ctx context.Context, name string) (map[string]any, error) {
	resp, err := s.kv.Get(ctx, s.key(name))
	if err != nil {
		return nil, err
	}
	if len(resp.Kvs) == 0 {
		return nil, cerrors.ErrorResourceDoesNotExist{Identifier: s.key(name)}
	}
	obj, err := decodeJSONObject(resp.Kvs[0].Value)
	if err != nil {
		return nil, err
	}
	setResourceVersion(obj, strconv.FormatInt(resp.Kvs[0].ModRevision, 10))
	return obj, nil
}

// put writes obj only if the key's revision is still obj's resourceVersion. The revision is
// not stored in the value, as Calico's library does not store it.
func (s etcdStored) put(ctx context.Context, name string, obj map[string]any) ([]byte, error) {
	rev, err := strconv.ParseInt(resourceVersionOf(obj), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s %s has no etcd revision to write over", s.resource, name)
	}
	obj = maps.Clone(obj)
	meta, ok := obj["metadata"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s %s has no metadata to write", s.resource, name)
	}
	meta = maps.Clone(meta)
	delete(meta, "resourceVersion")
	obj["metadata"] = meta
	value, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	key := s.key(name)
	resp, err := s.kv.Txn(ctx).If(etcd.Compare(etcd.ModRevision(key), "=", rev)).
		Then(etcd.OpPut(key, string(value))).Else(etcd.OpGet(key)).Commit()
	if err != nil {
		return nil, err
	}
	if !resp.Succeeded {
		if len(resp.Responses[0].GetResponseRange().Kvs) == 0 {
			return nil, cerrors.ErrorResourceDoesNotExist{Identifier: key}
		}
		return nil, cerrors.ErrorResourceUpdateConflict{Identifier: key}
	}
	meta["resourceVersion"] = strconv.FormatInt(resp.Header.Revision, 10)
	return json.Marshal(obj)
}

func setResourceVersion(obj map[string]any, rv string) {
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	meta["resourceVersion"] = rv
}

// v3JSONFormat: the projectcalico.org/v3 object as JSON, as the library keeps it in etcd.
type v3JSONFormat struct{}

func (v3JSONFormat) decode(b []byte, obj Object) error { return json.Unmarshal(b, obj) }

func (v3JSONFormat) view(obj Object) (map[string]any, error) { return jsonView(obj) }
