package cartera

import (
	"slices"
	"strings"
)

// Summary is what the client list shows and sorts by: the outcome of one
// client's assessment, stored so that a page of 50 clients out of 100,000
// is one indexed query. Summaries are derived data, recomputed whenever the
// client's events, the as-of date or the policy change.
type Summary struct {
	ClientID   string      `json:"client_id"`
	Verdict    Verdict     `json:"verdict"`
	Currency   Currency    `json:"currency"`
	Revenue    int64       `json:"revenue"`
	Margin     int64       `json:"margin"`
	MarginPct  BasisPoints `json:"margin_pct"`
	HasRevenue bool        `json:"has_revenue"`
	Hours      Hours       `json:"hours"`
	// Discounts is the money given away as discounts; Concessions adds the
	// free hours at cost, for the attention analysis.
	Discounts   int64 `json:"discounts"`
	Concessions int64 `json:"concessions"`
	Overdue     int64 `json:"overdue"`
	// Score is the relational score in tenths of a point.
	Score    Tenths `json:"score"`
	Level    string `json:"level"`
	Breaches int    `json:"breaches"`
	// Reason is the first reason of the verdict (none for a client
	// without reasons), rendered in the reader's language when shown:
	// report.ClientRows in the API, the printer in the pages.
	Reason Message `json:"-"`
}

// ClientSort is how the client list is ordered.
type ClientSort string

// Client list orders. Urgency puts the verdicts that need action first,
// and within one verdict the higher relational cost first.
const (
	SortUrgency    ClientSort = "urgency"
	SortName       ClientSort = "name"
	SortMargin     ClientSort = "margin"
	SortRevenue    ClientSort = "revenue"
	SortRelational ClientSort = "relational"
)

// ClientSorts lists the orders.
var ClientSorts = []ClientSort{SortUrgency, SortName, SortMargin, SortRevenue, SortRelational}

// ClientQuery selects a page of the client list.
type ClientQuery struct {
	// Search matches part of a name or an exact id, ignoring case and
	// accents.
	Search string
	// Owner keeps the clients of one owner (compared folded).
	Owner    string
	Verdict  Verdict
	Breached bool
	Sort     ClientSort
	Desc     bool
	// After is the cursor returned with the previous page.
	After string
	Limit int
}

// Normalize applies the client list's defaults and checks the query: the
// urgency order unless another is asked for, a known order and verdict, a
// page of 50 (at most 200), the search text without surrounding blanks.
func (q *ClientQuery) Normalize() error {
	if q.Sort == "" {
		q.Sort = SortUrgency
	}
	if !slices.Contains(ClientSorts, q.Sort) {
		return FieldError("sort", "list.bad_sort", "value", string(q.Sort))
	}
	if q.Verdict != "" && !q.Verdict.Valid() {
		return FieldError("verdict", "list.bad_verdict", "value", string(q.Verdict))
	}
	q.Limit = PageLimit(q.Limit, 200, 50)
	q.Search = strings.TrimSpace(q.Search)
	return nil
}

// ClientRow is one line of the client list.
type ClientRow struct {
	Client  Client  `json:"client"`
	Summary Summary `json:"summary"`
}

// ClientPage is a page of the client list.
type ClientPage struct {
	Rows []ClientRow `json:"rows"`
	// Next is the cursor of the following page, empty on the last.
	Next string `json:"next"`
}
