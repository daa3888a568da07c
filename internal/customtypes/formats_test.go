package customtypes

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestASNumberCanonical(t *testing.T) {
	checkCanonical(t, ASNumberFormat{}, map[string]string{
		"64512": "64512", "1.10": "65546", "0.1": "1", "65535.65535": "4294967295", "4294967295": "4294967295",
	}, []string{"", "0", "0.0", "4294967296", "65536.1", "1.65536", "-1", "1.2.3", "abc", "1.", ".1", " 1"})
}

func TestDurationCanonical(t *testing.T) {
	checkCanonical(t, DurationFormat{},
		map[string]string{"2m": "2m0s", "120s": "2m0s", "2m0s": "2m0s", "0s": "0s", "1h30m": "1h30m0s", "1.5s": "1.5s"},
		[]string{"", "2", "two minutes", "-1s", "2 m"})
}

func TestCIDRCanonical(t *testing.T) {
	checkCanonical(t, CIDRFormat{},
		map[string]string{"10.244.0.0/16": "10.244.0.0/16", "fd00:0::/64": "fd00::/64", "FD00::/8": "fd00::/8"},
		[]string{"10.244.0.1/16", "10.244.0.0", "fd00::1", "x/8", "10.0.0.0/33"})
}

// checkCanonical checks that f spells each key of canonical as its value, and rejects each of
// invalid.
func checkCanonical(t *testing.T, f Format, canonical map[string]string, invalid []string) {
	t.Helper()
	for in, want := range canonical {
		got, err := f.Canonical(in)
		if err != nil || got != want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range invalid {
		if got, err := f.Canonical(in); err == nil {
			t.Errorf("Canonical(%q) = %q, want an error", in, got)
		}
	}
}

func TestSemanticEquality(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		a, b string
		want bool
	}{{"1.10", "65546", true}, {"64512", "64512", true}, {"64512", "64513", false}, {"1.10", "1.11", false}}
	for _, c := range cases {
		got, _ := NewCanonicalString[ASNumberFormat](c.a).StringSemanticEquals(ctx, NewCanonicalString[ASNumberFormat](c.b))
		if got != c.want {
			t.Errorf("%q ~ %q = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if eq, _ := NewCanonicalString[DurationFormat]("2m").StringSemanticEquals(ctx, NewCanonicalString[DurationFormat]("2m0s")); !eq {
		t.Error(`"2m" should equal "2m0s"`)
	}
	if eq, _ := NullCanonicalString[DurationFormat]().StringSemanticEquals(ctx, NewCanonicalString[DurationFormat]("0s")); eq {
		t.Error("null must not equal a value")
	}
}

func TestValidateAttribute(t *testing.T) {
	resp := &xattr.ValidateAttributeResponse{}
	NewCanonicalString[ASNumberFormat]("1.70000").ValidateAttribute(context.Background(),
		xattr.ValidateAttributeRequest{Path: path.Root("as_number")}, resp)
	if !resp.Diagnostics.HasError() || resp.Diagnostics[0].Summary() != "Invalid AS Number" {
		t.Fatalf("want an Invalid AS Number error, got %v", resp.Diagnostics)
	}
	resp = &xattr.ValidateAttributeResponse{}
	NullCanonicalString[ASNumberFormat]().ValidateAttribute(context.Background(), xattr.ValidateAttributeRequest{}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatal("null is valid")
	}
}
