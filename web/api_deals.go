package web

import (
	"fmt"
	"net/http"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// The deals of the pipeline over the API: a paged list (grounded, like the
// board), one deal as a record with its version, its full assessment, and
// create, replace, close and delete. Sellers see and write only their own
// deals (access.go).

// dealListBody is the deal list: grounded deals, paged by id with a cursor; or,
// with stale=true, the open deals needing a status check, most overdue
// first, with Total counting all of them.
type dealListBody struct {
	Items      []report.GroundedJSON `json:"items"`
	NextCursor string                `json:"next_cursor"`
	Total      *int                  `json:"total,omitempty"`
}

func (s *Server) apiDealList(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	v := r.URL.Query()
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	pl, err := s.pipelineConfig(r)
	if err != nil {
		return err
	}
	stage := cartera.Stage(v.Get("stage"))
	if stage != "" && !pl.Has(stage) {
		return cartera.FieldError("stage", "deal.unknown_stage", "value", string(stage), "stages", pl.StageIDs())
	}
	outcome := cartera.Outcome(v.Get("outcome"))
	switch outcome {
	case "", cartera.OutcomeOpen, cartera.OutcomeWon, cartera.OutcomeLost:
	default:
		return cartera.FieldError("outcome", "deal.bad_outcome", "value", string(outcome))
	}
	stale, err := boolParam(r, "stale")
	if err != nil {
		return err
	}
	seller, asOf := sellerFilter(r), s.asOf(r)
	key := fmt.Sprintf("deals|%s|%s|%s|%s", asOf, c.lang, cartera.Fold(seller), r.URL.RawQuery)
	return s.cachedJSON(w, r, key, func() (any, error) {
		if stale {
			l, err := review.Deals(r.Context(), s.st, review.DealsOptions{AsOf: asOf, Owner: seller, Stage: stage, Stale: true, Limit: limit})
			if err != nil {
				return nil, err
			}
			out := report.DealListJSON(l, c.p)
			return dealListBody{Items: out.Deals, Total: &out.Total}, nil
		}
		deals, next, err := s.st.ListDeals(r.Context(), cartera.DealQuery{Owner: seller, Stage: stage, Outcome: outcome,
			ClientID: v.Get("client"), After: v.Get("cursor"), Limit: limit})
		if err != nil {
			return nil, err
		}
		m, err := s.pipelineModel(r, asOf)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(deals))
		for i, d := range deals {
			ids[i] = d.ID
		}
		gs, err := review.GroundDeals(r.Context(), s.st, m, ids, asOf)
		if err != nil {
			return nil, err
		}
		items := make([]report.GroundedJSON, len(gs))
		for i := range gs {
			items[i] = report.Grounded(&gs[i], c.p)
		}
		return dealListBody{Items: items, NextCursor: next}, nil
	})
}

// boolParam reads an optional true/false query parameter.
func boolParam(r *http.Request, name string) (bool, error) {
	switch v := r.URL.Query().Get(name); v {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	default:
		return false, cartera.FieldError(name, "value.not_bool", "value", v)
	}
}

func (s *Server) apiDealGet(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	etag(w, d.Version)
	return writeJSON(w, http.StatusOK, report.DealRecord(d))
}

// apiDealAssessment is one deal grounded, with every factor from the
// claimed to the grounded probability, and its evidence: the shape of
// `cartera deal show --format json`.
func (s *Server) apiDealAssessment(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	det, err := review.Deal(r.Context(), s.st, d.ID, s.asOf(r))
	if err != nil {
		return err
	}
	if det.Client != nil && !rc(r).user.Sees(*det.Client) {
		det.Client = nil // the deal is theirs, the client someone else's
	}
	return writeJSON(w, http.StatusOK, report.DealJSON(det, rc(r).p))
}

// decodeDeal reads a deal in its JSON form.
func decodeDeal(w http.ResponseWriter, r *http.Request) (cartera.Deal, error) {
	var in report.DealRecordJSON
	if err := decode(w, r, &in); err != nil {
		return cartera.Deal{}, err
	}
	return in.Deal()
}

func writeDeal(w http.ResponseWriter, code int, d cartera.Deal) error {
	etag(w, d.Version)
	return writeJSON(w, code, report.DealRecord(d))
}

func (s *Server) apiDealCreate(w http.ResponseWriter, r *http.Request) error {
	d, err := decodeDeal(w, r)
	if err != nil {
		return err
	}
	if err := s.prepareDeal(r, &d, nil); err != nil {
		return err
	}
	saved, err := s.dealGuard().create(r, d)
	if err != nil {
		return err
	}
	return writeDeal(w, http.StatusCreated, saved)
}

// apiDealPut creates a deal under a chosen id or replaces one, given the
// version it was read at.
func (s *Server) apiDealPut(w http.ResponseWriter, r *http.Request) error {
	d, err := decodeDeal(w, r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if d.ID == "" {
		d.ID = id
	}
	if d.ID != id {
		return cartera.FieldError("id", "api.id_mismatch", "id", id)
	}
	v, err := ifMatch(r, d.Version)
	if err != nil {
		return err
	}
	old, err := s.dealFor(r, id)
	switch {
	case err == nil:
		err = s.prepareDeal(r, &d, &old)
	case cartera.ErrorCode(err) == cartera.ENOTFOUND:
		err = s.prepareDeal(r, &d, nil)
	}
	if err != nil {
		return err
	}
	saved, err := s.dealGuard().replace(r, id, d, v)
	if err != nil {
		return err
	}
	return writeDeal(w, http.StatusOK, saved)
}

// closeInput closes a deal.
type closeInput struct {
	Outcome    cartera.Outcome `json:"outcome"`
	Date       cartera.Date    `json:"date"`
	LostReason string          `json:"lost_reason"`
	Competitor string          `json:"competitor"`
	Version    int64           `json:"version"`
}

// apiDealClose marks a deal won or lost. Won needs a purchase order,
// signed contract or payment among its signals: without one the answer is
// 422 on the field "outcome", explaining what to record instead, and the
// deal stays as it was.
func (s *Server) apiDealClose(w http.ResponseWriter, r *http.Request) error {
	var in closeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := ifMatch(r, in.Version)
	if err != nil {
		return err
	}
	saved, err := s.closeDeal(r, d, v, in.Outcome, in.Date, in.LostReason, in.Competitor)
	if err != nil {
		return err
	}
	return writeDeal(w, http.StatusOK, saved)
}

// apiDealDelete deletes a deal and its signals.
func (s *Server) apiDealDelete(w http.ResponseWriter, r *http.Request) error {
	v, err := ifMatch(r, 0)
	if err != nil {
		return err
	}
	if err := s.dealGuard().remove(s, r, r.PathValue("id"), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
