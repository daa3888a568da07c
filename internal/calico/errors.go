package calico

import (
	"errors"
	"fmt"
	"net"
	"net/url"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Sentinel errors the resources branch on. Test with errors.Is.
var (
	ErrNotFound      = errors.New("not found")
	ErrAlreadyExists = errors.New("already exists")
)

// Error is a failure with a user-facing summary and a detail that says the cause and the remedy.
type Error struct {
	Summary string
	Detail  string
	Err     error
}

func (e *Error) Error() string { return e.Summary + ": " + e.Detail }
func (e *Error) Unwrap() error { return e.Err }

// classify turns an error from the API into one of the provider's errors, naming kind and name.
func classify(err error, kind, name string) error {
	if err == nil {
		return nil
	}
	var known *Error
	if errors.As(err, &known) {
		return err
	}
	switch {
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%s %q %w", kind, name, ErrNotFound)
	case apierrors.IsAlreadyExists(err):
		return fmt.Errorf("%s %q %w", kind, name, ErrAlreadyExists)
	}
	return connectionError(err)
}

// connectionError maps transport and authentication failures to errors that say what to fix;
// other errors (validation, conflicts) pass through unchanged.
func connectionError(err error) error {
	var urlErr *url.Error
	var netErr net.Error
	switch {
	case apierrors.IsUnauthorized(err):
		return &Error{
			Summary: "Kubernetes API Rejected the Credentials",
			Detail: "The API server answered 401 Unauthorized. Check token, client_certificate/client_key, " +
				"the exec plugin, or the kubeconfig user in the provider configuration. Original error: " + err.Error(),
			Err: err,
		}
	case apierrors.IsForbidden(err):
		return &Error{
			Summary: "Permission Denied by the Kubernetes API",
			Detail: "The credentials were accepted but are not allowed to do this. Grant the provider's identity " +
				"the ClusterRole shown in the provider documentation (section Required RBAC). Original error: " + err.Error(),
			Err: err,
		}
	case errors.As(err, &urlErr), errors.As(err, &netErr):
		return &Error{
			Summary: "Kubernetes API Unreachable",
			Detail: "The provider could not connect to the Kubernetes API server. Check host (or the kubeconfig's " +
				"server), proxy_url, and that the cluster is running and reachable from where Terraform runs. " +
				"Original error: " + err.Error(),
			Err: err,
		}
	}
	return err
}

// calicoAPIMissing is returned when the cluster does not serve projectcalico.org/v3.
func calicoAPIMissing(err error) error {
	return &Error{
		Summary: "Calico API Not Installed",
		Detail: "The cluster does not serve projectcalico.org/v3, which this provider manages Calico through. " +
			"Install the Calico API server (Calico 3.31 and earlier: with the operator, create an APIServer " +
			"resource named default; see Calico's \"Install the Calico API server\" guide), or upgrade to " +
			"Calico 3.32 or later, which serves projectcalico.org/v3 as CRDs. Original error: " + err.Error(),
		Err: err,
	}
}

// calicoAPIUnavailable is returned when projectcalico.org/v3 is registered but its server is down.
func calicoAPIUnavailable(err error) error {
	return &Error{
		Summary: "Calico API Server Unavailable",
		Detail: "projectcalico.org/v3 is registered with the cluster but its server does not answer. Check the " +
			"calico-apiserver pods (kubectl get apiservice v3.projectcalico.org shows why it is not Available). " +
			"Original error: " + err.Error(),
		Err: err,
	}
}
