package review_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

// TestDemoReasonsNameWhatHappened: in the whole demo review, in Spanish and
// English, no reason, red line or watch note names a kind of incident the
// client did not have in the period — the protected-hours line used to call
// a Sunday competitor taunt "a request".
func TestDemoReasonsNameWhatHappened(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	var all []assess.Assessment
	if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, Each: func(a *assess.Assessment) error {
		all = append(all, *a)
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []i18n.Lang{i18n.ES, i18n.EN} {
		p := i18n.New(lang, time.UTC)
		names := map[cartera.IncidentKind][]string{}
		for _, k := range cartera.IncidentKinds {
			names[k] = []string{strings.ToLower(p.T("kind." + string(k)))}
		}
		names[cartera.KindOutOfHours] = append(names[cartera.KindOutOfHours], "request", "petici", "demand", "exigencia")
		for _, a := range all {
			var msgs []cartera.Message
			msgs = append(append(append(msgs, a.Reasons...), a.Breaches...), a.Watch...)
			for _, m := range msgs {
				text := strings.ToLower(p.Msg(m))
				for k, words := range names {
					if a.Relational.ByKind[k] > 0 {
						continue
					}
					for _, w := range words {
						if strings.Contains(text, w) {
							t.Errorf("%s %s: %q names %s, which did not happen", lang, a.Client.ID, text, k)
						}
					}
				}
			}
		}
	}
}
