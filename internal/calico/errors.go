package calico

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// The classes of failure the access layer reports. Callers test them with errors.Is and word
// them for users; this package knows nothing of provider attributes.
var (
	ErrNotFound      = errors.New("not found")
	ErrAlreadyExists = errors.New("already exists")
	// ErrConflict: the object changed between read and write, more often than retries allow.
	ErrConflict = errors.New("changed concurrently")
	// ErrInvalid: Calico (its API server, or its library on the v1 path) rejected the object.
	ErrInvalid      = errors.New("rejected by Calico")
	ErrUnauthorized = errors.New("credentials rejected")
	ErrForbidden    = errors.New("permission denied")
	ErrUnreachable  = errors.New("API unreachable")
	// ErrCertificate: the server's TLS certificate could not be verified.
	ErrCertificate = errors.New("server certificate not trusted")
	// ErrCalicoNotInstalled: neither projectcalico.org/v3 nor Calico's CRDs are in the cluster.
	ErrCalicoNotInstalled = errors.New("calico not installed")
	// ErrAPIGroupNotServed: the API group the configuration asks for is not served.
	ErrAPIGroupNotServed = errors.New("API group not served")
	// ErrCalicoAPIUnavailable: projectcalico.org/v3 is registered but its server does not answer.
	ErrCalicoAPIUnavailable = errors.New("calico API server unavailable")
	ErrNoCredentials        = errors.New("no Kubernetes credentials found")
	ErrInvalidConfig        = errors.New("invalid client configuration")
	// ErrConfigUnknown: the connection settings are not known yet (plan before the cluster exists).
	ErrConfigUnknown = errors.New("provider configuration unknown")
	// ErrNotOwned: an object of the name the provider would use exists and is someone else's.
	ErrNotOwned = errors.New("not owned by the provider")
	// ErrNewerFields: an update would remove fields that the provider's Calico version does not
	// know (set by a newer Calico), so it was not written.
	ErrNewerFields = errors.New("the change would remove fields newer than the provider's Calico")
	// ErrMissingCapability: what was asked needs a capability (Error.Capability) that the
	// datastore lacks.
	ErrMissingCapability = errors.New("the datastore lacks a capability")
	// ErrEtcdConnection: connecting to etcd failed, in one of the connection classes above
	// (unreachable, certificate, credentials, permission, configuration); the failure is about
	// the etcd connection settings.
	ErrEtcdConnection = errors.New("connecting to etcd failed")
	// ErrFieldDropped: the datastore stored the object without fields it was sent (Error.Dropped),
	// as a CRD of an older Calico prunes the fields it lacks. A create is undone.
	ErrFieldDropped = errors.New("fields were dropped by the datastore")
	// ErrInterrupted: the caller stopped waiting (Terraform was interrupted) before the
	// datastore answered; the change may or may not have been made.
	ErrInterrupted = errors.New("interrupted")
	// ErrOther: an error of the API that fits no class above; its own text is all there is.
	ErrOther = errors.New("the API answered an error")
)

// The operations an Error names: what the provider was doing to the object when it failed.
const (
	OpRead    = "read"
	OpList    = "list"
	OpCreate  = "create"
	OpUpdate  = "update"
	OpDelete  = "delete"
	OpConnect = "connect to"
)

// Error is a classified failure: its Class (one of the Err values above), the operation and
// the object it concerns, the API group the provider was using, and the original error.
type Error struct {
	Class    error
	Op       string // one of the Op values; empty when not known
	Kind     string // such as "BGPPeer"; empty when no object is concerned
	Name     string
	APIGroup string // the datastore path in use, once one was chosen
	// Endpoint is where the datastore was asked (the API server, or etcd's endpoints), once
	// one was chosen.
	Endpoint string
	// Capability is the one the datastore lacks, for ErrMissingCapability.
	Capability Capability
	// Dropped are the places in the object's spec the datastore did not keep, for
	// ErrFieldDropped, as Calico's validator names places ("spec", "nextHopMode").
	Dropped [][]any
	Err     error
}

func (e *Error) Error() string {
	msg := e.Class.Error()
	if e.Kind != "" {
		msg = fmt.Sprintf("%s %q: %s", e.Kind, e.Name, msg)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() []error {
	if e.APIGroup == DatastoreEtcdV3 && slices.Contains(connectionClasses, e.Class) {
		return []error{e.Class, ErrEtcdConnection, e.Err}
	}
	return []error{e.Class, e.Err}
}

// connectionClasses are the classes of a failure to reach or be let into a datastore.
var connectionClasses = []error{ErrUnreachable, ErrCertificate, ErrUnauthorized, ErrForbidden, ErrInvalidConfig}

// Cause is the original error's text, for the detail of a diagnostic.
func (e *Error) Cause() string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

// classify turns an error from a datastore (the Kubernetes API or Calico's library) into an
// *Error naming the operation and the object. Already classified errors pass through with what
// they lack filled in.
func classify(err error, op string, at location, kind, name string) error {
	if err == nil {
		return nil
	}
	var known *Error
	if errors.As(err, &known) {
		if known.Kind == "" {
			known.Kind, known.Name = kind, name
		}
		if known.Op == "" {
			known.Op = op
		}
		if known.APIGroup == "" {
			known.APIGroup = at.group
		}
		if known.Endpoint == "" {
			known.Endpoint = at.endpoint
		}
		return known
	}
	return &Error{Class: classOf(err), Op: op, Kind: kind, Name: name, APIGroup: at.group, Endpoint: at.endpoint, Err: err}
}

// classOf finds the class of an error from a datastore.
func classOf(err error) error {
	// Calico's library wraps every failure of its datastore, an unreachable etcd included, in
	// an error whose Kubernetes status says 400 Invalid; only what it wraps says what happened.
	var datastoreErr cerrors.ErrorDatastoreError
	if errors.As(err, &datastoreErr) && datastoreErr.Err != nil {
		if _, isStatus := datastoreErr.Err.(apierrors.APIStatus); !isStatus {
			return classOf(datastoreErr.Err)
		}
	}
	if errors.Is(err, context.Canceled) {
		return ErrInterrupted
	}
	var (
		notExist    cerrors.ErrorResourceDoesNotExist
		exists      cerrors.ErrorResourceAlreadyExists
		conflict    cerrors.ErrorResourceUpdateConflict
		invalid     cerrors.ErrorValidation
		unsupported cerrors.ErrorOperationNotSupported
		unknownCA   x509.UnknownAuthorityError
		hostname    x509.HostnameError
		certInvalid x509.CertificateInvalidError
		urlErr      *url.Error
		netErr      net.Error
	)
	switch {
	// Kubernetes status errors first: Calico's wrappers keep them inside, and they are precise
	// (Calico's library reports both 401 and 403 as "unauthorized").
	case apierrors.IsNotFound(err), errors.As(err, &notExist):
		return ErrNotFound
	case apierrors.IsAlreadyExists(err), errors.As(err, &exists):
		return ErrAlreadyExists
	case apierrors.IsConflict(err), errors.As(err, &conflict):
		return ErrConflict
	case apierrors.IsUnauthorized(err):
		return ErrUnauthorized
	case apierrors.IsForbidden(err):
		return ErrForbidden
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err), errors.As(err, &invalid), errors.As(err, &unsupported):
		return ErrInvalid
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &certInvalid):
		return ErrCertificate
	case apierrors.IsTimeout(err), apierrors.IsServerTimeout(err):
		// kube-apiserver's 504 for a request it passed on (to the Calico API server) that got
		// no answer in time.
		return ErrUnreachable
	case apierrors.IsServiceUnavailable(err):
		// kube-apiserver's answer for an aggregated API whose server is down: the Calico API
		// server's, the only one the provider uses.
		return ErrCalicoAPIUnavailable
	}
	if class := etcdClassOf(err); class != nil {
		return class
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &urlErr), errors.As(err, &netErr):
		return ErrUnreachable
	}
	return ErrOther
}

// etcdClassOf classifies the errors of etcd's client, which carry gRPC codes and, for a failed
// TLS handshake, only the handshake's text. nil: not an etcd error of these classes.
func etcdClassOf(err error) error {
	switch {
	case errors.Is(err, rpctypes.ErrAuthFailed), errors.Is(err, rpctypes.ErrUserEmpty), errors.Is(err, rpctypes.ErrInvalidAuthToken):
		return ErrUnauthorized
	case errors.Is(err, rpctypes.ErrPermissionDenied):
		return ErrForbidden
	case strings.Contains(err.Error(), "x509: "), strings.Contains(err.Error(), "tls: "):
		return ErrCertificate
	case strings.Contains(err.Error(), "Error while dialing"):
		return ErrUnreachable
	}
	switch status.Code(err) {
	case codes.Unauthenticated:
		return ErrUnauthorized
	case codes.PermissionDenied:
		return ErrForbidden
	case codes.Unavailable, codes.DeadlineExceeded: // no answer within request_timeout
		return ErrUnreachable
	}
	return nil
}
