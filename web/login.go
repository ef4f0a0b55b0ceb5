package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
)

type loginForm struct {
	Email string
	Next  string
	Error string
}

// loginShow shows the sign-in form.
func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) error {
	if rc(r).user != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.page(w, r, "login", "", loginForm{Next: r.URL.Query().Get("next")})
}

// Sign-in limits, after OWASP's advice against online guessing: limits per
// address and per account that slow guessing down, and no hard lock that
// an attacker could use to keep someone out.
//
//   - Every attempt from an address takes a token of its bucket (20, one
//     back every 30 s): one host guesses at most two passwords a minute.
//   - Every failed attempt on an account takes a token of the account's
//     bucket (10, one back every 20 s), which refills faster than one
//     address may try: a single host cannot keep it empty.
//   - A browser that has signed in to the account before carries a device
//     cookie for it (signed by the server, sent only to /login); its
//     attempts count against a bucket of its own (10, one back a minute)
//     instead of the account's, so no one else's guessing ever keeps the
//     user out of a browser they have used.
//
// A refused attempt is a 429 with Retry-After, before the password is
// even checked: a right password gets the same answer as a wrong one.
const (
	ipAttempts, ipEvery           = 20, 30 * time.Second
	accountFailures, accountEvery = 10, 20 * time.Second
	deviceFailures, deviceEvery   = 10, time.Minute
	deviceCookie                  = "cartera_device"
	deviceKeySetting              = "auth.device_key"
)

// loginSubmit signs a user in. Attempts are limited as described above; an
// unknown e-mail costs as much time as a wrong password. A new session is
// always created, so a session id planted before sign-in is worthless
// (session fixation).
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	now := s.cfg.Now()
	tooMany := func(wait time.Duration) error {
		secs := int64(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
		w.WriteHeader(http.StatusTooManyRequests)
		return s.page(w, r, "login", "", loginForm{Email: email, Next: next, Error: c.p.T("auth.too_many_wait", "seconds", max(secs, 1))})
	}
	if wait := s.logins.take("ip:"+s.clientIP(r), ipAttempts, ipEvery, now); wait > 0 {
		return tooMany(wait)
	}
	account := strings.ToLower(email)
	bucket, capacity, every := "account:"+account, accountFailures, accountEvery
	if nonce, ok := s.knownDevice(r, account); ok {
		bucket, capacity, every = "device:"+nonce, deviceFailures, deviceEvery
	}
	if wait := s.logins.wait(bucket, capacity, every, now); wait > 0 {
		return tooMany(wait)
	}
	u, err := s.st.UserByEmail(r.Context(), email)
	hash := dummyHash()
	if err == nil {
		hash = u.PasswordHash
	} else if cartera.ErrorCode(err) != cartera.ENOTFOUND {
		return err
	}
	if !checkPassword(hash, password) || err != nil || u.Disabled {
		s.logins.take(bucket, capacity, every, now)
		w.WriteHeader(http.StatusUnauthorized)
		return s.page(w, r, "login", "", loginForm{Email: email, Next: next, Error: c.p.T("auth.bad_login")})
	}
	if ck, err := r.Cookie(sessionCookie); err == nil {
		s.st.DeleteSession(r.Context(), tokenHash(ck.Value))
	}
	_, token, err := s.newSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, token, s.cfg.SessionTTL))
	if dc, err := s.newDevice(r, account); err == nil {
		http.SetCookie(w, dc)
	} else {
		s.log.Error("device cookie", "err", err) // signing in works without it
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// deviceKey is the server's key for device cookies, kept in the settings
// so that every replica (and a restart) knows it; made on first use.
func (s *Server) deviceKey(ctx context.Context) ([]byte, error) {
	s.deviceMu.Lock()
	defer s.deviceMu.Unlock()
	if s.devKey != nil {
		return s.devKey, nil
	}
	v, err := s.st.Setting(ctx, deviceKeySetting)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		if err := s.st.PutSetting(ctx, deviceKeySetting, hex.EncodeToString(randomBytes(32))); err != nil {
			return nil, err
		}
		v, err = s.st.Setting(ctx, deviceKeySetting) // another replica may have made it first
	}
	if err != nil {
		return nil, err
	}
	k, err := hex.DecodeString(v)
	if err != nil || len(k) < 16 {
		return nil, fmt.Errorf("device key: not a key")
	}
	s.devKey = k
	return k, nil
}

// deviceMAC signs a device nonce for an account.
func deviceMAC(key []byte, account, nonce string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("device|" + account + "|" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// knownDevice reports whether the browser has signed in to the account
// before (a device cookie the server signed for it), and its nonce.
func (s *Server) knownDevice(r *http.Request, account string) (string, bool) {
	ck, err := r.Cookie(deviceCookie)
	if err != nil {
		return "", false
	}
	nonce, mac, ok := strings.Cut(ck.Value, ".")
	if !ok || nonce == "" {
		return "", false
	}
	key, err := s.deviceKey(r.Context())
	if err != nil {
		return "", false
	}
	return nonce, hmac.Equal([]byte(mac), []byte(deviceMAC(key, account, nonce)))
}

// newDevice is the device cookie of a browser that just signed in to the
// account: a year long, sent only to the sign-in page.
func (s *Server) newDevice(r *http.Request, account string) (*http.Cookie, error) {
	key, err := s.deviceKey(r.Context())
	if err != nil {
		return nil, err
	}
	nonce := base64.RawURLEncoding.EncodeToString(randomBytes(16))
	c := s.cookie(deviceCookie, nonce+"."+deviceMAC(key, account, nonce), 365*24*time.Hour)
	c.Path = "/login"
	return c, nil
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c := rc(r); c.session != nil {
		if err := s.st.DeleteSession(r.Context(), c.session.ID); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// localPath keeps a redirect on this site: only absolute paths, never
// "//host" or a scheme.
func localPath(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		strings.ContainsAny(p, "\r\n") {
		return "/dashboard"
	}
	return p
}

// langUpdate switches the language: for a signed-in user it is saved in
// their account, for a visitor in a cookie.
func (s *Server) langUpdate(w http.ResponseWriter, r *http.Request) error {
	lang := r.PostFormValue("lang")
	if lang != "es" && lang != "en" {
		return cartera.FieldError("lang", "user.bad_lang", "value", lang)
	}
	c := rc(r)
	if c.user != nil {
		u := *c.user
		u.Lang = lang
		if _, err := s.st.UpdateUser(r.Context(), u); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie(langCookie, lang, 365*24*time.Hour))
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}
