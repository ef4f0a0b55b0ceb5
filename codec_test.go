package cartera

import "testing"

func TestFactsCodecRoundTrip(t *testing.T) {
	t.Parallel()
	in := ClientFacts{
		Revenue: -5, InvoicesIssued: 3, Hours: 1250, BillableHours: 1000, Discounts: 7, DiscountCount: 1,
		DiscountsOver: 1, MaxDiscount: 2500, FreeHours: 300, InvoicesDue: 4, LateInvoices: 2, OverLimit: 1,
		DaysLateSum: 77, WorstDaysLate: 45, Overdue: 123456, OverdueCount: 2, OldestOverdue: DateOf(2026, 1, 2),
		FreeHoursMonth:  []MonthHours{{Month: DateOf(2026, 3, 1), Hours: 300}},
		DiscountsOverAt: []DayValue{{DateOf(2026, 2, 1), 2500}},
		LateOver:        []DayValue{{DateOf(2025, 12, 31), 31}, {DateOf(2026, 1, 2), 45}},
		Delay:           [2]DelayHalf{{Invoices: 1, Days: 31}, {Invoices: 3, Days: 46}},
		Incidents:       []IncidentFact{{ID: "I-ñ", Kind: KindYelling, Severity: 4, ContactID: "P1"}},
	}
	var out ClientFacts
	if err := out.UnmarshalBinary(mustAppend(&in)); err != nil {
		t.Fatal(err)
	}
	out.Incidents[0].At = in.Incidents[0].At
	if out.Incidents[0] != in.Incidents[0] || out.Revenue != -5 || out.OldestOverdue != in.OldestOverdue || len(out.FreeHoursMonth) != 1 ||
		out.Delay != in.Delay || len(out.LateOver) != 2 || out.LateOver[1] != in.LateOver[1] || out.DiscountsOverAt[0] != in.DiscountsOverAt[0] {
		t.Errorf("round trip: %+v", out)
	}
	for _, bad := range [][]byte{nil, {9}, {factsVersion}, append(mustAppend(&in), 1)} {
		if out.UnmarshalBinary(bad) == nil {
			t.Errorf("%v should not decode", bad)
		}
	}
}

func mustAppend(f *ClientFacts) []byte {
	b, _ := f.AppendBinary(nil)
	return b
}
