// Package web serves cartera's web app and JSON API: server-rendered pages
// for people, /api/v1 for scripts, both from one route table that also
// produces the OpenAPI document and decides, in one place, who may call
// what.
package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

// Config is the server's configuration, parsed once by cmd/cartera.
type Config struct {
	// Addr is the listening address, such as 127.0.0.1:8080.
	Addr string
	// BaseURL is how users reach the server (https://cartera.example.com):
	// links printed at setup use it, and cookies are marked Secure when it
	// is https. Empty means http://Addr.
	BaseURL string
	// Demo signs every visitor in as the demo owner.
	Demo bool
	// DemoEmail is the demo owner's e-mail.
	DemoEmail string
	// MaxUpload caps an import upload, in bytes (default 64 MiB).
	MaxUpload int64
	// SessionTTL is how long a sign-in lasts (default 14 days).
	SessionTTL time.Duration
	// UploadDir is where a file waiting for its mapping step is kept (a
	// private folder is made inside it; default: the system's temporary
	// folder), for UploadTTL (default 30 minutes) after its last use, up
	// to UploadMax bytes in all (default 4 × MaxUpload).
	UploadDir string
	UploadTTL time.Duration
	UploadMax int64
	// ImportWait is how long the import page waits for an import before
	// it shows the import's progress instead (default 2 s; negative: show
	// the progress at once).
	ImportWait time.Duration
	// TrustedProxies are the reverse proxies in front of the server: for
	// requests from them the visitor's address is read from
	// X-Forwarded-For (for login rate limits and logs). Empty trusts none.
	TrustedProxies []netip.Prefix
	// RefreshInline is the most stale client summaries a request assesses
	// while its visitor waits (default 200; negative: none). With more —
	// a new day, a policy change, a large import — the request answers
	// from the summaries stored, marked as being updated, while they are
	// assessed in the background (web/summaries.go).
	RefreshInline int
	// PrepareAhead is how long before midnight, in the policy's time
	// zone, the next day's summaries are assessed, to be saved when the
	// day begins (default 15 minutes).
	PrepareAhead time.Duration
	// Logger receives access logs and errors.
	Logger *slog.Logger
	// Now is the clock each request reads "now" and "today" from, once
	// (required: the command's clock, or a fixed one in tests).
	Now cartera.Clock
}

// Server is the web app.
type Server struct {
	cfg     Config
	st      cartera.Store
	log     *slog.Logger
	routes  []*route
	mux     *http.ServeMux
	pages   *pages
	metrics *metrics
	logins  *limiter
	// devKey signs device cookies (loginSubmit), loaded once.
	deviceMu sync.Mutex
	devKey   []byte
	secure   bool
	// The OpenAPI document, built once from the route table.
	openAPIOnce sync.Once
	openAPIDoc  []byte
	// What is derived from stored data, kept per store generation
	// (genCache): the policy, who a session or API key belongs to, the
	// summary key of a day, the summaries refreshed for a key, dashboards
	// by summary key and owner, rendered quadrants by dashboard and
	// language, encoded API answers, and what is built from every deal.
	policy    *genCache[struct{}, cartera.Policy]
	auth      *genCache[string, authEntry] // by "s:" session id or "t:" token hash
	keys      *genCache[cartera.Date, string]
	refreshed *genCache[string, *refreshJob]
	dash      *genCache[string, *review.Dashboard]
	// last are the last dashboards built, answered while the summaries
	// are being updated (web/dashboard.go).
	last      lastDashboards
	charts    *genCache[chartKey, template.HTML]
	responses *genCache[string, cachedResp]
	pipes     *genCache[string, any]
	// bg is the summaries' background work (web/summaries.go).
	bg background
	// uploads keeps files waiting for their mapping step.
	uploads *stash
	// imports are the imports running longer than the page waits.
	imports importJobs
	// mappingsMu serialises saving and deleting mappings from this
	// server, so that the index of their names never loses one to a race.
	mappingsMu sync.Mutex
}

// New builds a server on a store.
func New(cfg Config, st cartera.Store) (*Server, error) {
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 64 << 20
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 14 * 24 * time.Hour
	}
	if cfg.UploadTTL <= 0 {
		cfg.UploadTTL = 30 * time.Minute
	}
	if cfg.UploadMax <= 0 {
		cfg.UploadMax = 4 * cfg.MaxUpload
	}
	if cfg.ImportWait == 0 {
		cfg.ImportWait = 2 * time.Second
	}
	switch {
	case cfg.RefreshInline == 0:
		cfg.RefreshInline = 200
	case cfg.RefreshInline < 0:
		cfg.RefreshInline = 0
	}
	if cfg.PrepareAhead <= 0 {
		cfg.PrepareAhead = 15 * time.Minute
	}
	dummyHash() // before the first login, so that it does not take longer than the next
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		return nil, errors.New("web.New: no clock")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + cfg.Addr
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, cartera.NewError(cartera.EINVALID, "serve.bad_base_url", "value", cfg.BaseURL)
	}
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, st: st, log: cfg.Logger, pages: pg, metrics: newMetrics(), logins: newLimiter(),
		secure: u.Scheme == "https",
		policy: newGenCache[struct{}, cartera.Policy](1), auth: newGenCache[string, authEntry](10000),
		keys: newGenCache[cartera.Date, string](16), refreshed: newGenCache[string, *refreshJob](16),
		dash: newGenCache[string, *review.Dashboard](100), charts: newGenCache[chartKey, template.HTML](16),
		responses: newGenCache[string, cachedResp](respCacheSize), pipes: newGenCache[string, any](256)}
	s.responses.keep = keepResp
	s.uploads = newStash(cfg.UploadDir, cfg.UploadTTL, cfg.UploadMax, cfg.Now)
	s.routes = s.routeTable()
	s.mux = http.NewServeMux()
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+rt.pattern, s.wrap(rt))
	}
	s.mux.Handle("GET /static/", s.static())
	s.mux.HandleFunc("/", s.notFound)
	return s, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return securityHeaders(s.mux) }

// ListenAndServe serves until ctx is cancelled, then shuts down gracefully:
// it stops accepting connections and waits up to 30 seconds for requests
// in flight to finish. ready, when set, receives the bound address.
func (s *Server) ListenAndServe(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return cartera.NewError(cartera.EINVALID, "serve.cannot_listen", "addr", s.cfg.Addr, "reason", err.Error())
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // imports upload large files
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if err := s.warm(ctx); err != nil {
		s.log.Error("building the dashboard", "err", err) // the first visitor builds it
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	defer s.uploads.removeAll()
	defer s.imports.removeAll()
	go s.scheduler(ctx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight")
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	s.bg.wg.Wait() // a refresh in flight finishes before the store closes
	return nil
}

// scheduler runs tick every minute until ctx ends: at start, it starts
// assessing the summaries if they are stale; before midnight it prepares
// the next day's; at each new day it brings them in.
func (s *Server) scheduler(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if err := s.tick(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("refreshing summaries", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// today is the current day in the policy's time zone.
func (s *Server) today(ctx context.Context) cartera.Date {
	loc := time.UTC
	if _, pol, err := s.state(ctx); err == nil {
		loc = pol.Location()
	}
	return cartera.DateFromTime(s.cfg.Now().In(loc))
}

// printer returns the printer for a language in the policy's zone.
func (s *Server) printer(ctx context.Context, l i18n.Lang) *i18n.Printer {
	_, pol, err := s.state(ctx)
	if err != nil {
		return i18n.New(l, time.UTC)
	}
	return printerFor(l, pol)
}
