package review_test

import (
	"testing"

	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/review"
)

// The demo is built to show something real: the over-optimistic seller
// stands out, grounded probabilities beat claimed ones, and there are
// deals to check.
func TestDemoPipelineTellsTheStory(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	cal, err := review.Calibrate(ctx, st, "", asOf)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Overall.Deals < 80 || cal.Sellers[0].Seller != "Andrés Molina" || cal.Sellers[0].Optimism < 2500 {
		t.Errorf("calibration: %d deals, most optimistic %s (+%v)", cal.Overall.Deals, cal.Sellers[0].Seller, cal.Sellers[0].Optimism)
	}
	if cal.Overall.GroundedBrier >= cal.Overall.ClaimedBrier {
		t.Errorf("grounded Brier %v is not better than claimed %v", cal.Overall.GroundedBrier, cal.Overall.ClaimedBrier)
	}
	period, _ := forecast.ParsePeriod("2026-Q4", asOf)
	f, err := review.Forecast(ctx, st, review.ForecastOptions{Period: period, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Totals) != 1 || f.Totals[0].Deals < 15 || f.Totals[0].Gap <= 0 || f.Sellers[0].Seller != "Andrés Molina" {
		t.Errorf("forecast: %+v, top seller %s", f.Totals[0], f.Sellers[0].Seller)
	}
	b, err := review.Board(ctx, st, asOf, "", 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	if b.Board.Stale < 5 || b.Checks.Total != b.Board.Stale {
		t.Errorf("board: %d stale, %d checks", b.Board.Stale, b.Checks.Total)
	}
	// Every stage column has deals.
	for _, c := range b.Board.Columns {
		if c.Deals == 0 {
			t.Errorf("stage %s is empty", c.Stage)
		}
	}
}

// After a backtest, live deals follow its decision: on the demo the fit
// won, so each deal's reasons are the fitted weights; a reading of a day
// before the fit was learned keeps the expert factors (the fit knows
// outcomes that day did not).
func TestLiveForecastUsesTheBacktestsDecision(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	bt, err := review.Refit(ctx, st, asOf)
	if err != nil {
		t.Fatal(err)
	}
	l, err := review.Deals(ctx, st, review.DealsOptions{AsOf: asOf, Limit: 5})
	if err != nil || len(l.Deals) == 0 {
		t.Fatalf("deals: %v", err)
	}
	keys := map[string]bool{}
	for _, g := range l.Deals {
		for _, f := range g.Factors {
			keys[f.Reason.Key] = true
		}
	}
	want := map[string]string{forecast.MethodFitted: "forecast.f.fitted", forecast.MethodExpert: "forecast.f.uses_expert",
		forecast.MethodBase: "forecast.f.uses_base"}[bt.Grounded]
	if !keys[want] {
		t.Errorf("grounded uses %s, reasons %v", bt.Grounded, keys)
	}
	if bt.Grounded != forecast.MethodExpert && keys["forecast.f.silence"] {
		t.Errorf("expert steps moved the odds under a %s decision: %v", bt.Grounded, keys)
	}
	early, err := review.Deals(ctx, st, review.DealsOptions{AsOf: asOf.AddDays(-30), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range early.Deals {
		for _, f := range g.Factors {
			if f.Reason.Key == "forecast.f.fitted" || f.Reason.Key == "forecast.f.uses_base" {
				t.Errorf("a month earlier, %s uses the later fit: %s", g.Deal.ID, f.Reason.Key)
			}
		}
	}
}
