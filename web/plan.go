package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// The plan after a lost deal, on the web and in the API: every handler
// here checks that the user may see the deal (dealFor) and calls the
// use cases of package review that the command line calls.

// planPage is a lost deal's plan with its two forms.
type planPage struct {
	Deal cartera.Deal
	Plan *report.PlanOut
	AsOf cartera.Date
	// Reconnect and Debrief are the forms' values (the stored answers, or
	// what was sent back with an error).
	Reconnect cartera.Reconnect
	Debrief   debriefForm
	Error     string
	Field     string
	// Form names the form the error belongs to.
	Form string
}

// debriefForm is the debrief as the form edits it: lessons one per row.
type debriefForm struct {
	Date     string
	Happened string
	Better   string
	Lessons  []lessonRow
}

type lessonRow struct{ N, Text, Change string }

// lessonRows is how many empty lesson rows the form offers past the
// saved ones.
const lessonRows = 3

// planURL is a lost deal's plan.
func planURL(id string) string { return "/deals/" + url.PathEscape(id) + "/plan" }

// planShow is the plan page: the dated tasks, the reconnect checklist, the
// debrief and the restart step. A deal that is not lost gets the reason
// and a link back to it.
func (s *Server) planShow(w http.ResponseWriter, r *http.Request) error {
	return s.planView(w, r, http.StatusOK, nil)
}

// planView renders the plan page; edit, when set, replaces the stored
// values with what the user sent.
func (s *Server) planView(w http.ResponseWriter, r *http.Request, code int, edit func(*planPage)) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	asOf := s.asOf(r)
	data := planPage{Deal: d, AsOf: asOf, Reconnect: cartera.Reconnect{Day: asOf, ReallyNo: cartera.Unknown, CompetitorWon: cartera.Unknown}}
	v, err := review.Plan(r.Context(), s.st, d.ID, asOf)
	if err != nil {
		msg, field, c, ok := formError(r, err)
		if !ok {
			return err
		}
		data.Error, data.Field, data.Form = msg, field, "plan"
		w.WriteHeader(c)
		return s.page(w, r, "plan", "pipeline", data)
	}
	out := planJSON(r, v)
	data.Plan = &out
	if v.Reconnect != nil {
		data.Reconnect = *v.Reconnect
	}
	data.Debrief = debriefForm{Date: asOf.String()}
	if db := v.Debrief; db != nil {
		data.Debrief = debriefForm{Date: db.Day.String(), Happened: db.Happened, Better: db.Better}
		for _, l := range db.Lessons {
			text := l.Text
			if l.Topic != "" {
				text = l.Topic + ": " + l.Text
			}
			data.Debrief.Lessons = append(data.Debrief.Lessons, lessonRow{Text: text, Change: l.Change})
		}
	}
	if edit != nil {
		edit(&data)
	}
	for len(data.Debrief.Lessons) < lessonRows || data.Debrief.Lessons[len(data.Debrief.Lessons)-1].Text != "" {
		data.Debrief.Lessons = append(data.Debrief.Lessons, lessonRow{})
	}
	for i := range data.Debrief.Lessons {
		data.Debrief.Lessons[i].N = strconv.Itoa(i + 1)
	}
	if code != http.StatusOK {
		w.WriteHeader(code)
	}
	return s.page(w, r, "plan", "pipeline", data)
}

// planJSON renders a plan for the user: a seller's next prospects are
// only their own deals (the engine falls back to the whole team's when a
// seller has none open, which a seller may not see).
func planJSON(r *http.Request, v *review.PlanView) report.PlanOut {
	out := report.PlanJSON(v, rc(r).p)
	if o := rc(r).owner(); o != "" {
		mine := out.Restart.Prospects[:0:0]
		for _, p := range out.Restart.Prospects {
			if cartera.OwnerKey(p.Owner) == cartera.Fold(o) {
				mine = append(mine, p)
			}
		}
		out.Restart.Prospects = mine
	}
	return out
}

// formAnswer reads a yes / no / don't know field.
func formAnswer(field, v string) (cartera.Answer, error) {
	switch a := cartera.Answer(strings.TrimSpace(v)); a {
	case cartera.Yes, cartera.No, cartera.Unknown:
		return a, nil
	case "":
		return cartera.Unknown, nil
	}
	return "", cartera.FieldError(field, "deal.bad_answer", "value", v)
}

// reconnectForm reads the checklist's answers.
func reconnectForm(r *http.Request, dealID string) (cartera.Reconnect, error) {
	rec := cartera.Reconnect{DealID: dealID, Competitor: strings.TrimSpace(r.PostFormValue("competitor")),
		Suggestions: strings.TrimSpace(r.PostFormValue("suggestions")), Note: strings.TrimSpace(r.PostFormValue("note")),
		Respected: r.PostFormValue("respected") == "yes", DoorOpen: r.PostFormValue("door_open") == "yes", Version: formVersion(r)}
	var err error
	if rec.Day, err = formDate("date", r.PostFormValue("date")); err != nil {
		return rec, err
	}
	if rec.ReallyNo, err = formAnswer("really_no", r.PostFormValue("really_no")); err != nil {
		return rec, err
	}
	rec.CompetitorWon, err = formAnswer("competitor_won", r.PostFormValue("competitor_won"))
	return rec, err
}

// reconnectSubmit records the call's answers (refused, with nothing
// written, for a deal that is not lost).
func (s *Server) reconnectSubmit(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	rec, err := reconnectForm(r, d.ID)
	if err == nil {
		if rec.Day.IsZero() {
			rec.Day = s.asOf(r)
		}
		_, err = review.CompleteReconnect(r.Context(), s.st, rec, s.asOf(r))
	}
	if err != nil {
		msg, field, code, ok := formError(r, err)
		if !ok {
			return err
		}
		return s.planView(w, r, code, func(p *planPage) {
			p.Reconnect, p.Error, p.Field, p.Form = rec, msg, field, "reconnect"
		})
	}
	http.Redirect(w, r, planURL(d.ID)+"?ok=reconnect#reconnect", http.StatusSeeOther)
	return nil
}

// debriefFromForm reads the debrief: each lesson row is "topic: text"
// with its procedure change.
func debriefFromForm(r *http.Request, dealID string) (cartera.Debrief, debriefForm, error) {
	f := debriefForm{Date: r.PostFormValue("date"), Happened: strings.TrimSpace(r.PostFormValue("happened")),
		Better: strings.TrimSpace(r.PostFormValue("better"))}
	db := cartera.Debrief{DealID: dealID, Happened: f.Happened, Better: f.Better, Version: formVersion(r)}
	texts, changes := r.PostForm["lesson"], r.PostForm["change"]
	for i, t := range texts {
		row := lessonRow{Text: strings.TrimSpace(t)}
		if i < len(changes) {
			row.Change = strings.TrimSpace(changes[i])
		}
		f.Lessons = append(f.Lessons, row)
		if row.Text == "" && row.Change == "" {
			continue
		}
		l := review.ParseLesson(row.Text)
		l.Change = row.Change
		db.Lessons = append(db.Lessons, l)
	}
	var err error
	db.Day, err = formDate("date", f.Date)
	return db, f, err
}

// debriefSubmit saves the team's debrief and its lessons.
func (s *Server) debriefSubmit(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return cartera.NewError(cartera.EINVALID, "api.bad_form")
	}
	db, f, err := debriefFromForm(r, d.ID)
	if err == nil {
		if db.Day.IsZero() {
			db.Day = s.asOf(r)
		}
		_, err = review.SaveDebrief(r.Context(), s.st, db, s.asOf(r))
	}
	if err != nil {
		msg, field, code, ok := formError(r, err)
		if !ok {
			return err
		}
		return s.planView(w, r, code, func(p *planPage) {
			p.Debrief, p.Error, p.Field, p.Form = f, msg, field, "debrief"
		})
	}
	http.Redirect(w, r, planURL(d.ID)+"?ok=debrief#debrief", http.StatusSeeOther)
	return nil
}

// markLost closes a deal as lost and starts its plan, as cartera lost does:
// what the deal page, the close API and the lost API share. version, when
// not 0, is the version the user read.
func (s *Server) markLost(r *http.Request, d cartera.Deal, version int64, day cartera.Date, reason, competitor string) (*review.PlanView, error) {
	v, err := review.MarkLost(r.Context(), s.st, review.LostInput{DealID: d.ID, AsOf: s.asOf(r), Closed: day, Reason: reason,
		Competitor: competitor, Version: version})
	if cartera.ErrorCode(err) == cartera.ECONFLICT {
		return nil, s.dealGuard().conflict(r, d.ID, err)
	}
	return v, err
}

// lostInput is the body of POST /api/v1/deals/{id}/lost.
type lostInput struct {
	Reason     string       `json:"reason"`
	Competitor string       `json:"competitor"`
	Date       cartera.Date `json:"date"`
	Version    int64        `json:"version"`
}

// apiDealLost closes a deal as lost and answers its plan.
func (s *Server) apiDealLost(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	var in lostInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := ifMatch(r, in.Version)
	if err != nil {
		return err
	}
	if in.Date > s.asOf(r) {
		return cartera.FieldError("date", "value.future_date", "value", in.Date)
	}
	plan, err := s.markLost(r, d, v, in.Date, in.Reason, in.Competitor)
	if err != nil {
		return err
	}
	etag(w, plan.Deal.Version)
	return writeJSON(w, http.StatusOK, planJSON(r, plan))
}

// apiPlan answers a lost deal's plan, as cartera plan --format json.
func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := review.Plan(r.Context(), s.st, d.ID, s.asOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, planJSON(r, v))
}

// putVersion is what a PUT on a deal's reconnect or debrief does with
// versions: the one read (If-Match or the body's), 428 when a record
// exists and none was sent.
func putVersion(r *http.Request, body int64, exists bool, current any) (int64, error) {
	v, err := ifMatch(r, body)
	if err != nil {
		return 0, err
	}
	if exists && v == 0 {
		return 0, &conflictError{err: errPrecondition, current: current}
	}
	return v, nil
}

// apiReconnect records the reconnect call's answers.
func (s *Server) apiReconnect(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	var rec cartera.Reconnect
	if err := decode(w, r, &rec); err != nil {
		return err
	}
	if rec.DealID != "" && rec.DealID != d.ID {
		return cartera.FieldError("deal_id", "api.id_mismatch", "id", d.ID)
	}
	rec.DealID = d.ID
	if rec.Day.IsZero() {
		rec.Day = s.asOf(r)
	}
	old, gerr := s.st.Reconnect(r.Context(), d.ID)
	if gerr != nil && cartera.ErrorCode(gerr) != cartera.ENOTFOUND {
		return gerr
	}
	if rec.Version, err = putVersion(r, rec.Version, gerr == nil, old); err != nil {
		return err
	}
	v, err := review.CompleteReconnect(r.Context(), s.st, rec, s.asOf(r))
	if err != nil {
		return s.withCurrent(err, old, gerr == nil)
	}
	etag(w, v.Reconnect.Version)
	return writeJSON(w, http.StatusOK, planJSON(r, v))
}

// withCurrent adds the stored record to a version conflict.
func (s *Server) withCurrent(err error, current any, exists bool) error {
	if exists && cartera.ErrorCode(err) == cartera.ECONFLICT {
		return &conflictError{err: err, current: current}
	}
	return err
}

// apiDebrief saves the team's debrief (its lessons replace the earlier
// ones).
func (s *Server) apiDebrief(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	var db cartera.Debrief
	if err := decode(w, r, &db); err != nil {
		return err
	}
	if db.DealID != "" && db.DealID != d.ID {
		return cartera.FieldError("deal_id", "api.id_mismatch", "id", d.ID)
	}
	db.DealID = d.ID
	if db.Day.IsZero() {
		db.Day = s.asOf(r)
	}
	old, gerr := s.st.Debrief(r.Context(), d.ID)
	if gerr != nil && cartera.ErrorCode(gerr) != cartera.ENOTFOUND {
		return gerr
	}
	if db.Version, err = putVersion(r, db.Version, gerr == nil, old); err != nil {
		return err
	}
	v, err := review.SaveDebrief(r.Context(), s.st, db, s.asOf(r))
	if err != nil {
		return s.withCurrent(err, old, gerr == nil)
	}
	etag(w, v.Debrief.Version)
	return writeJSON(w, http.StatusOK, planJSON(r, v))
}
