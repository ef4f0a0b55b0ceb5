package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/postgres"
	"github.com/cartera/cartera/report"
)

// runSubscribe manages subscriptions: calendars published at an address,
// CalDAV calendars and IMAP mailboxes, read-only, refreshed by serve.
//
//	cartera subscribe                                   list them
//	cartera subscribe add NAME --ics URL | --caldav URL | --imap URL
//	        [--user U] [--password-stdin] [--every 1h]
//	cartera subscribe refresh [NAME...] [--dry-run]
//	cartera subscribe delete NAME
func runSubscribe(ctx context.Context, a *app, args []string) error {
	fs := newFlags(a, "subscribe")
	var c common
	c.register(fs, false)
	ics := fs.String("ics", "", "")
	caldav := fs.String("caldav", "", "")
	imapURL := fs.String("imap", "", "")
	user := fs.String("user", "", "")
	pwStdin := fs.Bool("password-stdin", false, "")
	every := fs.Duration("every", time.Hour, "")
	dry := fs.Bool("dry-run", false, "")
	rest, err := parse(a, fs, &c, args)
	if err != nil {
		return err
	}
	p := a.printer()
	action := "list"
	if len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	switch {
	case action == "list" && len(rest) == 0, action == "refresh":
	case (action == "add" || action == "delete") && len(rest) == 1:
	default:
		return &usageError{p.T("usage.subscribe")}
	}
	st, done, err := a.openStore(ctx, c, 0)
	if err != nil {
		return err
	}
	defer done()
	keyPath, err := a.keyPath(c)
	if err != nil {
		return err
	}
	key, err := capture.LoadKey(keyPath)
	if err != nil {
		return err
	}
	subs, err := capture.LoadSubscriptions(ctx, st, key)
	if err != nil {
		return err
	}
	pol, err := st.Policy(ctx)
	if err != nil {
		return err
	}
	p = i18n.New(a.lang, pol.Location())
	switch action {
	case "list":
		return report.WriteSubscriptions(a.stdout, subs, p)
	case "add":
		s := capture.Subscription{Name: rest[0], User: *user, Every: capture.Duration(*every)}
		n := 0
		for kind, u := range map[string]string{capture.SubICS: *ics, capture.SubCalDAV: *caldav, capture.SubIMAP: *imapURL} {
			if u != "" {
				s.Kind, s.URL = kind, u
				n++
			}
		}
		if n != 1 {
			return &usageError{p.T("usage.subscribe")}
		}
		if *pwStdin {
			line, err := bufio.NewReader(a.stdin).ReadString('\n')
			if err != nil && line == "" {
				return &usageError{p.T("subscribe.no_password")}
			}
			s.Password = strings.TrimRight(line, "\r\n")
		}
		if err := s.Validate(); err != nil {
			return err
		}
		out := subs[:0:0]
		for _, old := range subs {
			if old.Name != s.Name {
				out = append(out, old)
			}
		}
		if err := capture.SaveSubscriptions(ctx, st, key, append(out, s)); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("subscribe.saved", "name", s.Name, "kind", s.Kind, "host", s.Host, "key", keyPath))
	case "delete":
		out := subs[:0:0]
		for _, old := range subs {
			if old.Name != rest[0] {
				out = append(out, old)
			}
		}
		if len(out) == len(subs) {
			return cartera.NewError(cartera.ENOTFOUND, "subscribe.not_found", "name", rest[0])
		}
		if err := capture.SaveSubscriptions(ctx, st, key, out); err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, p.T("subscribe.deleted", "name", rest[0]))
	case "refresh":
		o := capture.Options{Now: a.now(), Location: pol.Location(), DryRun: *dry, Policy: &pol}
		res, err := capture.Refresh(ctx, st, key, &http.Client{Timeout: 2 * time.Minute}, o, rest, false)
		if err != nil {
			return err
		}
		failed := false
		for _, r := range res {
			if r.Err != nil {
				failed = true
				fmt.Fprintln(a.stderr, p.T("subscribe.failed", "name", r.Name, "error", p.Msg(cartera.ErrorMessage(r.Err))))
				continue
			}
			fmt.Fprintln(a.stdout, p.T("subscribe.refreshed", "name", r.Name))
			if err := report.WriteCapture(a.stdout, r.Report, p); err != nil {
				return err
			}
		}
		if failed {
			return errShown
		}
	}
	return nil
}

// keyPath is where the key sealing subscriptions' secrets lives:
// CARTERA_KEY_FILE, or next to a SQLite database (its name plus .key), or
// for PostgreSQL in the user's configuration folder. Never in the
// database: a copy of it alone does not open the secrets.
func (a *app) keyPath(c common) (string, error) {
	if v := a.getenv("CARTERA_KEY_FILE"); v != "" {
		return v, nil
	}
	path, err := a.dbPath(c.db)
	if err != nil {
		return "", err
	}
	if !postgres.IsDSN(path) {
		return path + ".key", nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", cartera.NewError(cartera.EINVALID, "cli.no_data_dir")
	}
	if err := os.MkdirAll(filepath.Join(dir, "cartera"), 0o700); err != nil {
		return "", err
	}
	return filepath.Join(dir, "cartera", "capture.key"), nil
}

// refreshLoop refreshes the due subscriptions every interval until ctx
// ends: what serve runs in the background.
func refreshLoop(ctx context.Context, a *app, st cartera.Store, keyPath string, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	hc := &http.Client{Timeout: 2 * time.Minute}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := st.Setting(ctx, "subscriptions"); err != nil {
			continue // none yet
		}
		key, err := capture.LoadKey(keyPath)
		if err != nil {
			log.Error("subscriptions: key", "err", err)
			continue
		}
		pol, err := st.Policy(ctx)
		if err != nil {
			log.Error("subscriptions: policy", "err", err)
			continue
		}
		o := capture.Options{Now: a.now(), Location: pol.Location(), Policy: &pol}
		res, err := capture.Refresh(ctx, st, key, hc, o, nil, true)
		if err != nil {
			log.Error("subscriptions", "err", err)
		}
		for _, r := range res {
			if r.Err != nil {
				log.Warn("subscription refresh failed", "name", r.Name, "err", r.Err)
			} else {
				log.Info("subscription refreshed", "name", r.Name)
			}
		}
	}
}
