package web

import (
	"net/http"

	"github.com/cartera/cartera"
)

// The evidence on a deal over the API: its signals, newest first; add one;
// delete one. Whoever may see the deal may record evidence on it.

func (s *Server) apiSignalList(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	sigs, err := s.st.Signals(r.Context(), d.ID)
	if err != nil {
		return err
	}
	if sigs == nil {
		sigs = []cartera.Signal{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": sigs})
}

// apiSignalCreate records a signal on the deal of the URL. The signal is
// what is being created, so a deal that does not exist (or is another
// seller's) is a problem with its deal_id (422), as an invoice's unknown
// client is.
func (s *Server) apiSignalCreate(w http.ResponseWriter, r *http.Request) error {
	var sig cartera.Signal
	if err := decode(w, r, &sig); err != nil {
		return err
	}
	id := r.PathValue("id")
	if sig.DealID == "" {
		sig.DealID = id
	}
	if sig.DealID != id {
		return cartera.FieldError("deal_id", "api.id_mismatch", "id", id)
	}
	saved, err := s.recordSignal(r, sig)
	if err != nil {
		return err
	}
	etag(w, saved.Version)
	return writeJSON(w, http.StatusCreated, saved)
}

// recordSignal stores a new signal on a deal the user may see: a fresh id
// when none is given, today when no date is.
func (s *Server) recordSignal(r *http.Request, sig cartera.Signal) (cartera.Signal, error) {
	if sig.Day.IsZero() {
		sig.Day = s.asOf(r)
	}
	return s.signalGuard().create(r, sig)
}

// apiSignalDelete removes a signal of the deal. The only proof a won deal
// has cannot go (409).
func (s *Server) apiSignalDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dealFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	g := s.signalGuard()
	sid := r.PathValue("signal")
	sig, err := g.load(r, sid)
	if err != nil {
		return err
	}
	if sig.DealID != d.ID {
		return g.notFound(sid)
	}
	v, err := ifMatch(r, 0)
	if err != nil {
		return err
	}
	if err := g.remove(s, r, sid, v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
