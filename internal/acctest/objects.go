package acctest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Objects is what the generated clients offer for one kind; the helpers below read and change
// objects independently of the provider under test (see CalicoObjects).
type Objects[T any] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// Mutate changes an object out of band, as another tool or a person would.
func Mutate[T any](t *testing.T, c Objects[T], name string, change func(T)) {
	t.Helper()
	obj, err := c.Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	change(obj)
	if _, err := c.Update(context.Background(), obj, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// Delete deletes an object out of band; a missing object is fine.
func Delete[T any](t *testing.T, c Objects[T], name string) {
	t.Helper()
	if err := c.Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
}

// Gone checks that the server no longer has the object.
func Gone[T any](c Objects[T], name string) error {
	if _, err := c.Get(context.Background(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		return fmt.Errorf("%s still exists on the server (err=%v)", name, err)
	}
	return nil
}

// CheckGone is Gone as a CheckDestroy or step check.
func CheckGone[T any](c Objects[T], name string) func(*terraform.State) error {
	return func(*terraform.State) error { return Gone(c, name) }
}

// CheckStored compares what the server stores (as extracted by part) with want.
func CheckStored[T, P any](c Objects[T], name string, part func(T) P, want P) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj, err := c.Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, part(obj)); diff != "" {
			return fmt.Errorf("%s on the server (-want +got):\n%s", name, diff)
		}
		return nil
	}
}

// InvalidCase is a configuration Calico rejects, the diagnostic its plan must fail with, and a
// twin that Calico accepts, which must plan.
type InvalidCase struct {
	Name string
	// Body is the resource's body.
	Body string
	// Summary is the diagnostic's summary, exactly.
	Summary string
	// Attribute is the attribute the diagnostic is on, as Terraform shows it: the configuration
	// line it quotes starts with it. "" is the resource as a whole, which is also what Terraform
	// quotes for an attribute inside a list of objects (export_v4[0].cidr), having no source
	// range for it.
	Attribute string
	// Valid is the twin's body.
	Valid string
}

// InvalidCaseSteps turns cases into plan-only steps, in their order: one per invalid body,
// expecting its own diagnostic, then one planning every twin together. block renders a
// resource block of the type under test from a label and a body.
func InvalidCaseSteps(resourceType string, block func(label, body string) string, cases []InvalidCase) []resource.TestStep {
	steps := make([]resource.TestStep, 0, len(cases)+1)
	var twins strings.Builder
	for i, c := range cases {
		at := regexp.QuoteMeta(c.Attribute) + `\s*=`
		if c.Attribute == "" {
			at = regexp.QuoteMeta(`resource "` + resourceType + `" "bad"`)
		}
		want := regexp.MustCompile(`Error: ` + regexp.QuoteMeta(c.Summary) + `\s+(with ` + regexp.QuoteMeta(resourceType) +
			`\.bad,\s+)?on \S+ line \d+, in resource "` + regexp.QuoteMeta(resourceType) + `" "bad":\s+\d+:\s+` + at)
		steps = append(steps, resource.TestStep{Config: block("bad", c.Body), PlanOnly: true, ExpectError: want})
		fmt.Fprintf(&twins, "# %s\n%s\n", c.Name, block(fmt.Sprintf("valid_%d", i), c.Valid))
	}
	return append(steps, resource.TestStep{Config: twins.String(), PlanOnly: true, ExpectNonEmptyPlan: true})
}

// CRDDefault is a value that the Kubernetes datastores fill in from the CRD schema's default
// when an object leaves the field unset. Calico's etcd stores no such default: there it is nil.
func CRDDefault[T any](t *testing.T, v T) *T {
	if Cluster(t).Mode.Kubernetes() {
		return &v
	}
	return nil
}
