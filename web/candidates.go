package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
)

// The review queue of candidate incidents (/candidates): what mail
// suggests about a client — a message at protected hours, a demand that
// reads outside scope — waits here until someone who may see the client
// confirms it (it becomes an incident) or dismisses it (what it quoted is
// erased). A seller sees and answers only their own clients' candidates.

type candidatesPage struct {
	Candidates []cartera.Candidate
	Done       string
}

// candidatesShow lists the pending candidates the user may see.
func (s *Server) candidatesShow(w http.ResponseWriter, r *http.Request) error {
	q := cartera.CandidateQuery{Status: cartera.CandidatePending}
	if o := rc(r).owner(); o != "" {
		q.Owner = cartera.OwnerKey(o)
	}
	list, err := s.st.Candidates(r.Context(), q)
	if err != nil {
		return err
	}
	done := r.URL.Query().Get("ok")
	if done != "confirmed" && done != "dismissed" {
		done = ""
	}
	return s.page(w, r, "candidates", "candidates", candidatesPage{Candidates: list, Done: done})
}

// candidateFor loads a candidate the user may act on: one of a client
// they see (any other is not found, as the client would be).
func (s *Server) candidateFor(r *http.Request) (cartera.Candidate, error) {
	c, err := s.st.Candidate(r.Context(), r.PathValue("id"))
	if err != nil {
		return c, err
	}
	if _, err := s.clientFor(r, c.ClientID); err != nil {
		return cartera.Candidate{}, cartera.NewError(cartera.ENOTFOUND, "candidate.not_found", "id", r.PathValue("id"))
	}
	return c, nil
}

// candidateConfirm turns a candidate into an incident of the chosen
// severity.
func (s *Server) candidateConfirm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.candidateFor(r)
	if err != nil {
		return err
	}
	sev, err := strconv.Atoi(r.PostFormValue("severity"))
	if err != nil || sev < cartera.MinSeverity || sev > cartera.MaxSeverity {
		return cartera.FieldError("severity", "cli.bad_severity", "value", r.PostFormValue("severity"))
	}
	in := capture.IncidentOf(c, sev, strings.TrimSpace(r.PostFormValue("note")))
	if _, err := s.st.ConfirmCandidate(r.Context(), c.ID, formVersion(r), in); err != nil {
		return err
	}
	http.Redirect(w, r, "/candidates?ok=confirmed", http.StatusSeeOther)
	return nil
}

// candidateDismiss dismisses a candidate.
func (s *Server) candidateDismiss(w http.ResponseWriter, r *http.Request) error {
	c, err := s.candidateFor(r)
	if err != nil {
		return err
	}
	if _, err := s.st.DismissCandidate(r.Context(), c.ID, formVersion(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/candidates?ok=dismissed", http.StatusSeeOther)
	return nil
}

// apiCandidates lists the pending candidates the caller may see.
func (s *Server) apiCandidates(w http.ResponseWriter, r *http.Request) error {
	q := cartera.CandidateQuery{Status: cartera.CandidatePending}
	if o := rc(r).owner(); o != "" {
		q.Owner = cartera.OwnerKey(o)
	}
	list, err := s.st.Candidates(r.Context(), q)
	if err != nil {
		return err
	}
	if list == nil {
		list = []cartera.Candidate{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": list})
}

// apiCandidateConfirm confirms a candidate as an incident.
func (s *Server) apiCandidateConfirm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.candidateFor(r)
	if err != nil {
		return err
	}
	var in struct {
		Severity int    `json:"severity"`
		Note     string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := ifMatch(r, 0)
	if err != nil {
		return err
	}
	if in.Severity < cartera.MinSeverity || in.Severity > cartera.MaxSeverity {
		return cartera.FieldError("severity", "cli.bad_severity", "value", strconv.Itoa(in.Severity))
	}
	done, err := s.st.ConfirmCandidate(r.Context(), c.ID, v, capture.IncidentOf(c, in.Severity, strings.TrimSpace(in.Note)))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, done)
}

// apiCandidateDismiss dismisses a candidate.
func (s *Server) apiCandidateDismiss(w http.ResponseWriter, r *http.Request) error {
	c, err := s.candidateFor(r)
	if err != nil {
		return err
	}
	v, err := ifMatch(r, 0)
	if err != nil {
		return err
	}
	done, err := s.st.DismissCandidate(r.Context(), c.ID, v)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, done)
}
