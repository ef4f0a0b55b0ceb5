package web

import (
	"net/http"

	"github.com/cartera/cartera"
)

// dealCloseSubmit closes a deal as won or lost. "Won" without a purchase
// order, signed contract or payment on the deal is refused by the store:
// the form comes back (422) with its explanation and the offer to record
// what the client said as a signal, and the deal stays open.
func (s *Server) dealCloseSubmit(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := closeForm{Outcome: r.PostFormValue("outcome"), Date: r.PostFormValue("date"), LostReason: r.PostFormValue("lost_reason"),
		Competitor: r.PostFormValue("competitor")}
	var day cartera.Date
	if day, err = formDate("date", f.Date); err == nil {
		_, err = s.closeDeal(r, d, formVersion(r), cartera.Outcome(f.Outcome), day, f.LostReason, f.Competitor)
	}
	if err != nil {
		msg, field, code, ok := formError(r, err)
		if !ok {
			return err
		}
		f.Error, f.Field = msg, field
		f.NeedsEvidence = cartera.ErrorMessage(err).Key == "deal.won_needs_evidence"
		return s.dealView(w, r, d.ID, code, func(p *dealPage) { p.Close = f })
	}
	http.Redirect(w, r, dealURL(d.ID)+"?ok=deal_closed", http.StatusSeeOther)
	return nil
}
