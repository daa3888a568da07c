package testenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"time"

	etcd "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// EtcdClient connects to the etcd of ModeEtcd with the environment's client certificate.
func (e *Env) EtcdClient() (*etcd.Client, error) {
	if e.Etcd == nil {
		return nil, errors.New("this environment keeps Calico's objects in Kubernetes, not etcd")
	}
	pair, err := tls.LoadX509KeyPair(e.Etcd.CertFile, e.Etcd.KeyFile)
	if err != nil {
		return nil, err
	}
	ca, err := os.ReadFile(e.Etcd.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	return etcd.New(etcd.Config{
		Endpoints: []string{e.Etcd.Endpoint}, DialTimeout: 5 * time.Second, Logger: zap.NewNop(),
		TLS: &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: pool, MinVersion: tls.VersionTLS12},
	})
}

// waitEtcd waits until etcd answers over TLS.
func (e *Env) waitEtcd(ctx context.Context, timeout time.Duration) error {
	c, err := e.EtcdClient()
	if err != nil {
		return err
	}
	defer c.Close()
	return poll(ctx, timeout, func() error {
		probe, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		_, err := c.Get(probe, "/calico/")
		return err
	})
}
