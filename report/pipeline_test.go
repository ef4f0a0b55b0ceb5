package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
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
	bt, err := review.Backtest(ctx, st, asOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Langs {
		p := i18n.New(l, nil)
		var b bytes.Buffer
		if err := report.WriteForecast(&b, f, p, report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "forecast_"+string(l)+".golden", b.Bytes())
		b.Reset()
		if err := report.WriteCalibration(&b, cal, p, report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "calibration_"+string(l)+".golden", b.Bytes())
		b.Reset()
		if err := report.WriteDeals(&b, stale, true, p, report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "stale_"+string(l)+".golden", b.Bytes())
		b.Reset()
		if err := report.WriteDeal(&b, deal, p, report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "deal_"+string(l)+".golden", b.Bytes())
		b.Reset()
		if err := report.WriteBacktest(&b, bt, p, report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "backtest_"+string(l)+".golden", b.Bytes())
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
	b, err := json.Marshal(report.ForecastJSON(f, i18n.New(i18n.EN, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Totals   []struct{ Claimed, Grounded, Gap int64 } `json:"totals"`
		Carriers []struct {
			Deal    report.DealRecordJSON `json:"deal"`
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

// Open deals without an expected close date are left out of every period:
// the forecast says how many and which column to map, in the text (a
// golden file: the case of an import that mapped no close date, where
// every period is empty), in the notes under a forecast and in the JSON.
func TestForecastHintsUndatedDeals(t *testing.T) {
	t.Parallel()
	period, _ := forecast.ParsePeriod("2026-Q4", asOf)
	empty := &forecast.Forecast{Period: period, AsOf: asOf, Undated: 37}
	for _, l := range i18n.Langs {
		p := i18n.New(l, nil)
		var b bytes.Buffer
		if err := report.WriteForecast(&b, empty, p, report.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "forecast_undated_"+string(l)+".golden", b.Bytes())
	}
	st := demoStore(t)
	f, err := review.Forecast(ctx, st, review.ForecastOptions{Period: period, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	p := i18n.New(i18n.EN, nil)
	if hs := report.ForecastJSON(f, p).Hints; f.Undated != 0 || hs == nil || len(hs) != 0 {
		t.Errorf("the demo's deals all have a date: %d undated, hints %v", f.Undated, hs)
	}
	some := *f
	some.Undated = 1
	var b bytes.Buffer
	if err := report.WriteForecast(&b, &some, p, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("1 open deal has no expected close date")) || !bytes.Contains(b.Bytes(), []byte("expected_close")) {
		t.Errorf("no hint under the forecast:\n%s", b.Bytes())
	}
	hs := report.ForecastJSON(&some, p).Hints
	if len(hs) != 1 || hs[0].Code != "forecast.undated_hint" || hs[0].Facts["n"] != 1 || hs[0].Text == "" {
		t.Errorf("JSON hints: %+v", hs)
	}
}
