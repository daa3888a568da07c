package calico

import (
	"context"
	"errors"
	"testing"

	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Calico's library wraps every datastore failure in ErrorDatastoreError, whose Kubernetes status
// says 400 Invalid: the class comes from what it wraps, never from that status.
func TestClassOfLibraryDatastoreErrors(t *testing.T) {
	wrap := func(err error) error { return cerrors.ErrorDatastoreError{Err: err, Identifier: "bgppeers/p"} }
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"an interruption", wrap(context.Canceled), ErrInterrupted},
		{"a deadline", wrap(context.DeadlineExceeded), ErrUnreachable},
		{"etcd unavailable", wrap(status.Error(codes.Unavailable, "connection refused")), ErrUnreachable},
		{"an unknown failure", wrap(errors.New("something else")), ErrOther},
		{"a Kubernetes status it wraps", wrap(apierrors.NewInvalid(schema.GroupKind{Kind: "BGPPeer"}, "p", nil)), ErrInvalid},
		{"a Kubernetes conflict it wraps", wrap(apierrors.NewConflict(schema.GroupResource{Resource: "bgppeers"}, "p", nil)), ErrConflict},
		{"an interruption, unwrapped", context.Canceled, ErrInterrupted},
	} {
		if got := classOf(c.err); got != c.want {
			t.Errorf("%s: class %v, want %v", c.name, got, c.want)
		}
	}
}
