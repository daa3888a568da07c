package faults_test

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// passwordPeers is how many peers of a fault test have a write-only password: some where the
// provider keeps them in Kubernetes Secrets, none on etcd.
func passwordPeers(env *testenv.Env, n int) int {
	if env.Mode == testenv.ModeEtcd {
		return 0
	}
	return n
}

// silentBound is how long an apply of n objects may take to fail once the datastore stops
// answering: request_timeout for the operations in flight, calico.SilenceBound for the last look
// at whether it answers again, and Terraform's own walk over the resources left, which it goes
// on calling one by one however fast each fails (about 25 ms each on 2 cores; 50 ms allowed),
// plus a minute for a loaded machine. checkEachFailedFast holds each operation to the first two;
// the report says how long the apply really took.
func silentBound(n int) time.Duration {
	return requestTimeout + calico.SilenceBound + terraformWalk(n) + time.Minute
}

// terraformWalk is what Terraform may spend calling the provider once for each of n resources
// that fail at once: it goes on calling them one by one, however fast each fails, and after an
// interrupt too.
func terraformWalk(n int) time.Duration { return time.Duration(n) * 50 * time.Millisecond }

// unansweredSummaries are the summaries that say the datastore did not answer, per mode. Behind
// the Calico API server, kube-apiserver answers 503 for it once it knows it is down, and until
// then the request times out.
func unansweredSummaries(env *testenv.Env) []string {
	switch env.Mode {
	case testenv.ModeEtcd:
		return []string{"etcd Unreachable"}
	case testenv.ModeAPIServer:
		return []string{"Calico API Server Unavailable", "Kubernetes API Unreachable"}
	}
	return []string{"Kubernetes API Unreachable"}
}

// checkUnanswered checks that every error of a run that failed because the datastore stopped
// answering says so, naming the endpoint, and none reads as Calico rejecting an object.
func checkUnanswered(t *testing.T, env *testenv.Env, run *terraformRun, also ...string) {
	t.Helper()
	errs := run.diagnostics("error")
	if len(errs) == 0 {
		t.Fatalf("the apply failed with no error diagnostic:\n%s", run.errorsText())
	}
	endpoint := env.Host
	if env.Etcd != nil {
		endpoint = env.Etcd.Endpoint
	}
	unanswered := unansweredSummaries(env)
	want := append(unanswered, also...)
	for _, d := range errs {
		if !contains(want, d.Summary) {
			t.Errorf("%s: %q, want one of %q: %s", d.Address, d.Summary, want, d.Detail)
		} else if contains(unanswered, d.Summary) && !strings.Contains(d.Detail, endpoint) {
			t.Errorf("%s: %q does not name the endpoint %s: %s", d.Address, d.Summary, endpoint, d.Detail)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The process serving the writes is killed at a random point of an apply: the apply fails
// within a bound, saying the datastore did not answer; an apply while it is down fails the same
// way; once it is started again, one more apply converges with nothing duplicated, orphaned or
// missing, and an empty plan.
func TestAccFault_writeServersKilledMidApply(t *testing.T) {
	env := acctest.Cluster(t)
	n, prefix := silentDatastorePeers(), "fault-kill"
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(peersConfig(prefix, n, 0, 65010))})
	ensureServing(t, env)

	run := startTerraform(t, cli, "apply", "-auto-approve", "-json")
	at := randomPoint(n)
	run.waitStored(t, prefix, at, 5*time.Minute)
	for _, name := range env.WriteServers() {
		if err := env.Kill(name); err != nil {
			t.Fatal(err)
		}
	}
	killed := time.Now()
	err := run.wait(t, silentBound(n))
	failedIn := run.failedAfter(killed)
	t.Logf("killed %v after %d peers were stored; the apply failed %s later", env.WriteServers(), at, failedIn)
	if err == nil {
		t.Fatalf("the apply succeeded although %v were killed after %d of %d peers", env.WriteServers(), at, n)
	}
	checkUnanswered(t, env, run)
	slowest := checkEachFailedFast(t, run)

	// Still down: a new apply (a plan that refreshes what is in state) fails the same way.
	again := startTerraform(t, cli, "apply", "-auto-approve", "-json")
	if err := again.wait(t, silentBound(n)); err == nil {
		t.Fatal("an apply while the datastore is down succeeded")
	}
	checkUnanswered(t, env, again)

	began := time.Now()
	if err := env.Restart(context.Background(), env.WriteServers()...); err != nil {
		t.Fatal(err)
	}
	converge(t, cli, prefix, n)
	report(t, faultAt("datastore killed mid-apply", n), "apply fails "+failedIn+" after the kill (no operation waited over "+seconds(slowest)+"), naming the endpoint; "+
		"re-apply after restart converges", time.Since(began))
}

// The process serving the writes is frozen (SIGSTOP) mid-apply for longer than the timeouts:
// the apply fails within a bound, saying the datastore did not answer. Frozen again, an apply
// interrupted with SIGINT ends promptly and reports the interruption as one. Thawed, the next
// apply converges.
func TestAccFault_writeServersFrozenMidApply(t *testing.T) {
	env := acctest.Cluster(t)
	n, prefix := silentDatastorePeers(), "fault-freeze"
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(peersConfig(prefix, n, 0, 65020))})
	ensureServing(t, env)
	freeze := func() {
		for _, name := range env.WriteServers() {
			if err := env.Signal(name, syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
		}
	}
	thaw := func() {
		for _, name := range env.WriteServers() {
			if err := env.Signal(name, syscall.SIGCONT); err != nil {
				t.Fatal(err)
			}
		}
	}

	run := startTerraform(t, cli, "apply", "-auto-approve", "-json")
	run.waitStored(t, prefix, randomPoint(n), 5*time.Minute)
	freeze()
	frozen := time.Now()
	if err := run.wait(t, silentBound(n)); err == nil {
		t.Fatal("the apply succeeded although the datastore was frozen")
	}
	// The Calico API server frozen behind kube-apiserver: kube-apiserver's own proxy gives up
	// first, which the provider reports as the Calico API server not answering.
	checkUnanswered(t, env, run)
	frozenFor := run.failedAfter(frozen)
	slowest := checkEachFailedFast(t, run)

	// The server the provider connects to frozen too, so that the next apply surely waits
	// (behind the Calico API server, kube-apiserver soon answers 503 of its own).
	for _, name := range env.FrontServers() {
		if err := env.Signal(name, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
	}
	interrupted := startTerraform(t, cli, "apply", "-auto-approve", "-json")
	time.Sleep(3 * time.Second)
	pressed := interrupted.interrupt(t)
	if err := interrupted.wait(t, 2*requestTimeout+terraformWalk(n)); err == nil {
		t.Fatal("the interrupted apply succeeded")
	}
	endedIn := time.Since(pressed)
	t.Logf("Ctrl-C: terraform ended %v after it; it called the provider for %d resources after it", endedIn, interrupted.callsAfter(pressed))
	// Ended by the interrupt, not by request_timeout: no operation reports the datastore silent.
	for _, d := range interrupted.diagnostics("error") {
		if strings.HasPrefix(d.Summary, "Failed to") || strings.Contains(d.Detail, "Calico rejected") ||
			contains(unansweredSummaries(env), d.Summary) {
			t.Errorf("%s: an interruption reported as %q: %s", d.Address, d.Summary, d.Detail)
		}
	}

	for _, name := range env.FrontServers() {
		if err := env.Signal(name, syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
	}
	thaw()
	began := time.Now()
	converge(t, cli, prefix, n)
	report(t, faultAt("datastore frozen (SIGSTOP) mid-apply", n), "apply fails "+frozenFor+
		" after the freeze (no operation waited over "+seconds(slowest)+"), naming the endpoint; Ctrl-C ends it in "+seconds(endedIn)+"; re-apply after SIGCONT converges", time.Since(began))
}
