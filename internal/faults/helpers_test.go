package faults_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// full says whether this is make faults (CALICO_FAULTS=full: 300 peers per apply, as the issue
// measured by hand) or the subset make test runs (fewer objects, the same faults).
func full() bool { return os.Getenv("CALICO_FAULTS") == "full" }

// size is n under make faults, else the subset's smaller count.
func size(n, subset int) int {
	if full() {
		return n
	}
	return subset
}

// silentDatastorePeers is how many peers the applies that lose their datastore declare: 300 under
// make faults, or CALICO_FAULTS_PEERS (make faults' second pass sets 3000, to show the bound does
// not grow with the number of objects), else the subset's.
func silentDatastorePeers() int {
	if n, err := strconv.Atoi(os.Getenv("CALICO_FAULTS_PEERS")); err == nil && full() {
		return n
	}
	return size(300, 60)
}

// faultAt names a fault of the silent-datastore tests, with the number of peers when it is not
// the table's usual 300.
func faultAt(fault string, n int) string {
	if n == 300 || !full() {
		return fault
	}
	return fmt.Sprintf("%s, %d peers", fault, n)
}

// requestTimeout is the provider's request_timeout in these tests: short, so that the bounds
// the tests check stay short too.
const requestTimeout = 10 * time.Second

// peersConfig is a configuration of n BGP peers named <prefix>-000 and on, each with its own
// address; the first withPassword of them have a password_wo (Kubernetes modes: the provider
// keeps it in a Secret). asNumber is every peer's AS number; extra is added to each peer's block.
func peersConfig(prefix string, n, withPassword, asNumber int, extra ...string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
provider "calico" {
  request_timeout = %q
}
resource "calico_bgp_peer" "p" {
  # range makes at most 1,024 values: n counted in blocks of 1,000.
  for_each            = { for i in flatten([for b in range(%d) : [for j in range(1000) : b * 1000 + j if b * 1000 + j < %d]]) : format("%s-%%03d", i) => i }
  name                = each.key
  peer_ip             = cidrhost("10.200.0.0/16", each.value + 1)
  as_number           = "%d"
  password_wo         = each.value < %d ? "S3cret-${each.key}" : null
  password_wo_version = each.value < %d ? 1 : null
  %s
}
`, requestTimeout, (n+999)/1000, n, prefix, asNumber, withPassword, withPassword, strings.Join(extra, "\n  "))
}

// names are the peers peersConfig(prefix, n, ...) declares.
func names(prefix string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%s-%03d", prefix, i))
	}
	slices.Sort(out) // as storedPeers and peersInState are: past 999, not the order of i
	return out
}

// storedPeers are the names of the stored BGPPeers starting with prefix, read from the datastore
// as stored (not through the provider), sorted.
func storedPeers(t *testing.T, prefix string) []string {
	t.Helper()
	list, err := acctest.Stored(t, calico.BGPPeers.Plural).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatalf("listing the stored BGPPeers: %v", err)
	}
	var out []string
	for _, obj := range list.Items {
		if strings.HasPrefix(obj.GetName(), prefix+"-") {
			out = append(out, obj.GetName())
		}
	}
	slices.Sort(out)
	return out
}

// waitStored waits until at least n of the prefix's peers are stored by the run, which must
// still be going: a run that ended first fails the test with its output.
func (r *terraformRun) waitStored(t *testing.T, prefix string, n int, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(100 * time.Millisecond) {
		got := len(storedPeers(t, prefix))
		select {
		case <-r.done:
			t.Fatalf("terraform %s ended (%v) when %d of the %d peers waited for were stored:\n%s",
				strings.Join(r.cmd.Args[1:], " "), r.err, got, n, r.errorsText())
		default:
		}
		if got >= n {
			return
		} else if time.Now().After(deadline) {
			t.Fatalf("only %d of the %d peers waited for were stored after %v", got, n, within)
		}
	}
}

// stateAddresses are the resource addresses in the working directory's state.
func stateAddresses(t *testing.T, cli *acctest.CLI) []string {
	t.Helper()
	out, err := cli.Run("state", "list")
	if err != nil && !strings.Contains(string(out), "No state file") {
		t.Fatalf("terraform state list: %v\n%s", err, out) // want to see it
	}
	var addrs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.HasPrefix(line, "calico_") {
			addrs = append(addrs, line)
		}
	}
	return addrs
}

// peersInState are the names of the calico_bgp_peer.p instances in state, sorted.
func peersInState(t *testing.T, cli *acctest.CLI) []string {
	var out []string
	for _, a := range stateAddresses(t, cli) {
		if name, ok := strings.CutPrefix(a, `calico_bgp_peer.p["`); ok {
			out = append(out, strings.TrimSuffix(name, `"]`))
		}
	}
	slices.Sort(out)
	return out
}

// converge applies again and checks the outcome a user needs after a fault: the apply
// succeeds, every declared peer is stored and in state (nothing duplicated, orphaned or
// missing on either side), and the next plan is empty. It returns how long the apply took.
func converge(t *testing.T, cli *acctest.CLI, prefix string, n int) time.Duration {
	t.Helper()
	began := time.Now()
	run := startTerraform(t, cli, "apply", "-auto-approve", "-json")
	if err := run.wait(t, 10*time.Minute); err != nil {
		t.Fatalf("the apply after the fault failed: %v\n%s", err, run.errorsText())
	}
	took := time.Since(began)
	want := names(prefix, n)
	if got := storedPeers(t, prefix); !slices.Equal(got, want) {
		t.Errorf("stored after the re-apply: %d peers, want exactly the %d declared (missing %v, extra %v)",
			len(got), n, minus(want, got), minus(got, want))
	}
	if got := peersInState(t, cli); !slices.Equal(got, want) {
		t.Errorf("in state after the re-apply: %d peers, want the %d declared (missing %v, extra %v)",
			len(got), n, minus(want, got), minus(got, want))
	}
	if !cli.PlanIsEmpty() {
		t.Error("the plan after the re-apply is not empty")
	}
	return took
}

func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// terraformRun is the CLI under test running in its own process group, so that a test can
// signal it mid-apply.
type terraformRun struct {
	cmd   *exec.Cmd
	out   lockedBuffer
	done  chan struct{}
	err   error
	began time.Time
	took  time.Duration
}

func startTerraform(t *testing.T, cli *acctest.CLI, args ...string) *terraformRun {
	t.Helper()
	r := &terraformRun{cmd: cli.Command(args...), done: make(chan struct{}), began: time.Now()}
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.out
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		r.err = r.cmd.Wait()
		r.took = time.Since(r.began)
		close(r.done)
	}()
	// Whatever the test's fate, nothing of this run outlives it (terraform, its provider).
	t.Cleanup(func() {
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
	})
	return r
}

// wait waits for the run to end and returns its error; a run still going bound from now fails
// the test, as a hang.
func (r *terraformRun) wait(t *testing.T, bound time.Duration) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(bound):
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
		t.Fatalf("terraform %s still ran after %v: it hangs\n%s", strings.Join(r.cmd.Args[1:], " "), bound, r.errorsText())
		return nil
	}
}

// signal sends sig to terraform alone, as a user's Ctrl-C or kill would.
func (r *terraformRun) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// interrupt presses Ctrl-C: SIGINT to terraform and its providers, the run's process group, as
// a terminal sends it. It returns when it was sent.
func (r *terraformRun) interrupt(t *testing.T) time.Time {
	t.Helper()
	at := time.Now()
	if err := syscall.Kill(-r.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	return at
}

// diagnostics are the run's diagnostics of the given severity, from its -json output.
func (r *terraformRun) diagnostics(severity string) []acctest.JSONDiagnostic {
	return acctest.JSONDiagnostics(r.out.Bytes(), severity)
}

// slowestFailure is the longest any of the run's failed operations took, from Terraform's own
// account of each (apply_errored's elapsed_seconds, whole seconds), and the resource it was.
func (r *terraformRun) slowestFailure() (address string, took time.Duration) {
	for _, line := range bytes.Split(r.out.Bytes(), []byte("\n")) {
		var event struct {
			Type string `json:"type"`
			Hook struct {
				Resource struct {
					Addr string `json:"addr"`
				} `json:"resource"`
				ElapsedSeconds float64 `json:"elapsed_seconds"`
			} `json:"hook"`
		}
		if json.Unmarshal(line, &event) != nil || event.Type != "apply_errored" {
			continue
		}
		if d := time.Duration(event.Hook.ElapsedSeconds * float64(time.Second)); d >= took {
			address, took = event.Hook.Resource.Addr, d
		}
	}
	return address, took
}

// failures are when the run's operations failed, from its -json output (apply_errored), in
// order. From the first on the datastore is known silent, and what remains of the run is
// Terraform going through the resources left: the idle provider failing every call at once
// (hack/bench/idleprovider, IDLE_PROVIDER_FAILS) measures that walk alone.
func (r *terraformRun) failures() []time.Time {
	var at []time.Time
	for _, line := range bytes.Split(r.out.Bytes(), []byte("\n")) {
		var event struct {
			Type      string    `json:"type"`
			Timestamp time.Time `json:"@timestamp"`
		}
		if json.Unmarshal(line, &event) == nil && event.Type == "apply_errored" {
			at = append(at, event.Timestamp)
		}
	}
	slices.SortFunc(at, time.Time.Compare)
	return at
}

// failedAfter words how soon a run failed after the datastore died at died: in all, until its
// first operation failed, and Terraform's walk of the rest from there.
func (r *terraformRun) failedAfter(died time.Time) string {
	ended := r.began.Add(r.took)
	failed := r.failures()
	if len(failed) == 0 {
		return seconds(ended.Sub(died))
	}
	return fmt.Sprintf("%s (the first operation failed %s after it; Terraform's walk of the %d that failed took %s from there)",
		seconds(ended.Sub(died)), seconds(failed[0].Sub(died)), len(failed), seconds(ended.Sub(failed[0])))
}

// callsAfter counts the resources Terraform started to refresh, plan or apply after the time
// given, from its -json output.
func (r *terraformRun) callsAfter(at time.Time) int {
	calls := 0
	for _, line := range bytes.Split(r.out.Bytes(), []byte("\n")) {
		var event struct {
			Type      string    `json:"type"`
			Timestamp time.Time `json:"@timestamp"`
		}
		if json.Unmarshal(line, &event) == nil && event.Timestamp.After(at) &&
			(event.Type == "refresh_start" || event.Type == "apply_start" || event.Type == "planned_change") {
			calls++
		}
	}
	return calls
}

// checkEachFailedFast checks that no operation of a run whose datastore went silent waited for
// it longer than the bound the provider promises: request_timeout for those in flight, and
// calico.SilenceBound for the one sent to see whether it answers again (one second more for
// elapsed_seconds' rounding).
func checkEachFailedFast(t *testing.T, run *terraformRun) time.Duration {
	t.Helper()
	addr, took := run.slowestFailure()
	if bound := requestTimeout + calico.SilenceBound + time.Second; took > bound {
		t.Errorf("%s failed after %v, more than %v after the datastore went silent", addr, took, bound)
	}
	return took
}

// summaries counts the run's error diagnostics by summary.
func (r *terraformRun) summaries() map[string]int {
	out := map[string]int{}
	for _, d := range r.diagnostics("error") {
		out[d.Summary]++
	}
	return out
}

// errorsText is the run's error diagnostics, for a failure message (the first few in full).
func (r *terraformRun) errorsText() string {
	var b strings.Builder
	for i, d := range r.diagnostics("error") {
		if i == 5 {
			fmt.Fprintf(&b, "... and others: %v\n", r.summaries())
			break
		}
		fmt.Fprintf(&b, "%s: %s: %s\n", d.Address, d.Summary, d.Detail)
	}
	if b.Len() == 0 {
		out := r.out.String()
		return out[max(0, len(out)-3000):]
	}
	return b.String()
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

func (l *lockedBuffer) String() string { return string(l.Bytes()) }

// randomPoint is a random count between a fifth and three fifths of n: where in an apply of n
// objects a fault strikes.
func randomPoint(n int) int { return n/5 + rand.IntN(n*2/5+1) }

// ensureServing restarts, when the test ends, any of the mode's write servers a fault left
// stopped or frozen, so that the tests after it (and the destroy) find the datastore serving.
func ensureServing(t *testing.T, env *testenv.Env) {
	t.Cleanup(func() {
		for name := range env.PIDs {
			_ = env.Signal(name, syscall.SIGCONT)
		}
		var stopped []string
		for _, name := range env.WriteServers() {
			if env.Signal(name, 0) != nil {
				stopped = append(stopped, name)
			}
		}
		if len(stopped) > 0 {
			if err := env.Restart(context.Background(), stopped...); err != nil {
				t.Errorf("restarting %v: %v", stopped, err)
			}
		}
	})
}

// report records one measured row of the README's "Faults tried" table, in the file
// CALICO_FAULTS_REPORT names (make faults sets it), and in the test's log.
func report(t *testing.T, fault, result string, converged time.Duration) {
	mode := acctest.Cluster(t).Mode
	if t.Failed() {
		result = "FAILED (see the test's log): " + result
	}
	t.Logf("fault %q, mode %s: %s; converged in %.1f s", fault, mode, result, converged.Seconds())
	path := os.Getenv("CALICO_FAULTS_REPORT")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	row, _ := json.Marshal(map[string]any{"fault": fault, "mode": mode, "result": result, "converged_s": converged.Seconds()})
	_, _ = f.Write(append(row, '\n'))
}

func seconds(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f s", d.Seconds())
}
