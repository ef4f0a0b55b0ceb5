package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

// countingStore counts the writes of client summaries: one per
// assessment of the stale clients.
type countingStore struct {
	cartera.Store
	saves atomic.Int32
}

func (c *countingStore) SaveSummaries(ctx context.Context, key string, rows []cartera.Summary, replace bool) error {
	c.saves.Add(1)
	return c.Store.SaveSummaries(ctx, key, rows, replace)
}

// Sixteen requests that all find the summaries stale (a server just
// started, the first visitors of a day) assess the portfolio once, not
// sixteen times.
func TestConcurrentFirstRequestsAssessThePortfolioOnce(t *testing.T) {
	f := newFixture(t)
	cs := &countingStore{Store: f.st}
	srv, err := New(Config{Addr: "127.0.0.1:0", BaseURL: "http://cartera.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return now }}, cs)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			path := "/api/v1/clients?limit=5"
			if i%2 == 1 {
				path = "/api/v1/assessments"
			}
			req, _ := http.NewRequest("GET", ts.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			codes[i] = res.StatusCode
		}(i)
	}
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Errorf("request %d: %d", i, c)
		}
	}
	if n := cs.saves.Load(); n != 1 {
		t.Errorf("the portfolio was assessed %d times, want once", n)
	}
}
