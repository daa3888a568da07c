package faults_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// terraform is killed (SIGKILL) at a random point of an apply. The objects created since its
// last state write exist without state; the next apply, with import blocks for exactly those
// (as a user writes them, or terraform query generates them), converges without deleting or
// replacing anything, and every live peer's password Secret survives.
func TestAccFault_terraformKilledMidApply(t *testing.T) {
	env := acctest.Cluster(t)
	n, prefix := size(300, 60), "fault-tfkill"
	withPassword := passwordPeers(env, 10)
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(peersConfig(prefix, n, withPassword, 65030))})

	run := startTerraform(t, cli, "apply", "-auto-approve", "-json")
	// Past the password peers (the first ones Terraform happens to create need not be them).
	run.waitStored(t, prefix, max(randomPoint(n), withPassword+n/10), 5*time.Minute)
	run.signal(t, syscall.SIGKILL)
	if err := run.wait(t, 30*time.Second); err == nil {
		t.Fatal("terraform, killed, exited 0")
	}
	// The provider's process, orphaned, notices that terraform is gone and exits.
	waitGroupGone(t, run, 10*time.Second)

	before := storedUIDs(t, prefix)
	inState := peersInState(t, cli)
	var imports strings.Builder
	for name := range before {
		if !slices.Contains(inState, name) {
			fmt.Fprintf(&imports, "import {\n  to = calico_bgp_peer.p[%q]\n  id = %q\n}\n", name, name)
		}
	}
	t.Logf("killed with %d peers stored, %d of them in state", len(before), len(inState))
	cli.WriteFile("imports.tf", []byte(imports.String()))

	// The state lock died with terraform: the next apply takes it without -lock=false.
	began := time.Now()
	converge(t, cli, prefix, n)
	converged := time.Since(began)
	after := storedUIDs(t, prefix)
	for name, uid := range before {
		if after[name] != uid {
			t.Errorf("peer %s was deleted or replaced by the apply after the kill (uid %s, now %q)", name, uid, after[name])
		}
	}
	checkPasswordSecrets(t, prefix, withPassword)
	report(t, "terraform killed (SIGKILL) mid-apply", "re-apply with import blocks for the objects without state "+
		"converges; nothing deleted or replaced, password Secrets kept", converged)
}

// waitGroupGone waits until no process of the run's process group is left.
func waitGroupGone(t *testing.T, run *terraformRun, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); syscall.Kill(-run.cmd.Process.Pid, 0) == nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(-run.cmd.Process.Pid, syscall.SIGKILL)
			t.Fatalf("the provider still ran %v after terraform was killed", within)
		}
	}
}

// storedUIDs maps the prefix's stored peers to their uids: a peer deleted and created again
// has another.
func storedUIDs(t *testing.T, prefix string) map[string]string {
	t.Helper()
	list, err := acctest.Stored(t, calico.BGPPeers.Plural).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, obj := range list.Items {
		if strings.HasPrefix(obj.GetName(), prefix+"-") {
			out[obj.GetName()] = string(obj.GetUID())
		}
	}
	return out
}

// checkPasswordSecrets checks that each of the first n peers refers to a Secret that holds its
// password, as calico-node reads it.
func checkPasswordSecrets(t *testing.T, prefix string, n int) {
	t.Helper()
	ctx := context.Background()
	for _, name := range names(prefix, n) {
		obj, err := acctest.Stored(t, calico.BGPPeers.Plural).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Errorf("peer %s: %v", name, err)
			continue
		}
		secretName, _, _ := unstructured.NestedString(obj.Object, "spec", "password", "secretKeyRef", "name")
		key, _, _ := unstructured.NestedString(obj.Object, "spec", "password", "secretKeyRef", "key")
		if secretName == "" {
			t.Errorf("peer %s has no password Secret reference: %v", name, obj.Object["spec"])
			continue
		}
		found := false
		for _, ns := range []string{"calico-system", "kube-system"} {
			s, err := acctest.Kube(t).CoreV1().Secrets(ns).Get(ctx, secretName, metav1.GetOptions{})
			if err == nil {
				found = true
				if got := string(s.Data[key]); got != "S3cret-"+name {
					t.Errorf("Secret %s/%s key %s holds %q, want the peer's password", ns, secretName, key, got)
				}
			}
		}
		if !found {
			t.Errorf("peer %s refers to Secret %s, which is gone", name, secretName)
		}
	}
}
