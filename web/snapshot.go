package web

import (
	"context"
	"sync"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

// Every committed write bumps the store's generation. What the server
// derives from stored data — the policy, who a session or API key belongs
// to — is cached under the generation it was read at, so a request costs
// one tiny query ("has anything changed?") instead of several. Any write,
// on this server or another replica, empties these caches.
type snapshot struct {
	mu     sync.Mutex
	gen    int64
	loaded bool
	pol    cartera.Policy
	auth   map[string]authEntry // by session id or token hash
	keys   map[cartera.Date]string
}

// summaryKey is review.SummaryKey, remembered for the generation.
func (s *Server) summaryKey(gen int64, asOf cartera.Date, pol cartera.Policy) string {
	s.snap.mu.Lock()
	defer s.snap.mu.Unlock()
	if s.snap.loaded && s.snap.gen == gen {
		if k, ok := s.snap.keys[asOf]; ok {
			return k
		}
	}
	k := review.SummaryKey(asOf, pol)
	if s.snap.loaded && s.snap.gen == gen {
		if s.snap.keys == nil {
			s.snap.keys = map[cartera.Date]string{}
		}
		s.snap.keys[asOf] = k
	}
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
	s.snap.mu.Lock()
	if s.snap.loaded && s.snap.gen == gen {
		pol := s.snap.pol
		s.snap.mu.Unlock()
		return gen, pol, nil
	}
	s.snap.mu.Unlock()
	pol, err := s.st.Policy(ctx)
	if err != nil {
		return 0, pol, err
	}
	s.snap.mu.Lock()
	if !s.snap.loaded || gen >= s.snap.gen {
		s.snap.gen, s.snap.pol, s.snap.loaded = gen, pol, true
		s.snap.auth = map[string]authEntry{}
		s.snap.keys = map[cartera.Date]string{}
	}
	s.snap.mu.Unlock()
	return gen, pol, nil
}

// authCached looks a session or token up in the cache of the current
// generation.
func (s *Server) authCached(gen int64, key string) (authEntry, bool) {
	s.snap.mu.Lock()
	defer s.snap.mu.Unlock()
	if !s.snap.loaded || s.snap.gen != gen {
		return authEntry{}, false
	}
	e, ok := s.snap.auth[key]
	return e, ok
}

func (s *Server) authRemember(gen int64, key string, e authEntry) {
	s.snap.mu.Lock()
	defer s.snap.mu.Unlock()
	if s.snap.loaded && s.snap.gen == gen && len(s.snap.auth) < 10000 {
		s.snap.auth[key] = e
	}
}

// tokenUser resolves an API key, through the cache.
func (s *Server) tokenUser(ctx context.Context, gen int64, hash string, now time.Time) (cartera.User, error) {
	if e, ok := s.authCached(gen, "t:"+hash); ok {
		return e.user, nil
	}
	_, u, err := s.st.TokenUser(ctx, hash, now)
	if err != nil {
		return u, err
	}
	s.authRemember(gen, "t:"+hash, authEntry{user: u})
	return u, nil
}

// session resolves a session cookie, through the cache; expiry is checked
// on every request.
func (s *Server) session(ctx context.Context, gen int64, id string, now time.Time) (cartera.Session, cartera.User, error) {
	if e, ok := s.authCached(gen, "s:"+id); ok && now.Before(e.sess.Expires) {
		return *e.sess, e.user, nil
	}
	sess, u, err := s.st.Session(ctx, id, now)
	if err != nil {
		return sess, u, err
	}
	s.authRemember(gen, "s:"+id, authEntry{user: u, sess: &sess})
	return sess, u, nil
}

// printerFor returns a printer for a language in the policy's zone.
func printerFor(l i18n.Lang, pol cartera.Policy) *i18n.Printer { return i18n.New(l, pol.Location()) }
