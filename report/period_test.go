package report

import (
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/playbook"
)

// The forecast pages and the win/loss analysis name a period the same way.
func TestPeriodNames(t *testing.T) {
	today := cartera.DateOf(2026, time.November, 20)
	for _, tc := range []struct {
		lang    i18n.Lang
		label   string
		winloss playbook.Period // none: a half, which win/loss has not
		want    string
	}{
		{lang: i18n.ES, label: "2026-Q4", winloss: playbook.PeriodQuarter, want: "T4 2026"},
		{lang: i18n.EN, label: "2026-Q4", winloss: playbook.PeriodQuarter, want: "Q4 2026"},
		{lang: i18n.ES, label: "2026-11", winloss: playbook.PeriodMonth, want: "nov 2026"},
		{lang: i18n.EN, label: "2026-11", winloss: playbook.PeriodMonth, want: "Nov 2026"},
		{lang: i18n.ES, label: "2026", winloss: playbook.PeriodYear, want: "2026"},
		{lang: i18n.ES, label: "2026-H2", want: "S2 2026"},
		{lang: i18n.EN, label: "2026-H2", want: "H2 2026"},
	} {
		p := i18n.New(tc.lang, nil)
		per, err := forecast.ParsePeriod(tc.label, today)
		if err != nil {
			t.Fatal(err)
		}
		if got := ForecastPeriod(p, per); got != tc.want {
			t.Errorf("%s %s: forecast period %q, want %q", tc.lang, tc.label, got, tc.want)
		}
		if tc.winloss == "" {
			continue
		}
		if got := WinLossPeriod(p, tc.winloss, per.From); got != tc.want {
			t.Errorf("%s %s: win/loss period %q, want %q", tc.lang, tc.winloss, got, tc.want)
		}
	}
}
