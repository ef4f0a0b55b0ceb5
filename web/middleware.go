package web

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

const (
	sessionCookie = "cartera_session"
	csrfCookie    = "cartera_csrf"
	langCookie    = "cartera_lang"
)

// statusWriter remembers what was written, for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// securityHeaders are on every answer, whatever answers it: a route, the
// fallback 404, the router's 405, a static file.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
			"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
		next.ServeHTTP(w, r)
	})
}

// wrap is the middleware every route runs through, in order: recovery,
// access log and metrics, identification, language, authorization, CSRF,
// the handler, and error rendering (the security headers are set before,
// for every answer: securityHeaders).
func (s *Server) wrap(rt *route) http.Handler {
	name := rt.method + " " + rt.pattern
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		c := &reqCtx{lang: i18n.ES, p: i18n.New(i18n.ES, nil)}
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic", "route", name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.fail(sw, r, rt, fmt.Errorf("panic: %v", v))
				}
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			d := time.Since(start)
			s.metrics.observe(name, sw.status, d)
			var uid int64
			if c.user != nil {
				uid = c.user.ID
			}
			s.log.Info("request", "method", r.Method, "route", rt.pattern, "path", rt.logPath(r), "status", sw.status,
				"ms", float64(d.Microseconds())/1000, "bytes", sw.bytes, "user", uid, "remote", s.clientIP(r))
		}()
		if err := s.identify(sw, r, c, rt); err != nil {
			r = r.WithContext(withRC(r.Context(), c))
			s.fail(sw, r, rt, err)
			return
		}
		r = r.WithContext(withRC(r.Context(), c))
		if !rt.perm.allows(c.user) {
			if c.user == nil {
				if !rt.api && r.Method == http.MethodGet {
					http.Redirect(sw, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				s.fail(sw, r, rt, cartera.NewError(cartera.EUNAUTHORIZED, "auth.sign_in"))
				return
			}
			s.fail(sw, r, rt, cartera.NewError(cartera.EFORBIDDEN, "auth.forbidden"))
			return
		}
		if unsafe(r.Method) && !c.token {
			if err := s.checkCSRF(r, c, rt); err != nil {
				s.fail(sw, r, rt, err)
				return
			}
		}
		if unsafe(r.Method) {
			normalizeForm(r)
		}
		if err := rt.h(sw, r); err != nil {
			if sw.status != 0 {
				s.log.Error("error after the response started", "route", name, "err", err)
				return
			}
			s.fail(sw, r, rt, err)
		}
	})
}

func unsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// identify finds who is calling: an API token, a session cookie, or (in
// demo mode) the demo owner; and the language to answer in.
func (s *Server) identify(w http.ResponseWriter, r *http.Request, c *reqCtx, rt *route) error {
	ctx := r.Context()
	now := s.cfg.Now()
	gen, pol, err := s.state(ctx)
	if err != nil {
		return err
	}
	c.gen, c.pol = gen, pol
	if auth := r.Header.Get("Authorization"); auth != "" {
		tok, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return cartera.NewError(cartera.EUNAUTHORIZED, "auth.bad_token")
		}
		u, err := s.tokenUser(ctx, gen, tokenHash(strings.TrimSpace(tok)), now)
		if err != nil {
			return err
		}
		c.user, c.token = &u, true
	} else if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		sess, u, err := s.session(ctx, gen, tokenHash(ck.Value), now)
		if err == nil {
			c.user, c.session, c.csrf = &u, &sess, sess.CSRF
		} else if cartera.ErrorCode(err) != cartera.EUNAUTHORIZED {
			return err
		}
	}
	if c.user == nil && s.cfg.Demo {
		if err := s.demoSignIn(w, r, c); err != nil {
			return err
		}
	}
	if c.user == nil {
		// Forms shown before sign-in carry a random cookie value back
		// (double submit).
		if ck, err := r.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 {
			c.csrf = ck.Value
		} else if !rt.api {
			c.csrf = newToken("")
			http.SetCookie(w, s.cookie(csrfCookie, c.csrf, 0))
		}
	}
	c.lang = s.language(r, c.user)
	c.p = printerFor(c.lang, pol)
	return nil
}

// language picks the user's setting, then the language cookie, then the
// browser's Accept-Language, then Spanish.
func (s *Server) language(r *http.Request, u *cartera.User) i18n.Lang {
	if u != nil {
		if l, ok := i18n.Parse(u.Lang); ok && u.Lang != "" {
			return l
		}
	}
	if ck, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(ck.Value); ok {
			return l
		}
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// checkCSRF requires a state-changing request signed in by cookie to carry
// its CSRF value, in the form (pages) or the X-CSRF-Token header (API
// calls from the browser).
func (s *Server) checkCSRF(r *http.Request, c *reqCtx, rt *route) error {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && !rt.api {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			got = r.URL.Query().Get("csrf") // read before the body: uploads are large
			if got == "" {
				if err := r.ParseMultipartForm(1 << 20); err == nil {
					got = r.FormValue("csrf")
				}
			}
		} else {
			got = r.PostFormValue("csrf")
		}
	}
	if c.csrf == "" || !constantEqual(got, c.csrf) {
		return cartera.NewError(cartera.EFORBIDDEN, "auth.csrf")
	}
	return nil
}

func constantEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := 0; i < len(a); i++ {
		v |= a[i] ^ b[i]
	}
	return v == 0
}

// cookie builds a cookie with the app's defaults: HttpOnly, SameSite=Lax,
// Secure behind https.
func (s *Server) cookie(name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure}
	if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	} else if maxAge < 0 {
		c.MaxAge = -1
	}
	return c
}

// fail renders an error: problem+json for the API, a page for people.
// Internal errors are logged with their detail and shown as a generic
// message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, rt *route, err error) {
	st := status(err)
	if st == http.StatusInternalServerError {
		s.log.Error("internal error", "route", rt.pattern, "path", rt.logPath(r), "err", err)
	}
	if rt.api {
		writeProblem(w, s.problem(r, err))
		return
	}
	c := rc(r)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(st)
	s.pages.render(w, "error", s.pageData(r, "", errorPage{Status: st, Message: c.p.Msg(cartera.ErrorMessage(err))}))
}

type errorPage struct {
	Status  int
	Message string
}

// notFound answers unknown paths, in the right format.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	rt := &route{pattern: "/", api: strings.HasPrefix(r.URL.Path, "/api/")}
	c := &reqCtx{}
	s.identify(w, r, c, rt)
	r = r.WithContext(withRC(r.Context(), c))
	s.fail(w, r, rt, cartera.NewError(cartera.ENOTFOUND, "page.not_found"))
}

// clientIP is the caller's address, for logs and rate limits. Behind a
// reverse proxy listed in Config.TrustedProxies it is the address the
// proxy saw (docs/operations.md).
func (s *Server) clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	host = strings.Trim(host, "[]")
	if !s.trusted(host) {
		return host
	}
	// Behind trusted proxies the visitor is the last address in
	// X-Forwarded-For that is not one of them: addresses to its left were
	// written by the visitor and can be anything.
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			break
		}
		if !s.trusted(hop) {
			return hop
		}
	}
	return host
}

// trusted reports whether an address is one of the configured proxies.
func (s *Server) trusted(addr string) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// demoSignIn signs the visitor in as the demo owner.
func (s *Server) demoSignIn(w http.ResponseWriter, r *http.Request, c *reqCtx) error {
	u, err := s.st.UserByEmail(r.Context(), s.cfg.DemoEmail)
	if err != nil {
		return err
	}
	sess, token, err := s.newSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, token, s.cfg.SessionTTL))
	c.user, c.session, c.csrf = &u, &sess, sess.CSRF
	return nil
}

// newSession creates a session and returns it with the cookie token.
func (s *Server) newSession(ctx context.Context, userID int64) (cartera.Session, string, error) {
	token := newToken("")
	now := s.cfg.Now()
	sess := cartera.Session{ID: tokenHash(token), UserID: userID, Created: now, Expires: now.Add(s.cfg.SessionTTL), CSRF: newToken("")}
	return sess, token, s.st.CreateSession(ctx, sess)
}
