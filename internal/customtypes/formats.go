package customtypes

import (
	"fmt"
	"net"
	"time"

	"github.com/projectcalico/api/pkg/lib/numorstring"
)

// ASNumberFormat accepts a 32-bit AS number as plain digits ("65546") or asdot ("1.10"), the
// two forms Calico accepts. AS 0 is reserved (RFC 7607) and rejected.
type ASNumberFormat struct{}

func (ASNumberFormat) Name() string { return "AS number" }

func (ASNumberFormat) Canonical(s string) (string, error) {
	n, err := ParseASNumber(s)
	if err != nil {
		return "", err
	}
	return n.String(), nil
}

// ParseASNumber parses an AS number with Calico's own parser and, unlike Calico, rejects the
// reserved AS 0, which can make no BGP session. Its errors say what is accepted.
func ParseASNumber(s string) (numorstring.ASNumber, error) {
	n, err := numorstring.ASNumberFromString(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not an AS number: use a number from 1 to 4294967295 or asdot notation such as \"1.10\" (each part 0-65535)", s)
	}
	if n == 0 {
		return 0, fmt.Errorf("%q: AS number 0 is reserved (RFC 7607) and cannot be used for a BGP session", s)
	}
	return n, nil
}

// DurationFormat accepts a Go duration ("90s", "2m", "1h30m"), Calico's duration syntax.
// Its canonical form is what Calico stores ("2m0s").
type DurationFormat struct{}

func (DurationFormat) Name() string { return "duration" }

func (DurationFormat) Canonical(s string) (string, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a duration: use a number with a unit, such as \"120s\", \"2m\" or \"1h30m\"", s)
	}
	if d < 0 {
		return "", fmt.Errorf("%q is negative: a duration must be zero or more", s)
	}
	return d.String(), nil
}

// Aliases used in schemas and models.
type (
	ASNumberType = CanonicalStringType[ASNumberFormat]
	ASNumber     = CanonicalString[ASNumberFormat]
	DurationType = CanonicalStringType[DurationFormat]
	Duration     = CanonicalString[DurationFormat]
)

// CIDRFormat accepts a network in CIDR notation with no host bits set. Its canonical form is
// what Calico stores after normalising ("fd00:0::/64" becomes "fd00::/64").
type CIDRFormat struct{}

func (CIDRFormat) Name() string { return "CIDR" }

func (CIDRFormat) Canonical(s string) (string, error) {
	ip, ipnet, err := net.ParseCIDR(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a CIDR: use a network such as 10.244.0.0/16 or fd00:10:244::/56", s)
	}
	if !ip.Equal(ipnet.IP) {
		return "", fmt.Errorf("%q has host bits set: use the network address %s", s, ipnet)
	}
	return ipnet.String(), nil
}

// CIDR aliases for schemas and models.
type (
	CIDRType = CanonicalStringType[CIDRFormat]
	CIDR     = CanonicalString[CIDRFormat]
)
