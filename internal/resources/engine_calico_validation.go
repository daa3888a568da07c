package resources

import (
	"context"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// checkWithCalico runs Calico's own validator at plan time on the object the plan would write,
// and returns that object (expanded false when the plan cannot be expanded yet),
// built by the same expand the writes use, so the plan fails where the apply would. Each error
// lands on the attribute of the field Calico names. A rule is skipped when the configuration
// it reads is not known yet: a rule about one list element when that element has an unknown
// value, a rule about the object's top level when any value is unknown.
func (r *objectResource[M, T]) checkWithCalico(ctx context.Context, plan tfsdk.Plan, state tfsdk.State, config tfsdk.Config, m *M, diags *diag.Diagnostics) (obj T, expanded bool) {
	obj = r.kind(r.client).New()
	obj.SetName(r.name(m).ValueString())
	if d := r.expand(ctx, m, obj); d.HasError() {
		return obj, false // an unknown list cannot be expanded yet; the apply's expand reports real errors
	}
	r.checkRelease(ctx, obj, plan, config, diags)
	errs := calico.Validate(obj)
	if len(errs) > 0 && !state.Raw.IsNull() && willReplace(ctx, plan, state, config) {
		// This plan only says that the object is replaced: Terraform then plans the new object on
		// its own, without the old one's values, and that plan is the one to check.
		return obj, true
	}
	for _, e := range errs {
		p := attributePath(ctx, plan, e.Path, r.calicoNames)
		if !knownAround(ctx, config, p) {
			continue
		}
		summary, detail := tfcommon.DescribeCalicoRejection(r.kind(r.client).Name, p.String(), e)
		diags.AddAttributeError(p, summary, detail)
	}
	return obj, true
}

// checkRelease refuses what the plan sets that the cluster's Calico release lacks (the
// registry's table of when each field came): a Kubernetes datastore of that release would drop
// it, and its calico-node would ignore it. Only what the configuration sets is checked, never a
// default the provider fills in.
func (r *objectResource[M, T]) checkRelease(ctx context.Context, obj T, plan tfsdk.Plan, config tfsdk.Config, diags *diag.Diagnostics) {
	info := r.kind(r.client).Info
	if len(info.Fields) == 0 || r.client == nil || !r.client.Known() {
		return
	}
	tfcommon.WarnRelease(ctx, r.client, diags)
	release, source := r.client.ClusterRelease(ctx)
	if source == calico.ReleaseUnknown {
		return
	}
	missing, err := info.MissingIn(obj, release)
	if err != nil {
		return // the validator, run next on the same object, reports what cannot be read
	}
	for _, m := range missing {
		if !r.configured(ctx, plan, config, m.Path) {
			continue
		}
		p := attributePath(ctx, plan, m.Path, r.calicoNames)
		summary, detail := tfcommon.DescribeMissingInRelease(p.String(), m, release, source)
		diags.AddAttributeError(p, summary, detail)
	}
}

// leaveOutUnsetNewerFields keeps a create from sending fields that the cluster's Calico release
// lacks and the configuration does not set: defaults the provider fills in (assignment_mode's
// "Automatic"), which an older release's CRDs would drop. What the configuration sets and the
// release lacks was refused at plan time.
func (r *objectResource[M, T]) leaveOutUnsetNewerFields(ctx context.Context, obj T, plan tfsdk.Plan, config tfsdk.Config) error {
	release, source := r.client.ClusterRelease(ctx)
	if source == calico.ReleaseUnknown {
		return nil
	}
	missing, err := r.kind(r.client).Info.MissingIn(obj, release)
	if err != nil {
		return err
	}
	var places [][]any
	for _, m := range missing {
		if m.Field.Value == "" && !r.configured(ctx, plan, config, m.Path) {
			places = append(places, m.Path)
		}
	}
	return calico.LeaveOut(obj, places)
}

// configured says whether the configuration sets the attribute of the object's field at place.
func (r *objectResource[M, T]) configured(ctx context.Context, plan tfsdk.Plan, config tfsdk.Config, place []any) bool {
	var v attr.Value
	p := attributePath(ctx, plan, place, r.calicoNames)
	return !config.GetAttribute(ctx, p, &v).HasError() && v != nil && !v.IsNull()
}

// willReplace says whether the plan replaces the object, asking the top-level attributes' own
// plan modifiers (RequiresReplace and its kin) as the framework does.
func willReplace(ctx context.Context, plan tfsdk.Plan, state tfsdk.State, config tfsdk.Config) bool {
	for name, a := range plan.Schema.GetAttributes() {
		p := path.Root(name)
		var planned, prior, configured attr.Value
		if plan.GetAttribute(ctx, p, &planned).HasError() || state.GetAttribute(ctx, p, &prior).HasError() ||
			config.GetAttribute(ctx, p, &configured).HasError() || planned.Equal(prior) {
			continue
		}
		switch a := a.(type) {
		case schema.StringAttribute:
			for _, m := range a.PlanModifiers {
				req := planmodifier.StringRequest{Path: p, Plan: plan, State: state, Config: config}
				req.PlanValue, req.StateValue, req.ConfigValue = stringOf(ctx, planned), stringOf(ctx, prior), stringOf(ctx, configured)
				resp := &planmodifier.StringResponse{PlanValue: req.PlanValue}
				if m.PlanModifyString(ctx, req, resp); resp.RequiresReplace {
					return true
				}
			}
		case schema.Int64Attribute:
			for _, m := range a.PlanModifiers {
				req := planmodifier.Int64Request{Path: p, Plan: plan, State: state, Config: config,
					PlanValue: int64Of(ctx, planned), StateValue: int64Of(ctx, prior), ConfigValue: int64Of(ctx, configured)}
				resp := &planmodifier.Int64Response{PlanValue: req.PlanValue}
				if m.PlanModifyInt64(ctx, req, resp); resp.RequiresReplace {
					return true
				}
			}
		case schema.ListAttribute:
			for _, m := range a.PlanModifiers {
				req := planmodifier.ListRequest{Path: p, Plan: plan, State: state, Config: config,
					PlanValue: listOf(ctx, planned), StateValue: listOf(ctx, prior), ConfigValue: listOf(ctx, configured)}
				resp := &planmodifier.ListResponse{PlanValue: req.PlanValue}
				if m.PlanModifyList(ctx, req, resp); resp.RequiresReplace {
					return true
				}
			}
		}
	}
	return false
}

// stringOf, int64Of and listOf read a value of the type, custom types included.
func stringOf(ctx context.Context, v attr.Value) types.String {
	if s, ok := v.(basetypes.StringValuable); ok {
		if out, d := s.ToStringValue(ctx); !d.HasError() {
			return out
		}
	}
	return types.StringUnknown()
}

func int64Of(ctx context.Context, v attr.Value) types.Int64 {
	if i, ok := v.(basetypes.Int64Valuable); ok {
		if out, d := i.ToInt64Value(ctx); !d.HasError() {
			return out
		}
	}
	return types.Int64Unknown()
}

func listOf(ctx context.Context, v attr.Value) types.List {
	if l, ok := v.(basetypes.ListValuable); ok {
		if out, d := l.ToListValue(ctx); !d.HasError() {
			return out
		}
	}
	return types.ListUnknown(types.StringType)
}

// attributePath turns a field's JSON path in the Calico object into the attribute that sets it:
// spec fields by their snake_case names (peerIP is peer_ip), metadata.name is name, renames
// for the exceptions. A path the schema does not have is shortened to the nearest attribute
// it has, down to the resource itself.
func attributePath(ctx context.Context, plan tfsdk.Plan, jsonPath []any, renames map[string]string) path.Path {
	p := path.Empty()
	steps := jsonPath
	switch {
	case len(steps) >= 2 && steps[0] == "metadata" && steps[1] == "name":
		return path.Root("name")
	case len(steps) >= 1 && steps[0] == "spec":
		steps = steps[1:]
	default:
		return p
	}
	var full []path.Path
	for _, step := range steps {
		switch s := step.(type) {
		case int:
			p = p.AtListIndex(s)
		case string:
			name := snakeCase(s)
			if renamed, ok := renames[s]; ok {
				name = renamed
			}
			if len(p.Steps()) == 0 {
				p = path.Root(name)
			} else {
				p = p.AtName(name)
			}
		}
		full = append(full, p)
	}
	for i := len(full) - 1; i >= 0; i-- {
		if _, d := plan.Schema.AttributeAtPath(ctx, full[i]); !d.HasError() {
			return full[i]
		}
		// A list element is not an attribute but is a place in one.
		if _, isIndex := steps[i].(int); isIndex && i > 0 {
			if _, d := plan.Schema.AttributeAtPath(ctx, full[i-1]); !d.HasError() {
				return full[i]
			}
		}
	}
	return path.Empty()
}

// knownAround says whether the configuration a rule about p reads is known: the list element p
// is in, or, for a top-level attribute, the whole configuration.
func knownAround(ctx context.Context, config tfsdk.Config, p path.Path) bool {
	scope := path.Empty()
	steps := p.Steps()
	for i := len(steps) - 1; i >= 0; i-- {
		if _, ok := steps[i].(path.PathStepElementKeyInt); ok {
			scope = path.Empty()
			for j := 0; j <= i; j++ {
				scope = appendStep(scope, steps[j])
			}
			break
		}
	}
	if len(scope.Steps()) == 0 {
		return config.Raw.IsFullyKnown()
	}
	var v attr.Value
	if d := config.GetAttribute(ctx, scope, &v); d.HasError() || v == nil {
		return config.Raw.IsFullyKnown()
	}
	tv, err := v.ToTerraformValue(ctx)
	return err == nil && tv.IsFullyKnown()
}

func appendStep(p path.Path, step path.PathStep) path.Path {
	switch s := step.(type) {
	case path.PathStepAttributeName:
		if len(p.Steps()) == 0 {
			return path.Root(string(s))
		}
		return p.AtName(string(s))
	case path.PathStepElementKeyInt:
		return p.AtListIndex(int(s))
	}
	return p
}

// snakeCase turns Calico's JSON names into the provider's attribute names: peerIP is peer_ip,
// exportV4 export_v4, localASNumber local_as_number, ipv4Address ipv4_address.
func snakeCase(s string) string {
	var b strings.Builder
	runes := []rune(s)
	for i, r := range runes {
		if unicode.IsUpper(r) && i > 0 {
			prev := runes[i-1]
			// "IPs" is a plural, not "I" and "Ps".
			plural := i+2 == len(runes) && runes[i+1] == 's'
			nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1]) && !plural
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
