package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

type dealPage struct {
	D       *review.DealDetail
	G       *forecast.Grounded
	Stage   string // the stage's name
	Client  *cartera.Client
	Bars    probBars
	Factors []factorRow
	Stages  []stageOption
	Kinds   []kindGroup
	Sources []string
	Today   cartera.Date
	// The forms, with their values and error when one comes back.
	Signal signalForm
	Close  closeForm
	Move   moveForm
}

// factorRow is one step from the base rate to the grounded probability.
type factorRow struct {
	F    forecast.Factor
	Bar  factorBar
	Base bool
	// Effect is the change in percentage points, signed ("+5,8 puntos").
	Effect string
}

type stageOption struct {
	ID   cartera.Stage
	Name string
}

// kindGroup is a set of signal kinds shown together in the form.
type kindGroup struct {
	Legend string // catalog key
	Kinds  []cartera.SignalKind
}

type signalForm struct {
	Kind, Date, Source, Days, Note string
	Error, Field                   string
}

type closeForm struct {
	Outcome, Date, LostReason, Competitor string
	Error, Field                          string
	// NeedsEvidence is set when "won" was refused for want of proof: the
	// page then offers to record what was said as a signal instead.
	NeedsEvidence bool
}

type moveForm struct {
	Error, Field string
}

// signalGroups orders the kinds for the form: proof of a sale first, then
// signs from the client, warning signs, and the plain status check.
func signalGroups() []kindGroup {
	g := []kindGroup{{Legend: "web.kinds_verified"}, {Legend: "web.kinds_positive"}, {Legend: "web.kinds_negative"},
		{Legend: "web.kinds_check"}}
	for _, k := range cartera.SignalKinds {
		i := 1
		switch {
		case k.Verified():
			i = 0
		case k.Negative():
			i = 2
		case k == cartera.SignalStatusCheck:
			i = 3
		}
		g[i].Kinds = append(g[i].Kinds, k)
	}
	return g
}

// dealShow is a deal's page: why its grounded probability is what it is,
// step by step; its evidence, newest first; its qualification; and the
// forms to record a signal, move it and close it.
func (s *Server) dealShow(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	// ?kind= preselects a kind, as the offer to record a verbal "yes"
	// instead of closing does.
	kind := r.URL.Query().Get("kind")
	return s.dealView(w, r, d.ID, http.StatusOK, func(p *dealPage) { p.Signal.Kind = kind })
}

// dealView renders a deal's page with a status, after letting the caller
// fill in a form that came back with an error.
func (s *Server) dealView(w http.ResponseWriter, r *http.Request, id string, code int, forms func(*dealPage)) error {
	c := rc(r)
	today := s.asOf(r)
	det, err := review.Deal(r.Context(), s.st, id, today)
	if err != nil {
		return err
	}
	pl, err := s.pipelineConfig(r)
	if err != nil {
		return err
	}
	g := &det.Grounded
	data := dealPage{D: det, G: g, Stage: report.StageName(pl, g.Stage, c.p), Bars: newProbBars(g), Kinds: signalGroups(),
		Sources: cartera.SignalSources, Today: today}
	if det.Client != nil && c.user.Sees(*det.Client) {
		data.Client = det.Client
	}
	for i, f := range g.Factors {
		row := factorRow{F: f, Bar: newFactorBar(f), Base: i == 0}
		if e := f.Effect(); e != 0 {
			row.Effect = c.p.Points(e)
		}
		data.Factors = append(data.Factors, row)
	}
	for _, st := range pl.Stages {
		data.Stages = append(data.Stages, stageOption{ID: st.ID, Name: report.StageName(pl, st.ID, c.p)})
	}
	data.Signal.Date, data.Close.Date = today.String(), today.String()
	if forms != nil {
		forms(&data)
	}
	if code != http.StatusOK {
		w.WriteHeader(code)
	}
	return s.page(w, r, "deal", "pipeline", data)
}

// formError turns a refused save into the message a form shows, or
// returns the error when it is not the user's to fix.
func formError(r *http.Request, err error) (msg, field string, code int, ok bool) {
	switch cartera.ErrorCode(err) {
	case cartera.EINVALID, cartera.ECONFLICT:
		var e *cartera.Error
		if errors.As(err, &e) {
			field = e.Field
		}
		return rc(r).p.Msg(cartera.ErrorMessage(err)), field, status(err), true
	}
	return "", "", 0, false
}

// formDate reads a date field: ISO (as browsers send it) or day first; empty
// is zero.
func formDate(field, v string) (cartera.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	d, err := cartera.ParseDate(v)
	if err != nil {
		return 0, &cartera.Error{Code: cartera.EINVALID, Field: field, Msg: cartera.ErrorMessage(err)}
	}
	return d, nil
}

// formVersion reads the version a form was rendered with (0 if none).
func formVersion(r *http.Request) int64 {
	v, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	return max(v, 0)
}
