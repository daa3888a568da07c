package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kelseyhightower/memkv"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	confdtemplate "github.com/projectcalico/calico/confd/pkg/resource/template"
	calicovalidator "github.com/projectcalico/calico/libcalico-go/lib/validator/v3"
)

const birdRejectsRule = "BIRD Will Reject This BGP Filter Rule"

// The prefix-length rules of calico_bgp_filter, judged by Calico itself on inputs around every
// boundary they check (the CIDR's own length, the family's longest, min against max):
//   - never stricter than Calico: a rule Calico's validator accepts draws no error;
//   - the warning that BIRD rejects a rule is given exactly when calico-node's own rendering
//     (confd's BGPFilterBIRDFuncs) makes a pattern whose range is empty, and, where BIRD is
//     installed, exactly when BIRD's parser rejects what confd rendered.
func TestBGPFilterPrefixLengthsJudgedByCalico(t *testing.T) {
	ctx := context.Background()
	birds := map[int]string{}
	for family, name := range map[int]string{4: "bird", 6: "bird6"} {
		if p, err := exec.LookPath(name); err == nil {
			birds[family] = p
		}
	}
	if len(birds) == 0 {
		t.Log("bird and bird6 are not installed: rendered patterns are not parsed by BIRD")
	}
	rendered := regexp.MustCompile(`\{(\d+),(\d+)\}`)
	cases := 0
	for _, c := range []struct {
		family   int
		cidrs    []string
		longest  int64
		attrName string
	}{
		{4, []string{"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.0.0.0/31", "10.0.0.1/32"}, 32, "import_v4"},
		{6, []string{"::/0", "fd00::/8", "fd00::/64", "fd00::1/128"}, 128, "import_v6"},
	} {
		for _, cidr := range c.cidrs {
			cidrLen, _ := strconv.Atoi(cidr[strings.Index(cidr, "/")+1:])
			for _, minLen := range lengthsAround(int64(cidrLen), c.longest) {
				for _, maxLen := range lengthsAround(int64(cidrLen), c.longest) {
					cases++
					name := fmt.Sprintf("%s min=%s max=%s", cidr, show(minLen), show(maxLen))
					m := filterWithRule(t, c.attrName, cidr, minLen, maxLen)
					obj := v3.NewBGPFilter()
					obj.Name = "f"
					if d := expandBGPFilter(ctx, m, obj); d.HasError() {
						t.Fatalf("%s: expand: %v", name, d)
					}
					if calicovalidator.Validate(obj) != nil {
						continue // Calico rejects it; its validator reports it at plan time
					}
					diags := validateBGPFilter(ctx, m)
					if diags.HasError() {
						t.Errorf("%s: Calico accepts this rule, but the provider rejects it: %v", name, diags.Errors())
					}
					warned := false
					for _, w := range diags.Warnings() {
						warned = warned || w.Summary() == birdRejectsRule
					}
					funcs := renderFilter(t, obj, c.family)
					match := rendered.FindStringSubmatch(funcs)
					if match == nil {
						t.Fatalf("%s: confd rendered no prefix pattern:\n%s", name, funcs)
					}
					lo, _ := strconv.Atoi(match[1])
					hi, _ := strconv.Atoi(match[2])
					if warned != (lo > hi) {
						t.Errorf("%s: confd renders {%d,%d}; warned that BIRD rejects it: %v", name, lo, hi, warned)
					}
					if bird := birds[c.family]; bird != "" {
						if rejected := birdRejects(t, bird, funcs); rejected != warned {
							t.Errorf("%s: BIRD rejects confd's {%d,%d}: %v; warned: %v", name, lo, hi, rejected, warned)
						}
					}
				}
			}
		}
	}
	t.Logf("%d rules tried", cases)
}

// lengthsAround are prefix lengths at and beside each boundary a rule checks; nil is unset.
func lengthsAround(cidrLen, longest int64) []*int64 {
	out := []*int64{nil}
	seen := map[int64]bool{}
	for _, v := range []int64{0, 1, cidrLen - 1, cidrLen, cidrLen + 1, longest - 1, longest, longest + 1} {
		if v >= 0 && !seen[v] {
			seen[v] = true
			out = append(out, &v)
		}
	}
	return out
}

func show(v *int64) string {
	if v == nil {
		return "unset"
	}
	return strconv.FormatInt(*v, 10)
}

// filterWithRule is a calico_bgp_filter model with one rule in list attr.
func filterWithRule(t *testing.T, attrName, cidr string, minLen, maxLen *int64) *bgpFilterModel {
	t.Helper()
	length := types.ObjectValueMust(prefixLengthAttrTypes, map[string]attr.Value{
		"min": types.Int64PointerValue(minLen), "max": types.Int64PointerValue(maxLen),
	})
	ruleAttrs := filterRuleObjectType.(types.ObjectType).AttrTypes
	rule := types.ObjectValueMust(ruleAttrs, map[string]attr.Value{
		"action": types.StringValue("Accept"), "cidr": types.StringValue(cidr), "match_operator": types.StringValue("In"),
		"prefix_length": length, "source": types.StringNull(), "interface": types.StringNull(),
	})
	null := types.ListNull(filterRuleObjectType)
	m := &bgpFilterModel{Name: types.StringValue("f"), ExportV4: null, ImportV4: null, ExportV6: null, ImportV6: null}
	list := types.ListValueMust(filterRuleObjectType, []attr.Value{rule})
	switch attrName {
	case "import_v4":
		m.ImportV4 = list
	case "import_v6":
		m.ImportV6 = list
	}
	return m
}

// renderFilter is the BIRD functions calico-node's confd writes for the filter.
func renderFilter(t *testing.T, obj *v3.BGPFilter, family int) string {
	t.Helper()
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := confdtemplate.BGPFilterBIRDFuncs(memkv.KVPairs{{Key: "/resources/v3/projectcalico.org/bgpfilters/" + obj.Name, Value: string(b)}}, family)
	if err != nil {
		t.Fatalf("confd cannot render the filter: %v", err)
	}
	return strings.Join(lines, "\n")
}

// birdRejects says whether BIRD's parser rejects a configuration holding the functions.
func birdRejects(t *testing.T, bird, funcs string) bool {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "bird.cfg")
	if err := os.WriteFile(cfg, []byte("router id 10.0.0.1;\n"+funcs+"\nprotocol device {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bird, "-p", "-c", cfg).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "Invalid prefix pattern range") {
		t.Fatalf("BIRD rejects the configuration for another reason: %s\n%s", out, funcs)
	}
	return err != nil
}
