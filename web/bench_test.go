package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkClientList is one page of the client-list API as the handler
// serves it. Uncached builds every answer from the database (a new
// generation each time); Cached answers repeated requests from the
// response cache, as between two writes. The 100,000-client figures under
// load are in docs/performance.md (bench/web.sh).
func BenchmarkClientList(b *testing.B) {
	f := newFixture(b)
	h := f.srv.Handler()
	req := func() *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/api/v1/clients?limit=50", nil)
		r.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
		return w
	}
	req()
	b.Run("Uncached", func(b *testing.B) {
		for b.Loop() {
			f.srv.responses.entries = nil
			req()
		}
	})
	b.Run("Cached", func(b *testing.B) {
		for b.Loop() {
			req()
		}
	})
}

// BenchmarkDashboard renders the dashboard page from its cached data.
func BenchmarkDashboard(b *testing.B) {
	f := newFixture(b)
	h := f.srv.Handler()
	for b.Loop() {
		r := httptest.NewRequest("GET", "/dashboard", nil)
		r.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkPipelineBoard is the board API (/api/v1/pipeline/board) as the
// handler serves it, on the demo's 150 deals. Uncached streams every open
// deal and grounds it, as after any write; Cached answers repeated
// requests between writes from the generation-keyed caches.
func BenchmarkPipelineBoard(b *testing.B) {
	f := newFixture(b)
	h := f.srv.Handler()
	req := func() {
		r := httptest.NewRequest("GET", "/api/v1/pipeline/board", nil)
		r.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
	req()
	b.Run("Uncached", func(b *testing.B) {
		for b.Loop() {
			f.srv.responses.entries = nil
			f.srv.pipes.entries = nil
			req()
		}
	})
	b.Run("Cached", func(b *testing.B) {
		for b.Loop() {
			req()
		}
	})
}

// BenchmarkForecastPage renders the forecast page (forecast, calibration
// and both charts) from the cached results.
func BenchmarkForecastPage(b *testing.B) {
	f := newFixture(b)
	h := f.srv.Handler()
	for b.Loop() {
		r := httptest.NewRequest("GET", "/forecast?period=2026-Q4", nil)
		r.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
