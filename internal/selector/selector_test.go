package selector

import (
	"errors"
	"strings"
	"testing"
)

var mustParse = []string{
	`all()`,
	`global()`,
	`route-reflector == 'true'`,
	`rr-group == 'rr1' && has(rr-id)`,
	`!has(a)`,
	`!!has(a)`,
	`a in {"x", 'y'}`,
	`a not in {}`,
	`a notin {"x"}`,
	`a contains "b"`,
	`a starts with "b"`,
	`a ends with "b"`,
	`(a == "1" || b == "2") && !(c != "3")`,
	`projectcalico.org/rr == "true"`,
	`has( x )`,
	`all( )`,
	// Beyond the required examples.
	"\ta==\"1\"\t",
	`a startswith "b"`,
	`a endswith"b"`,
	`a starts	 with "b"`,
	`a not	in {"x"}`,
	`a in{"x"}`,
	`a in { }`,
	`a in {"x","y" , "z"}`,
	`a == "it's"`,
	`a == 'say "hi"'`,
	`a == ""`,
	`a != '' || b == "2" && c == "3"`,
	`! ! has(a)`,
	`!(a == "1")`,
	`((((has(a)))))`,
	`all() && global()`,
	`has(all) && all == "x" && has == "y" && in in {"in"} && not not in {}`,
	`topology.kubernetes.io/zone in {"a", "b"} && !has(node-role.kubernetes.io/control-plane)`,
	`_a.b/c-D_9 == "x"`,
	strings.Repeat("a", 512) + ` == "x"`,
	`a contains "b" || a ends with "c" && (a starts with "d" || !has(e))`,
}

func TestParseValid(t *testing.T) {
	for _, s := range mustParse {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q): unexpected error: %v", s, err)
		}
		if err := Validate(s); err != nil {
			t.Errorf("Validate(%q): unexpected error: %v", s, err)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	cases := []struct {
		in     string
		offset int
		msg    string // substring of the error message
	}{
		{``, 0, "empty selector"},
		{`   `, 0, "empty selector"},
		{"\t", 0, "empty selector"},
		{`a = 'x'`, 2, "single ="},
		{`a == x`, 5, "expected a quoted string after =="},
		{`a == 'x`, 5, "unterminated string"},
		{`has(a`, 5, "expected ) after label in has("},
		{`has()`, 4, "expected a label after has("},
		{`all(x)`, 4, "expected ) after all("},
		{`global(x)`, 7, "expected ) after global("},
		{`a & b`, 2, "expected ==, !=, in"},
		{`a | b`, 2, "expected ==, !=, in"},
		{`has(a) & has(b)`, 7, "single &"},
		{`has(a) | has(b)`, 7, "single |"},
		{`(a == 'x'`, 9, "expected ) after expression"},
		{`a == 'x')`, 8, "expected &&, || or end of selector"},
		{`a in {'x' 'y'}`, 10, "expected , or } in set"},
		{`a in 'x'`, 5, "expected { after in"},
		{`a not in 'x'`, 9, "expected { after not in"},
		{`a`, 1, "expected ==, !=, in"},
		{`a containsb "x"`, 2, "expected ==, !=, in"},
		{`a inx {}`, 2, "expected ==, !=, in"},
		{`a starts withx "x"`, 2, "expected ==, !=, in"},
		{`Ä == 'x'`, 0, "expected a label"},
		{strings.Repeat("a", 513) + ` == "x"`, 0, "longer than 512"},
		{`a == 'x' b`, 9, "expected &&, || or end of selector"},
		{`a in {"x",}`, 10, "expected a quoted string in set"},
		{`a in {"x"`, 9, "expected , or } in set"},
		{`a in {`, 6, "expected a quoted string in set"},
		{`a starts "x"`, 2, "expected ==, !=, in"},
		{`a not "x"`, 2, "expected ==, !=, in"},
		{`!`, 1, "expected a label"},
		{`a == "x" &&`, 11, "expected a label"},
		{`a == "x" || `, 12, "expected a label"},
		{`()`, 1, "expected a label"},
		{`has(a b)`, 6, "expected ) after label in has("},
		{`has (a)`, 4, "expected ==, !=, in"},
		{"a == \"x\"\n", 8, "expected &&, || or end of selector"},
		{"a ==\n\"x\"", 4, "expected a quoted string after =="},
		{`a contains`, 10, "expected a quoted string after contains"},
		{`a == "x" == "y"`, 9, "expected &&, || or end of selector"},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		if err == nil {
			t.Errorf("Parse(%q): expected an error", c.in)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): error %v is %T, not *ParseError", c.in, err, err)
			continue
		}
		if pe.Offset != c.offset || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("Parse(%q) = %q, want offset %d and a message containing %q", c.in, err, c.offset, c.msg)
		}
		if want := pe.Msg + " at offset "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q).Error() = %q, want prefix %q", c.in, err, want)
		}
		if Validate(c.in) == nil {
			t.Errorf("Validate(%q): expected an error", c.in)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	err := Validate(`rr-group == 'rr1' && a == b`)
	if got, want := err.Error(), `expected a quoted string after == at offset 26`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestValidLabel(t *testing.T) {
	good := []string{"a", "A", "0", "route-reflector", "projectcalico.org/rr", "rr-group",
		"topology.kubernetes.io/zone", "_", ".", "/", "-", strings.Repeat("x", 512)}
	bad := []string{"", " a", "a b", "a=b", "Ä", "a:b", "a\n", strings.Repeat("x", 513)}
	for _, s := range good {
		if !ValidLabel(s) {
			t.Errorf("ValidLabel(%q) = false, want true", s)
		}
	}
	for _, s := range bad {
		if ValidLabel(s) {
			t.Errorf("ValidLabel(%q) = true, want false", s)
		}
	}
}

// Label sets used by the evaluation tests.
var (
	none  = map[string]string{}
	ax    = map[string]string{"a": "x"}
	ay    = map[string]string{"a": "y"}
	aFoo  = map[string]string{"a": "foobar"}
	aE    = map[string]string{"a": ""}
	other = map[string]string{"b": "x"}
)

func TestEvaluate(t *testing.T) {
	cases := []struct {
		sel    string
		labels map[string]string
		want   bool
	}{
		{`all()`, nil, true},
		{`all()`, ax, true},
		{`global()`, none, true},
		{`global()`, ax, true},

		{`has(a)`, ax, true},
		{`has(a)`, aE, true},
		{`has(a)`, none, false},
		{`has(a)`, other, false},
		{`has(a)`, nil, false},

		{`a == "x"`, ax, true},
		{`a == "x"`, ay, false},
		{`a == "x"`, none, false},
		{`a == "x"`, other, false},
		{`a == ""`, aE, true},
		{`a == ""`, none, false},

		{`a != "x"`, ax, false},
		{`a != "x"`, ay, true},
		{`a != "x"`, none, true},
		{`a != "x"`, other, true},
		{`a != ""`, aE, false},

		{`a contains "oba"`, aFoo, true},
		{`a contains "x"`, aFoo, false},
		{`a contains ""`, aE, true},
		{`a contains ""`, none, false},
		{`a contains "x"`, other, false},

		{`a starts with "foo"`, aFoo, true},
		{`a starts with "bar"`, aFoo, false},
		{`a startswith "foo"`, aFoo, true},
		{`a starts with ""`, none, false},
		{`a starts with "x"`, other, false},

		{`a ends with "bar"`, aFoo, true},
		{`a ends with "foo"`, aFoo, false},
		{`a endswith "bar"`, aFoo, true},
		{`a ends with ""`, none, false},
		{`a ends with "x"`, other, false},

		{`a in {"x", 'y'}`, ax, true},
		{`a in {"x", 'y'}`, ay, true},
		{`a in {"x"}`, ay, false},
		{`a in {"x"}`, none, false},
		{`a in {}`, ax, false},
		{`a in {}`, none, false},
		{`a in {""}`, aE, true},

		{`a not in {"x", 'y'}`, ax, false},
		{`a not in {"x"}`, ay, true},
		{`a notin {"x"}`, ax, false},
		{`a not in {"x"}`, none, true},
		{`a not in {"x"}`, other, true},
		{`a not in {}`, ax, true},
		{`a not in {}`, none, true},

		{`!has(a)`, ax, false},
		{`!has(a)`, none, true},
		{`!!has(a)`, ax, true},
		{`!!has(a)`, none, false},
		{`!!!has(a)`, ax, false},
		{`!!!!has(a)`, ax, true},
		{`!all()`, ax, false},
		{`!(a == "x")`, none, true},

		{`has(a) && has(b)`, ax, false},
		{`has(a) && has(b)`, map[string]string{"a": "", "b": ""}, true},
		{`has(a) || has(b)`, other, true},
		{`has(a) || has(b)`, none, false},

		// && binds tighter than ||.
		{`a == "1" || b == "2" && c == "3"`, map[string]string{"a": "1"}, true},
		{`a == "1" || b == "2" && c == "3"`, map[string]string{"b": "2"}, false},
		{`a == "1" || b == "2" && c == "3"`, map[string]string{"b": "2", "c": "3"}, true},
		{`b == "2" && c == "3" || a == "1"`, map[string]string{"a": "1"}, true},
		{`(a == "1" || b == "2") && c == "3"`, map[string]string{"a": "1"}, false},
		{`(a == "1" || b == "2") && c == "3"`, map[string]string{"a": "1", "c": "3"}, true},
		// ! binds tighter than && and ||.
		{`!has(a) && has(b)`, other, true},
		{`!has(a) && has(b)`, none, false},
		{`!has(a) || has(b)`, ax, false},
		{`!(has(a) || has(b))`, other, false},
		{`!(has(a) || has(b))`, none, true},
		{`!(has(a) && has(b))`, ax, true},

		{`(a == "1" || b == "2") && !(c != "3")`, map[string]string{"a": "1", "c": "3"}, true},
		{`(a == "1" || b == "2") && !(c != "3")`, map[string]string{"a": "1"}, false},
		{`(a == "1" || b == "2") && !(c != "3")`, map[string]string{"c": "3"}, false},
		{`((a == "1") && ((b == "2" || (c == "3"))))`, map[string]string{"a": "1", "c": "3"}, true},
		{`((a == "1") && ((b == "2" || (c == "3"))))`, map[string]string{"a": "1"}, false},
		{`!((!(has(a))))`, ax, true},

		{`rr-group == 'rr1' && has(rr-id)`, map[string]string{"rr-group": "rr1", "rr-id": "1"}, true},
		{`rr-group == 'rr1' && has(rr-id)`, map[string]string{"rr-group": "rr1"}, false},
		{`route-reflector == 'true'`, map[string]string{"route-reflector": "true"}, true},
		{`projectcalico.org/rr == "true"`, map[string]string{"projectcalico.org/rr": "true"}, true},
		{`a == 'say "hi"'`, map[string]string{"a": `say "hi"`}, true},
		{`a == "it's"`, map[string]string{"a": "it's"}, true},
	}
	for _, c := range cases {
		sel, err := Parse(c.sel)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.sel, err)
			continue
		}
		if got := sel.Evaluate(c.labels); got != c.want {
			t.Errorf("Parse(%q).Evaluate(%v) = %v, want %v", c.sel, c.labels, got, c.want)
		}
	}
}

func TestString(t *testing.T) {
	cases := []struct{ in, want string }{
		{`all( )`, `all()`},
		{`global()`, `global()`},
		{`has( x )`, `has(x)`},
		{`route-reflector == 'true'`, `route-reflector == "true"`},
		{`a == 'say "hi"'`, `a == 'say "hi"'`},
		{`a!=""`, `a != ""`},
		{`a startswith 'b'`, `a starts with "b"`},
		{`a ends	with 'b'`, `a ends with "b"`},
		{`a contains 'b'`, `a contains "b"`},
		{`a in {'y', "x", 'y'}`, `a in {"x", "y"}`},
		{`a notin {}`, `a not in {}`},
		{`!!has(a)`, `!!has(a)`},
		{`(a == "1" || b == "2") && !(c != "3")`, `(a == "1" || b == "2") && !(c != "3")`},
		{`a == "1" || (b == "2" && c == "3")`, `a == "1" || b == "2" && c == "3"`},
		{`(has(a) && has(b)) && (has(c) && has(d))`, `has(a) && has(b) && has(c) && has(d)`},
		{`has(a) || (has(b) || has(c))`, `has(a) || has(b) || has(c)`},
		{`!(!has(a))`, `!!has(a)`},
		{`!a == "x"`, `!(a == "x")`},
		{`!a in {"x"}`, `!(a in {"x"})`},
		{`!all() || !global()`, `!all() || !global()`},
		{`!(has(a) || has(b)) && ((has(c)))`, `!(has(a) || has(b)) && has(c)`},
	}
	for _, c := range cases {
		sel, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := sel.String(); got != c.want {
			t.Errorf("Parse(%q).String() = %q, want %q", c.in, got, c.want)
		}
	}
}

// labelSets are evaluated by the round-trip tests.
var labelSets = []map[string]string{
	nil, none, ax, ay, aE, aFoo, other,
	{"a": "1", "b": "2", "c": "3"},
	{"a": "1", "c": "4"},
	{"b": "2", "c": "3", "x": ""},
	{"route-reflector": "true", "rr-group": "rr1", "rr-id": "7", "projectcalico.org/rr": "true"},
	{"a": "b", "route-reflector": "false", "rr-group": "rr2"},
}

// checkRoundTrip checks that sel.String() parses back to a selector that renders the same
// and evaluates the same.
func checkRoundTrip(t *testing.T, in string, sel Selector) {
	t.Helper()
	out := sel.String()
	again, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse(%q) ok, but its String() %q does not parse: %v", in, out, err)
	}
	if out2 := again.String(); out2 != out {
		t.Fatalf("String() not stable for %q: %q then %q", in, out, out2)
	}
	for _, labels := range labelSets {
		if a, b := sel.Evaluate(labels), again.Evaluate(labels); a != b {
			t.Fatalf("%q and its String() %q disagree on %v: %v vs %v", in, out, labels, a, b)
		}
	}
}

func TestStringRoundTrip(t *testing.T) {
	for _, s := range mustParse {
		sel, err := Parse(s)
		if err != nil {
			t.Errorf("Parse(%q): %v", s, err)
			continue
		}
		checkRoundTrip(t, s, sel)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range mustParse {
		f.Add(s)
	}
	for _, s := range []string{"", "   ", `a = 'x'`, `a == x`, `a == 'x`, `has(a`, `has()`, `all(x)`,
		`a & b`, `a | b`, `(a == 'x'`, `a == 'x')`, `a in {'x' 'y'}`, `a in 'x'`, `a`,
		`a containsb "x"`, `Ä == 'x'`, `a == 'x' b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %v is %T, not *ParseError", s, err, err)
			}
			if pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("Parse(%q): offset %d out of range", s, pe.Offset)
			}
			return
		}
		checkRoundTrip(t, s, sel)
	})
}
