package assess

import (
	"testing"

	"github.com/cartera/cartera"
)

// The pages split a verdict's reasons by direction: everything strengths
// says is in the client's favour, every problem is not.
func TestReasonDirection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		facts        *cartera.ClientFacts
		for_, agains []string
	}{
		{"healthy client: all in favour", facts(), []string{"reason.healthy_margin", "reason.pays_on_time", "reason.no_incidents"}, nil},
		{"one late payment: still in favour", facts(func(f *cartera.ClientFacts) {
			f.LateInvoices, f.DaysLateSum, f.WorstDaysLate = 1, 9, 9
		}), []string{"reason.pays_mostly_on_time"}, nil},
		{"losing money: against, and pays on time: for", facts(func(f *cartera.ClientFacts) {
			f.Hours = cartera.HoursOf(500)
		}), []string{"reason.pays_on_time"}, []string{"reason.margin_negative"}},
		{"late payer: against", facts(func(f *cartera.ClientFacts) {
			f.InvoicesDue, f.LateInvoices, f.OverLimit, f.DaysLateSum, f.WorstDaysLate = 4, 3, 3, 150, 60
		}), []string{"reason.healthy_margin"}, []string{"reason.late_payments"}},
	}
	for _, tc := range tests {
		a := run(tc.facts)
		got := map[string]bool{}
		for _, m := range a.Reasons {
			got[m.Key] = InFavour(m)
		}
		for _, k := range tc.for_ {
			if in, ok := got[k]; !ok || !in {
				t.Errorf("%s: %s present=%v in favour=%v", tc.name, k, ok, in)
			}
		}
		for _, k := range tc.agains {
			if in, ok := got[k]; !ok || in {
				t.Errorf("%s: %s present=%v in favour=%v, want against", tc.name, k, ok, in)
			}
		}
	}
}
