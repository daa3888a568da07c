package calico

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// Under TLS 1.3 a server that requires a client certificate refuses the connection only after
// the client's handshake has completed, so etcd's client may report a broken write instead:
// the provider's own connection finds the refusal. A server that accepts leaves the reported
// failure as it is.
func TestTLSRefusalFoundAfterHandshake(t *testing.T) {
	ca, caPEM := selfSigned(t, "test etcd CA", nil, nil)
	server, _ := selfSigned(t, "127.0.0.1", ca.Leaf, ca.PrivateKey)
	_, clientPEM := selfSigned(t, "calico client", ca.Leaf, ca.PrivateKey)
	roots := x509.NewCertPool()
	roots.AddCert(ca.Leaf)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{server}, ClientCAs: roots,
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS13,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() { // like etcd: finish the handshake, then wait for the client to speak
				defer conn.Close()
				_ = conn.(*tls.Conn).Handshake()
				_, _ = conn.Read(make([]byte, 1))
			}()
		}
	}()
	reported := errors.New("context deadline exceeded: write tcp: broken pipe")
	cfg := EtcdConfig{Endpoints: []string{"https://" + l.Addr().String()}, CACertificate: string(caPEM[0])}
	tlsConfig, err := cfg.tlsConfig()
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.tlsRefusalOr(context.Background(), tlsConfig, reported)
	if classOf(err) != ErrCertificate || !strings.Contains(err.Error(), "certificate required") {
		t.Errorf("without a client certificate: got %v (class %v), want the server's refusal", err, classOf(err))
	}

	cfg.ClientCertificate, cfg.ClientKey = string(clientPEM[0]), string(clientPEM[1])
	if tlsConfig, err = cfg.tlsConfig(); err != nil {
		t.Fatal(err)
	}
	if err := cfg.tlsRefusalOr(context.Background(), tlsConfig, reported); err != reported {
		t.Errorf("with a client certificate: got %v, want the reported failure unchanged", err)
	}
}

// selfSigned makes a certificate for name, signed by parent (itself when nil), and its PEM:
// the certificate, then the key.
func selfSigned(t *testing.T, name string, parent *x509.Certificate, parentKey any) (tls.Certificate, [2][]byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	if parent == nil {
		template.IsCA, template.BasicConstraintsValid = true, true
		parent, parentKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pair.Leaf, _ = x509.ParseCertificate(der)
	return pair, [2][]byte{certPEM, keyPEM}
}
