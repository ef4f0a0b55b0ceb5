package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/cartera/cartera"
)

// The match table on the web (/matches, owners and managers, as the
// import page): the rules, and what captured data carried that nothing
// matched, each with a form to assign it to a client, mark it as ours or
// ignore it. The same as `cartera match`.

type matchesPage struct {
	Rules     []cartera.MatchRule
	Unmatched []cartera.Unmatched
	Error     string
	Saved     bool
}

// matchesShow lists the rules and the unmatched identifiers.
func (s *Server) matchesShow(w http.ResponseWriter, r *http.Request) error {
	d, err := s.matchesData(r)
	if err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("ok") == "saved"
	return s.page(w, r, "matches", "import", d)
}

func (s *Server) matchesData(r *http.Request) (matchesPage, error) {
	rules, err := s.st.MatchRules(r.Context())
	if err != nil {
		return matchesPage{}, err
	}
	un, err := s.st.UnmatchedItems(r.Context())
	return matchesPage{Rules: rules, Unmatched: un}, err
}

// matchSave adds or changes a rule: an identifier and what it means.
func (s *Server) matchSave(w http.ResponseWriter, r *http.Request) error {
	kind := cartera.MatchKind(r.PostFormValue("kind"))
	rule := cartera.MatchRule{Kind: kind, Value: cartera.NormalizeMatch(kind, r.PostFormValue("value")),
		Role: cartera.MatchRole(r.PostFormValue("role")), ClientID: strings.TrimSpace(r.PostFormValue("client_id")),
		ContactID: strings.TrimSpace(r.PostFormValue("contact_id")), DealID: strings.TrimSpace(r.PostFormValue("deal_id"))}
	if rule.Role == "" {
		rule.Role = cartera.RoleClient
	}
	if _, err := s.st.SaveMatchRule(r.Context(), rule); err != nil {
		if cartera.ErrorCode(err) != cartera.EINVALID && cartera.ErrorCode(err) != cartera.ECONFLICT {
			return err
		}
		d, derr := s.matchesData(r)
		if derr != nil {
			return derr
		}
		d.Error = rc(r).p.Msg(cartera.ErrorMessage(err))
		w.WriteHeader(http.StatusUnprocessableEntity)
		return s.page(w, r, "matches", "import", d)
	}
	http.Redirect(w, r, "/matches?ok=saved", http.StatusSeeOther)
	return nil
}

// matchDelete removes a rule.
func (s *Server) matchDelete(w http.ResponseWriter, r *http.Request) error {
	kind := cartera.MatchKind(r.PostFormValue("kind"))
	if err := s.st.DeleteMatchRule(r.Context(), kind, r.PostFormValue("value"), formVersion(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/matches?ok=saved&deleted="+url.QueryEscape(string(kind)), http.StatusSeeOther)
	return nil
}

// apiMatches answers the match table and the unmatched identifiers.
func (s *Server) apiMatches(w http.ResponseWriter, r *http.Request) error {
	d, err := s.matchesData(r)
	if err != nil {
		return err
	}
	if d.Rules == nil {
		d.Rules = []cartera.MatchRule{}
	}
	if d.Unmatched == nil {
		d.Unmatched = []cartera.Unmatched{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"rules": d.Rules, "unmatched": d.Unmatched})
}

// apiMatchPut adds or changes a rule (the value is normalised first).
func (s *Server) apiMatchPut(w http.ResponseWriter, r *http.Request) error {
	var m cartera.MatchRule
	if err := decode(w, r, &m); err != nil {
		return err
	}
	m.Value = cartera.NormalizeMatch(m.Kind, m.Value)
	saved, err := s.st.SaveMatchRule(r.Context(), m)
	if err != nil {
		return err
	}
	etag(w, saved.Version)
	return writeJSON(w, http.StatusOK, saved)
}

// apiMatchDelete removes a rule.
func (s *Server) apiMatchDelete(w http.ResponseWriter, r *http.Request) error {
	v, err := ifMatch(r, 0)
	if err != nil {
		return err
	}
	if err := s.st.DeleteMatchRule(r.Context(), cartera.MatchKind(r.PathValue("kind")), r.PathValue("value"), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
