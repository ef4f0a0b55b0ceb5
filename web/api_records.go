package web

import (
	"context"
	"net/http"

	"github.com/cartera/cartera"
)

// recordSpec describes one kind of client record for the generic API
// handlers: contacts, invoices, time entries, concessions, incidents.
type recordSpec[T any] struct {
	entity  cartera.Entity
	path    string // URL segment
	schema  string // OpenAPI schema
	get     func(context.Context, string) (T, error)
	list    func(context.Context, cartera.RecordQuery) ([]T, string, error)
	save    func(context.Context, T) (T, error)
	id      func(*T) *string
	client  func(*T) string
	version func(*T) *int64
}

type apiFunc func(method, pattern string, p perm, h handlerFunc, d opDoc) *route

// recordRoutes are list, create, get, put and delete for one kind.
func recordRoutes[T any](s *Server, api apiFunc, sp recordSpec[T]) []*route {
	base := "/api/v1/" + sp.path
	tag := sp.path
	return []*route{
		api("GET", base, permUser, sp.listH(s), opDoc{id: "list" + sp.schema + "s", summary: "List " + string(sp.entity) + ", paged",
			tag: tag, query: []string{"client", "limit", "cursor"}, resp: sp.schema + "List"}),
		api("POST", base, permUser, sp.createH(s), opDoc{id: "create" + sp.schema, summary: "Create one of " + string(sp.entity),
			tag: tag, body: sp.schema, resp: sp.schema, status: http.StatusCreated}),
		api("GET", base+"/{id}", permUser, sp.getH(s), opDoc{id: "get" + sp.schema, summary: "One of " + string(sp.entity),
			tag: tag, resp: sp.schema, versioned: true}),
		api("PUT", base+"/{id}", permUser, sp.putH(s), opDoc{id: "put" + sp.schema, summary: "Create or update one of " + string(sp.entity),
			tag: tag, body: sp.schema, resp: sp.schema, versioned: true}),
		api("DELETE", base+"/{id}", permUser, sp.deleteH(s), opDoc{id: "delete" + sp.schema, summary: "Delete one of " + string(sp.entity),
			tag: tag, status: http.StatusNoContent, versioned: true}),
	}
}

// load reads a record the user may see (its client must be visible).
func (sp recordSpec[T]) load(s *Server, r *http.Request, id string) (T, error) {
	x, err := sp.get(r.Context(), id)
	if err != nil {
		return x, err
	}
	if _, err := s.clientFor(r, sp.client(&x)); err != nil {
		var zero T
		return zero, cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id)
	}
	return x, nil
}

func (sp recordSpec[T]) listH(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		limit, err := limitParam(r)
		if err != nil {
			return err
		}
		q := cartera.RecordQuery{ClientID: r.URL.Query().Get("client"), After: r.URL.Query().Get("cursor"), Limit: limit, Owner: rc(r).owner()}
		items, next, err := sp.list(r.Context(), q)
		if err != nil {
			return err
		}
		if items == nil {
			items = []T{}
		}
		return writeJSON(w, http.StatusOK, listBody[T]{Items: items, NextCursor: next})
	}
}

func (sp recordSpec[T]) getH(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		x, err := sp.load(s, r, r.PathValue("id"))
		if err != nil {
			return err
		}
		etag(w, *sp.version(&x))
		return writeJSON(w, http.StatusOK, x)
	}
}

// write saves a record after checking the user may touch its client (the
// new one, and the old one when it moves).
func (sp recordSpec[T]) write(s *Server, w http.ResponseWriter, r *http.Request, x T, code int) error {
	if _, err := s.clientFor(r, sp.client(&x)); err != nil {
		if cartera.ErrorCode(err) == cartera.ENOTFOUND {
			return cartera.FieldError("client_id", "value.unknown_client", "value", sp.client(&x))
		}
		return err
	}
	saved, err := sp.save(r.Context(), x)
	if err != nil {
		if cartera.ErrorCode(err) == cartera.ECONFLICT {
			if cur, gerr := sp.get(r.Context(), *sp.id(&x)); gerr == nil {
				return &conflictError{err: err, current: cur}
			}
		}
		return err
	}
	etag(w, *sp.version(&saved))
	return writeJSON(w, code, saved)
}

func (sp recordSpec[T]) createH(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var x T
		if err := decode(w, r, &x); err != nil {
			return err
		}
		if _, err := sp.get(r.Context(), *sp.id(&x)); err == nil {
			return cartera.NewError(cartera.ECONFLICT, "api.exists", "id", *sp.id(&x))
		}
		*sp.version(&x) = 0
		return sp.write(s, w, r, x, http.StatusCreated)
	}
}

func (sp recordSpec[T]) putH(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var x T
		if err := decode(w, r, &x); err != nil {
			return err
		}
		id := r.PathValue("id")
		if *sp.id(&x) == "" {
			*sp.id(&x) = id
		}
		if *sp.id(&x) != id {
			return cartera.FieldError("id", "api.id_mismatch", "id", id)
		}
		v, err := ifMatch(r, *sp.version(&x))
		if err != nil {
			return err
		}
		old, err := sp.load(s, r, id)
		switch {
		case err == nil && v == 0:
			return &conflictError{err: errPrecondition, current: old}
		case err != nil && cartera.ErrorCode(err) != cartera.ENOTFOUND:
			return err
		}
		*sp.version(&x) = v
		return sp.write(s, w, r, x, http.StatusOK)
	}
}

func (sp recordSpec[T]) deleteH(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		if _, err := sp.load(s, r, id); err != nil {
			return err
		}
		v, err := ifMatch(r, 0)
		if err != nil {
			return err
		}
		if err := s.st.Delete(r.Context(), sp.entity, id, v); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
