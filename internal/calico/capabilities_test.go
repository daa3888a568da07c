package calico

import (
	"errors"
	"testing"
)

// Each datastore answers for its capabilities from the configuration alone, and a missing one
// is an error that names it.
func TestDatastoresAnswerForTheirCapabilities(t *testing.T) {
	for _, c := range []struct {
		datastoreType string
		capability    Capability
		want          bool
	}{
		{"", KeepsSecrets, true},
		{DatastoreKubernetes, KeepsSecrets, true},
		{DatastoreKubernetes, ReportsNodeStatus, true},
		{DatastoreEtcdV3, KeepsSecrets, false},
		{DatastoreEtcdV3, ReportsNodeStatus, false},
	} {
		client := NewClient(Config{DatastoreType: c.datastoreType})
		if got := client.Can(c.capability); got != c.want {
			t.Errorf("datastore %q can %s: %v, want %v", c.datastoreType, c.capability, got, c.want)
		}
		err := client.Require(c.capability)
		var e *Error
		switch {
		case c.want && err != nil:
			t.Errorf("datastore %q: Require(%s) = %v, want nil", c.datastoreType, c.capability, err)
		case !c.want && (!errors.As(err, &e) || !errors.Is(err, ErrMissingCapability) || e.Capability != c.capability):
			t.Errorf("datastore %q: Require(%s) = %#v, want ErrMissingCapability naming it", c.datastoreType, c.capability, err)
		}
	}
}

// A connection failure on etcd is an etcd connection failure too, so that it is worded by the
// etcd settings; the same class elsewhere, or another class on etcd, is not.
func TestEtcdConnectionFailures(t *testing.T) {
	for _, c := range []struct {
		class error
		group string
		want  bool
	}{
		{ErrUnreachable, DatastoreEtcdV3, true},
		{ErrCertificate, DatastoreEtcdV3, true},
		{ErrInvalidConfig, DatastoreEtcdV3, true},
		{ErrUnreachable, APIGroupV3, false},
		{ErrNotFound, DatastoreEtcdV3, false},
	} {
		err := &Error{Class: c.class, APIGroup: c.group}
		if got := errors.Is(err, ErrEtcdConnection); got != c.want {
			t.Errorf("%v through %q is an etcd connection failure: %v, want %v", c.class, c.group, got, c.want)
		}
	}
}
