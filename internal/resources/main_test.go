package resources_test

import (
	"fmt"
	"testing"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }

// planErrors renders invalid-input cases into full configurations with format (one %s for the
// case's body).
func planErrors(cases map[string]struct{ body, want string }, format string) map[string]acctest.PlanError {
	out := make(map[string]acctest.PlanError, len(cases))
	for name, c := range cases {
		out[name] = acctest.PlanError{Config: fmt.Sprintf(format, c.body), Want: c.want}
	}
	return out
}
