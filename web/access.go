package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
)

// Object-level authorization: who may see and touch which record. The
// route table decides who may call a route (perm); this file decides, for
// every record a handler reads or writes, whether the caller may see that
// record. Handlers load and write records only through these functions, so
// the rule lives here and nowhere else:
//
//   - owners and managers see every record; a seller sees the clients
//     whose owner is their name and those clients' records, the deals
//     whose seller is their name with their signals, plans and debriefs,
//     and the tasks that name them;
//   - a record the caller may not see is "not found" for every verb, the
//     same answer as for a record that does not exist: nothing of it
//     reaches any body (a conflict's current state, a validation message);
//   - a write is checked on the record as stored (the caller must see it)
//     and as it will be (its client or seller must be the caller's too),
//     and saved with the version that was checked: if the record changed
//     in between, the store refuses (409) and the answer shows the record
//     only if the caller may still see it. A write without a version only
//     creates: it never replaces a record (RecordStore).
//
// Creating with an id that is taken is refused with the same words and
// status whoever's record holds it: the id is in use, nothing more. That
// one fact cannot be hidden from someone allowed to choose ids in a space
// shared with others; leaving the id out makes the server choose a random
// one (docs/security.md).

// seesClient reports whether the request's user may see a client.
func seesClient(r *http.Request, c cartera.Client) bool {
	u := rc(r).user
	return u != nil && u.Sees(c)
}

// seesClientID reports whether the client exists and the user may see it.
func (s *Server) seesClientID(r *http.Request, id string) (bool, error) {
	cl, err := s.st.Client(r.Context(), id)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return seesClient(r, cl), nil
}

// clientFor loads a client the user may see. A seller asking for someone
// else's client gets "not found", which does not even confirm it exists.
func (s *Server) clientFor(r *http.Request, id string) (cartera.Client, error) {
	cl, err := s.st.Client(r.Context(), id)
	if err != nil {
		return cl, err
	}
	if !seesClient(r, cl) {
		return cartera.Client{}, cartera.NewError(cartera.ENOTFOUND, "client.not_found", "id", id)
	}
	return cl, nil
}

// clientRef checks a client named by a record being written: it must
// exist and be the user's to see; otherwise the answer is the field error
// for an unknown client, whether it exists or not.
func (s *Server) clientRef(r *http.Request, id string) error {
	ok, err := s.seesClientID(r, id)
	if err != nil {
		return err
	}
	if !ok {
		return cartera.FieldError("client_id", "value.unknown_client", "value", id)
	}
	return nil
}

// dealFor loads a deal the user may see. A seller asking for another
// seller's deal gets "not found", as with clients: it does not even
// confirm the deal exists.
func (s *Server) dealFor(r *http.Request, id string) (cartera.Deal, error) {
	d, err := s.st.Deal(r.Context(), id)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return d, cartera.NewError(cartera.ENOTFOUND, "deal.not_found", "id", id)
	}
	if err != nil {
		return d, err
	}
	if u := rc(r).user; u == nil || !u.SeesDeal(d) {
		return cartera.Deal{}, cartera.NewError(cartera.ENOTFOUND, "deal.not_found", "id", id)
	}
	return d, nil
}

// taskFor loads a stored task the user may act on: a seller only their
// own; others get "not found", as with clients and deals.
func (s *Server) taskFor(r *http.Request, id string) (cartera.Task, error) {
	t, err := s.st.Task(r.Context(), id)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND && strings.HasPrefix(id, string(cartera.TaskTouchGround)+":") {
		return t, cartera.NewError(cartera.EINVALID, "task.derived_not_stored", "id", id)
	}
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return t, cartera.NewError(cartera.ENOTFOUND, "task.not_found", "id", id)
	}
	if err != nil {
		return t, err
	}
	if o := rc(r).owner(); o != "" && cartera.OwnerKey(t.Owner) != cartera.Fold(o) {
		return cartera.Task{}, cartera.NewError(cartera.ENOTFOUND, "task.not_found", "id", id)
	}
	return t, nil
}

// guard is the access rule and the write protocol of one kind of record.
type guard[T any] struct {
	entity cartera.Entity
	prefix string // of the ids the server makes
	// notFound is the answer for a record that is missing or not the
	// caller's to see.
	notFound func(id string) error
	get      func(context.Context, string) (T, error)
	save     func(context.Context, T) (T, error)
	id       func(*T) *string
	version  func(*T) *int64
	// sees reports whether the caller may see a stored record.
	sees func(r *http.Request, x *T) (bool, error)
	// admits checks that the caller may write the record as given (its
	// client, its seller): a field error otherwise.
	admits func(r *http.Request, x *T) error
	// show is what a conflict shows of the stored record (the record
	// itself when nil).
	show func(T) any
}

// load reads a record the caller may see.
func (g guard[T]) load(r *http.Request, id string) (T, error) {
	var zero T
	x, err := g.get(r.Context(), id)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return zero, g.notFound(id)
	}
	if err != nil {
		return zero, err
	}
	ok, err := g.sees(r, &x)
	if err != nil {
		return zero, err
	}
	if !ok {
		return zero, g.notFound(id)
	}
	return x, nil
}

// create writes a new record: the caller must be allowed to write it, and
// its id must be free (the store refuses a taken one, whoever's it is).
// An empty id is made here.
func (g guard[T]) create(r *http.Request, x T) (T, error) {
	if *g.id(&x) == "" {
		*g.id(&x) = newRecordID(g.prefix)
	}
	if err := g.admits(r, &x); err != nil {
		return x, err
	}
	*g.version(&x) = 0
	return g.save(r.Context(), x)
}

// replace creates or updates the record with the given id, based on the
// version v the caller read (0: none). A record the caller may not see is
// "not found" and is never created over; one they may see needs its
// version (428 with the record without one).
func (g guard[T]) replace(r *http.Request, id string, x T, v int64) (T, error) {
	old, err := g.get(r.Context(), id)
	switch {
	case cartera.ErrorCode(err) == cartera.ENOTFOUND:
		if v != 0 {
			return x, g.notFound(id)
		}
		return g.create(r, x)
	case err != nil:
		return x, err
	}
	ok, err := g.sees(r, &old)
	if err != nil {
		return x, err
	}
	if !ok {
		return x, g.notFound(id)
	}
	if v == 0 {
		return x, &conflictError{err: errPrecondition, current: g.shown(old)}
	}
	if err := g.admits(r, &x); err != nil {
		return x, err
	}
	*g.version(&x) = v
	saved, err := g.save(r.Context(), x)
	if cartera.ErrorCode(err) == cartera.ECONFLICT {
		return saved, g.conflict(r, id, err)
	}
	return saved, err
}

// remove deletes a record the caller may see, given the version read (0:
// the one just loaded, so that a change since is a conflict, not a loss).
func (g guard[T]) remove(s *Server, r *http.Request, id string, v int64) error {
	x, err := g.load(r, id)
	if err != nil {
		return err
	}
	if v == 0 {
		v = *g.version(&x)
	}
	if err := s.st.Delete(r.Context(), g.entity, id, v); err != nil {
		if cartera.ErrorCode(err) == cartera.ECONFLICT {
			return g.conflict(r, id, err)
		}
		return err
	}
	return nil
}

// conflict adds the stored record to a version conflict, if the caller
// may (still) see it; if not, the record is "not found".
func (g guard[T]) conflict(r *http.Request, id string, err error) error {
	cur, gerr := g.get(r.Context(), id)
	if gerr != nil {
		return err
	}
	if ok, serr := g.sees(r, &cur); serr != nil || !ok {
		return g.notFound(id)
	}
	return &conflictError{err: err, current: g.shown(cur)}
}

func (g guard[T]) shown(x T) any {
	if g.show != nil {
		return g.show(x)
	}
	return x
}

// recordGuard is the guard of a client's records (contacts, invoices, time
// entries, concessions, incidents): the caller must see the client, before
// and after the write.
func recordGuard[T any](s *Server, e cartera.Entity, prefix string, get func(context.Context, string) (T, error),
	save func(context.Context, T) (T, error), id func(*T) *string, client func(*T) string, version func(*T) *int64) guard[T] {
	return guard[T]{
		entity: e, prefix: prefix, get: get, save: save, id: id, version: version,
		notFound: func(id string) error { return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id) },
		sees:     func(r *http.Request, x *T) (bool, error) { return s.seesClientID(r, client(x)) },
		admits:   func(r *http.Request, x *T) error { return s.clientRef(r, client(x)) },
	}
}

// clientGuard is the guard of clients: a seller sees and writes only their
// own, and cannot give one away.
func (s *Server) clientGuard() guard[cartera.Client] {
	return guard[cartera.Client]{
		entity: cartera.EntityClients, prefix: "C", get: s.st.Client, save: s.st.SaveClient,
		id:       func(c *cartera.Client) *string { return &c.ID },
		version:  func(c *cartera.Client) *int64 { return &c.Version },
		notFound: func(id string) error { return cartera.NewError(cartera.ENOTFOUND, "client.not_found", "id", id) },
		sees:     func(r *http.Request, c *cartera.Client) (bool, error) { return seesClient(r, *c), nil },
		admits: func(r *http.Request, c *cartera.Client) error {
			if !seesClient(r, *c) {
				return cartera.FieldError("owner", "api.not_yours")
			}
			return nil
		},
	}
}

// dealGuard is the guard of deals: a seller sees and writes only their
// own, never hands one to another seller, and links one only to a client
// they can see.
func (s *Server) dealGuard() guard[cartera.Deal] {
	return guard[cartera.Deal]{
		entity: cartera.EntityDeals, prefix: "D", get: s.st.Deal, save: s.st.SaveDeal,
		id:       func(d *cartera.Deal) *string { return &d.ID },
		version:  func(d *cartera.Deal) *int64 { return &d.Version },
		notFound: func(id string) error { return cartera.NewError(cartera.ENOTFOUND, "deal.not_found", "id", id) },
		sees: func(r *http.Request, d *cartera.Deal) (bool, error) {
			u := rc(r).user
			return u != nil && u.SeesDeal(*d), nil
		},
		admits: func(r *http.Request, d *cartera.Deal) error {
			if u := rc(r).user; u == nil || !u.SeesDeal(*d) {
				return cartera.FieldError("owner", "api.not_your_deal")
			}
			if d.ClientID != "" {
				return s.clientRef(r, d.ClientID)
			}
			return nil
		},
		show: func(d cartera.Deal) any { return report.DealRecord(d) },
	}
}

// signalGuard is the guard of a deal's signals: whoever may see the deal
// may record evidence on it.
func (s *Server) signalGuard() guard[cartera.Signal] {
	seesDeal := func(r *http.Request, id string) (bool, error) {
		_, err := s.dealFor(r, id)
		if cartera.ErrorCode(err) == cartera.ENOTFOUND {
			return false, nil
		}
		return err == nil, err
	}
	return guard[cartera.Signal]{
		entity: cartera.EntitySignals, prefix: "S", get: s.st.Signal, save: s.st.SaveSignal,
		id:       func(x *cartera.Signal) *string { return &x.ID },
		version:  func(x *cartera.Signal) *int64 { return &x.Version },
		notFound: func(id string) error { return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id) },
		sees:     func(r *http.Request, x *cartera.Signal) (bool, error) { return seesDeal(r, x.DealID) },
		admits: func(r *http.Request, x *cartera.Signal) error {
			ok, err := seesDeal(r, x.DealID)
			if err == nil && !ok {
				err = cartera.FieldError("deal_id", "signal.unknown_deal", "value", x.DealID)
			}
			return err
		},
	}
}
