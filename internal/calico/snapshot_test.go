package calico

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func peer(name string) *v3.BGPPeer { return &v3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: name}} }

func TestSnapshotFirstReadDirectThenOneList(t *testing.T) {
	s := &snapshot{}
	var lists atomic.Int32
	list := func(context.Context) ([]runtime.Object, error) {
		lists.Add(1)
		return []runtime.Object{peer("a"), peer("b")}, nil
	}
	ctx := context.Background()
	if _, ok, _ := s.lookup(ctx, "a", list); ok {
		t.Fatal("the first read must go to the API directly")
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			obj, ok, err := s.lookup(ctx, "b", list)
			if err != nil || !ok || obj == nil {
				t.Errorf("lookup b = %v %v %v", obj, ok, err)
			}
		}()
	}
	wg.Wait()
	if n := lists.Load(); n != 1 {
		t.Fatalf("%d LISTs for 50 concurrent reads, want 1", n)
	}
	if obj, ok, _ := s.lookup(ctx, "missing", list); !ok || obj != nil {
		t.Fatal("an object absent from the LIST is not found")
	}
}

func TestSnapshotSeesOwnWrites(t *testing.T) {
	s := &snapshot{}
	list := func(context.Context) ([]runtime.Object, error) { return []runtime.Object{peer("a")}, nil }
	ctx := context.Background()
	s.lookup(ctx, "a", list)
	s.lookup(ctx, "a", list) // loads
	s.store("c", peer("c"))
	s.forget("a")
	if obj, _, _ := s.lookup(ctx, "c", list); obj == nil {
		t.Error("created object not visible")
	}
	if obj, _, _ := s.lookup(ctx, "a", list); obj != nil {
		t.Error("deleted object still visible")
	}
}

func TestSnapshotWriteDuringListWins(t *testing.T) {
	s := &snapshot{}
	ctx := context.Background()
	release := make(chan struct{})
	started := make(chan struct{})
	list := func(context.Context) ([]runtime.Object, error) {
		close(started)
		<-release
		return []runtime.Object{peer("a")}, nil // listed before the delete below
	}
	s.lookup(ctx, "a", list)
	done := make(chan struct{})
	go func() { s.lookup(ctx, "a", list); close(done) }()
	<-started
	s.forget("a")
	close(release)
	<-done
	if obj, _, _ := s.lookup(ctx, "a", list); obj != nil {
		t.Error("a delete made while the LIST was in flight was lost")
	}
}

// Two writes of one object answered out of order: the older answer does not replace the newer,
// in a loaded snapshot and in one whose LIST is in flight.
func TestSnapshotKeepsTheNewerOfTwoWrites(t *testing.T) {
	node := func(rv string, cluster string) runtime.Object {
		n := &corev1.Node{}
		n.Name, n.ResourceVersion = "n", rv
		n.Annotations = map[string]string{AnnotationRouteReflectorClusterID: cluster}
		return n
	}
	var s snapshot
	s.objs = map[string]runtime.Object{}
	s.store("n", node("12", "244.0.0.1"))
	s.store("n", node("11", ""))
	if got := s.objs["n"].(*corev1.Node).ResourceVersion; got != "12" {
		t.Errorf("the snapshot holds resourceVersion %s, want the newer 12", got)
	}
	s.pending = map[string]runtime.Object{}
	s.store("n", node("14", "244.0.0.1"))
	s.store("n", node("13", ""))
	if got := s.pending["n"].(*corev1.Node).ResourceVersion; got != "14" {
		t.Errorf("the writes pending during a LIST hold resourceVersion %s, want the newer 14", got)
	}
	s.forget("n")
	if _, ok := s.objs["n"]; ok {
		t.Error("a delete after the writes was not recorded")
	}
}
