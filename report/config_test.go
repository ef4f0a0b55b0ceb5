package report_test

import (
	"bytes"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// The settings as `cartera policy`, `pipeline`, `referrals` and `holidays`
// show them: a policy with changed values marks the defaults beside them,
// the pipeline shows the rates learned from the demo's closed deals, and
// providers are grouped by service.
func TestSettingsGolden(t *testing.T) {
	t.Parallel()
	st := demoStore(t)
	m, err := review.PipelineModel(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	pol := cartera.DefaultPolicy()
	for kv, v := range map[string]string{"max_days_late": "45", "weight.insult": "9", "half_life.days_late": "30"} {
		if err := pol.Set(kv, v); err != nil {
			t.Fatal(err)
		}
	}
	referrals := []cartera.Referral{
		{ID: "R-1", Service: "abogados", Name: "Lex", Contact: "Ana", Email: "ana@lex.example"},
		{ID: "R-2", Service: "diseño web", Name: "Estudio Alba", Email: "hola@alba.example", Phone: "600 11 22 33", Note: "Trabajan rápido"},
		{ID: "R-3", Service: "diseño web", Name: "Otro", URL: "https://otro.example"},
	}
	holidays := []cartera.Holiday{{Day: cartera.DateOf(2026, 12, 8), Name: "Inmaculada"}, {Day: cartera.DateOf(2026, 12, 25), Name: "Navidad"}}
	for _, lang := range []i18n.Lang{i18n.ES, i18n.EN} {
		p := i18n.New(lang, nil)
		var b bytes.Buffer
		for _, write := range []func() error{
			func() error { return report.WritePolicy(&b, pol, p) },
			func() error { return report.WritePipelineConfig(&b, m, p) },
			func() error { return report.WriteReferrals(&b, referrals, p) },
			func() error { return report.WriteReferrals(&b, nil, p) },
			func() error { return report.WriteHolidays(&b, holidays, p) },
			func() error { return report.WriteHolidays(&b, nil, p) },
		} {
			if err := write(); err != nil {
				t.Fatal(err)
			}
			b.WriteString("----\n")
		}
		golden(t, "settings_"+string(lang)+".golden", b.Bytes())
	}
}
