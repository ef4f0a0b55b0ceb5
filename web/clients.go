package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
)

// clientQuery reads the list's filters from the URL; a seller's list is
// always restricted to their clients.
func clientQuery(r *http.Request) (cartera.ClientQuery, error) {
	v := r.URL.Query()
	q := cartera.ClientQuery{
		Search: v.Get("q"), Owner: v.Get("owner"), Verdict: cartera.Verdict(v.Get("verdict")),
		Breached: v.Get("breached") == "1" || v.Get("breached") == "true",
		Sort:     cartera.ClientSort(v.Get("sort")), Desc: v.Get("dir") == "desc", After: v.Get("after"),
	}
	// The page's one "order" select says both what and which way
	// ("urgency-asc": most urgent first).
	if o := v.Get("order"); o != "" {
		sort, dir, _ := strings.Cut(o, "-")
		q.Sort, q.Desc = cartera.ClientSort(sort), dir == "desc"
	}
	if q.Verdict != "" && !q.Verdict.Valid() {
		return q, cartera.FieldError("verdict", "list.bad_verdict", "value", string(q.Verdict))
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			return q, cartera.FieldError("limit", "list.bad_limit")
		}
		q.Limit = n
	}
	if o := rc(r).owner(); o != "" {
		q.Owner = o
	}
	return q, nil
}

type clientListPage struct {
	Q          cartera.ClientQuery
	Page       cartera.ClientPage
	Owners     []string
	Sorts      []cartera.ClientSort
	Verdicts   []cartera.Verdict
	NextURL    string
	FirstQuery string // the filters without the cursor
}

// Money builds an amount for the template.
func (clientListPage) Money(amount int64, cur cartera.Currency) cartera.Money {
	return cartera.Money{Amount: amount, Currency: cur}
}

// clientList is the paged, sortable, filterable list of clients.
func (s *Server) clientList(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	q, err := clientQuery(r)
	if err != nil {
		return err
	}
	if _, err := s.ensureSummaries(r); err != nil {
		return err
	}
	page, err := s.st.Clients(r.Context(), q)
	if err != nil {
		return err
	}
	data := clientListPage{Q: q, Page: page, Sorts: cartera.ClientSorts, Verdicts: cartera.Verdicts}
	first := r.URL.Query()
	first.Del("after")
	data.FirstQuery = first.Encode()
	if c.owner() == "" {
		if data.Owners, err = s.st.Owners(r.Context()); err != nil {
			return err
		}
	}
	if page.Next != "" {
		v := r.URL.Query()
		v.Set("after", page.Next)
		data.NextURL = "/clients?" + v.Encode()
	}
	return s.page(w, r, "clients", "clients", data)
}

// clientURL is a client's page.
func clientURL(id string) string { return "/clients/" + url.PathEscape(id) }
