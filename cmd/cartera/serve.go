package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/sqlite"
	"github.com/cartera/cartera/web"
)

// serveCache are the page caches of serve's SQLite connections. The
// readers keep SQLite's small default: the file's pages stay in the
// operating system's cache anyway, and when another process writes (a
// `cartera import` beside the server) each connection throws its cache
// away, which at 32 MiB made the first request after such an import wait
// 0.25 s in freeing it. The writer, which rebuilds the ledgers of every
// client an import touched, keeps 8 MiB (docs/performance.md).
var serveCache = sqlite.Options{CacheKiB: sqlite.BriefCacheKiB, WriteCacheKiB: 8 << 10}

// runServe starts the web app and the API.
func runServe(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "serve")
	var c common
	c.register(fs, true)
	addr := fs.String("addr", envOr(a, "CARTERA_ADDR", "127.0.0.1:8080"), "")
	baseURL := fs.String("base-url", a.getenv("CARTERA_BASE_URL"), "")
	logFormat := fs.String("log-format", envOr(a, "CARTERA_LOG_FORMAT", "text"), "")
	logLevel := fs.String("log-level", envOr(a, "CARTERA_LOG_LEVEL", "info"), "")
	proxiesS := fs.String("trusted-proxies", a.getenv("CARTERA_TRUSTED_PROXIES"), "")
	refresh := fs.Duration("refresh", 5*time.Minute, "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	if len(rest) > 0 {
		return &usageError{p.T("cli.unexpected_args", "args", strings.Join(rest, " "), "command", "serve")}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return &usageError{p.T("cli.bad_format", "value", *logLevel, "allowed", "debug, info, warn, error")}
	}
	proxies, err := parseProxies(*proxiesS)
	if err != nil {
		return &usageError{p.T("serve.bad_proxy", "value", err.Error())}
	}
	opts := &slog.HandlerOptions{Level: level}
	var handler slog.Handler
	switch *logFormat {
	case "json":
		handler = slog.NewJSONHandler(a.stderr, opts)
	case "text":
		handler = slog.NewTextHandler(a.stderr, opts)
	default:
		return &usageError{p.T("cli.bad_format", "value", *logFormat, "allowed", "text, json")}
	}
	log := slog.New(handler)
	if c.demo {
		// The demo signs everyone in: it must never be reachable from
		// another machine.
		host, port, err := net.SplitHostPort(*addr)
		if err != nil {
			return &usageError{p.T("serve.bad_addr", "value", *addr)}
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			fmt.Fprintln(a.stderr, p.T("serve.demo_loopback", "addr", *addr))
			*addr = net.JoinHostPort("127.0.0.1", port)
		}
	}
	st, done, err := a.openStoreFor(ctx, c, cartera.DateFromTime(a.nowIn(cartera.DefaultPolicy())), serveCache)
	if err != nil {
		return err
	}
	defer done()
	cfg := web.Config{Addr: *addr, BaseURL: *baseURL, Demo: c.demo, Logger: log, TrustedProxies: proxies, Now: a.now}
	if c.demo {
		if cfg.DemoEmail, err = web.DemoOwner(ctx, st); err != nil {
			return err
		}
	}
	srv, err := web.New(cfg, st)
	if err != nil {
		return err
	}
	link, err := srv.PrepareSetup(ctx)
	if err != nil {
		return err
	}
	if *refresh > 0 && !c.demo {
		// Subscriptions (calendars, mailboxes) are fetched again when due.
		keyPath, err := a.keyPath(c)
		if err != nil {
			return err
		}
		go refreshLoop(ctx, a, st, keyPath, *refresh, log)
	}
	return srv.ListenAndServe(ctx, func(bound string) {
		url := *baseURL
		if url == "" {
			url = "http://" + bound
		}
		fmt.Fprintln(a.stdout, p.T("serve.listening", "url", url))
		if c.demo {
			fmt.Fprintln(a.stdout, p.T("serve.demo_ready"))
		}
		if link != "" {
			fmt.Fprintln(a.stdout, p.T("serve.setup_link", "url", link, "minutes", int(web.SetupTTL.Minutes())))
		}
	})
}

func envOr(a *app, key, def string) string {
	if v := a.getenv(key); v != "" {
		return v
	}
	return def
}

// parseProxies reads a comma-separated list of addresses and networks
// (127.0.0.1, 10.0.0.0/8, ::1); it returns the offending item on error.
func parseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if strings.Contains(item, "/") {
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, errors.New(item)
			}
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(item)
		if err != nil {
			return nil, errors.New(item)
		}
		out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return out, nil
}
