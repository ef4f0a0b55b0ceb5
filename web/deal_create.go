package web

import (
	"net/http"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
)

type dealNewPage struct {
	Stages     []stageOption
	Sellers    []string
	Categories []cartera.ForecastCategory
	Answers    []cartera.Answer
	Currency   cartera.Currency // the policy's, shown as the default
	// The form's values, kept when it comes back with an error.
	F            dealForm
	Error, Field string
}

type dealForm struct {
	Title, Prospect, ClientID, Owner, Value, Currency, Stage, ExpectedClose, Claimed, Category string
	Need, Capacity, DecisionMaker                                                              string
}

// dealNew is the form to open a deal: few fields are required (a name and a
// value); the claimed probability, the category and the qualification are
// what the grounded forecast will compare with the evidence.
func (s *Server) dealNew(w http.ResponseWriter, r *http.Request) error {
	f := dealForm{ClientID: r.URL.Query().Get("client"), Need: "unknown", Capacity: "unknown", DecisionMaker: "unknown"}
	return s.dealNewView(w, r, f, nil)
}

func (s *Server) dealNewView(w http.ResponseWriter, r *http.Request, f dealForm, err error) error {
	c := rc(r)
	pl, perr := s.pipelineConfig(r)
	if perr != nil {
		return perr
	}
	data := dealNewPage{Categories: []cartera.ForecastCategory{cartera.CategoryCommit, cartera.CategoryBestCase, cartera.CategoryPipeline},
		Answers: []cartera.Answer{cartera.Unknown, cartera.Yes, cartera.No}, Currency: c.pol.Currency, F: f}
	for _, st := range pl.Stages {
		data.Stages = append(data.Stages, stageOption{ID: st.ID, Name: report.StageName(pl, st.ID, c.p)})
	}
	var serr error
	if data.Sellers, serr = s.dealSellers(r); serr != nil {
		return serr
	}
	if err != nil {
		msg, field, code, ok := formError(r, err)
		if !ok {
			return err
		}
		data.Error, data.Field = msg, field
		w.WriteHeader(code)
	}
	return s.page(w, r, "deal_new", "pipeline", data)
}

// dealCreate opens the deal and shows its page.
func (s *Server) dealCreate(w http.ResponseWriter, r *http.Request) error {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := dealForm{Title: v("title"), Prospect: v("prospect"), ClientID: v("client_id"), Owner: v("owner"), Value: v("value"),
		Currency: strings.ToUpper(v("currency")), Stage: v("stage"), ExpectedClose: v("expected_close"), Claimed: v("claimed"),
		Category: v("category"), Need: v("need"), Capacity: v("capacity"), DecisionMaker: v("decision_maker")}
	d, err := s.dealFromForm(r, f)
	if err == nil {
		d, err = s.dealGuard().create(r, d)
	}
	if err != nil {
		return s.dealNewView(w, r, f, err)
	}
	http.Redirect(w, r, dealURL(d.ID)+"?ok=deal_created", http.StatusSeeOther)
	return nil
}

// dealFromForm reads the new-deal form the way people type: amounts with a
// decimal comma or point, probabilities as "80", "80 %" or "62,5".
func (s *Server) dealFromForm(r *http.Request, f dealForm) (cartera.Deal, error) {
	d := cartera.Deal{ID: newRecordID("D"), Title: f.Title, Prospect: f.Prospect, ClientID: f.ClientID, Owner: f.Owner,
		Stage: cartera.Stage(f.Stage), Category: cartera.ForecastCategory(f.Category), Outcome: cartera.OutcomeOpen,
		Qualification: cartera.Qualification{Need: cartera.Answer(f.Need), Capacity: cartera.Answer(f.Capacity),
			DecisionMaker: cartera.Answer(f.DecisionMaker)}}
	d.Value.Currency = cartera.Currency(f.Currency)
	if err := s.prepareDeal(r, &d, nil); err != nil {
		return d, err
	}
	if !d.Value.Currency.Valid() {
		return d, cartera.FieldError("currency", "value.unknown_currency", "value", string(d.Value.Currency))
	}
	if f.Value == "" {
		return d, cartera.FieldError("value", "value.required")
	}
	amount, err := cartera.ParseDecimal(f.Value, d.Value.Currency.Exponent(), cartera.DecimalAutoComma)
	if err != nil {
		return d, cartera.FieldError("value", "value.not_number", "value", f.Value)
	}
	d.Value.Amount = amount
	if d.ExpectedClose, err = formDate("expected_close", f.ExpectedClose); err != nil {
		return d, err
	}
	if f.Claimed != "" {
		bp, err := cartera.ParseDecimal(strings.TrimSpace(strings.TrimSuffix(f.Claimed, "%")), 2, cartera.DecimalAutoComma)
		if err != nil {
			return d, cartera.FieldError("claimed", "value.not_number", "value", f.Claimed)
		}
		if bp < 0 || bp > 10000 {
			return d, cartera.FieldError("claimed", "value.percent_range", "value", f.Claimed)
		}
		d.Claimed = cartera.BasisPoints(bp)
	}
	return d, nil
}
