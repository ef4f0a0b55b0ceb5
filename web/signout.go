package web

import (
	"context"
	"net/http"

	"github.com/cartera/cartera"
)

// SignOutEverywhere ends every session of a user and revokes their API
// keys and calendar address: every credential that is not their password.
// A password change does it (whoever changes it: the user, an owner, the
// command line), and so does the "sign out everywhere" button. Every write
// counts in the store's generation, so no server keeps an ended session in
// its cache.
func SignOutEverywhere(ctx context.Context, st cartera.Store, userID int64) error {
	if err := st.DeleteSessions(ctx, userID); err != nil {
		return err
	}
	tokens, err := st.Tokens(ctx, userID)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if err := st.DeleteToken(ctx, userID, t.ID); err != nil && cartera.ErrorCode(err) != cartera.ENOTFOUND {
			return err
		}
	}
	return st.DeleteCalendarToken(ctx, userID)
}

// signOutOthers ends every credential of the signed-in user and, when they
// came with a browser, signs that browser in again on a new session: the
// one who asked stays, everyone else is out.
func (s *Server) signOutOthers(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	if err := SignOutEverywhere(r.Context(), s.st, c.user.ID); err != nil {
		return err
	}
	if c.session == nil {
		return nil
	}
	sess, token, err := s.newSession(r.Context(), c.user.ID)
	if err != nil {
		return err
	}
	c.session, c.csrf = &sess, sess.CSRF
	http.SetCookie(w, s.cookie(sessionCookie, token, s.cfg.SessionTTL))
	return nil
}

// signOutSubmit is the settings page's "sign out everywhere".
func (s *Server) signOutSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := s.signOutOthers(w, r); err != nil {
		return err
	}
	saved(w, r, "sessions")
	return nil
}

// apiSignOut ends every session and revokes every API key (the one used
// for this call too) and the calendar address of the caller.
func (s *Server) apiSignOut(w http.ResponseWriter, r *http.Request) error {
	if err := s.signOutOthers(w, r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
