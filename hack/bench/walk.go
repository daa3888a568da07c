package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// walkResult is Terraform's own walk through the resources left when the datastore dies
// mid-apply: the idle provider applies the first Applied peers of N and then fails every call
// at once, as the provider does once it knows the datastore silent (IDLE_PROVIDER_FAILS). make
// faults measures the provider's apply under the same configuration with the datastore killed
// or frozen; what Terraform spends from the first failure to its exit here is the floor under it.
type walkResult struct {
	N, Applied int
	cli        string
	// failed is how many resources failed in each run; walk is each run's time from the first
	// failure to terraform's exit.
	failed []int
	walk   []time.Duration
}

// walkConfig is the configuration of internal/faults' peersConfig(prefix, n, 0, asNumber): the
// same for_each (its keys cost Terraform more per resource than count's) and attributes.
func walkConfig(n int) string {
	return requiredProvider("calico", "calico-tf/calico") + fmt.Sprintf(`provider "calico" {
  request_timeout = "10s"
}
resource "calico_bgp_peer" "p" {
  for_each  = { for i in flatten([for b in range(%d) : [for j in range(1000) : b * 1000 + j if b * 1000 + j < %d]]) : format("walk-%%03d", i) => i }
  name      = each.key
  peer_ip   = cidrhost("10.200.0.0/16", each.value + 1)
  as_number = "65020"
}
`, (n+999)/1000, n)
}

// measureWalk applies walkConfig(n) with the idle provider failing after n/3 applies, runs times.
func measureWalk(t *terraform, cli string, n, runs int) (walkResult, error) {
	r := walkResult{N: n, Applied: n / 3}
	for run := 1; run <= runs; run++ {
		fmt.Printf("==> Terraform's walk after a dead datastore, %d peers, run %d/%d\n", n, run, runs)
		dir, err := t.dir(walkConfig(n))
		if err != nil {
			return r, err
		}
		cmd := exec.Command(cli, "apply", "-auto-approve", "-input=false", "-json")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+t.idleRC, "TF_IN_AUTOMATION=1",
			fmt.Sprintf("IDLE_PROVIDER_FAILS=%d", r.Applied))
		out, err := cmd.StdoutPipe()
		if err != nil {
			return r, err
		}
		if err := cmd.Start(); err != nil {
			return r, err
		}
		failures, err := applyErrors(out)
		waitErr := cmd.Wait()
		ended := time.Now()
		os.RemoveAll(dir)
		if err != nil {
			return r, err
		}
		if waitErr == nil || len(failures) == 0 {
			return r, fmt.Errorf("the idle provider's apply of %d peers failing after %d did not fail (%v)", n, r.Applied, waitErr)
		}
		r.failed = append(r.failed, len(failures))
		r.walk = append(r.walk, ended.Sub(failures[0]))
		fmt.Printf("    %d failed; first failure to exit %s s\n", len(failures), sec(ended.Sub(failures[0])))
	}
	return r, nil
}

// applyErrors reads terraform's -json output to its end and returns when each resource failed
// (apply_errored), in order.
func applyErrors(out io.Reader) ([]time.Time, error) {
	var at []time.Time
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 1<<20), 16<<20)
	for lines.Scan() {
		var event struct {
			Type      string    `json:"type"`
			Timestamp time.Time `json:"@timestamp"`
		}
		if json.Unmarshal(lines.Bytes(), &event) == nil && event.Type == "apply_errored" {
			at = append(at, event.Timestamp)
		}
	}
	slices.SortFunc(at, time.Time.Compare)
	return at, lines.Err()
}

// reportWalk writes the walk's result.
func reportWalk(b, c *strings.Builder, w *walkResult) {
	walk := median(w.walk)
	failed := slices.Max(w.failed)
	fmt.Fprintf(b, "\nTerraform's walk after a dead datastore (%s, median of %d runs): of %d peers, the idle provider applied "+
		"%d and then failed every call at once, with the provider's own error; from the first failure, Terraform took %s s "+
		"to go through the %d left and exit (%.0f ms each). This is the floor under `make faults`' apply of as many peers "+
		"after the datastore's first unanswered operation.\n", w.cli, len(w.walk), w.N, w.Applied, sec(walk), failed,
		float64(walk.Milliseconds())/float64(failed))
	fmt.Fprintf(c, "%d,terraform walk after a dead datastore,%s,,,,,,,,,\n", w.N, sec(walk))
}
