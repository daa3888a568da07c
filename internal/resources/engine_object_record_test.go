package resources

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
)

// keyStore keeps private-state keys as the framework's SetKey and GetKey do.
type keyStore map[string][]byte

func (k keyStore) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	k[key] = value
	return nil
}

func (k keyStore) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return k[key], nil
}

func (k keyStore) getKey(key string) []byte { return k[key] }

// What a resource records of its object, RecordedObject reads back; without a record it
// reports none.
func TestRecordedObject(t *testing.T) {
	r, ok := NewBGPPeer().(*objectResource[bgpPeerModel, *v3.BGPPeer])
	if !ok {
		t.Fatalf("NewBGPPeer is a %T, want an objectResource", NewBGPPeer())
	}
	private := keyStore{}
	if _, _, ok := r.RecordedObject(private.getKey); ok {
		t.Error("RecordedObject found a record in an empty private state")
	}
	peer := v3.NewBGPPeer()
	peer.Name, peer.ResourceVersion = "p1", "42"
	var diags diag.Diagnostics
	recordObject(context.Background(), private, peer, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if name, rv, ok := r.RecordedObject(private.getKey); !ok || name != "p1" || rv != "42" {
		t.Errorf("RecordedObject = %q, %q, %v; want p1, 42, true", name, rv, ok)
	}
}

// A record in the long form earlier builds wrote is not read: the object is then read in full.
func TestRecordedObjectLongFormIsNotRead(t *testing.T) {
	r, ok := NewBGPPeer().(*objectResource[bgpPeerModel, *v3.BGPPeer])
	if !ok {
		t.Fatalf("NewBGPPeer is a %T, want an objectResource", NewBGPPeer())
	}
	private := keyStore{protocol.ObjectKey: []byte(`{"name":"p1","resourceVersion":"42"}`)}
	if name, rv, ok := r.RecordedObject(private.getKey); ok {
		t.Errorf("RecordedObject read the long form as %q, %q", name, rv)
	}
}
