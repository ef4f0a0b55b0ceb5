package web

import (
	"net/http"

	"github.com/cartera/cartera"
)

// dealMove moves an open deal to another stage of the pipeline; the day it
// entered the stage becomes today.
func (s *Server) dealMove(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if stage := cartera.Stage(r.PostFormValue("stage")); stage != d.Stage {
		loaded := d.Version
		d.Stage, d.StageSince = stage, 0
		d.Version = formVersion(r)
		if _, err := s.saveDeal(r, d, loaded); err != nil {
			msg, field, code, ok := formError(r, err)
			if !ok {
				return err
			}
			return s.dealView(w, r, d.ID, code, func(p *dealPage) { p.Move = moveForm{Error: msg, Field: field} })
		}
	}
	http.Redirect(w, r, dealURL(d.ID)+"?ok=deal_moved", http.StatusSeeOther)
	return nil
}
