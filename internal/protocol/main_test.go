package protocol_test

import (
	"testing"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// With TF_ACC set, the tests that need the local Calico API (create_apply_test.go) get it.
func TestMain(m *testing.M) { acctest.Main(m) }
