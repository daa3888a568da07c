// Package validate holds Calico's validation rules as Terraform framework validators, so bad
// input fails at plan time on the attribute that carries it. Each rule is a pure function
// (Check*) wrapped by a validator constructor; the rules follow Calico's own validator.
package validate

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/projectcalico/calico/libcalico-go/lib/selector"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// stringCheck adapts a pure check to validator.String.
type stringCheck struct {
	description string
	summary     string
	check       func(string) error
}

var _ validator.String = stringCheck{}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, err.Error())
	}
}

const (
	nameLabelFmt     = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
	nameSubdomainFmt = nameLabelFmt + `(\.` + nameLabelFmt + ")*"
)

var nameRegex = regexp.MustCompile("^" + nameSubdomainFmt + "$")

// CheckName applies Calico's rule for object names: a DNS-1123 subdomain of at most 253
// characters (lower-case alphanumerics, '-' and '.').
func CheckName(s string) error {
	if len(s) > 253 || !nameRegex.MatchString(s) {
		return fmt.Errorf("%q is not a valid name: use at most 253 lower-case letters, digits, '-' and '.', "+
			"starting and ending with a letter or digit", s)
	}
	return nil
}

// Name validates a Calico object name.
func Name() validator.String {
	return stringCheck{"must be a DNS-1123 subdomain (lower-case alphanumerics, '-' and '.')", "Invalid Name", CheckName}
}

// IsBGPConfigurationNameCalicoReads says whether Calico reads a BGPConfiguration of this name:
// "default" (the cluster-wide settings) or "node.<node name>". Calico stores others too, and
// ignores them.
func IsBGPConfigurationNameCalicoReads(s string) bool {
	node, ok := strings.CutPrefix(s, "node.")
	return s == "default" || ok && CheckName(node) == nil
}

// CheckNetwork applies Calico's "net" rule: an IP address or a CIDR with no host bits set.
func CheckNetwork(s string) error { return checkNetwork(s, 0) }

// CheckIPv4Network is CheckNetwork for IPv4 only (Calico's "netv4").
func CheckIPv4Network(s string) error { return checkNetwork(s, 4) }

// CheckIPv6Network is CheckNetwork for IPv6 only (Calico's "netv6").
func CheckIPv6Network(s string) error { return checkNetwork(s, 6) }

// checkNetwork checks an IP or masked CIDR of the given family (0 for either).
func checkNetwork(s string, family int) error {
	ip := net.ParseIP(s)
	if ip == nil {
		var ipnet *net.IPNet
		var err error
		ip, ipnet, err = net.ParseCIDR(s)
		if err != nil {
			return fmt.Errorf("%q is not an IP address or CIDR (such as 10.96.0.0/12 or fd00:10:96::/112)", s)
		}
		if !ip.Equal(ipnet.IP) {
			return fmt.Errorf("%q has host bits set: use the network address %s", s, ipnet.String())
		}
	}
	if got := Family(ip); family != 0 && got != family {
		return fmt.Errorf("%q is an IPv%d network where an IPv%d one is expected", s, got, family)
	}
	return nil
}

// Family returns 4 or 6 for an IP address.
func Family(ip net.IP) int {
	if ip.To4() != nil {
		return 4
	}
	return 6
}

// Network validates an IP address or a CIDR with no host bits set.
func Network() validator.String {
	return stringCheck{"must be an IP address or a CIDR with no host bits set", "Invalid CIDR", CheckNetwork}
}

// CheckIPv4 applies Calico's "ipv4" rule: an address that is IPv4, which includes an
// IPv4-mapped IPv6 spelling such as "::ffff:10.0.0.1".
func CheckIPv4(s string) error {
	if ip := net.ParseIP(s); ip == nil || ip.To4() == nil {
		return fmt.Errorf("%q is not an IPv4 address", s)
	}
	return nil
}

// CheckIPv6 applies Calico's "ipv6" rule: an IPv6 address that is not an IPv4 one, so an
// IPv4-mapped address ("::ffff:10.0.0.1") is not IPv6.
func CheckIPv6(s string) error {
	if ip := net.ParseIP(s); ip == nil || ip.To4() != nil {
		return fmt.Errorf("%q is not an IPv6 address (an IPv4-mapped address counts as IPv4)", s)
	}
	return nil
}

// IPv4Network validates an IPv4 address or masked IPv4 CIDR.
func IPv4Network() validator.String {
	return stringCheck{"must be an IPv4 CIDR with no host bits set", "Invalid IPv4 CIDR", CheckIPv4Network}
}

// IPv6Network validates an IPv6 address or masked IPv6 CIDR.
func IPv6Network() validator.String {
	return stringCheck{"must be an IPv6 CIDR with no host bits set", "Invalid IPv6 CIDR", CheckIPv6Network}
}

// IPv4Address validates an IPv4 address.
func IPv4Address() validator.String {
	return stringCheck{"must be an IPv4 address", "Invalid IPv4 Address", CheckIPv4}
}

// IPv6Address validates an IPv6 address.
func IPv6Address() validator.String {
	return stringCheck{"must be an IPv6 address", "Invalid IPv6 Address", CheckIPv6}
}

var (
	standardCommunity = regexp.MustCompile(`^(\d+):(\d+)$`)
	largeCommunity    = regexp.MustCompile(`^(\d+):(\d+):(\d+)$`)
)

// IsCommunityValue reports whether s has the shape of a community value (aa:nn or aa:nn:mm),
// as opposed to the name of a community defined elsewhere.
func IsCommunityValue(s string) bool {
	return standardCommunity.MatchString(s) || largeCommunity.MatchString(s)
}

// CheckCommunityValue accepts a standard community aa:nn (16-bit parts) or a large community
// aa:nn:mm (32-bit parts).
func CheckCommunityValue(s string) error {
	bits := 16
	switch {
	case standardCommunity.MatchString(s):
	case largeCommunity.MatchString(s):
		bits = 32
	default:
		return fmt.Errorf("%q is not a community value: use aa:nn (standard, each part 0-65535) or aa:nn:mm (large, each part 0-4294967295)", s)
	}
	for _, part := range strings.Split(s, ":") {
		if _, err := strconv.ParseUint(part, 10, bits); err != nil {
			return fmt.Errorf("%q: %s does not fit in %d bits (a %s community's parts are 0-%d)",
				s, part, bits, map[int]string{16: "standard", 32: "large"}[bits], uint64(1)<<bits-1)
		}
	}
	return nil
}

// CommunityValue validates a BGP community value.
func CommunityValue() validator.String {
	return stringCheck{"must be aa:nn or aa:nn:mm", "Invalid Community Value", CheckCommunityValue}
}

var ignoredInterfaceRegex = regexp.MustCompile(`^[a-zA-Z0-9_.*-]{1,15}$`)

// CheckIgnoredInterface applies Calico's rule for ignored interface names: 1-15 characters of
// letters, digits, '_', '.', '-' and the wildcard '*', but not '*' alone.
func CheckIgnoredInterface(s string) error {
	if s == "*" || !ignoredInterfaceRegex.MatchString(s) {
		return fmt.Errorf("%q is not an interface name pattern: use 1-15 letters, digits, '_', '.', '-' or '*' "+
			"(such as \"eth*\"); '*' alone would ignore every interface", s)
	}
	return nil
}

// IgnoredInterface validates an interface name pattern.
func IgnoredInterface() validator.String {
	return stringCheck{"must be an interface name pattern (1-15 of [a-zA-Z0-9_.*-], not '*' alone)", "Invalid Interface Name", CheckIgnoredInterface}
}

var bgpFilterInterfaceRegex = regexp.MustCompile(`^[a-zA-Z0-9_.*-]{1,15}$`)

// CheckBGPFilterInterface applies Calico's rule for a BGP filter's interface match: an interface
// name or pattern of 1-15 characters ('*' matches any interface).
func CheckBGPFilterInterface(s string) error {
	if !bgpFilterInterfaceRegex.MatchString(s) {
		return fmt.Errorf("%q is not an interface name pattern: use 1-15 letters, digits, '_', '.', '-' or '*' (such as \"eth*\")", s)
	}
	return nil
}

// BGPFilterInterface validates a BGP filter rule's interface.
func BGPFilterInterface() validator.String {
	return stringCheck{"must be an interface name pattern (1-15 of [a-zA-Z0-9_.*-])", "Invalid Interface Name", CheckBGPFilterInterface}
}

// ParsePeerIP parses a BGP peer address as Calico accepts it: "IP", "IPv4:port" or
// "[IPv6]:port", with the port 1-65535. Port 0 means none was given.
func ParsePeerIP(s string) (net.IP, int, error) {
	invalid := fmt.Errorf("%q is not a peer address: use an IP (\"172.20.0.254\", \"fd00::1\"), "+
		"IPv4:port (\"10.0.0.1:1179\") or [IPv6]:port (\"[fd00::1]:1179\")", s)
	if ip := net.ParseIP(s); ip != nil {
		return ip, 0, nil
	}
	host, portStr, err := net.SplitHostPort(s)
	if err != nil {
		return nil, 0, invalid
	}
	// Calico also takes "[IPv4]:port"; an IPv6 address needs the brackets, or its port would be
	// read as part of it.
	ip := net.ParseIP(host)
	if ip == nil || strings.Contains(host, ":") && !strings.HasPrefix(s, "[") {
		return nil, 0, invalid
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil || port < 1 {
		return nil, 0, fmt.Errorf("%q: the port must be 1-65535", s)
	}
	return ip, int(port), nil
}

// PeerIP validates a BGP peer address.
func PeerIP() validator.String {
	return stringCheck{"must be IP, IPv4:port or [IPv6]:port", "Invalid Peer IP", func(s string) error {
		_, _, err := ParsePeerIP(s)
		return err
	}}
}

// Selector validates a Calico selector expression, such as "route-reflector == 'true'" or
// "rr-group == 'rr1' && has(rr-id)".
func Selector() validator.String {
	return stringCheck{"must be a Calico selector expression", "Invalid Selector", CheckSelector}
}

// CheckSelector accepts what Calico's own selector parser (libcalico-go) accepts.
func CheckSelector(s string) error {
	if err := selector.Validate(s); err != nil {
		return fmt.Errorf("%q is not a valid selector: %v. Selectors combine label tests such as "+
			"route-reflector == 'true', has(rr-id) or rack in {'r1', 'r2'} with &&, || and !, or are all()", s, err)
	}
	return nil
}

// ParseSelector parses a selector as Calico does, with CheckSelector's error; a null expression
// (an optional selector left unset) selects everything.
func ParseSelector(expr types.String) (*selector.Selector, error) {
	if expr.IsNull() {
		return selector.Parse("all()")
	}
	if err := CheckSelector(expr.ValueString()); err != nil {
		return nil, err
	}
	return selector.Parse(expr.ValueString())
}

// PeerIPAddress validates a plain IP address of either family (no port).
func PeerIPAddress() validator.String {
	return stringCheck{"must be an IP address", "Invalid IP Address", func(s string) error {
		if net.ParseIP(s) == nil {
			return fmt.Errorf("%q is not an IP address", s)
		}
		return nil
	}}
}

// CheckLabelKey accepts a Kubernetes label key (an optional DNS prefix and '/', then a name of
// at most 63 characters). Calico's selector parser reads every such key.
func CheckLabelKey(s string) error {
	if errs := k8svalidation.IsQualifiedName(s); len(errs) > 0 {
		return fmt.Errorf("%q is not a label key: %s", s, strings.Join(errs, "; "))
	}
	return nil
}

// CheckLabelValue accepts a Kubernetes label value.
func CheckLabelValue(s string) error {
	if errs := k8svalidation.IsValidLabelValue(s); len(errs) > 0 {
		return fmt.Errorf("%q is not a label value: %s", s, strings.Join(errs, "; "))
	}
	return nil
}

// LabelKey validates a label key.
func LabelKey() validator.String {
	return stringCheck{"must be a Kubernetes label key", "Invalid Label Key", CheckLabelKey}
}

// LabelValue validates a label value.
func LabelValue() validator.String {
	return stringCheck{"must be a Kubernetes label value", "Invalid Label Value", CheckLabelValue}
}

// CheckInterfaceAddress accepts a node's address as Calico records it: an IP of the given
// family, optionally with its subnet's prefix length ("10.0.0.5/24").
func CheckInterfaceAddress(s string, family int) error {
	ip := net.ParseIP(s)
	if ip == nil {
		var err error
		if ip, _, err = net.ParseCIDR(s); err != nil {
			return fmt.Errorf("%q is not an address: use the node's IPv%d address with its prefix length, such as %s",
				s, family, map[int]string{4: "10.0.0.5/24", 6: "fd00::5/64"}[family])
		}
	}
	if Family(ip) != family {
		return fmt.Errorf("%q is not an IPv%d address", s, family)
	}
	return nil
}

// InterfaceAddress validates a node address of the given family.
func InterfaceAddress(family int) validator.String {
	return stringCheck{fmt.Sprintf("must be an IPv%d address with optional prefix length", family), "Invalid Address",
		func(s string) error { return CheckInterfaceAddress(s, family) }}
}

// CheckEtcdEndpoint accepts an etcd client URL: http or https, with a host.
func CheckEtcdEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
		return fmt.Errorf("%q is not an etcd client URL: write it as https://host:port (or http:// for an etcd "+
			"without TLS), as in ETCD_ENDPOINTS", s)
	}
	return nil
}

// EtcdEndpoint validates an etcd client URL.
func EtcdEndpoint() validator.String {
	return stringCheck{"an etcd client URL, such as https://10.0.0.10:2379", "Invalid etcd Endpoint", CheckEtcdEndpoint}
}
