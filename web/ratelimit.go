package web

import (
	"sync"
	"time"
)

// limiter is a token bucket per key (an address, an account, a device):
// each attempt, or each failure, takes a token, and tokens come back at a
// steady rate. It slows password guessing to a crawl without letting
// anyone lock a real user out (loginSubmit).
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

// take takes a token from key's bucket; when there is none, it takes
// nothing and says how long until there is one.
func (l *limiter) take(key string, capacity int, every time.Duration, now time.Time) time.Duration {
	return l.use(key, capacity, every, now, true)
}

// wait says how long until key's bucket has a token (0: it has one now),
// taking nothing.
func (l *limiter) wait(key string, capacity int, every time.Duration, now time.Time) time.Duration {
	return l.use(key, capacity, every, now, false)
}

func (l *limiter) use(key string, capacity int, every time.Duration, now time.Time, take bool) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, capacity, every, now)
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) * float64(every))
	}
	if take {
		b.tokens--
	}
	return 0
}

// refill brings key's bucket up to now; l.mu is held.
func (l *limiter) refill(key string, capacity int, every time.Duration, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100000 {
			l.sweep(now, every*time.Duration(capacity))
		}
		b = &bucket{tokens: float64(capacity), last: now}
		l.buckets[key] = b
	}
	if now.After(b.last) {
		b.tokens += float64(now.Sub(b.last)) / float64(every)
		b.last = now
	}
	if b.tokens > float64(capacity) {
		b.tokens = float64(capacity)
	}
	return b
}

// sweep forgets buckets idle long enough to be full again.
func (l *limiter) sweep(now time.Time, full time.Duration) {
	for k, b := range l.buckets {
		if now.Sub(b.last) > full {
			delete(l.buckets, k)
		}
	}
}
