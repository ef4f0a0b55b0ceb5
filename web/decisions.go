package web

import (
	"net/http"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// Decisions on verdicts: anyone who may see a client records the decision
// they take on its verdict (agree, or another verdict and why) from the
// client page or the API; owners and managers see on /decisions where the
// decisions and the policy keep disagreeing, with the threshold change
// that would align them — a proposal the owner applies on /settings, never
// applied here.

type decisionsPage struct {
	A *review.Alignment
}

// decisionsShow is /decisions.
func (s *Server) decisionsShow(w http.ResponseWriter, r *http.Request) error {
	al, err := review.Align(r.Context(), s.st, s.today(r.Context()))
	if err != nil {
		return err
	}
	return s.page(w, r, "decisions", "decisions", decisionsPage{A: al})
}

// decide stores a decision on the client's verdict as of today.
func (s *Server) decide(r *http.Request, clientID string, agree bool, verdict cartera.Verdict, reason string) (cartera.Decision, error) {
	cl, err := s.clientFor(r, clientID)
	if err != nil {
		return cartera.Decision{}, err
	}
	today := s.today(r.Context())
	a, err := review.One(r.Context(), s.st, today, cl.ID)
	if err != nil {
		return cartera.Decision{}, err
	}
	if agree {
		verdict = a.Verdict
	}
	by := ""
	if u := rc(r).user; u != nil {
		by = u.Email
	}
	return s.st.SaveDecision(r.Context(), cartera.Decision{ClientID: cl.ID, Day: today, Policy: a.Verdict, Decided: verdict,
		Reason: strings.TrimSpace(reason), By: by, At: s.cfg.Now()})
}

// decisionCreate is the client page's form: "agree" or a verdict.
func (s *Server) decisionCreate(w http.ResponseWriter, r *http.Request) error {
	choice := r.PostFormValue("decision")
	v := cartera.Verdict(choice)
	if choice != "agree" && !v.Valid() {
		return cartera.FieldError("decision", "decision.verdict", "value", choice)
	}
	if _, err := s.decide(r, r.PathValue("id"), choice == "agree", v, r.PostFormValue("reason")); err != nil {
		return err
	}
	http.Redirect(w, r, "/clients/"+r.PathValue("id")+"?decided=1#decision", http.StatusSeeOther)
	return nil
}

// apiDecisionCreate is POST /api/v1/clients/{id}/decisions.
func (s *Server) apiDecisionCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Agree   bool            `json:"agree"`
		Verdict cartera.Verdict `json:"verdict"`
		Reason  string          `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if !in.Agree && !in.Verdict.Valid() {
		return cartera.FieldError("verdict", "decision.verdict", "value", string(in.Verdict))
	}
	d, err := s.decide(r, r.PathValue("id"), in.Agree, in.Verdict, in.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, d)
}

// apiDecisions is GET /api/v1/decisions.
func (s *Server) apiDecisions(w http.ResponseWriter, r *http.Request) error {
	al, err := review.Align(r.Context(), s.st, s.today(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, report.AlignmentJSON(al, rc(r).p))
}
