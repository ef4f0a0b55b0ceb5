package web

import (
	"context"
	"sync"
)

// genCache keeps values derived from stored data for the store generation
// they were read at. Every committed write, on this server or another
// replica, bumps the generation; the first request that sees the new
// number empties the cache, so nothing stale is ever answered and between
// writes a request costs a map lookup instead of queries.
//
// Concurrent requests for the same key wait for one build instead of each
// doing the work (at a million deals a build takes seconds). A build runs
// detached from the request that started it, so that the others waiting
// on it are not failed by that request going away; a failed build is not
// remembered, and each waiter then builds for itself. A request that
// began before a newer write builds for itself and leaves the cache alone.
// At most max entries are kept; past that the oldest goes first.
type genCache[K comparable, V any] struct {
	max int
	// keep, when set, says whether a built value may be remembered (the
	// encoded answers skip the very large ones); the callers waiting on
	// the build get it either way.
	keep func(V) bool

	mu      sync.Mutex
	gen     int64
	entries map[K]*genEntry[V]
	order   []K // oldest first
}

type genEntry[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func newGenCache[K comparable, V any](max int) *genCache[K, V] {
	return &genCache[K, V]{max: max}
}

// at moves the cache to gen (emptying it when gen is newer) and says
// whether gen is the cache's generation; the caller holds mu.
func (c *genCache[K, V]) at(gen int64) bool {
	if c.entries == nil || gen > c.gen {
		c.gen, c.entries, c.order = gen, map[K]*genEntry[V]{}, nil
	}
	return gen == c.gen
}

// do returns the value for key at gen, building it once.
func (c *genCache[K, V]) do(ctx context.Context, gen int64, key K, build func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	if !c.at(gen) {
		c.mu.Unlock()
		return build(ctx)
	}
	if e, ok := c.entries[key]; ok {
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
		if e.err != nil {
			return build(ctx)
		}
		return e.v, nil
	}
	e := &genEntry[V]{done: make(chan struct{})}
	c.add(key, e)
	c.mu.Unlock()
	defer func() {
		if e.err != nil || (c.keep != nil && !c.keep(e.v)) {
			c.forget(key, e)
		}
		close(e.done)
	}()
	e.err = errPanicked // replaced unless build panics
	e.v, e.err = build(context.WithoutCancel(ctx))
	return e.v, e.err
}

// errPanicked is what waiters see when a build panicked: they build for
// themselves.
var errPanicked = &buildPanic{}

type buildPanic struct{}

func (*buildPanic) Error() string { return "cache build panicked" }

// get returns the value built for key at gen, if there is one already.
func (c *genCache[K, V]) get(gen int64, key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	if c.entries == nil || gen != c.gen {
		return zero, false
	}
	e, ok := c.entries[key]
	if !ok {
		return zero, false
	}
	select {
	case <-e.done:
		return e.v, e.err == nil
	default:
		return zero, false
	}
}

// add remembers an entry, dropping the oldest when full; the caller holds
// mu.
func (c *genCache[K, V]) add(key K, e *genEntry[V]) {
	for len(c.entries) >= max(c.max, 1) && len(c.order) > 0 {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.entries[key] = e
	c.order = append(c.order, key)
}

// dropIf forgets the value built for key at gen if match says so (for a
// value that turned out wrong after it was built).
func (c *genCache[K, V]) dropIf(gen int64, key K, match func(V) bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	ok = ok && gen == c.gen
	c.mu.Unlock()
	if ok {
		select {
		case <-e.done:
		default:
			return // still being built: nothing to match yet
		}
	}
	if ok && match(e.v) {
		c.forget(key, e)
	}
}

// forget drops key if it still holds e.
func (c *genCache[K, V]) forget(key K, e *genEntry[V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[key] != e {
		return
	}
	delete(c.entries, key)
	for i, k := range c.order {
		if k == key {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
}
