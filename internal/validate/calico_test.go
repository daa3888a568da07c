package validate

import (
	"strings"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	libapi "github.com/projectcalico/calico/libcalico-go/lib/apis/v3"
	calicovalidator "github.com/projectcalico/calico/libcalico-go/lib/validator/v3"
)

// The provider's own checks give better messages than Calico's validator, but must never be
// stricter: each input below that Calico's validator (libcalico-go, the code calicoctl and the
// Calico API server run) accepts in the field the check guards must pass the check. Inputs
// Calico rejects may pass the check; the validator then rejects them at plan time.
func TestChecksNeverStricterThanCalico(t *testing.T) {
	addresses := []string{
		"10.0.0.1", "10.0.0.0", "0.0.0.0", "255.255.255.255", "fd00::1", "::", "::1", "::ffff:10.0.0.1",
		"fe80::1%eth0", "010.0.0.1", "10.0.0.1/24", "10.0.0.0/24", "10.0.0.1/32", "10.0.0.0/33", "fd00::/8",
		"fd00::1/64", "fd00::/129", "::ffff:10.0.0.0/104", "10.0.0.1:179", "[fd00::1]:179", "[10.0.0.1]:179",
		"10.0.0.1:0", "10.0.0.1:65535", "10.0.0.1:65536", "fd00::1:179", "tor1", "", " 10.0.0.1", "1.2.3",
	}
	names := []string{
		"a", "peer-1", "rack1.tor", "a.b.c", "-a", "a-", "A", "a_b", "a..b", ".a", "a.", "1", "node.x",
		strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a.", 126) + "a", strings.Repeat("a", 253),
		strings.Repeat("a", 254), "",
	}
	interfaces := []string{"eth0", "eth*", "*", "e", "a_b.c-d", "eth0:1", "en p1", strings.Repeat("a", 15),
		strings.Repeat("a", 16), "veth+", "", "ETH0", "eth\x00"}
	communities := []string{"65001:100", "0:0", "65535:65535", "65536:1", "1:2:3", "4294967295:1:1",
		"4294967296:1:1", "1:2:3:4", "a:b", "65001", ":1", "1:", "001:1"}
	labelKeys := []string{"rack", "route-reflector", "example.com/rack", "a/b/c", "-a", "a-", "_a",
		strings.Repeat("a", 63), strings.Repeat("a", 64), "A.B", "", "a b"}

	// Each check, with the Calico object that puts its input where Calico validates it.
	checks := []struct {
		name   string
		check  func(string) error
		inputs []string
		object func(string) any
	}{
		{"CheckName", CheckName, names, func(s string) any {
			p := peer()
			p.Name = s
			return p
		}},
		{"CheckIPv4 (local workload peering address)", CheckIPv4, addresses, func(s string) any {
			c := v3.NewBGPConfiguration()
			c.Name = "default"
			c.Spec.LocalWorkloadPeeringIPV4 = s
			return c
		}},
		{"CheckIPv6 (local workload peering address)", CheckIPv6, addresses, func(s string) any {
			c := v3.NewBGPConfiguration()
			c.Name = "default"
			c.Spec.LocalWorkloadPeeringIPV6 = s
			return c
		}},
		{"ParsePeerIP", func(s string) error { _, _, err := ParsePeerIP(s); return err }, addresses, func(s string) any {
			p := peer()
			p.Spec.PeerIP = s
			return p
		}},
		{"CheckNetwork", CheckNetwork, addresses, func(s string) any {
			c := v3.NewBGPConfiguration()
			c.Name = "default"
			c.Spec.ServiceClusterIPs = []v3.ServiceClusterIPBlock{{CIDR: s}}
			return c
		}},
		{"CheckIPv4Network", CheckIPv4Network, addresses, func(s string) any {
			return filter(v3.BGPFilterRuleV4{Action: v3.Accept, CIDR: s, MatchOperator: v3.In}, nil)
		}},
		{"CheckIPv6Network", CheckIPv6Network, addresses, func(s string) any {
			return filter(nil, &v3.BGPFilterRuleV6{Action: v3.Accept, CIDR: s, MatchOperator: v3.In})
		}},
		{"CheckIgnoredInterface", CheckIgnoredInterface, interfaces, func(s string) any {
			c := v3.NewBGPConfiguration()
			c.Name = "default"
			c.Spec.IgnoredInterfaces = []string{s}
			return c
		}},
		{"CheckBGPFilterInterface", CheckBGPFilterInterface, interfaces, func(s string) any {
			return filter(v3.BGPFilterRuleV4{Action: v3.Accept, Interface: s}, nil)
		}},
		{"CheckCommunityValue", CheckCommunityValue, communities, func(s string) any {
			c := v3.NewBGPConfiguration()
			c.Name = "default"
			c.Spec.PrefixAdvertisements = []v3.PrefixAdvertisement{{CIDR: "10.0.0.0/8", Communities: []string{s}}}
			return c
		}},
		{"CheckLabelKey", CheckLabelKey, labelKeys, func(s string) any {
			p := peer()
			p.Labels = map[string]string{s: "v"}
			return p
		}},
		{"CheckInterfaceAddress(4)", func(s string) error { return CheckInterfaceAddress(s, 4) }, addresses, func(s string) any {
			n := libapi.NewNode()
			n.Name = "n1"
			n.Spec.BGP = &libapi.NodeBGPSpec{IPv4Address: s}
			return n
		}},
		{"CheckInterfaceAddress(6)", func(s string) error { return CheckInterfaceAddress(s, 6) }, addresses, func(s string) any {
			n := libapi.NewNode()
			n.Name = "n1"
			n.Spec.BGP = &libapi.NodeBGPSpec{IPv6Address: s}
			return n
		}},
		{"CheckIPv4 (route-reflector cluster ID)", CheckIPv4, addresses, func(s string) any {
			n := libapi.NewNode()
			n.Name = "n1"
			n.Spec.BGP = &libapi.NodeBGPSpec{RouteReflectorClusterID: s}
			return n
		}},
	}
	for _, c := range checks {
		for _, in := range c.inputs {
			if in == "" {
				continue // an empty string is "not set" to Calico; the schema handles absence
			}
			calicoErr := calicovalidator.Validate(c.object(in))
			if calicoErr == nil && c.check(in) != nil {
				t.Errorf("%s rejects %q, which Calico accepts: %v", c.name, in, c.check(in))
			}
			if calicoErr != nil && c.check(in) == nil {
				t.Logf("%s accepts %q, which Calico rejects: %v", c.name, in, calicoErr)
			}
		}
	}
}

func peer() *v3.BGPPeer {
	p := v3.NewBGPPeer()
	p.Name = "p"
	p.Spec.PeerIP = "10.0.0.1"
	p.Spec.ASNumber = numorstring.ASNumber(65001)
	return p
}

func filter(v4 any, v6 *v3.BGPFilterRuleV6) *v3.BGPFilter {
	f := v3.NewBGPFilter()
	f.Name = "f"
	if r, ok := v4.(v3.BGPFilterRuleV4); ok {
		f.Spec.ExportV4 = []v3.BGPFilterRuleV4{r}
	}
	if v6 != nil {
		f.Spec.ExportV6 = []v3.BGPFilterRuleV6{*v6}
	}
	return f
}
