package protocol

import (
	"context"
	"sync"
	"time"
)

// withRequestContext calls rpc with ctx wrapped in a requestContext and cuts the wrapper loose
// from ctx once rpc returns.
//
// The framework (v1.19) keeps the cancel function of every request's context until Terraform
// sends StopProvider, which it does not send during a normal plan or apply. Each kept function
// holds its context and with it the request's loggers, so without this the provider's memory
// grows with every request of a run, several per resource (CONTRIBUTING, Performance, has the
// figures).
func withRequestContext[Req, Resp any](ctx context.Context, req Req, rpc func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := &requestContext{request: ctx}
	defer rc.end()
	return rpc(rc, req)
}

// requestContext is the request's context while the request runs. Afterwards it is an empty,
// cancelled context, so that whatever still refers to it refers to a few words, not to the
// request.
type requestContext struct {
	mu      sync.RWMutex
	request context.Context // nil once the request has ended
}

// ended is the Done channel of every ended requestContext.
var ended = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

func (c *requestContext) end() {
	c.mu.Lock()
	c.request = nil
	c.mu.Unlock()
}

func (c *requestContext) live() context.Context {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.request
}

func (c *requestContext) Deadline() (time.Time, bool) {
	if r := c.live(); r != nil {
		return r.Deadline()
	}
	return time.Time{}, false
}

func (c *requestContext) Done() <-chan struct{} {
	if r := c.live(); r != nil {
		return r.Done()
	}
	return ended
}

func (c *requestContext) Err() error {
	if r := c.live(); r != nil {
		return r.Err()
	}
	return context.Canceled
}

func (c *requestContext) Value(key any) any {
	if r := c.live(); r != nil {
		return r.Value(key)
	}
	return nil
}
