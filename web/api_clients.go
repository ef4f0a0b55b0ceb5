package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/cartera/cartera"
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
	key := fmt.Sprintf("clients|%d|%s|%s|%s", c.gen, asOf, cartera.Fold(c.owner()), r.URL.RawQuery)
	return s.cachedJSON(w, r, key, func() (any, error) {
		page, err := s.st.Clients(r.Context(), q)
		if err != nil {
			return nil, err
		}
		if page.Rows == nil {
			page.Rows = []cartera.ClientRow{}
		}
		return listBody[cartera.ClientRow]{Items: page.Rows, NextCursor: page.Next}, nil
	})
}

func (s *Server) apiClientGet(w http.ResponseWriter, r *http.Request) error {
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	etag(w, cl.Version)
	return writeJSON(w, http.StatusOK, cl)
}

// saveClient saves a client a user may write: a seller only their own, and
// they cannot give it away.
func (s *Server) saveClient(w http.ResponseWriter, r *http.Request, cl cartera.Client, code int) error {
	u := rc(r).user
	if !u.Sees(cl) {
		return cartera.FieldError("owner", "api.not_yours")
	}
	if cl.Currency == "" {
		pol, err := s.st.Policy(r.Context())
		if err != nil {
			return err
		}
		cl.Currency = pol.Currency
	}
	saved, err := s.st.SaveClient(r.Context(), cl)
	if err != nil {
		if cartera.ErrorCode(err) == cartera.ECONFLICT {
			if cur, gerr := s.st.Client(r.Context(), cl.ID); gerr == nil {
				return &conflictError{err: err, current: cur}
			}
		}
		return err
	}
	etag(w, saved.Version)
	return writeJSON(w, code, saved)
}

func (s *Server) apiClientCreate(w http.ResponseWriter, r *http.Request) error {
	var cl cartera.Client
	if err := decode(w, r, &cl); err != nil {
		return err
	}
	if _, err := s.st.Client(r.Context(), cl.ID); err == nil {
		return cartera.NewError(cartera.ECONFLICT, "api.exists", "id", cl.ID)
	}
	cl.Version = 0
	return s.saveClient(w, r, cl, http.StatusCreated)
}

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
	old, err := s.clientFor(r, id)
	switch {
	case err == nil && v == 0:
		return &conflictError{err: errPrecondition, current: old}
	case err != nil && cartera.ErrorCode(err) != cartera.ENOTFOUND:
		return err
	case err != nil && rc(r).user.Role == cartera.RoleSeller:
		// A seller may create clients, but only their own.
		if _, serr := s.st.Client(r.Context(), id); serr == nil {
			return err // exists but is someone else's: still "not found"
		}
	}
	cl.Version = v
	return s.saveClient(w, r, cl, http.StatusOK)
}

// apiDelete deletes one record of an entity by id (clients here; other
// kinds go through their record routes).
func (s *Server) apiDelete(e cartera.Entity) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		if _, err := s.clientFor(r, id); err != nil {
			return err
		}
		v, err := ifMatch(r, 0)
		if err != nil {
			return err
		}
		if err := s.st.Delete(r.Context(), e, id, v); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
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
	out := review.Client(a, rc(r).p)
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
