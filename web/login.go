package web

import (
	"net/http"
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

// loginSubmit signs a user in. Attempts are rate limited per address and
// per e-mail; an unknown e-mail costs as much time as a wrong password. A
// new session is always created, so a session id planted before sign-in
// is worthless (session fixation).
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	now := s.cfg.Now()
	if !s.logins.allow("ip:"+s.clientIP(r), 20, 30*time.Second, now) ||
		!s.logins.allow("email:"+strings.ToLower(email), 8, time.Minute, now) {
		w.WriteHeader(http.StatusTooManyRequests)
		return s.page(w, r, "login", "", loginForm{Email: email, Next: next, Error: c.p.T("auth.too_many")})
	}
	u, err := s.st.UserByEmail(r.Context(), email)
	hash := dummyHash
	if err == nil {
		hash = u.PasswordHash
	} else if cartera.ErrorCode(err) != cartera.ENOTFOUND {
		return err
	}
	if !checkPassword(hash, password) || err != nil || u.Disabled {
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
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
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
