package web

import (
	"context"
	"net/http"

	"github.com/cartera/cartera"
)

// recordSpec describes one kind of client record for the generic API
// handlers: contacts, invoices, time entries, concessions, incidents. Who
// may read and write which one is the record guard's (access.go).
type recordSpec[T any] struct {
	entity  cartera.Entity
	path    string // URL segment
	schema  string // OpenAPI schema
	prefix  string // of the ids the server makes
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
	g := recordGuard(s, sp.entity, sp.prefix, sp.get, sp.save, sp.id, sp.client, sp.version)
	return []*route{
		api("GET", base, permUser, sp.listH(), opDoc{id: "list" + sp.schema + "s", summary: "List " + string(sp.entity) + ", paged",
			tag: tag, query: []string{"client", "limit", "cursor"}, resp: sp.schema + "List"}),
		api("POST", base, permUser, sp.createH(g), opDoc{id: "create" + sp.schema,
			summary: "Create one of " + string(sp.entity) + " (without an id, the server makes one)",
			tag:     tag, body: sp.schema, resp: sp.schema, status: http.StatusCreated}),
		api("GET", base+"/{id}", permUser, sp.getH(g), opDoc{id: "get" + sp.schema, summary: "One of " + string(sp.entity),
			tag: tag, resp: sp.schema, versioned: true}),
		api("PUT", base+"/{id}", permUser, sp.putH(g), opDoc{id: "put" + sp.schema, summary: "Create or update one of " + string(sp.entity),
			tag: tag, body: sp.schema, resp: sp.schema, versioned: true}),
		api("DELETE", base+"/{id}", permUser, sp.deleteH(s, g), opDoc{id: "delete" + sp.schema, summary: "Delete one of " + string(sp.entity),
			tag: tag, status: http.StatusNoContent, versioned: true}),
	}
}

func (sp recordSpec[T]) listH() handlerFunc {
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

func (sp recordSpec[T]) getH(g guard[T]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		x, err := g.load(r, r.PathValue("id"))
		if err != nil {
			return err
		}
		etag(w, *sp.version(&x))
		return writeJSON(w, http.StatusOK, x)
	}
}

func (sp recordSpec[T]) written(w http.ResponseWriter, code int, x T) error {
	etag(w, *sp.version(&x))
	return writeJSON(w, code, x)
}

func (sp recordSpec[T]) createH(g guard[T]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var x T
		if err := decode(w, r, &x); err != nil {
			return err
		}
		saved, err := g.create(r, x)
		if err != nil {
			return err
		}
		return sp.written(w, http.StatusCreated, saved)
	}
}

func (sp recordSpec[T]) putH(g guard[T]) handlerFunc {
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
		saved, err := g.replace(r, id, x, v)
		if err != nil {
			return err
		}
		return sp.written(w, http.StatusOK, saved)
	}
}

func (sp recordSpec[T]) deleteH(s *Server, g guard[T]) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := ifMatch(r, 0)
		if err != nil {
			return err
		}
		if err := g.remove(s, r, r.PathValue("id"), v); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
