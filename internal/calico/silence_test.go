package calico

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Once the datastore leaves an operation unanswered, the operations in flight are canceled as
// unanswered, and of those that follow one at a time is sent, bounded by SilenceBound, while the
// others fail at once; any answer, a refusal included, ends it, and an interruption changes
// nothing.
func TestSilenceStopsTheOthersUntilAnAnswer(t *testing.T) {
	s := newSilence()
	timeout := time.Minute
	deadlineIn := func(ctx context.Context) time.Duration {
		d, ok := ctx.Deadline()
		if !ok {
			t.Fatal("no deadline")
		}
		return time.Until(d)
	}

	inFlight, releaseInFlight, err := s.bound(context.Background(), timeout)
	if err != nil || deadlineIn(inFlight) < timeout-time.Second {
		t.Fatalf("answering: err %v, bound %v, want %v", err, deadlineIn(inFlight), timeout)
	}
	defer releaseInFlight()
	// An operation made of others is bounded once: its inner reads take nothing of their own.
	inner, releaseInner, err := s.bound(inFlight, timeout)
	if err != nil || inner != inFlight {
		t.Errorf("a nested operation was bounded again (err %v)", err)
	}
	releaseInner()

	s.observe(&Error{Class: ErrInterrupted, Err: context.Canceled})
	if inFlight.Err() != nil {
		t.Fatal("an interruption canceled another operation in flight")
	}
	s.observe(&Error{Class: ErrUnreachable, Err: context.DeadlineExceeded})
	select {
	case <-inFlight.Done():
	case <-time.After(time.Second):
		t.Fatal("the operation in flight was not canceled when another went unanswered")
	}
	if err := silenced(inFlight); !errors.Is(err, ErrUnreachable) {
		t.Errorf("the canceled operation's error is %v, want ErrUnreachable", err)
	}

	probe, releaseProbe, err := s.bound(context.Background(), timeout)
	if err != nil || deadlineIn(probe) > SilenceBound {
		t.Fatalf("silent: the first operation after is not the probe: err %v, bound %v", err, deadlineIn(probe))
	}
	_, releaseOther, err := s.bound(context.Background(), timeout)
	releaseOther()
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("silent with a probe out: another operation got %v, want ErrUnreachable at once", err)
	}
	releaseProbe()
	s.observe(&Error{Class: ErrUnreachable, Err: context.DeadlineExceeded}) // the probe went unanswered too
	next, releaseNext, err := s.bound(context.Background(), timeout)
	if err != nil || deadlineIn(next) > SilenceBound {
		t.Errorf("silent, the probe back: the next operation is not the next probe: err %v", err)
	}
	releaseNext()

	s.observe(&Error{Class: ErrForbidden, Err: errors.New("forbidden")})
	after, releaseAfter, err := s.bound(context.Background(), timeout)
	defer releaseAfter()
	if err != nil || deadlineIn(after) < timeout-time.Second || after.Err() != nil {
		t.Errorf("an answer did not end the silence: err %v", err)
	}
	s.observe(&Error{Class: ErrUnreachable, Err: context.DeadlineExceeded})
	select {
	case <-after.Done():
	case <-time.After(time.Second):
		t.Error("a new silence did not cancel the operation in flight")
	}

	var none *silence
	none.observe(&Error{Class: ErrUnreachable})
	ctx, release, err := none.bound(context.Background(), timeout)
	defer release()
	if err != nil || deadlineIn(ctx) < timeout-time.Second {
		t.Errorf("no silence tracking: err %v", err)
	}
}
