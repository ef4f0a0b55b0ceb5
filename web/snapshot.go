package web

import (
	"context"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

// Every committed write bumps the store's generation. What the server
// derives from stored data — the policy, who a session or API key belongs
// to — is cached under the generation it was read at (genCache), so a
// request costs one tiny query ("has anything changed?") instead of
// several. Any write, on this server or another replica, empties these
// caches.

// summaryKey is review.SummaryKey, remembered for the generation.
func (s *Server) summaryKey(ctx context.Context, gen int64, asOf cartera.Date, pol cartera.Policy) string {
	k, _ := s.keys.do(ctx, gen, asOf, func(context.Context) (string, error) { return review.SummaryKey(asOf, pol), nil })
	return k
}

type authEntry struct {
	user cartera.User
	sess *cartera.Session
}

// state returns the current generation and policy.
func (s *Server) state(ctx context.Context) (int64, cartera.Policy, error) {
	gen, err := s.st.Generation(ctx)
	if err != nil {
		return 0, cartera.Policy{}, err
	}
	pol, err := s.policy.do(ctx, gen, struct{}{}, s.st.Policy)
	return gen, pol, err
}

// tokenUser resolves an API key, through the cache.
func (s *Server) tokenUser(ctx context.Context, gen int64, hash string, now time.Time) (cartera.User, error) {
	e, err := s.auth.do(ctx, gen, "t:"+hash, func(ctx context.Context) (authEntry, error) {
		_, u, err := s.st.TokenUser(ctx, hash, now)
		return authEntry{user: u}, err
	})
	return e.user, err
}

// session resolves a session cookie, through the cache; expiry is checked
// on every request.
func (s *Server) session(ctx context.Context, gen int64, id string, now time.Time) (cartera.Session, cartera.User, error) {
	e, err := s.auth.do(ctx, gen, "s:"+id, func(ctx context.Context) (authEntry, error) {
		sess, u, err := s.st.Session(ctx, id, now)
		return authEntry{user: u, sess: &sess}, err
	})
	if err != nil {
		return cartera.Session{}, cartera.User{}, err
	}
	if now.Before(e.sess.Expires) {
		return *e.sess, e.user, nil
	}
	return s.st.Session(ctx, id, now)
}

// printerFor returns a printer for a language in the policy's zone.
func printerFor(l i18n.Lang, pol cartera.Policy) *i18n.Printer { return i18n.New(l, pol.Location()) }
