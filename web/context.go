package web

import (
	"context"
	"net/http"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

// reqCtx is what the middleware learns about a request.
type reqCtx struct {
	user    *cartera.User
	session *cartera.Session
	// token is true when the caller authenticated with an API token (no
	// cookie, so no CSRF check is needed).
	token bool
	// csrf is the value state-changing forms must send back: the session's
	// secret, or before sign-in a random cookie (double submit).
	csrf string
	lang i18n.Lang
	p    *i18n.Printer
	// gen is the store's generation when the request started, and pol the
	// policy at that generation.
	gen int64
	pol cartera.Policy
	// updating is set when the answer shows summaries of an earlier day
	// or generation while the current ones are being assessed.
	updating bool
}

type ctxKey struct{}

func withRC(ctx context.Context, rc *reqCtx) context.Context {
	return context.WithValue(ctx, ctxKey{}, rc)
}

// rc returns the request's context; handlers only run after the
// middleware has set it.
func rc(r *http.Request) *reqCtx {
	if v, ok := r.Context().Value(ctxKey{}).(*reqCtx); ok {
		return v
	}
	return &reqCtx{lang: i18n.ES, p: i18n.New(i18n.ES, nil)}
}

// owner is the owner filter a user's lists get: a seller sees their own
// clients only.
func (c *reqCtx) owner() string {
	if c.user != nil && c.user.Role == cartera.RoleSeller {
		return c.user.Name
	}
	return ""
}
