package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// apiClientList is the client list with summaries, as on the clients page.
func (s *Server) apiClientList(w http.ResponseWriter, r *http.Request) error {
	q, err := clientQuery(r)
	if err != nil {
		return err
	}
	q.After = r.URL.Query().Get("cursor")
	asOf, err := s.ensureSummaries(r)
	if err != nil {
		return err
	}
	c := rc(r)
	key := fmt.Sprintf("clients|%s|%t|%s|%s", asOf, c.updating, cartera.Fold(c.owner()), r.URL.RawQuery)
	return s.cachedJSON(w, r, key, func() (any, error) {
		page, err := s.st.Clients(r.Context(), q)
		if err != nil {
			return nil, err
		}
		return clientListBody{listBody[report.ClientRowOut]{Items: report.ClientRows(page.Rows, c.pol.Location()), NextCursor: page.Next},
			c.updating}, nil
	})
}

// clientListBody is a page of the client list; Updating says its
// summaries are the last ones assessed while the current ones are being
// assessed (the API's side of the page's note).
type clientListBody struct {
	listBody[report.ClientRowOut]
	Updating bool `json:"updating,omitempty"`
}

func (s *Server) apiClientGet(w http.ResponseWriter, r *http.Request) error {
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	etag(w, cl.Version)
	return writeJSON(w, http.StatusOK, cl)
}

// clientDefaults fills what a new client may leave out: the policy's
// currency.
func (s *Server) clientDefaults(r *http.Request, cl *cartera.Client) {
	if cl.Currency == "" {
		cl.Currency = rc(r).pol.Currency
	}
}

func writeClient(w http.ResponseWriter, code int, cl cartera.Client) error {
	etag(w, cl.Version)
	return writeJSON(w, code, cl)
}

func (s *Server) apiClientCreate(w http.ResponseWriter, r *http.Request) error {
	var cl cartera.Client
	if err := decode(w, r, &cl); err != nil {
		return err
	}
	s.clientDefaults(r, &cl)
	saved, err := s.clientGuard().create(r, cl)
	if err != nil {
		return err
	}
	return writeClient(w, http.StatusCreated, saved)
}

// apiClientPut creates a client under a chosen id or replaces one, given
// the version it was read at. A seller may create clients, but only their
// own.
func (s *Server) apiClientPut(w http.ResponseWriter, r *http.Request) error {
	var cl cartera.Client
	if err := decode(w, r, &cl); err != nil {
		return err
	}
	id := r.PathValue("id")
	if cl.ID == "" {
		cl.ID = id
	}
	if cl.ID != id {
		return cartera.FieldError("id", "api.id_mismatch", "id", id)
	}
	v, err := ifMatch(r, cl.Version)
	if err != nil {
		return err
	}
	s.clientDefaults(r, &cl)
	saved, err := s.clientGuard().replace(r, id, cl, v)
	if err != nil {
		return err
	}
	return writeClient(w, http.StatusOK, saved)
}

// apiClientDelete deletes a client without records.
func (s *Server) apiClientDelete(w http.ResponseWriter, r *http.Request) error {
	v, err := ifMatch(r, 0)
	if err != nil {
		return err
	}
	if err := s.clientGuard().remove(s, r, r.PathValue("id"), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiAssessment is a client's full assessment, in the stable JSON shape of
// `cartera review --client … --format json`.
func (s *Server) apiAssessment(w http.ResponseWriter, r *http.Request) error {
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	asOf := s.today(r.Context())
	if v := r.URL.Query().Get("as_of"); v != "" {
		if asOf, err = cartera.ParseISODate(v); err != nil {
			return cartera.FieldError("as_of", "value.not_date", "value", v)
		}
	}
	a, err := review.One(r.Context(), s.st, asOf, cl.ID)
	if err != nil {
		return err
	}
	out := report.Client(a, rc(r).p)
	if out.Contacts, err = s.st.Contacts(r.Context(), cl.ID); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiTimeline(w http.ResponseWriter, r *http.Request) error {
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			return cartera.FieldError("limit", "list.bad_limit")
		}
	}
	items, err := s.st.Timeline(r.Context(), cl.ID, limit)
	if err != nil {
		return err
	}
	if items == nil {
		items = []cartera.TimelineItem{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items})
}
