package sqlrow

import (
	"context"
	"sync"

	"github.com/cartera/cartera"
)

// GenerationDay caches one day computed from the data (such as the last day
// anything in the pipeline is dated) until the next write: it is read
// again only when the store's generation has moved.
type GenerationDay struct {
	mu  sync.Mutex
	gen int64
	day cartera.Date
	ok  bool
}

// Get returns the day, running query (one day number) only when a write
// has come since the last time.
func (c *GenerationDay) Get(ctx context.Context, q Q, query string) (cartera.Date, error) {
	var gen int64
	if err := q.QueryRow(ctx, `SELECT n FROM generation WHERE id = 1`).Scan(&gen); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.gen == gen {
		return c.day, nil
	}
	var day int64
	if err := q.QueryRow(ctx, query).Scan(&day); err != nil {
		return 0, err
	}
	c.gen, c.day, c.ok = gen, cartera.DateFromUnixDay(day), true
	return c.day, nil
}
