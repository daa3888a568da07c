package faults_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// writerAnnotation is the annotation the other writer keeps changing.
const writerAnnotation = "faults.test/writer"

// While terraform updates peers, the default BGPConfiguration and (on Kubernetes) a node's AS
// number, another writer changes the same objects' other fields and annotations in a loop:
// Calico's library on the peers and the node, as calico-node's components write, and a
// calicoctl get-and-replace script on the BGPConfiguration where calicoctl can write the mode.
// The fields are those the configuration leaves to the other writer with ignore_changes (a
// field the configuration manages is Terraform's to set, unset included). Neither side's writes
// are lost: the stored objects end with terraform's values and the other writer's last ones,
// although terraform planned with values the other writer has changed since.
func TestAccFault_concurrentWriters(t *testing.T) {
	env := acctest.Cluster(t)
	n, prefix := size(100, 20), "fault-race"
	const node = "fault-race-node"
	if env.Mode.Kubernetes() {
		acctest.CreateNode(t, node, nil, nil)
	}
	config := func(round int) string {
		// The node is alone in its cluster: deleting the last peer cuts it off, which the session
		// guard would refuse.
		c := peersConfig(prefix, n, 0, 65040+round, "lifecycle {\n    ignore_changes = [max_restart_time]\n  }",
			"session_guard = { allow_cut_off = true }") + fmt.Sprintf(`
resource "calico_bgp_configuration" "default" {
  name                = "default"
  as_number           = "%d"
  log_severity_screen = %q
  lifecycle {
    ignore_changes = [ignored_interfaces]
  }
}
`, 64512+round, []string{"Info", "Warning"}[round])
		if env.Mode.Kubernetes() {
			c += fmt.Sprintf("resource \"calico_node_bgp\" \"n\" {\n  node      = %q\n  as_number = \"%d\"\n}\n", node, 64600+round)
		}
		return c
	}
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(config(0))})
	if err := cli.Apply(); err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	last := &lastWrites{rounds: map[string]int{}}
	wg.Add(1)
	go func() { defer wg.Done(); racePeers(ctx, t, names(prefix, n), last) }()
	wg.Add(1)
	go func() { defer wg.Done(); raceBGPConfiguration(ctx, t, env, last) }()
	if env.Mode.Kubernetes() {
		wg.Add(1)
		go func() { defer wg.Done(); raceNode(ctx, t, node, last) }()
	}
	time.Sleep(time.Second) // the other writer is at it before terraform starts
	cli.WriteFile("main.tf", []byte(config(1)))
	run := startTerraform(t, cli, "apply", "-auto-approve", "-json")
	err := run.wait(t, 10*time.Minute)
	time.Sleep(time.Second) // and after it ends
	stop()
	wg.Wait()
	if err != nil {
		t.Fatalf("terraform's update failed while another writer wrote the same objects: %v\n%s", err, run.errorsText())
	}
	t.Logf("the other writer wrote %d times during terraform's apply of %.1f s", last.total, run.took.Seconds())

	check := func(object string, ok bool, detail string) {
		if !ok {
			t.Errorf("%s: %s", object, detail)
		}
	}
	ctx = context.Background()
	for _, name := range names(prefix, n) {
		p, err := acctest.Calico(t).BGPPeers().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		check(name, p.Spec.ASNumber.String() == "65041", "terraform's as_number lost: "+p.Spec.ASNumber.String())
		if round, wrote := last.get(name); wrote {
			want := strconv.Itoa(round)
			check(name, p.Annotations[writerAnnotation] == want, fmt.Sprintf("the other writer's annotation is %q, want %q", p.Annotations[writerAnnotation], want))
			check(name, p.Spec.MaxRestartTime != nil && p.Spec.MaxRestartTime.Duration == restartTime(round),
				fmt.Sprintf("the other writer's maxRestartTime is %v, want %v", p.Spec.MaxRestartTime, restartTime(round)))
		}
	}
	c, err := acctest.Calico(t).BGPConfigurations().Get(ctx, "default", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check("default", c.Spec.ASNumber != nil && c.Spec.ASNumber.String() == "64513", fmt.Sprintf("terraform's as_number lost: %v", c.Spec.ASNumber))
	check("default", c.Spec.LogSeverityScreen == "Warning", "terraform's log_severity_screen lost: "+c.Spec.LogSeverityScreen)
	if round, wrote := last.get("default"); wrote {
		want := fmt.Sprintf("race%d", round)
		check("default", len(c.Spec.IgnoredInterfaces) == 1 && c.Spec.IgnoredInterfaces[0] == want,
			fmt.Sprintf("the other writer's ignoredInterfaces are %v, want [%s]", c.Spec.IgnoredInterfaces, want))
		check("default", c.Annotations[writerAnnotation] == strconv.Itoa(round), "the other writer's annotation lost: "+c.Annotations[writerAnnotation])
	}
	if env.Mode.Kubernetes() {
		k, err := acctest.GetNode(t, node)
		if err != nil {
			t.Fatal(err)
		}
		check(node, k.Annotations["projectcalico.org/ASNumber"] == "64601", "terraform's AS number lost: "+k.Annotations["projectcalico.org/ASNumber"])
		if round, wrote := last.get(node); wrote {
			check(node, k.Annotations[writerAnnotation] == strconv.Itoa(round), "the other writer's annotation lost: "+k.Annotations[writerAnnotation])
			check(node, k.Annotations["projectcalico.org/IPv4Address"] == nodeAddress(round),
				"calico-node's address lost: "+k.Annotations["projectcalico.org/IPv4Address"])
		}
	}
	report(t, "another writer changing the same objects", fmt.Sprintf("no write lost on either side (%d writes by the other writer)", last.total), run.took)
}

// persistent is how the other writer retries a conflict: as long as a controller would, not
// giving up after the five quick tries of client-go's default while terraform writes the same
// object.
var persistent = wait.Backoff{Steps: 40, Duration: 10 * time.Millisecond, Factor: 1.5, Jitter: 0.1, Cap: time.Second}

// isConflict says whether a write lost a race: Kubernetes' 409, or Calico's library's own
// error on etcd.
func isConflict(err error) bool {
	var libConflict cerrors.ErrorResourceUpdateConflict
	return apierrors.IsConflict(err) || errors.As(err, &libConflict)
}

// lastWrites is the other writer's last successful round per object.
type lastWrites struct {
	mu     sync.Mutex
	rounds map[string]int
	total  int
}

func (l *lastWrites) set(object string, round int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rounds[object] = round
	l.total++
}

func (l *lastWrites) get(object string) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	round, ok := l.rounds[object]
	return round, ok
}

func restartTime(round int) time.Duration { return time.Duration(round+1) * time.Second }

func nodeAddress(round int) string { return fmt.Sprintf("10.9.%d.1/24", round%250) }

// writeRound is the other writer's read-modify-write of one object in round: it records the
// round in the object's writerAnnotation, applies change, and retries conflicts as Calico's
// components do.
func writeRound[T metav1.Object](ctx context.Context, objects acctest.Objects[T], name string, round int, change func(T)) error {
	return retry.OnError(persistent, isConflict, func() error {
		obj, err := objects.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		annotations := obj.GetAnnotations()
		if annotations == nil {
			annotations = map[string]string{}
		}
		annotations[writerAnnotation] = strconv.Itoa(round)
		obj.SetAnnotations(annotations)
		change(obj)
		_, err = objects.Update(ctx, obj, metav1.UpdateOptions{})
		return err
	})
}

// racePeers changes every peer's annotation and maxRestartTime in turn, through Calico's
// library, retrying conflicts as Calico's components do, until ctx ends.
func racePeers(ctx context.Context, t *testing.T, peers []string, last *lastWrites) {
	// ctx ends the loop, never a write in flight: a write cut off by its cancellation may still
	// be stored, and then the last write the test knows of would not be the last one stored.
	req := context.WithoutCancel(ctx)
	objects := acctest.Calico(t).BGPPeers()
	for round := 0; ctx.Err() == nil; round++ {
		name := peers[round%len(peers)]
		err := writeRound(req, objects, name, round, func(p *v3.BGPPeer) {
			p.Spec.MaxRestartTime = &metav1.Duration{Duration: restartTime(round)}
		})
		if err == nil {
			last.set(name, round)
		} else {
			t.Errorf("the other writer could not write peer %s: %v", name, err)
			return
		}
	}
}

// raceBGPConfiguration changes the default BGPConfiguration's ignoredInterfaces and annotation
// in a loop: with calicoctl patch where calicoctl can write the mode, else through Calico's
// library.
func raceBGPConfiguration(ctx context.Context, t *testing.T, env *testenv.Env, last *lastWrites) {
	// ctx ends the loop, never a write in flight: a write cut off by its cancellation may still
	// be stored, and then the last write the test knows of would not be the last one stored.
	req := context.WithoutCancel(ctx)
	objects := acctest.Calico(t).BGPConfigurations()
	for round := 0; ctx.Err() == nil; round++ {
		var err error
		if env.Mode != testenv.ModeV3CRDs {
			err = calicoctlReplace(req, env, round)
		} else {
			err = writeRound(req, objects, "default", round, func(c *v3.BGPConfiguration) {
				c.Spec.IgnoredInterfaces = []string{fmt.Sprintf("race%d", round)}
			})
		}
		if err == nil {
			last.set("default", round)
		} else if ctx.Err() == nil {
			// A script's round that lost a conflict to terraform's write fails and the loop goes
			// on; only the successful rounds must survive.
			t.Logf("the other writer's round %d on default: %v", round, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// raceNode changes a node's annotations in a loop as calico-node does: its address and a key of
// another tool's.
func raceNode(ctx context.Context, t *testing.T, node string, last *lastWrites) {
	// ctx ends the loop, never a write in flight: a write cut off by its cancellation may still
	// be stored, and then the last write the test knows of would not be the last one stored.
	req := context.WithoutCancel(ctx)
	nodes := acctest.Kube(t).CoreV1().Nodes()
	for round := 0; ctx.Err() == nil; round++ {
		err := writeRound(req, nodes, node, round, func(k *corev1.Node) {
			k.Annotations["projectcalico.org/IPv4Address"] = nodeAddress(round)
		})
		if err == nil {
			last.set(node, round)
		} else {
			t.Errorf("the other writer could not write node %s: %v", node, err)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// calicoctlReplace is one round of a script's read-modify-write of the default
// BGPConfiguration with calicoctl (which has no patch): get, change, replace, which calicoctl
// makes conditional on the resourceVersion it read.
func calicoctlReplace(ctx context.Context, env *testenv.Env, round int) error {
	out, err := env.RunCalicoctl(ctx, nil, "get", "bgpconfiguration", "default", "-o", "json")
	if err != nil {
		return err
	}
	var obj map[string]any
	if err := json.Unmarshal(out, &obj); err != nil {
		return err
	}
	meta, _ := obj["metadata"].(map[string]any)
	annotations, _ := meta["annotations"].(map[string]any)
	if annotations == nil {
		annotations = map[string]any{}
	}
	annotations[writerAnnotation] = strconv.Itoa(round)
	meta["annotations"] = annotations
	spec, _ := obj["spec"].(map[string]any)
	spec["ignoredInterfaces"] = []string{fmt.Sprintf("race%d", round)}
	in, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	_, err = env.RunCalicoctl(ctx, in, "replace", "-f", "-")
	return err
}
