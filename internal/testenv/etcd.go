package testenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
		Endpoints: e.Etcd.Endpoints, DialTimeout: 5 * time.Second, Logger: zap.NewNop(),
		TLS: &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: pool, MinVersion: tls.VersionTLS12},
	})
}

// waitEtcd waits until etcd answers over TLS.
func (e *Env) waitEtcd(ctx context.Context, timeout time.Duration) error {
	c, err := e.EtcdClient()
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	return poll(ctx, timeout, func() error {
		probe, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		_, err := c.Get(probe, "/calico/")
		return err
	})
}

// EtcdMembers are the names of the etcd processes: ModeEtcd runs all three as one cluster, as
// Calico's etcd clusters run (so that a fault test can stop one); the other modes run the first,
// behind kube-apiserver.
var EtcdMembers = []string{Etcd, Etcd + "-2", Etcd + "-3"}

// startEtcd starts the mode's etcd members on the given ports (two each: client, peer) and
// returns the client URL of the first. In ModeEtcd they serve TLS and require client
// certificates, as installs secure Calico's etcd, and it waits until the cluster answers.
func (e *Env) startEtcd(ctx context.Context, bin, pki string, ports []int) (string, error) {
	members := EtcdMembers[:1]
	scheme := "http"
	if e.Mode == ModeEtcd {
		members, scheme = EtcdMembers, "https"
	}
	var cluster, clientURLs []string
	for i, name := range members {
		cluster = append(cluster, fmt.Sprintf("%s=http://127.0.0.1:%d", name, ports[2*i+1]))
		clientURLs = append(clientURLs, fmt.Sprintf("%s://127.0.0.1:%d", scheme, ports[2*i]))
	}
	for i, name := range members {
		peerURL := fmt.Sprintf("http://127.0.0.1:%d", ports[2*i+1])
		args := []string{"--name=" + name, "--data-dir=" + filepath.Join(e.Dir, "etcd-data", name),
			"--listen-peer-urls=" + peerURL, "--initial-advertise-peer-urls=" + peerURL,
			"--initial-cluster=" + strings.Join(cluster, ","), "--unsafe-no-fsync", "--log-level=warn",
			"--listen-client-urls=" + clientURLs[i], "--advertise-client-urls=" + clientURLs[i]}
		if e.Mode == ModeEtcd {
			args = append(args, "--client-cert-auth", "--trusted-ca-file="+e.CAFile,
				"--cert-file="+filepath.Join(pki, "etcd.crt"), "--key-file="+filepath.Join(pki, "etcd.key"))
		}
		if err := e.spawn(bin, name, nil, args...); err != nil {
			return "", err
		}
	}
	if e.Mode != ModeEtcd {
		return clientURLs[0], nil
	}
	e.Etcd = &EtcdAccess{Endpoint: clientURLs[0], Endpoints: clientURLs, CAFile: e.CAFile,
		CertFile: filepath.Join(pki, "etcd-client.crt"), KeyFile: filepath.Join(pki, "etcd-client.key")}
	if err := e.waitEtcd(ctx, 60*time.Second); err != nil {
		return "", fmt.Errorf("etcd did not become ready: %w (see %s)", err, e.logFile(Etcd))
	}
	return clientURLs[0], nil
}
