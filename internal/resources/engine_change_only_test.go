package resources

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
)

// An update changes only what the plan changes: a field the plan leaves as the prior state had
// it keeps the live value, whether the other writer set it after Terraform read the object
// (absent from prior and plan) or changed it (present in both).
func TestChangeOnlyKeepsOtherWritersFields(t *testing.T) {
	r := NewBGPPeer().(*objectResource[bgpPeerModel, *v3.BGPPeer])
	ctx := context.Background()
	prior := bgpPeerModel{Name: types.StringValue("p"), PeerIP: types.StringValue("10.0.0.1"),
		ASNumber: customtypes.NewCanonicalString[customtypes.ASNumberFormat]("65001"), Filters: types.ListNull(types.StringType)}
	plan := prior
	plan.ASNumber = customtypes.NewCanonicalString[customtypes.ASNumberFormat]("65002")
	live := v3.NewBGPPeer()
	live.Name = "p"
	live.Spec = v3.BGPPeerSpec{PeerIP: "10.0.0.1", ASNumber: 65001, MaxRestartTime: &metav1.Duration{Duration: time.Minute}, KeepOriginalNextHop: true}
	mutate := r.changeOnly(ctx, &prior, func(obj *v3.BGPPeer) error {
		if d := expandBGPPeer(ctx, &plan, obj); d.HasError() {
			return fmt.Errorf("%v", d)
		}
		return nil
	})
	if err := mutate(live); err != nil {
		t.Fatal(err)
	}
	if live.Spec.ASNumber != 65002 {
		t.Errorf("the planned change was not written: AS %v", live.Spec.ASNumber)
	}
	if live.Spec.MaxRestartTime == nil || live.Spec.MaxRestartTime.Duration != time.Minute || !live.Spec.KeepOriginalNextHop {
		t.Errorf("the other writer's fields were lost: %+v", live.Spec)
	}
}
