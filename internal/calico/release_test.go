package calico

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
)

func TestParseRelease(t *testing.T) {
	for _, c := range []struct {
		version string
		want    Release
		ok      bool
	}{
		{"v3.28.5", Release{3, 28, 5}, true},
		{"3.29", Release{3, 29, -1}, true},
		{"v3.32.0-0.dev-12-gabc", Release{3, 32, 0}, true},
		{" v3.30.2 ", Release{3, 30, 2}, true},
		{"", Release{}, false},
		{"master", Release{}, false},
	} {
		got, ok := ParseRelease(c.version)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("ParseRelease(%q) = %v, %v; want %v, %v", c.version, got, ok, c.want, c.ok)
		}
	}
}

// A field backported to a patch release of an older line is in that line from the patch on,
// and in every release from the one it came in.
func TestSinceIn(t *testing.T) {
	nextHopMode := since(31, Release{3, 30, 2})
	for _, c := range []struct {
		release Release
		want    bool
	}{
		{Release{3, 29, 7}, false},
		{Release{3, 30, 1}, false},
		{Release{3, 30, -1}, false}, // 3.30 of an unknown patch: its first
		{Release{3, 30, 2}, true},
		{Release{3, 30, 7}, true},
		{Release{3, 31, 0}, true},
		{Release{3, 32, -1}, true},
		{Release{4, 0, 0}, true},
	} {
		if got := nextHopMode.In(c.release); got != c.want {
			t.Errorf("%s in %s: %v, want %v", nextHopMode, c.release, got, c.want)
		}
	}
	if got := nextHopMode.String(); got != "3.31.0 (3.30.2 in the 3.30 line)" {
		t.Errorf("String() = %q", got)
	}
}

// The registry's table says which set fields an older release lacks, where each is set, and
// never names a field the object leaves unset or a value it does not use.
func TestMissingIn(t *testing.T) {
	filter := v3.NewBGPFilter()
	filter.Spec.ExportV4 = []v3.BGPFilterRuleV4{
		{CIDR: "10.0.0.0/8", MatchOperator: v3.In, Action: v3.Reject},
		{CIDR: "10.0.0.0/8", MatchOperator: v3.In, Action: v3.Reject, PrefixLength: &v3.BGPFilterPrefixLengthV4{Min: ptrInt32(24)}},
	}
	pool := v3.NewIPPool()
	pool.Spec.AllowedUses = []v3.IPPoolAllowedUse{v3.IPPoolAllowedUseWorkload, v3.IPPoolAllowedUseLoadBalancer}
	peer := v3.NewBGPPeer()
	peer.Spec.PeerIP = "10.0.0.1"
	for _, c := range []struct {
		name    string
		kind    KindInfo
		obj     Object
		release Release
		want    []string
	}{
		{"a filter rule's prefixLength on 3.28", BGPFilters.KindInfo, filter, Release{3, 28, 5}, []string{"[spec exportV4 1 prefixLength] (3.29.0)"}},
		{"a filter rule's prefixLength on 3.29", BGPFilters.KindInfo, filter, Release{3, 29, 0}, nil},
		{"LoadBalancer among allowedUses on 3.29", IPPools.KindInfo, pool, Release{3, 29, 7}, []string{"[spec allowedUses 1] (3.30.0)"}},
		{"LoadBalancer among allowedUses on 3.30", IPPools.KindInfo, pool, Release{3, 30, 0}, nil},
		{"a peer setting none of the newer fields on 3.28", BGPPeers.KindInfo, peer, Release{3, 28, 0}, nil},
	} {
		missing, err := c.kind.MissingIn(c.obj, c.release)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range missing {
			got = append(got, fmt.Sprintf("%v (%s)", m.Path, m.Field.Since))
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: missing %q, want %q", c.name, got, c.want)
		}
	}
}

// The release the configuration states wins over the cluster's, and is read without asking.
func TestClusterReleaseFromSetting(t *testing.T) {
	c := NewClient(Config{CalicoVersion: "3.29.4"})
	if r, source := c.ClusterRelease(context.Background()); r != (Release{3, 29, 4}) || source != ReleaseFromSetting {
		t.Errorf("ClusterRelease = %v from %q", r, source)
	}
	if got := NewClient(Config{CalicoVersion: "3.32.1"}).NewerCalicoVersion(context.Background()); got != "3.32.1" {
		t.Errorf("NewerCalicoVersion on 3.32.1 = %q", got)
	}
	if got := NewClient(Config{CalicoVersion: "3.31.4"}).NewerCalicoVersion(context.Background()); got != "" {
		t.Errorf("NewerCalicoVersion on 3.31.4 = %q", got)
	}
}

func ptrInt32(v int32) *int32 { return &v }

// A field the datastore did not keep is found where it was sent, inside lists too; values the
// datastore added or changed, and empty objects, are no loss.
func TestDroppedFields(t *testing.T) {
	sent := v3.NewBGPFilter()
	sent.Spec.ExportV4 = []v3.BGPFilterRuleV4{
		{CIDR: "10.0.0.0/8", MatchOperator: v3.In, Action: v3.Reject, PrefixLength: &v3.BGPFilterPrefixLengthV4{Min: ptrInt32(24)}},
	}
	sent.Spec.ImportV4 = []v3.BGPFilterRuleV4{{Action: v3.Accept, PrefixLength: &v3.BGPFilterPrefixLengthV4{}}}
	stored := sent.DeepCopy()
	stored.Spec.ExportV4[0].PrefixLength = nil      // pruned by a 3.28 CRD
	stored.Spec.ImportV4[0].PrefixLength = nil      // empty when sent: nothing lost
	stored.Spec.ExportV4[0].CIDR = "10.0.0.0/8"     // kept as is
	stored.Spec.ExportV6 = []v3.BGPFilterRuleV6{{}} // added: no loss
	got, err := droppedFields(sent, stored)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]any{{"spec", "exportV4", 0, "prefixLength"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("dropped %v, want %v", got, want)
	}
	if got, _ := droppedFields(sent, sent.DeepCopy()); len(got) != 0 {
		t.Errorf("an object stored as sent lost %v", got)
	}
}

// An update loses only what it changed: a field sent as it was read (a default Calico's library
// filled in when it read the object) that an older CRD prunes is no loss; a field the update set
// is.
func TestUpdateLosesOnlyWhatItChanged(t *testing.T) {
	o := &objects{kind: "IPPool"}
	automatic := v3.Automatic
	read := v3.NewIPPool()
	read.Name = "p"
	read.Spec.CIDR, read.Spec.AssignmentMode = "10.0.0.0/16", &automatic
	sent := read.DeepCopy()
	sent.Spec.IPIPMode = v3.IPIPModeNever
	stored := sent.DeepCopy()
	stored.Spec.AssignmentMode = nil
	if err := o.keptChanges(sent, stored, read, OpUpdate); err != nil {
		t.Errorf("a default sent as read and pruned: %v", err)
	}
	sent.Spec.NamespaceSelector = "tenant == 'a'"
	var e *Error
	if err := o.keptChanges(sent, stored, read, OpUpdate); !errors.As(err, &e) || !reflect.DeepEqual(e.Dropped, [][]any{{"spec", "namespaceSelector"}}) {
		t.Errorf("a field the update set and the datastore dropped: %v", err)
	}
}
