package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// The first run has no users and no default password. PrepareSetup stores
// a one-time token (its hash, with an expiry) and returns the link that
// creates the owner; the link works once, for an hour.

const setupKey = "setup_token"

// SetupTTL is how long the setup link stays valid.
const SetupTTL = time.Hour

// PrepareSetup returns a fresh setup link when there are no users yet, and
// "" otherwise.
func (s *Server) PrepareSetup(ctx context.Context) (string, error) {
	n, err := s.st.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	token := newToken("setup_")
	exp := s.cfg.Now().Add(SetupTTL).Unix()
	if err := s.st.PutSetting(ctx, setupKey, tokenHash(token)+"|"+strconv.FormatInt(exp, 10)); err != nil {
		return "", err
	}
	return s.cfg.BaseURL + "/setup?token=" + url.QueryEscape(token), nil
}

// validSetup checks a token against the stored hash and expiry.
func (s *Server) validSetup(stored, token string) bool {
	hash, exp, ok := strings.Cut(stored, "|")
	t, err := strconv.ParseInt(exp, 10, 64)
	return ok && err == nil && s.cfg.Now().Unix() < t && constantEqual(hash, tokenHash(token))
}

type setupForm struct {
	Token, Name, Email string
	Error              string
	Field              string
}

func (s *Server) setupAllowed(r *http.Request, token string) (bool, error) {
	n, err := s.st.CountUsers(r.Context())
	if err != nil || n > 0 {
		return false, err
	}
	stored, err := s.st.Setting(r.Context(), setupKey)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.validSetup(stored, token), nil
}

// setupShow shows the form that creates the owner.
func (s *Server) setupShow(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	ok, err := s.setupAllowed(r, token)
	if err != nil {
		return err
	}
	if !ok {
		if n, _ := s.st.CountUsers(r.Context()); n > 0 {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return nil
		}
		return cartera.NewError(cartera.EFORBIDDEN, "setup.bad_token")
	}
	return s.page(w, r, "setup", "", setupForm{Token: token})
}

// setupSubmit creates the owner, burns the token and signs the owner in.
func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	f := setupForm{Token: r.PostFormValue("token"), Name: strings.TrimSpace(r.PostFormValue("name")),
		Email: strings.TrimSpace(r.PostFormValue("email"))}
	ok, err := s.setupAllowed(r, f.Token)
	if err != nil {
		return err
	}
	if !ok {
		return cartera.NewError(cartera.EFORBIDDEN, "setup.bad_token")
	}
	password := r.PostFormValue("password")
	u := cartera.User{Email: f.Email, Name: f.Name, Role: cartera.RoleOwner, Lang: string(c.lang)}
	if err := validPassword(password, r.PostFormValue("password2")); err != nil {
		f.Error, f.Field = c.p.Msg(cartera.ErrorMessage(err)), "password"
	} else if err := u.Validate(); err != nil {
		f.Error, f.Field = c.p.Msg(cartera.ErrorMessage(err)), fieldOf(err)
	}
	if f.Error != "" {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return s.page(w, r, "setup", "", f)
	}
	// Take the token: of two concurrent submissions, one wins.
	stored, err := s.st.TakeSetting(r.Context(), setupKey)
	if err != nil || !s.validSetup(stored, f.Token) {
		return cartera.NewError(cartera.EFORBIDDEN, "setup.bad_token")
	}
	u.PasswordHash = hashPassword(password)
	u, err = s.st.CreateUser(r.Context(), u)
	if err != nil {
		return err
	}
	_, token, err := s.newSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, token, s.cfg.SessionTTL))
	http.Redirect(w, r, "/dashboard?ok=welcome", http.StatusSeeOther)
	return nil
}

// validPassword checks a new password and its confirmation.
func validPassword(p, confirm string) error {
	switch {
	case len([]rune(p)) < MinPasswordLength:
		return cartera.FieldError("password", "user.short_password", "min", MinPasswordLength)
	case len(p) > 1024:
		return cartera.FieldError("password", "value.too_long", "max", 1024)
	case p != confirm:
		return cartera.FieldError("password2", "user.password_mismatch")
	}
	return nil
}

func fieldOf(err error) string {
	if e, ok := err.(*cartera.Error); ok {
		return e.Field
	}
	return ""
}

// DemoOwner creates the demo owner (for serve --demo) and returns its
// e-mail. Its password is random and never shown: the demo signs every
// visitor in.
func DemoOwner(ctx context.Context, st cartera.Store) (string, error) {
	const email = "demo@cartera.invalid"
	_, err := st.CreateUser(ctx, cartera.User{Email: email, Name: "Demo", Role: cartera.RoleOwner,
		PasswordHash: hashPassword(newToken(""))})
	if err != nil && cartera.ErrorCode(err) != cartera.ECONFLICT {
		return "", fmt.Errorf("demo owner: %w", err)
	}
	return email, nil
}
