package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/storetest"
)

// The contract suite again with every stale cache rebuilt whole, so that
// both ways of bringing the facts cache up to date are checked.
func TestContractRebuildingTheCache(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cartera.Store {
		db, err := Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), storetest.Clock)
		if err != nil {
			t.Fatal(err)
		}
		db.rebuildMin = 0
		return db
	})
}

func TestFactsCodecRoundTrip(t *testing.T) {
	t.Parallel()
	in := cartera.ClientFacts{
		Revenue: -5, InvoicesIssued: 3, Hours: 1250, BillableHours: 1000, Discounts: 7, DiscountCount: 1,
		DiscountsOver: 1, MaxDiscount: 2500, FreeHours: 300, InvoicesDue: 4, LateInvoices: 2, OverLimit: 1,
		DaysLateSum: 77, WorstDaysLate: 45, Overdue: 123456, OverdueCount: 2, OldestOverdue: cartera.DateOf(2026, 1, 2),
		FreeHoursMonth: []cartera.MonthHours{{Month: cartera.DateOf(2026, 3, 1), Hours: 300}},
		Incidents:      []cartera.IncidentFact{{ID: "I-ñ", Kind: cartera.KindYelling, Severity: 4, ContactID: "P1"}},
	}
	var out cartera.ClientFacts
	if err := decodeFacts(encodeFacts(nil, &in), &out); err != nil {
		t.Fatal(err)
	}
	out.Incidents[0].At = in.Incidents[0].At
	if out.Incidents[0] != in.Incidents[0] || out.Revenue != -5 || out.OldestOverdue != in.OldestOverdue || len(out.FreeHoursMonth) != 1 {
		t.Errorf("round trip: %+v", out)
	}
	for _, bad := range [][]byte{nil, {9}, {codecVersion}, append(encodeFacts(nil, &in), 1)} {
		if decodeFacts(bad, &out) == nil {
			t.Errorf("%v should not decode", bad)
		}
	}
}
