package validate

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestChecks(t *testing.T) {
	cases := []struct {
		name  string
		check func(string) error
		good  []string
		bad   []string
	}{
		{"name", CheckName, []string{"default", "a", "peer-1.rack-2", "0abc", strings.Repeat("a", 253)}, []string{"", "Peer", "-a", "a-", "a_b", "a..b", strings.Repeat("a", 254)}},
		{"network", CheckNetwork, []string{"10.96.0.0/12", "198.51.100.7", "fd00::/64", "fd00::1", "0.0.0.0/0"}, []string{"10.96.0.1/12", "fd00::1/64", "10.0.0.0/33", "x", ""}},
		{"netv4", CheckIPv4Network, []string{"10.0.0.0/8", "10.0.0.1"}, []string{"fd00::/64", "10.0.0.1/8"}},
		{"netv6", CheckIPv6Network, []string{"fd00::/64", "fd00::1"}, []string{"10.0.0.0/8", "fd00::1/64"}},
		{"filter interface", CheckBGPFilterInterface, []string{"*", "eth0", "cali*"}, []string{"", "eth 0", "abcdefghijklmnop"}},
		{"peer ip", func(s string) error { _, _, err := ParsePeerIP(s); return err },
			[]string{"172.20.0.254", "10.0.0.1:1179", "[fd00::1]:1179", "fd00::1", "10.0.0.1:65535", "[10.0.0.1]:179"},
			[]string{"", "10.0.0.1:0", "10.0.0.1:65536", "fd00::1:179:x", "host:179", "10.0.0.1/32", "[fd00::1]"}},
		{"ipv4", CheckIPv4, []string{"169.254.0.1", "10.0.0.1", "::ffff:10.0.0.1"}, []string{"fe80::1", "10.0.0.0/8", "300.1.1.1"}},
		{"ipv6", CheckIPv6, []string{"fe80::1", "fd00::10.0.0.1"}, []string{"10.0.0.1", "fe80::/64", "::ffff:10.0.0.1"}},
		{"community", CheckCommunityValue, []string{"64512:300", "65535:65535", "0:0", "4294967295:1:4294967295"}, []string{"65536:1", "1:65536", "4294967296:1:1", "a:b", "1", "1:2:3:4", "rack"}},
		// Calico's own parser decides: global() and the empty selector (all()) are Calico's too.
		{"selector", CheckSelector,
			[]string{"all()", "global()", "", "rack in {'r1', 'r2'}", "has(projectcalico.org/rr)", "!has(x) && a == 'b' || c != 'd'", "rr not in {'x'}"},
			[]string{"a == 'x' &&", "has(a b)", "rack in {r1}", "a = 'b'", "(a == 'b'"}},
		{"label key", CheckLabelKey, []string{"route-reflector", "example.com/rr-id", "a_b.c"}, []string{"", "a b", "-a", "a/b/c"}},
		{"iface", CheckIgnoredInterface, []string{"eth0", "eth*", "cali.x-y_1", "abcdefghijklmno"}, []string{"*", "", "abcdefghijklmnop", "eth 0", "eth/0"}},
	}
	for _, c := range cases {
		for _, s := range c.good {
			if err := c.check(s); err != nil {
				t.Errorf("%s: %q rejected: %v", c.name, s, err)
			}
		}
		for _, s := range c.bad {
			if c.check(s) == nil {
				t.Errorf("%s: %q accepted", c.name, s)
			}
		}
	}
}

func TestIsBGPConfigurationNameCalicoReads(t *testing.T) {
	for name, want := range map[string]bool{
		"default": true, "node.k8s-node1": true, "node.n.example.com": true,
		"Default": false, "node.": false, "node.Bad": false, "global": false, "nodes.x": false,
	} {
		if got := IsBGPConfigurationNameCalicoReads(name); got != want {
			t.Errorf("IsBGPConfigurationNameCalicoReads(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestValidatorReportsOnAttribute(t *testing.T) {
	resp := &validator.StringResponse{}
	CommunityValue().ValidateString(context.Background(), validator.StringRequest{
		Path: path.Root("communities").AtListIndex(0).AtName("value"), ConfigValue: types.StringValue("70000:1"),
	}, resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("want an error")
	}
	d := resp.Diagnostics[0]
	if d.Summary() != "Invalid Community Value" {
		t.Errorf("summary %q", d.Summary())
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		CommunityValue().ValidateString(context.Background(), validator.StringRequest{ConfigValue: v}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v must pass", v)
		}
	}
}
