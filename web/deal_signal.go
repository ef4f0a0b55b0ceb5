package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
)

// dealSignalCreate records a signal from the deal page: what happened, when,
// where it came from. A form with an error comes back with its values.
func (s *Server) dealSignalCreate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := signalForm{Kind: r.PostFormValue("kind"), Date: r.PostFormValue("date"), Source: r.PostFormValue("source"),
		Days: strings.TrimSpace(r.PostFormValue("days")), Note: strings.TrimSpace(r.PostFormValue("note"))}
	sig := cartera.Signal{DealID: d.ID, Kind: cartera.SignalKind(f.Kind), Source: f.Source, Note: f.Note}
	sig.Day, err = formDate("date", f.Date)
	if err == nil && f.Days != "" {
		if sig.Days, err = strconv.Atoi(f.Days); err != nil {
			err = cartera.FieldError("days", "value.not_integer", "value", f.Days)
		}
	}
	if err == nil {
		_, err = s.recordSignal(r, sig)
	}
	if err != nil {
		msg, field, code, ok := formError(r, err)
		if !ok {
			return err
		}
		f.Error, f.Field = msg, field
		return s.dealView(w, r, d.ID, code, func(p *dealPage) { p.Signal = f })
	}
	http.Redirect(w, r, dealURL(d.ID)+"?ok=signal#evidence", http.StatusSeeOther)
	return nil
}
