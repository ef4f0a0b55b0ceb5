package web

import (
	"sync"
	"time"
)

// limiter is a token bucket per key (an address, an e-mail): each attempt
// takes a token, tokens come back at a steady rate. It slows password
// guessing to a crawl without locking a real user out for long.
//
// It lives in memory, so each server replica counts on its own; with N
// replicas an attacker gets N times the rate, still far too slow to guess
// a password (docs/security.md).
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter() *limiter { return &limiter{buckets: map[string]*bucket{}} }

// allow takes a token from key's bucket of the given capacity, refilled at
// one token per every. It reports false when the bucket is empty.
func (l *limiter) allow(key string, capacity int, every time.Duration, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100000 {
			l.sweep(now, every*time.Duration(capacity))
		}
		b = &bucket{tokens: float64(capacity), last: now}
		l.buckets[key] = b
	}
	b.tokens += float64(now.Sub(b.last)) / float64(every)
	if b.tokens > float64(capacity) {
		b.tokens = float64(capacity)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sweep forgets buckets idle long enough to be full again.
func (l *limiter) sweep(now time.Time, full time.Duration) {
	for k, b := range l.buckets {
		if now.Sub(b.last) > full {
			delete(l.buckets, k)
		}
	}
}
