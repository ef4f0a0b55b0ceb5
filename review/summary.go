package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
)

// SummaryKey identifies the summaries valid for an as-of date under a
// policy and the engine's rules: any change to one of them makes every
// summary stale.
func SummaryKey(asOf cartera.Date, pol cartera.Policy) string {
	b, _ := json.Marshal(pol)
	h := sha256.Sum256(b)
	return fmt.Sprintf("%s/%s/r%d", asOf, hex.EncodeToString(h[:8]), assess.Rules)
}

// Summarize reduces an assessment to what the client list shows, with its
// first reason.
func Summarize(a *assess.Assessment) cartera.Summary {
	e := a.Economic
	free := e.CostPerHour.ForHours(e.FreeHours).Amount
	s := cartera.Summary{
		ClientID: a.Client.ID, Verdict: a.Verdict, Currency: a.Client.Currency,
		Revenue: e.Revenue.Amount, Margin: e.Margin.Amount, MarginPct: e.MarginPct, HasRevenue: e.HasRevenue,
		Hours: e.Hours, Discounts: e.Concessions.Amount, Concessions: e.Concessions.Amount + free, Overdue: a.Payment.OverdueAmount.Amount,
		Score: cartera.Tenths(math.Round(a.Relational.Score * 10)), Level: string(a.Relational.Level),
		Breaches: len(a.Breaches),
	}
	if len(a.Reasons) > 0 {
		s.Reason = a.Reasons[0]
	}
	return s
}

// Refresh brings the stored summaries up to date for asOf and returns their
// key. Only stale clients are assessed again: after an edit, one; after a
// new day or a policy change, all of them.
func Refresh(ctx context.Context, st cartera.Store, asOf cartera.Date) (string, error) {
	pol, err := st.Policy(ctx)
	if err != nil {
		return "", err
	}
	key := SummaryKey(asOf, pol)
	// Counted first: the stale clients are listed only when they are few
	// enough to assess one by one.
	stale, total, err := st.CountStaleSummaries(ctx, key)
	if err != nil || stale == 0 {
		return key, err
	}
	if stale > max(total/10, 200) {
		rows, err := summarize(ctx, st, asOf, pol, nil)
		if err != nil {
			return "", err
		}
		return key, st.SaveSummaries(ctx, key, rows, true)
	}
	missing, _, err := st.StaleSummaries(ctx, key)
	if err != nil {
		return "", err
	}
	rows, err := summarize(ctx, st, asOf, pol, missing)
	if err != nil {
		return "", err
	}
	return key, st.SaveSummaries(ctx, key, rows, false)
}

// Prepared is every client's summary for a day, assessed ahead of time and
// not saved yet: the web server assesses tomorrow's before midnight and
// saves them when the day begins, so that nobody waits for them.
type Prepared struct {
	Key  string
	AsOf cartera.Date
	Rows []cartera.Summary
}

// Prepare assesses every client as of asOf under the stored policy,
// without saving anything.
func Prepare(ctx context.Context, st cartera.Store, asOf cartera.Date) (*Prepared, error) {
	pol, err := st.Policy(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := summarize(ctx, st, asOf, pol, nil)
	if err != nil {
		return nil, err
	}
	return &Prepared{Key: SummaryKey(asOf, pol), AsOf: asOf, Rows: rows}, nil
}

// Save stores the prepared summaries in place of every other. The caller
// makes sure nothing was written since they were prepared.
func (p *Prepared) Save(ctx context.Context, st cartera.Store) error {
	return st.SaveSummaries(ctx, p.Key, p.Rows, true)
}

// summarize assesses the given clients (nil: all of them) as of asOf.
func summarize(ctx context.Context, st cartera.Store, asOf cartera.Date, pol cartera.Policy, ids []string) ([]cartera.Summary, error) {
	q := assess.Query(asOf, pol)
	judge := assess.New(pol, q)
	var rows []cartera.Summary
	collect := func(f *cartera.ClientFacts, a *assess.Assessment) error {
		if err := NameContacts(ctx, st, a); err != nil {
			return err
		}
		rows = append(rows, Summarize(a))
		return nil
	}
	// A client whose figures are out of range gets a summary that says so
	// instead of stopping everyone's.
	bad := func(id string) error {
		s, err := unassessed(ctx, st, id)
		rows = append(rows, s)
		return err
	}
	if ids == nil {
		return rows, eachFacts(ctx, st, q, judge.Judge, collect, bad)
	}
	for start := 0; start < len(ids); start += 500 {
		q.ClientIDs = ids[start:min(start+500, len(ids))]
		if err := eachFacts(ctx, st, q, judge.Judge, collect, bad); err != nil {
			return nil, err
		}
	}
	return rows, nil
}
