package calico

import (
	"reflect"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
)

func TestValidateFindsTheField(t *testing.T) {
	peer := v3.NewBGPPeer()
	peer.Name = "Bad_Name"
	peer.Spec.PeerIP, peer.Spec.ASNumber = "10.0.0.1", numorstring.ASNumber(65001)

	filter := v3.NewBGPFilter()
	filter.Name = "f"
	filter.Spec.ExportV4 = []v3.BGPFilterRuleV4{
		{Action: v3.Accept, CIDR: "10.0.0.0/8", MatchOperator: v3.In},
		{Action: v3.Accept, CIDR: "fd00::/8", MatchOperator: v3.In},
	}

	config := v3.NewBGPConfiguration()
	config.Name = "default"
	config.Spec.Communities = []v3.Community{{Name: "ok", Value: "1:1"}, {Name: "bad", Value: "1:2:3:4"}}
	config.Spec.PrefixAdvertisements = []v3.PrefixAdvertisement{{CIDR: "10.0.0.0/8", Communities: []string{"ok", "bad"}}}

	for _, c := range []struct {
		obj  Object
		want [][]any
	}{
		{peer, [][]any{{"metadata", "name"}}},
		{filter, [][]any{{"spec", "exportV4", 1, "cidr"}}},
		{config, [][]any{{"spec", "communities", 1, "value"}}},
	} {
		var got [][]any
		for _, e := range Validate(c.obj) {
			got = append(got, e.Path)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%T: paths %v, want %v (%v)", c.obj, got, c.want, Validate(c.obj))
		}
	}
	peer.Name = "good"
	if errs := Validate(peer); errs != nil {
		t.Errorf("a valid peer: %v", errs)
	}
}
