package calico

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Each case is stored JSON holding a field the provider's types do not know ("peerType",
// "keepaliveTime"), the provider's view of it (base), and the view after a change (target).
func TestMergeStored(t *testing.T) {
	rule := func(action, extra string) string {
		if extra == "" {
			return `{"action":"` + action + `","cidr":"10.0.0.0/8"}`
		}
		return `{"action":"` + action + `","cidr":"10.0.0.0/8",` + extra + `}`
	}
	cases := []struct {
		name                 string
		stored, base, target string
		want                 string
		lost                 []string
	}{{
		name:   "an unknown field stays when a known sibling changes",
		stored: `{"spec":{"asNumber":64512,"keepaliveTime":"30s"}}`,
		base:   `{"spec":{"asNumber":64512}}`,
		target: `{"spec":{"asNumber":64513}}`,
		want:   `{"spec":{"asNumber":64513,"keepaliveTime":"30s"}}`,
	}, {
		name:   "a known field removed from the view is removed from the store",
		stored: `{"spec":{"asNumber":64512,"peerIP":"10.0.0.1","keepaliveTime":"30s"}}`,
		base:   `{"spec":{"asNumber":64512,"peerIP":"10.0.0.1"}}`,
		target: `{"spec":{"asNumber":64512}}`,
		want:   `{"spec":{"asNumber":64512,"keepaliveTime":"30s"}}`,
	}, {
		name:   "a zero value the view has but the store omits is not added",
		stored: `{"spec":{"asNumber":64512}}`,
		base:   `{"spec":{"asNumber":64512,"passive":false}}`,
		target: `{"spec":{"asNumber":64513,"passive":false}}`,
		want:   `{"spec":{"asNumber":64513}}`,
	}, {
		name:   "a rule edited in place keeps its unknown field",
		stored: `{"rules":[` + rule("Accept", "") + `,` + rule("Reject", `"peerType":"eBGP"`) + `]}`,
		base:   `{"rules":[` + rule("Accept", "") + `,` + rule("Reject", "") + `]}`,
		target: `{"rules":[` + rule("Accept", "") + `,` + rule("Accept", "") + `]}`,
		want:   `{"rules":[` + rule("Accept", "") + `,` + rule("Accept", `"peerType":"eBGP"`) + `]}`,
	}, {
		name:   "a rule that moved keeps its unknown field",
		stored: `{"rules":[` + rule("Reject", `"peerType":"eBGP"`) + `]}`,
		base:   `{"rules":[` + rule("Reject", "") + `]}`,
		target: `{"rules":[` + rule("Accept", `"interface":"eth0"`) + `,` + rule("Reject", "") + `]}`,
		want:   `{"rules":[` + rule("Accept", `"interface":"eth0"`) + `,` + rule("Reject", `"peerType":"eBGP"`) + `]}`,
	}, {
		name:   "a removed rule goes with its unknown field",
		stored: `{"rules":[` + rule("Accept", "") + `,` + rule("Reject", `"peerType":"eBGP"`) + `]}`,
		base:   `{"rules":[` + rule("Accept", "") + `,` + rule("Reject", "") + `]}`,
		target: `{"rules":[` + rule("Accept", "") + `]}`,
		want:   `{"rules":[` + rule("Accept", "") + `]}`,
	}, {
		name:   "a rule removed while another is added may have been edited: its unknown field is reported",
		stored: `{"rules":[` + rule("Reject", `"peerType":"eBGP"`) + `,` + rule("Accept", "") + `]}`,
		base:   `{"rules":[` + rule("Reject", "") + `,` + rule("Accept", "") + `]}`,
		target: `{"rules":[` + rule("Accept", "") + `,` + rule("Reject", `"interface":"eth1"`) + `]}`,
		lost:   []string{"rules[0].peerType"},
	}, {
		name:   "a replaced scalar list drops nothing unknown",
		stored: `{"spec":{"filters":["a","b"],"keepaliveTime":"30s"}}`,
		base:   `{"spec":{"filters":["a","b"]}}`,
		target: `{"spec":{"filters":["b","c","d"]}}`,
		want:   `{"spec":{"filters":["b","c","d"],"keepaliveTime":"30s"}}`,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, lost := mergeStored(jsonObject(t, tc.stored), jsonObject(t, tc.base), jsonObject(t, tc.target))
			if !reflect.DeepEqual(lost, tc.lost) {
				t.Fatalf("lost = %q, want %q", lost, tc.lost)
			}
			if tc.lost != nil {
				return
			}
			if want := jsonObject(t, tc.want); !reflect.DeepEqual(got, want) {
				gotJSON, _ := json.Marshal(got)
				t.Errorf("merged = %s\nwant     %s", gotJSON, tc.want)
			}
		})
	}
}

func jsonObject(t *testing.T, s string) map[string]any {
	t.Helper()
	m, err := decodeJSONObject([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}
