package calico

import (
	"errors"
	"testing"
	"time"
)

// Once the datastore leaves an operation unanswered, the next ones wait SilenceBound; any
// answer, a refusal included, restores request_timeout, and an interruption changes nothing.
func TestSilenceShortensTheBoundUntilAnAnswer(t *testing.T) {
	s := new(silence)
	timeout := time.Minute
	steps := []struct {
		outcome error
		want    time.Duration
	}{
		{nil, timeout},
		{&Error{Class: ErrUnreachable, Err: errors.New("connection refused")}, SilenceBound},
		{&Error{Class: ErrInterrupted, Err: errors.New("context canceled")}, SilenceBound},
		{&Error{Class: ErrUnreachable, Err: errors.New("deadline exceeded")}, SilenceBound},
		{&Error{Class: ErrForbidden, Err: errors.New("forbidden")}, timeout},
		{&Error{Class: ErrUnreachable, Err: errors.New("connection refused")}, SilenceBound},
		{nil, timeout},
	}
	for i, step := range steps {
		s.observe(step.outcome)
		if got := s.bound(timeout); got != step.want {
			t.Errorf("after outcome %d (%v): bound %v, want %v", i, step.outcome, got, step.want)
		}
	}
	if got := s.bound(2 * time.Second); got != 2*time.Second {
		t.Errorf("a request_timeout shorter than SilenceBound is kept: got %v", got)
	}
	var none *silence
	none.observe(&Error{Class: ErrUnreachable})
	if got := none.bound(timeout); got != timeout {
		t.Errorf("no silence tracking: bound %v, want %v", got, timeout)
	}
}
