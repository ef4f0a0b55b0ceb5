package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/postgres"
	"github.com/cartera/cartera/postgres/pgtest"
)

// Fifty writers update the same client through the API at once, each by
// reading it, appending its own mark to the notes and writing it back with
// If-Match; a 409 means someone else got there first, so it reads again.
// No update may be lost: every mark must be in the notes exactly once, and
// the incidents they create must all be counted.
func TestFiftyConcurrentWritersLoseNothing(t *testing.T) {
	t.Parallel()
	for _, store := range testStores {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel()
			f := newFixtureOn(t, store.open)
			hammer(t, f.ts.URL, f.tokens["owner"], "C-001")
		})
	}
}

// testStores are the stores web tests run on: SQLite, and PostgreSQL when
// CARTERA_TEST_POSTGRES names a server (skipped otherwise).
var testStores = []struct {
	name string
	open func(testing.TB) cartera.Store
}{
	{"sqlite", openSQLite},
	{"postgres", func(t testing.TB) cartera.Store {
		st, err := postgres.Open(bg, pgtest.DSN(t), cartera.FixedClock(now))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
}

// hammer runs the concurrent writers against a server; it is the same test
// for every store behind the server.
func hammer(t *testing.T, base, token, clientID string) {
	const writers, rounds = 50, 3
	do := func(method, path, body string, header ...string) (int, http.Header, []byte, error) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, b, err
	}
	// Start from empty notes.
	code, h, b, err := do("GET", "/api/v1/clients/"+clientID, "")
	if err != nil || code != 200 {
		t.Fatalf("get: %d %v", code, err)
	}
	var c map[string]any
	json.Unmarshal(b, &c)
	c["notes"] = ""
	body, _ := json.Marshal(c)
	if code, _, b, _ := do("PUT", "/api/v1/clients/"+clientID, string(body), "If-Match", h.Get("ETag")); code != 200 {
		t.Fatalf("reset notes: %d %s", code, b)
	}
	var incidentsBefore int
	countIncidents := func() int {
		n := 0
		cursor := ""
		for {
			_, _, b, err := do("GET", "/api/v1/incidents?limit=500&client="+clientID+"&cursor="+cursor, "")
			if err != nil {
				t.Fatal(err)
			}
			var page struct {
				Items      []any  `json:"items"`
				NextCursor string `json:"next_cursor"`
			}
			json.Unmarshal(b, &page)
			n += len(page.Items)
			if page.NextCursor == "" {
				return n
			}
			cursor = page.NextCursor
		}
	}
	incidentsBefore = countIncidents()

	var wg sync.WaitGroup
	var mu sync.Mutex
	conflicts := 0
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := 0; k < rounds; k++ {
				mark := fmt.Sprintf("[w%02d.%d]", w, k)
				for attempt := 0; ; attempt++ {
					if attempt > 500 {
						errs <- fmt.Errorf("%s: gave up after 500 conflicts", mark)
						return
					}
					code, h, b, err := do("GET", "/api/v1/clients/"+clientID, "")
					if err != nil || code != 200 {
						errs <- fmt.Errorf("get: %d %v", code, err)
						return
					}
					var c map[string]any
					json.Unmarshal(b, &c)
					c["notes"] = c["notes"].(string) + mark
					body, _ := json.Marshal(c)
					code, _, b, err = do("PUT", "/api/v1/clients/"+clientID, string(body), "If-Match", h.Get("ETag"))
					if err != nil {
						errs <- err
						return
					}
					if code == http.StatusConflict {
						mu.Lock()
						conflicts++
						mu.Unlock()
						continue
					}
					if code != 200 {
						errs <- fmt.Errorf("put: %d %s", code, b)
						return
					}
					break
				}
				inc := fmt.Sprintf(`{"id": "conc-%02d-%d", "client_id": %q, "at": "2026-11-20T10:00:00Z", "kind": "scope_creep", "severity": 1}`, w, k, clientID)
				if code, _, b, err := do("POST", "/api/v1/incidents", inc); err != nil || code != 201 {
					errs <- fmt.Errorf("incident: %d %s %v", code, b, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	_, _, b, _ = do("GET", "/api/v1/clients/"+clientID, "")
	json.Unmarshal(b, &c)
	notes := c["notes"].(string)
	for w := 0; w < writers; w++ {
		for k := 0; k < rounds; k++ {
			mark := fmt.Sprintf("[w%02d.%d]", w, k)
			if n := strings.Count(notes, mark); n != 1 {
				t.Errorf("%s is in the notes %d times: an update was lost or doubled", mark, n)
			}
		}
	}
	if got := countIncidents() - incidentsBefore; got != writers*rounds {
		t.Errorf("%d incidents created, want %d", got, writers*rounds)
	}
	if conflicts == 0 {
		t.Log("no write conflicted: the test did not exercise If-Match")
	}
	t.Logf("%d writers × %d updates, %d conflicts answered with 409 and retried", writers, rounds, conflicts)
}
