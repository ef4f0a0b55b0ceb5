package review_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/demo"
	"github.com/cartera/cartera/internal/demostore"
	"github.com/cartera/cartera/review"
	"github.com/cartera/cartera/sqlite"
)

var ctx = context.Background()

// asOf fixes the demo's anchor so that the reports never change.
var asOf = cartera.DateOf(2026, 11, 25)

func demoStore(t *testing.T) *sqlite.DB { return demostore.Open(t, asOf) }

func TestTopNKeepsTheMostUrgent(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	all, err := review.Run(ctx, st, review.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	few, err := review.Run(ctx, st, review.Options{AsOf: asOf, PerVerdict: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range few.Groups {
		full := all.Groups[i]
		if g.Total != full.Total || len(g.Clients) != min(2, full.Total) {
			t.Errorf("%s: %d of %d", g.Verdict, len(g.Clients), g.Total)
		}
		for j := range g.Clients {
			if g.Clients[j].Client.ID != full.Clients[j].Client.ID {
				t.Errorf("%s: kept %s, want %s", g.Verdict, g.Clients[j].Client.ID, full.Clients[j].Client.ID)
			}
		}
	}
}

// The dashboard, built from stored summaries, must agree with a full
// review of the same data.
func TestDashboardAgreesWithTheFullReview(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	full, err := review.Run(ctx, st, review.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := review.Refresh(ctx, st, asOf); err != nil {
		t.Fatal(err)
	}
	d, err := review.BuildDashboard(ctx, st, asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Portfolio.Clients != full.Portfolio.Clients || d.PointsTotal != 49 || len(d.Points) != 49 {
		t.Fatalf("clients %d, points %d", d.Portfolio.Clients, len(d.Points))
	}
	for _, v := range cartera.Verdicts {
		if d.Portfolio.ByVerdict[v] != full.Portfolio.ByVerdict[v] {
			t.Errorf("%s: %d on the dashboard, %d in the review", v, d.Portfolio.ByVerdict[v], full.Portfolio.ByVerdict[v])
		}
	}
	if d.Portfolio.Totals[0] != full.Portfolio.Totals[0] {
		t.Errorf("totals differ:\n%+v\n%+v", d.Portfolio.Totals[0], full.Portfolio.Totals[0])
	}
	if d.Portfolio.Attention.Finding.Key != full.Portfolio.Attention.Finding.Key ||
		d.Portfolio.Attention.LoudConcessions != full.Portfolio.Attention.LoudConcessions {
		t.Errorf("attention differs: %+v vs %+v", d.Portfolio.Attention.Finding, full.Portfolio.Attention.Finding)
	}
	if d.Portfolio.Breached != full.Portfolio.Breached {
		t.Errorf("breached %d vs %d", d.Portfolio.Breached, full.Portfolio.Breached)
	}
	if len(d.Today) == 0 || d.Today[0].Summary.Verdict != cartera.VerdictEnd {
		t.Errorf("today starts with the most urgent: %+v", d.Today)
	}
	// A seller's dashboard covers only their clients.
	mine, err := review.BuildDashboard(ctx, st, asOf, "Lucía Ferrer")
	if err != nil {
		t.Fatal(err)
	}
	if mine.Portfolio.Clients == 0 || mine.Portfolio.Clients >= 40 {
		t.Errorf("Lucía's clients: %d", mine.Portfolio.Clients)
	}
	for _, r := range mine.Points {
		if r.Client.Owner != "Lucía Ferrer" {
			t.Errorf("someone else's client on Lucía's dashboard: %s", r.Client.Name)
		}
	}
}

func TestRefreshRecomputesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	key, err := review.Refresh(ctx, st, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if missing, _, _ := st.StaleSummaries(ctx, key); len(missing) != 0 {
		t.Fatalf("stale after refresh: %v", missing)
	}
	page, _ := st.Clients(ctx, cartera.ClientQuery{Search: "Talleres Ruiz"})
	before := page.Rows[0].Summary
	if before.Verdict != cartera.VerdictRenegotiate {
		t.Fatalf("summary %+v", before)
	}
	// The stored first reason is the assessment's, facts and all, so that
	// it renders in the reader's language as the client page would.
	a, err := review.One(ctx, st, asOf, page.Rows[0].Client.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Reasons) == 0 || !reflect.DeepEqual(before.Reason, a.Reasons[0]) {
		t.Fatalf("stored reason %v, the assessment's first %v", before.Reason, a.Reasons)
	}
	// A threat logged today must turn the verdict to "end".
	if _, err := st.SaveIncident(ctx, cartera.Incident{ID: "NEW", ClientID: page.Rows[0].Client.ID,
		At: asOf.Time(demo.Location).Add(10 * time.Hour), Kind: cartera.KindThreat, Severity: 5}); err != nil {
		t.Fatal(err)
	}
	if missing, _, _ := st.StaleSummaries(ctx, key); len(missing) != 1 {
		t.Fatalf("one client changed, %d stale", len(missing))
	}
	if _, err := review.Refresh(ctx, st, asOf); err != nil {
		t.Fatal(err)
	}
	page, _ = st.Clients(ctx, cartera.ClientQuery{Search: "Talleres Ruiz"})
	if page.Rows[0].Summary.Verdict != cartera.VerdictEnd {
		t.Errorf("after a threat: %+v", page.Rows[0].Summary)
	}
	// Another day makes every summary stale.
	if missing, _, _ := st.StaleSummaries(ctx, review.SummaryKey(asOf.AddDays(1), cartera.DefaultPolicy())); len(missing) != 49 {
		t.Errorf("a new day: %d stale", len(missing))
	}
}

// Summaries prepared ahead of a day and saved when it begins are the ones
// a refresh on that day would have stored.
func TestPreparedSummariesAreTheRefreshedOnes(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	rows := func() map[string]cartera.Summary {
		out := map[string]cartera.Summary{}
		page, err := st.Clients(ctx, cartera.ClientQuery{Limit: 200})
		if err != nil || page.Next != "" {
			t.Fatal(page.Next, err)
		}
		for _, r := range page.Rows {
			out[r.Client.ID] = r.Summary
		}
		return out
	}
	key, err := review.Refresh(ctx, st, asOf)
	if err != nil {
		t.Fatal(err)
	}
	want := rows()
	p, err := review.Prepare(ctx, st, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if p.Key != key || len(p.Rows) != len(want) {
		t.Fatalf("prepared %d rows under %q, want %d under %q", len(p.Rows), p.Key, len(want), key)
	}
	if err := p.Save(ctx, st); err != nil {
		t.Fatal(err)
	}
	if got := rows(); !reflect.DeepEqual(got, want) {
		t.Errorf("saved prepared summaries differ from the refreshed ones")
	}
	if missing, _, err := st.StaleSummaries(ctx, key); err != nil || len(missing) != 0 {
		t.Errorf("after saving, %d clients stale (%v)", len(missing), err)
	}
}
