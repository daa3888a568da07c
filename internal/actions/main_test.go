package actions_test

import (
	"testing"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }
