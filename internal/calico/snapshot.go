package calico

import (
	"context"
	"strconv"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
)

// snapshotTTL bounds how old a listed object may be when it is served. A Terraform refresh
// reads every resource within seconds; anything later lists again.
const snapshotTTL = 30 * time.Second

// snapshot serves reads of one kind from a single paged LIST. The first read in a run goes
// straight to the API (a run that touches one object should not list thousands); from the
// second read on, one LIST is made and every read is answered from it until it is snapshotTTL
// old. The provider's own writes update the snapshot, so it never hides them.
type snapshot struct {
	mu       sync.Mutex
	reads    int
	objs     map[string]runtime.Object // nil until loaded
	loadedAt time.Time
	loading  *snapshotLoad
	pending  map[string]runtime.Object // writes made while a LIST was in flight; nil value = deleted
}

type snapshotLoad struct {
	done chan struct{}
	err  error
}

// lookup answers from the snapshot when it should (ok true; obj nil means absent), or tells the
// caller to read directly (ok false).
func (s *snapshot) lookup(ctx context.Context, name string, list func(context.Context) ([]runtime.Object, error)) (runtime.Object, bool, error) {
	s.mu.Lock()
	if s.objs != nil && time.Since(s.loadedAt) < snapshotTTL {
		obj := s.objs[name]
		s.mu.Unlock()
		return obj, true, nil
	}
	s.reads++
	if s.reads == 1 {
		s.mu.Unlock()
		return nil, false, nil
	}
	load := s.loading
	if load == nil {
		load = &snapshotLoad{done: make(chan struct{})}
		s.loading, s.pending = load, map[string]runtime.Object{}
		s.mu.Unlock()
		objs, err := list(ctx)
		s.mu.Lock()
		if err == nil {
			s.objs = make(map[string]runtime.Object, len(objs))
			for _, o := range objs {
				if m, merr := meta.Accessor(o); merr == nil {
					s.objs[m.GetName()] = o
				}
			}
			for n, o := range s.pending {
				s.set(n, o)
			}
			s.loadedAt = time.Now()
		}
		load.err, s.loading, s.pending = err, nil, nil
		close(load.done)
		s.mu.Unlock()
	} else {
		s.mu.Unlock()
		select {
		case <-load.done:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
	if load.err != nil {
		return nil, false, load.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.objs[name], true, nil
}

func (s *snapshot) set(name string, obj runtime.Object) {
	if obj == nil {
		delete(s.objs, name)
	} else {
		s.objs[name] = obj
	}
}

// store records the provider's own write of an object. Two writes of one object in flight at
// once (two node resources patching one node) may answer in either order: the answer with the
// older resourceVersion is not to replace the newer one.
func (s *snapshot) store(name string, obj runtime.Object) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if obj != nil {
		obj = obj.DeepCopyObject()
	}
	if s.pending != nil && !olderThan(obj, s.pending[name]) {
		s.pending[name] = obj
	}
	if s.objs != nil && !olderThan(obj, s.objs[name]) {
		s.set(name, obj)
	}
}

// olderThan says whether obj is an older version of the same object than held: both have
// resourceVersions that are revisions of one store (the Kubernetes API's etcd, or Calico's),
// and obj's is the lower. A deletion (nil) is never older.
func olderThan(obj, held runtime.Object) bool {
	if obj == nil || held == nil {
		return false
	}
	a, errA := meta.Accessor(obj)
	b, errB := meta.Accessor(held)
	if errA != nil || errB != nil {
		return false
	}
	ra, errA := strconv.ParseUint(a.GetResourceVersion(), 10, 64)
	rb, errB := strconv.ParseUint(b.GetResourceVersion(), 10, 64)
	return errA == nil && errB == nil && ra < rb
}

// forget records the provider's own delete of an object.
func (s *snapshot) forget(name string) { s.store(name, nil) }
