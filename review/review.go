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
	// What would change a verdict costs a second assessment; when only the
	// most urgent clients of each group are kept, it is found for those
	// alone, from a copy of their facts.
	lazy := o.Each == nil && o.PerVerdict > 0
	assessOne := judge.Assess
	if lazy {
		assessOne = judge.Judge
	}
	err = eachFacts(ctx, st, q, assessOne, func(f *cartera.ClientFacts, ap *assess.Assessment) error {
		if o.Owner != "" && f.Client.Owner != o.Owner {
			return nil
		}
		// ap is this call's until it returns: the few assessments kept
		// are copied by push, so the 100,000 others cost no allocation.
		res.Portfolio.Add(ap)
		if o.Verdict != "" && ap.Verdict != o.Verdict {
			return nil
		}
		if err := NameContacts(ctx, st, ap); err != nil {
			return err
		}
		if o.Each != nil {
			return o.Each(ap)
		}
		kf := f
		if !lazy {
			kf = nil
		}
		groups[ap.Verdict].push(ap, kf)
		if len(ap.Breaches) > 0 {
			breached.push(ap, kf)
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
		clients, err := g.sorted(ctx, st, judge)
		if err != nil {
			return nil, err
		}
		res.Groups = append(res.Groups, Group{Verdict: v, Total: g.total, Clients: clients})
	}
	if res.Breached, err = breached.sorted(ctx, st, judge); err != nil {
		return nil, err
	}
	res.BreachedTotal = breached.total
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
// root is the least urgent kept, each with a copy of its client's facts
// when what would change its verdict is still to be found (see Run).
type topN struct {
	limit int
	total int
	items []kept
}

type kept struct {
	a assess.Assessment
	f *cartera.ClientFacts
}

func (t *topN) Len() int { return len(t.items) }
func (t *topN) Less(i, j int) bool {
	return Urgency(&t.items[j].a, &t.items[i].a) // min-heap on urgency
}
func (t *topN) Swap(i, j int) { t.items[i], t.items[j] = t.items[j], t.items[i] }
func (t *topN) Push(x any)    { t.items = append(t.items, x.(kept)) }
func (t *topN) Pop() any {
	n := len(t.items)
	x := t.items[n-1]
	t.items = t.items[:n-1]
	return x
}

// push offers an assessment; f, when not nil, is copied if it is kept.
func (t *topN) push(a *assess.Assessment, f *cartera.ClientFacts) {
	t.total++
	if t.limit <= 0 || len(t.items) < t.limit {
		heap.Push(t, kept{*a, copyFacts(f)})
		return
	}
	if Urgency(a, &t.items[0].a) {
		t.items[0] = kept{*a, copyFacts(f)}
		heap.Fix(t, 0)
	}
}

// sorted returns the kept assessments, most urgent first, finding what
// would change each verdict where it was left out.
func (t *topN) sorted(ctx context.Context, st cartera.Store, x *assess.Assessor) ([]assess.Assessment, error) {
	out := make([]assess.Assessment, len(t.items))
	for i, k := range t.items {
		out[i] = k.a
		if k.f != nil {
			out[i].Change = x.Change(k.f, &out[i])
			if err := NameContacts(ctx, st, &assess.Assessment{Change: out[i].Change}); err != nil {
				return nil, err
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return Urgency(&out[i], &out[j]) })
	return out, nil
}

func copyFacts(f *cartera.ClientFacts) *cartera.ClientFacts {
	if f == nil {
		return nil
	}
	g := *f
	g.FreeHoursMonth = append([]cartera.MonthHours(nil), f.FreeHoursMonth...)
	g.Incidents = append([]cartera.IncidentFact(nil), f.Incidents...)
	return &g
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
