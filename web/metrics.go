package web

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// metrics are kept in memory and written in the Prometheus text format:
// requests and latencies by route, imports, database pools, and a few Go
// runtime gauges. No client library: the format is a few lines of text.
type metrics struct {
	mu       sync.Mutex
	requests map[string]int64 // route + "\x00" + code
	latency  map[string]*histogram
	importN  map[string]int64
	rows     int64
	started  time.Time
}

var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []int64 // per bucket, not cumulative
	sum    float64
	n      int64
}

func newMetrics() *metrics {
	return &metrics{requests: map[string]int64{}, latency: map[string]*histogram{}, importN: map[string]int64{}, started: time.Now()}
}

func (m *metrics) observe(route string, code int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[route+"\x00"+fmt.Sprint(code)]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]int64, len(buckets))}
		m.latency[route] = h
	}
	sec := d.Seconds()
	for i, b := range buckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.n++
}

func (m *metrics) imports(result string, rows int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.importN[result]++
	m.rows += rows
}

// poolStats is implemented by stores that can report their connection
// pools.
type poolStats interface {
	PoolStats() map[string]sql.DBStats
}

func label(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func (m *metrics) write(w io.Writer, pools map[string]sql.DBStats) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP cartera_http_requests_total HTTP requests by route and status code.")
	fmt.Fprintln(w, "# TYPE cartera_http_requests_total counter")
	keys := make([]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		route, code, _ := strings.Cut(k, "\x00")
		fmt.Fprintf(w, "cartera_http_requests_total{route=\"%s\",code=\"%s\"} %d\n", label(route), code, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP cartera_http_request_duration_seconds Time to answer a request, by route.")
	fmt.Fprintln(w, "# TYPE cartera_http_request_duration_seconds histogram")
	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		h := m.latency[r]
		var cum int64
		for i, b := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "cartera_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %d\n", label(r), b, cum)
		}
		fmt.Fprintf(w, "cartera_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", label(r), h.n)
		fmt.Fprintf(w, "cartera_http_request_duration_seconds_sum{route=\"%s\"} %g\n", label(r), h.sum)
		fmt.Fprintf(w, "cartera_http_request_duration_seconds_count{route=\"%s\"} %d\n", label(r), h.n)
	}
	fmt.Fprintln(w, "# HELP cartera_imports_total Imports by result (committed, rejected).")
	fmt.Fprintln(w, "# TYPE cartera_imports_total counter")
	for _, res := range []string{"committed", "rejected"} {
		fmt.Fprintf(w, "cartera_imports_total{result=\"%s\"} %d\n", res, m.importN[res])
	}
	fmt.Fprintln(w, "# HELP cartera_import_rows_total Rows written by committed imports.")
	fmt.Fprintln(w, "# TYPE cartera_import_rows_total counter")
	fmt.Fprintf(w, "cartera_import_rows_total %d\n", m.rows)
	if len(pools) > 0 {
		names := make([]string, 0, len(pools))
		for n := range pools {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(w, "# HELP cartera_db_connections Database connections by pool and state.")
		fmt.Fprintln(w, "# TYPE cartera_db_connections gauge")
		for _, n := range names {
			st := pools[n]
			fmt.Fprintf(w, "cartera_db_connections{pool=\"%s\",state=\"open\"} %d\n", n, st.OpenConnections)
			fmt.Fprintf(w, "cartera_db_connections{pool=\"%s\",state=\"in_use\"} %d\n", n, st.InUse)
			fmt.Fprintf(w, "cartera_db_connections{pool=\"%s\",state=\"idle\"} %d\n", n, st.Idle)
			fmt.Fprintf(w, "cartera_db_connections{pool=\"%s\",state=\"max\"} %d\n", n, st.MaxOpenConnections)
		}
		fmt.Fprintln(w, "# HELP cartera_db_wait_total Times a request waited for a database connection.")
		fmt.Fprintln(w, "# TYPE cartera_db_wait_total counter")
		for _, n := range names {
			fmt.Fprintf(w, "cartera_db_wait_total{pool=\"%s\"} %d\n", n, pools[n].WaitCount)
		}
		fmt.Fprintln(w, "# HELP cartera_db_wait_seconds_total Time spent waiting for a database connection.")
		fmt.Fprintln(w, "# TYPE cartera_db_wait_seconds_total counter")
		for _, n := range names {
			fmt.Fprintf(w, "cartera_db_wait_seconds_total{pool=\"%s\"} %g\n", n, pools[n].WaitDuration.Seconds())
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintln(w, "# HELP go_goroutines Goroutines running.")
	fmt.Fprintln(w, "# TYPE go_goroutines gauge")
	fmt.Fprintf(w, "go_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintln(w, "# HELP go_memstats_heap_alloc_bytes Heap bytes in use.")
	fmt.Fprintln(w, "# TYPE go_memstats_heap_alloc_bytes gauge")
	fmt.Fprintf(w, "go_memstats_heap_alloc_bytes %d\n", ms.HeapAlloc)
	fmt.Fprintln(w, "# HELP process_uptime_seconds Seconds since the server started.")
	fmt.Fprintln(w, "# TYPE process_uptime_seconds gauge")
	fmt.Fprintf(w, "process_uptime_seconds %g\n", time.Since(m.started).Seconds())
}

func (s *Server) metricsShow(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	var pools map[string]sql.DBStats
	if ps, ok := s.st.(poolStats); ok {
		pools = ps.PoolStats()
	}
	s.metrics.write(w, pools)
	return nil
}
