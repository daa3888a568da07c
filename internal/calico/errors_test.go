package calico

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"testing"

	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// textless hides an error's text: a case wrapped in it is classified by the error's type alone,
// not by the text rules for etcd's handshake errors that its text would also match.
type textless struct{ err error }

func (e textless) Error() string { return "an error whose text names no class" }
func (e textless) Unwrap() error { return e.err }

// Each case pins one rule of classOf, in the order classOf tries them; removing the rule
// changes the case's class. context.DeadlineExceeded and *url.Error are net.Errors too, so
// their own rules are covered by the net.Error rule and no case can tell them apart.
func TestClassOf(t *testing.T) {
	peers := schema.GroupResource{Group: "projectcalico.org", Resource: "bgppeers"}
	cert := &x509.Certificate{}
	for _, c := range []struct {
		rule string
		err  error
		want error
	}{
		// Kubernetes status errors and Calico's library's own types.
		{"Kubernetes NotFound", apierrors.NewNotFound(peers, "p"), ErrNotFound},
		{"Calico's ErrorResourceDoesNotExist", cerrors.ErrorResourceDoesNotExist{Identifier: "p", Err: errors.New("gone")}, ErrNotFound},
		{"Kubernetes AlreadyExists", apierrors.NewAlreadyExists(peers, "p"), ErrAlreadyExists},
		{"Calico's ErrorResourceAlreadyExists", cerrors.ErrorResourceAlreadyExists{Identifier: "p"}, ErrAlreadyExists},
		{"Kubernetes Conflict", apierrors.NewConflict(peers, "p", errors.New("modified")), ErrConflict},
		{"Calico's ErrorResourceUpdateConflict", cerrors.ErrorResourceUpdateConflict{Identifier: "p"}, ErrConflict},
		{"Kubernetes Unauthorized", apierrors.NewUnauthorized("token expired"), ErrUnauthorized},
		{"Kubernetes Forbidden", apierrors.NewForbidden(peers, "p", errors.New("no RBAC")), ErrForbidden},
		{"Kubernetes Forbidden inside Calico's 'unauthorized' wrapper",
			cerrors.ErrorConnectionUnauthorized{Err: apierrors.NewForbidden(peers, "p", errors.New("no RBAC"))}, ErrForbidden},
		{"Kubernetes Invalid", apierrors.NewInvalid(schema.GroupKind{Group: "projectcalico.org", Kind: "BGPPeer"}, "p",
			field.ErrorList{field.Invalid(field.NewPath("spec", "asNumber"), "x", "bad")}), ErrInvalid},
		{"Kubernetes BadRequest", apierrors.NewBadRequest("bad body"), ErrInvalid},
		{"Calico's ErrorValidation", cerrors.ErrorValidation{ErroredFields: []cerrors.ErroredField{{Name: "peerIP", Value: "x"}}}, ErrInvalid},
		{"Calico's ErrorOperationNotSupported", cerrors.ErrorOperationNotSupported{Operation: "Update", Identifier: "p"}, ErrInvalid},
		{"x509 UnknownAuthorityError, by type", textless{&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{Cert: cert}}}, ErrCertificate},
		{"x509 HostnameError, by type", textless{x509.HostnameError{Certificate: cert, Host: "api"}}, ErrCertificate},
		{"x509 CertificateInvalidError, by type", textless{x509.CertificateInvalidError{Cert: cert, Reason: x509.Expired}}, ErrCertificate},
		{"certificate errors before unreachable ones", &url.Error{Op: "Get", URL: "https://api",
			Err: textless{&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{Cert: cert}}}}, ErrCertificate},

		// etcd's client.
		{"etcd ErrAuthFailed", fmt.Errorf("list: %w", rpctypes.ErrAuthFailed), ErrUnauthorized},
		{"etcd ErrUserEmpty", rpctypes.ErrUserEmpty, ErrUnauthorized},
		{"etcd ErrInvalidAuthToken", rpctypes.ErrInvalidAuthToken, ErrUnauthorized},
		{"etcd ErrPermissionDenied", rpctypes.ErrPermissionDenied, ErrForbidden},
		{"etcd handshake text naming x509", errors.New(`connection error: desc = "transport: authentication handshake failed: ` +
			`x509: certificate signed by unknown authority"`), ErrCertificate},
		{"etcd handshake text naming tls", errors.New(`connection error: desc = "transport: authentication handshake failed: ` +
			`remote error: tls: bad certificate"`), ErrCertificate},
		{"etcd dial text", errors.New(`connection error: desc = "transport: Error while dialing: dial tcp 192.0.2.1:2379: ` +
			`connect: connection refused"`), ErrUnreachable},
		{"gRPC Unauthenticated", status.Error(codes.Unauthenticated, "token expired"), ErrUnauthorized},
		{"gRPC PermissionDenied", status.Error(codes.PermissionDenied, "no role"), ErrForbidden},
		{"gRPC Unavailable", status.Error(codes.Unavailable, "no leader"), ErrUnreachable},
		{"gRPC DeadlineExceeded", status.Error(codes.DeadlineExceeded, "context deadline exceeded: write: broken pipe"), ErrUnreachable},

		// The network.
		{"net.Error", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, ErrUnreachable},
		{"context.DeadlineExceeded (a net.Error too)", fmt.Errorf("list: %w", context.DeadlineExceeded), ErrUnreachable},
		{"url.Error (a net.Error too)", &url.Error{Op: "Get", URL: "https://api", Err: errors.New("EOF")}, ErrUnreachable},

		{"anything else", errors.New("the server is on fire"), ErrOther},
	} {
		t.Run(c.rule, func(t *testing.T) {
			if got := classOf(c.err); got != c.want {
				t.Errorf("classOf(%v) = %q, want %q", c.err, got, c.want)
			}
		})
	}
}
