package acctest

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
	"github.com/calico-tf/terraform-provider-calico/internal/provider"
)

// Diagnostic is an error diagnostic as the provider sent it to Terraform: its summary and the
// path of the attribute it is on ("" for the resource as a whole), such as export_v4[0].cidr.
// Tests match these, never how one CLI renders them.
type Diagnostic struct{ Summary, Attribute string }

func (d Diagnostic) String() string { return fmt.Sprintf("%q on %q", d.Summary, d.Attribute) }

// DiagnosticRecorder serves the provider to Terraform like ProviderFactories and records the
// error diagnostics of its validations and plans.
type DiagnosticRecorder struct {
	mu    sync.Mutex
	diags []DetailedDiagnostic
}

// DetailedDiagnostic is a Diagnostic with its detail, for tests that check what it says.
type DetailedDiagnostic struct {
	Diagnostic
	Detail string
}

// Factories serves the provider through the recorder.
func (r *DiagnosticRecorder) Factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"calico": func() (tfprotov6.ProviderServer, error) {
			return recordingServer{Server: provider.NewServer("acctest")().(*protocol.Server), rec: r}, nil
		},
	}
}

// take returns the diagnostics recorded since the last take.
func (r *DiagnosticRecorder) take() []Diagnostic {
	var out []Diagnostic
	for _, d := range r.TakeDetailed() {
		out = append(out, d.Diagnostic)
	}
	return out
}

// TakeDetailed returns the diagnostics recorded since the last take, with their details.
func (r *DiagnosticRecorder) TakeDetailed() []DetailedDiagnostic {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.diags
	r.diags = nil
	return d
}

func (r *DiagnosticRecorder) record(diags []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			r.diags = append(r.diags, DetailedDiagnostic{Diagnostic{Summary: d.Summary, Attribute: attributePath(d.Attribute)}, d.Detail})
		}
	}
}

// attributePath writes a protocol attribute path as Terraform's configuration language would.
func attributePath(p *tftypes.AttributePath) string {
	var b strings.Builder
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case tftypes.AttributeName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(s))
		case tftypes.ElementKeyInt:
			fmt.Fprintf(&b, "[%d]", int64(s))
		case tftypes.ElementKeyString:
			fmt.Fprintf(&b, "[%q]", string(s))
		default:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// recordingServer is the provider's own server (shortcuts included, so that every answer is
// seen), recording what its validations and plans answer.
type recordingServer struct {
	*protocol.Server
	rec *DiagnosticRecorder
}

func (s recordingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	resp, err := s.Server.ValidateResourceConfig(ctx, req)
	if resp != nil {
		s.rec.record(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.Server.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.record(resp.Diagnostics)
	}
	return resp, err
}

// InvalidCase is a configuration Calico rejects, the diagnostic its plan must fail with, and a
// twin that Calico accepts, which must plan.
type InvalidCase struct {
	Name string
	// Body is the resource's body.
	Body string
	// Summary is the diagnostic's summary, exactly.
	Summary string
	// Attribute is the path of the attribute the diagnostic is on, such as
	// export_v4[0].cidr; "" is the resource as a whole.
	Attribute string
	// ByTerraform: Terraform itself rejects the body (its schema checks, such as a missing
	// required attribute), before the provider sees it; only the summary is matched then.
	ByTerraform bool
	// Valid is the twin's body.
	Valid string
}

// InvalidCaseSteps turns cases into plan-only steps, in their order: one per invalid body,
// failing, then one planning every twin together. Before each next step, the diagnostics the
// provider sent for the failed one must include the case's summary on its attribute. block
// renders a resource block of the type under test from a label and a body. Serve the provider
// with rec.Factories().
func InvalidCaseSteps(t *testing.T, rec *DiagnosticRecorder, block func(label, body string) string, cases []InvalidCase) []resource.TestStep {
	steps := make([]resource.TestStep, 0, len(cases)+1)
	var twins strings.Builder
	checkPrevious := func(i int) func() {
		return func() {
			got := rec.take()
			if i < 0 || cases[i].ByTerraform {
				return
			}
			want := Diagnostic{Summary: cases[i].Summary, Attribute: cases[i].Attribute}
			if !slices.Contains(got, want) {
				t.Errorf("case %q: the provider sent %v, want %v", cases[i].Name, got, want)
			}
		}
	}
	for i, c := range cases {
		steps = append(steps, resource.TestStep{Config: block("bad", c.Body), PlanOnly: true, PreConfig: checkPrevious(i - 1),
			ExpectError: regexp.MustCompile(regexp.QuoteMeta(c.Summary))})
		fmt.Fprintf(&twins, "# %s\n%s\n", c.Name, block(fmt.Sprintf("valid_%d", i), c.Valid))
	}
	return append(steps, resource.TestStep{Config: twins.String(), PlanOnly: true, ExpectNonEmptyPlan: true,
		PreConfig: checkPrevious(len(cases) - 1)})
}

// ResourceBlock is InvalidCaseSteps' block for a resource of resourceType: the body as it is
// or, with a name, after a name attribute that every case then shares.
func ResourceBlock(resourceType, name string) func(label, body string) string {
	return func(label, body string) string {
		if name != "" {
			body = fmt.Sprintf("  name = %q\n%s", name, body)
		}
		return fmt.Sprintf("resource %q %q {\n%s\n}\n", resourceType, label, body)
	}
}
