package review_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

// The pipeline reports on the demo data, in both languages, as golden
// files: any change to the model, the demo or the wording shows up here.
func TestPipelineReportsGolden(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	period, err := forecast.ParsePeriod("2026-Q4", asOf)
	if err != nil {
		t.Fatal(err)
	}
	f, err := review.Forecast(ctx, st, review.ForecastOptions{Period: period, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	cal, err := review.Calibrate(ctx, st, "", asOf)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := review.Deals(ctx, st, review.DealsOptions{AsOf: asOf, Stale: true, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	deal, err := review.Deal(ctx, st, f.Carriers[0].Deal.ID, asOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Langs {
		p := i18n.New(l, nil)
		var b bytes.Buffer
		if err := review.WriteForecast(&b, f, p, review.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "forecast_"+string(l)+".golden", b.Bytes())
		b.Reset()
		if err := review.WriteCalibration(&b, cal, p, review.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "calibration_"+string(l)+".golden", b.Bytes())
		b.Reset()
		if err := review.WriteDeals(&b, stale, true, p, review.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "stale_"+string(l)+".golden", b.Bytes())
		b.Reset()
		if err := review.WriteDeal(&b, deal, p, review.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "deal_"+string(l)+".golden", b.Bytes())
	}
}

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

func TestForecastJSONCarriesCodesAndText(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	period, _ := forecast.ParsePeriod("2026-Q4", asOf)
	f, err := review.Forecast(ctx, st, review.ForecastOptions{Period: period, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(review.ForecastJSON(f, i18n.New(i18n.EN, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Totals   []struct{ Claimed, Grounded, Gap int64 } `json:"totals"`
		Carriers []struct {
			Deal    review.DealRecordJSON `json:"deal"`
			Factors []struct {
				Reason struct{ Code, Text string } `json:"reason"`
			} `json:"factors"`
		} `json:"carriers"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Totals) != 1 || out.Totals[0].Gap != out.Totals[0].Claimed-out.Totals[0].Grounded {
		t.Errorf("totals %+v", out.Totals)
	}
	c := out.Carriers[0]
	if c.Factors[0].Reason.Code != "forecast.f.base" || c.Factors[0].Reason.Text == "" || c.Deal.ID == "" {
		t.Errorf("first carrier: %+v", c)
	}
}

// After a backtest, live deals follow its decision: on the demo the fit
// won, so each deal's reasons are the fitted weights; a reading of a day
// before the fit was learned keeps the expert factors (the fit knows
// outcomes that day did not).
func TestLiveForecastUsesTheBacktestsDecision(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	bt, err := review.Backtest(ctx, st, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if err := review.SaveFit(ctx, st, bt, asOf); err != nil {
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
