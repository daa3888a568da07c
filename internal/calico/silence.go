package calico

import (
	"errors"
	"sync/atomic"
	"time"
)

// SilenceBound is how long each operation waits, instead of request_timeout, while the
// datastore has not answered the last operation that was sent to it.
const SilenceBound = 5 * time.Second

// silence remembers whether the datastore answered the last operation, for every operation of
// one provider process. Terraform runs up to ten operations at a time and goes on with the
// others when one fails: without it, each of 300 queued writes to a dead or frozen datastore
// would wait the whole request_timeout in turn (an hour at the default), so the operations
// after the first unanswered ones each wait at most SilenceBound until the datastore answers
// again. Any answer, an error of the server's included, ends the silence.
type silence struct{ since atomic.Int64 }

// bound is how long the next operation may wait, given the configured timeout.
func (s *silence) bound(timeout time.Duration) time.Duration {
	if s == nil || s.since.Load() == 0 || timeout <= SilenceBound {
		return timeout
	}
	return SilenceBound
}

// observe records the outcome of an operation: an ErrUnreachable starts (or continues) the
// silence; an answer of any kind ends it. An interruption says nothing of the datastore.
func (s *silence) observe(err error) {
	switch {
	case s == nil, errors.Is(err, ErrInterrupted):
	case errors.Is(err, ErrUnreachable):
		s.since.CompareAndSwap(0, time.Now().UnixNano())
	default:
		s.since.Store(0)
	}
}
