package calico

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// SilenceBound is how long the one operation sent to a silent datastore, to see whether it
// answers again, may wait for its answer.
const SilenceBound = 5 * time.Second

// silence is what one provider process knows of whether its datastore answers. Terraform runs
// up to ten operations at a time and goes on with the others when one fails, so a datastore that
// dies or freezes would otherwise cost every queued operation its own request_timeout. Once an
// operation has gone unanswered (ErrUnreachable), the datastore is silent until it answers again:
//   - the operations then in flight are canceled at once, as unanswered;
//   - of those that follow, one at a time is sent, bounded by SilenceBound, to see whether the
//     datastore answers again; the others fail at once without being sent.
//
// Any answer, an error of the server's included, ends the silence. An interruption says nothing
// of the datastore.
type silence struct {
	mu sync.Mutex
	// answering is canceled, with the unanswered operation's error as its cause, when a silence
	// begins; a new one replaces it when the silence ends.
	answering context.Context
	stop      context.CancelCauseFunc
	// since is when the silence began; zero: the datastore answers.
	since   time.Time
	probing bool // an operation is out to see whether the datastore answers again
}

func newSilence() *silence {
	s := &silence{}
	s.answering, s.stop = context.WithCancelCause(context.Background())
	return s
}

// boundKey marks a context already bounded, so that an operation made of others (an update
// reads first) is bounded once.
type boundKey struct{}

// bound limits ctx for one operation: by timeout, by the datastore's silence as described on
// silence, and by Interrupt. err (ErrUnreachable, ErrInterrupted) means the operation is not to
// be sent. release is always to be called.
func (s *silence) bound(ctx context.Context, timeout time.Duration) (_ context.Context, release func(), err error) {
	if ctx.Value(boundKey{}) != nil {
		return ctx, func() {}, nil
	}
	ctx = context.WithValue(ctx, boundKey{}, true)
	if interruption.Err() != nil {
		return ctx, func() {}, &Error{Class: ErrInterrupted, Err: fmt.Errorf("not sent: %w", errUserInterrupt)}
	}
	ctx, uninterruptible := interruptible(ctx)
	ctx, releaseSilent, err := s.boundSilent(ctx, timeout)
	return ctx, func() { releaseSilent(); uninterruptible() }, err
}

// boundSilent is bound without the interruption.
func (s *silence) boundSilent(ctx context.Context, timeout time.Duration) (_ context.Context, release func(), err error) {
	if s == nil {
		return withTimeout(ctx, timeout)
	}
	s.mu.Lock()
	if !s.since.IsZero() {
		if s.probing {
			since := s.since
			s.mu.Unlock()
			return ctx, func() {}, &Error{Class: ErrUnreachable, Err: fmt.Errorf("not sent: the datastore has left "+
				"operations unanswered for %s", time.Since(since).Round(time.Second))}
		}
		s.probing = true
		s.mu.Unlock()
		probeTimeout := SilenceBound
		if timeout > 0 {
			probeTimeout = min(timeout, SilenceBound)
		}
		ctx, cancel := context.WithTimeout(ctx, probeTimeout)
		return ctx, func() {
			cancel()
			s.mu.Lock()
			s.probing = false
			s.mu.Unlock()
		}, nil
	}
	answering := s.answering
	s.mu.Unlock()
	stopped, stop := context.WithCancelCause(ctx)
	unlink := context.AfterFunc(answering, func() { stop(context.Cause(answering)) })
	bounded, cancel, _ := withTimeout(stopped, timeout)
	return bounded, func() {
		cancel()
		unlink()
		stop(nil)
	}, nil
}

func withTimeout(ctx context.Context, timeout time.Duration) (context.Context, func(), error) {
	if timeout <= 0 {
		return ctx, func() {}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, nil
}

// silencedError is the cause with which the operations in flight are canceled when another goes
// unanswered.
type silencedError struct{ unanswered error }

func (e *silencedError) Error() string {
	return fmt.Sprintf("canceled: another operation went unanswered (%v)", e.unanswered)
}

// silenced is the error of an operation whose ctx (from bound) the silence canceled, nil if it
// was not.
func silenced(ctx context.Context) error {
	var e *silencedError
	if errors.As(context.Cause(ctx), &e) {
		return &Error{Class: ErrUnreachable, Err: e}
	}
	return nil
}

// observe records the outcome of an operation: an ErrUnreachable begins (or continues) the
// silence; an answer of any kind ends it; an interruption changes nothing.
func (s *silence) observe(err error) {
	if s == nil || errors.Is(err, ErrInterrupted) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case errors.Is(err, ErrUnreachable):
		if s.since.IsZero() {
			s.since = time.Now()
			s.stop(&silencedError{unanswered: err})
		}
	case !s.since.IsZero():
		s.since = time.Time{}
		s.answering, s.stop = context.WithCancelCause(context.Background())
	}
}

// interruption is canceled when the user interrupts Terraform (Interrupt).
var interruption, interrupt = context.WithCancelCause(context.Background())

// errUserInterrupt is the cause of the operations Interrupt stops.
var errUserInterrupt = errors.New("Terraform was interrupted (Ctrl-C)") //nolint:staticcheck // it begins with a name

// Interrupt stops, as interrupted, every datastore operation in flight and every one that
// follows, for the rest of the process. The provider calls it when Ctrl-C reaches it: Terraform
// asks providers to stop only once it is applying, and an interrupted plan would otherwise wait
// for each of its reads of a datastore that does not answer.
func Interrupt() { interrupt(errUserInterrupt) }

// Interrupted says whether Interrupt was called.
func Interrupted() bool { return interruption.Err() != nil }

// interruptible is ctx, canceled as well when Interrupt is called. release is always to be
// called.
func interruptible(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	unlink := context.AfterFunc(interruption, func() { cancel(errUserInterrupt) })
	return ctx, func() { unlink(); cancel(nil) }
}
