// Package review holds the use cases: each reads what it needs from a
// store, runs the engines (assess, forecast, playbook) and writes through
// the store's all-or-nothing methods — the review behind `cartera review`
// and the web dashboard, the pipeline's forecasts, the playbooks, the
// decisions. It returns data; package report renders it (text, JSON,
// iCalendar) and never the reverse.
//
// A review streams every client's facts from the store, assesses each one,
// and keeps only what the report shows: the portfolio summary, and for each
// verdict the most urgent clients. Memory stays flat at 100,000 clients.
package review

import (
	"container/heap"
	"context"
	"sort"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
)

// Options select what a review covers.
type Options struct {
	AsOf cartera.Date
	// ClientIDs restricts the review; nil means every client.
	ClientIDs []string
	// Owner keeps only the clients of one seller.
	Owner string
	// Verdict keeps only clients with this verdict (the portfolio summary
	// still covers everyone selected by the other filters).
	Verdict cartera.Verdict
	// PerVerdict is how many clients each verdict lists, most urgent first;
	// 0 lists every client.
	PerVerdict int
	// Each, when set, receives every assessment as it is made (for
	// streaming output); the assessment is not retained.
	Each func(*assess.Assessment) error
}

// Result is a finished review.
type Result struct {
	Query     cartera.FactsQuery
	Policy    cartera.Policy
	Portfolio *assess.Portfolio
	// Groups lists, per verdict from the most urgent, the clients kept.
	Groups []Group
	// Breached lists clients with red-line breaches, most breaches first,
	// capped like the groups.
	Breached      []assess.Assessment
	BreachedTotal int
	// Unassessed lists the clients whose figures could not be computed
	// (OutOfRange explains why), by id.
	Unassessed []string
}

// Group is the clients of one verdict.
type Group struct {
	Verdict cartera.Verdict
	Total   int
	Clients []assess.Assessment
}

// Run reviews the store.
func Run(ctx context.Context, st cartera.Store, o Options) (*Result, error) {
	pol, err := st.Policy(ctx)
	if err != nil {
		return nil, err
	}
	q := assess.Query(o.AsOf, pol)
	q.ClientIDs = o.ClientIDs
	res := &Result{Query: q, Policy: pol, Portfolio: assess.NewPortfolio(o.AsOf)}
	groups := map[cartera.Verdict]*topN{}
	for _, v := range cartera.Verdicts {
		groups[v] = &topN{limit: o.PerVerdict}
	}
	breached := &topN{limit: o.PerVerdict}
	judge := assess.New(pol, q)
	err = eachFacts(ctx, st, q, judge.Assess, func(f *cartera.ClientFacts, ap *assess.Assessment) error {
		if o.Owner != "" && f.Client.Owner != o.Owner {
			return nil
		}
		a := *ap
		res.Portfolio.Add(&a)
		if o.Verdict != "" && a.Verdict != o.Verdict {
			return nil
		}
		if err := NameContacts(ctx, st, &a); err != nil {
			return err
		}
		if o.Each != nil {
			return o.Each(&a)
		}
		groups[a.Verdict].push(a)
		if len(a.Breaches) > 0 {
			breached.push(a)
		}
		return nil
	}, func(id string) error {
		res.Unassessed = append(res.Unassessed, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(res.Unassessed)
	res.Portfolio.Finish(pol)
	for _, v := range cartera.Verdicts {
		g := groups[v]
		res.Groups = append(res.Groups, Group{Verdict: v, Total: g.total, Clients: g.sorted()})
	}
	res.Breached, res.BreachedTotal = breached.sorted(), breached.total
	return res, nil
}

// Urgency ranks clients within a verdict: more red lines crossed first,
// then the higher relational cost, then the larger loss, then the larger
// overdue amount, then by name.
func Urgency(a, b *assess.Assessment) bool {
	if len(a.Breaches) != len(b.Breaches) {
		return len(a.Breaches) > len(b.Breaches)
	}
	if a.Relational.Score != b.Relational.Score {
		return a.Relational.Score > b.Relational.Score
	}
	if a.Economic.Margin.Amount != b.Economic.Margin.Amount {
		return a.Economic.Margin.Amount < b.Economic.Margin.Amount
	}
	if a.Payment.OverdueAmount.Amount != b.Payment.OverdueAmount.Amount {
		return a.Payment.OverdueAmount.Amount > b.Payment.OverdueAmount.Amount
	}
	return a.Client.Name < b.Client.Name
}

// topN keeps the most urgent assessments seen, in a bounded heap whose
// root is the least urgent kept.
type topN struct {
	limit int
	total int
	items []assess.Assessment
}

func (t *topN) Len() int { return len(t.items) }
func (t *topN) Less(i, j int) bool {
	return Urgency(&t.items[j], &t.items[i]) // min-heap on urgency
}
func (t *topN) Swap(i, j int) { t.items[i], t.items[j] = t.items[j], t.items[i] }
func (t *topN) Push(x any)    { t.items = append(t.items, x.(assess.Assessment)) }
func (t *topN) Pop() any {
	n := len(t.items)
	x := t.items[n-1]
	t.items = t.items[:n-1]
	return x
}

func (t *topN) push(a assess.Assessment) {
	t.total++
	if t.limit <= 0 || len(t.items) < t.limit {
		heap.Push(t, a)
		return
	}
	if Urgency(&a, &t.items[0]) {
		t.items[0] = a
		heap.Fix(t, 0)
	}
}

func (t *topN) sorted() []assess.Assessment {
	out := append([]assess.Assessment(nil), t.items...)
	sort.SliceStable(out, func(i, j int) bool { return Urgency(&out[i], &out[j]) })
	return out
}

// One assesses a single client.
func One(ctx context.Context, st cartera.Store, asOf cartera.Date, clientID string) (*assess.Assessment, error) {
	res, err := Run(ctx, st, Options{AsOf: asOf, ClientIDs: []string{clientID}, PerVerdict: 1})
	if err != nil {
		return nil, err
	}
	if len(res.Unassessed) > 0 {
		cl, err := st.Client(ctx, clientID)
		if err != nil {
			return nil, err
		}
		return nil, OutOfRange(clientID, cl.Currency)
	}
	for i := range res.Groups {
		if len(res.Groups[i].Clients) > 0 {
			return &res.Groups[i].Clients[0], nil
		}
	}
	return nil, cartera.NewError(cartera.ENOTFOUND, "client.not_found", "id", clientID)
}
