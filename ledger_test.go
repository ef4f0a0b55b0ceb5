package cartera

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
)

func TestLedgerFacts(t *testing.T) {
	d := func(m time.Month, day int) Date { return DateOf(2026, m, day) }
	at := func(m time.Month, day, hour int) time.Time { return time.Date(2026, m, day, hour, 0, 0, 0, time.UTC) }
	build := func() *Ledger {
		var l Ledger
		l.AddInvoice(d(1, 10), d(2, 10), d(2, 1), 1000) // on time
		l.AddInvoice(d(1, 10), d(2, 10), d(2, 5), 500)  // on time, same days: merged
		l.AddInvoice(d(3, 1), d(3, 31), d(5, 15), 2000) // paid 45 days late
		l.AddInvoice(d(4, 1), d(4, 30), 0, 3000)        // never paid
		l.AddInvoice(d(6, 1), d(6, 30), d(7, 3), 700)   // paid 3 days late: within grace
		l.AddInvoice(d(11, 1), d(12, 1), 0, 900)        // not due yet on 2026-11-25
		l.AddInvoice(d(2, 20), d(2, 20), d(2, 20), 100) // issued and due the same day, paid then
		l.AddDay(d(3, 2), 200, 200)
		l.AddDay(d(3, 2), 100, 0) // same day: merged
		l.AddDay(d(9, 9), 400, 400)
		l.AddConcession(d(3, 1), ConcessionDiscount, 500, 0, 0)     // no percentage: derived from the 2000 invoiced that day
		l.AddConcession(d(5, 5), ConcessionDiscount, 100, 0, 1000)  // 10 %
		l.AddConcession(d(5, 5), ConcessionFreeHours, 0, 300, 0)    // May
		l.AddConcession(d(5, 20), ConcessionFreeHours, 0, 100, 0)   // May again
		l.AddConcession(d(7, 1), ConcessionFreeHours, 0, 50, 0)     // July
		l.AddConcession(d(8, 1), ConcessionDiscount, 100, 0, 0)     // nothing invoiced that day: unknown
		l.AddConcession(d(8, 2), ConcessionKind("gift"), 100, 0, 0) // not part of the facts
		l.AddIncident(IncidentFact{ID: "b", At: at(6, 1, 10), Kind: "yelling", Severity: 3})
		l.AddIncident(IncidentFact{ID: "a", At: at(6, 1, 10), Kind: "insult", Severity: 4, ContactID: "K1"})
		l.AddIncident(IncidentFact{ID: "old", At: at(1, 1, 10), Kind: "insult", Severity: 2})
		if err := l.Finish(); err != nil {
			t.Fatal(err)
		}
		return &l
	}
	base := FactsQuery{From: DateOf(2025, 11, 25), AsOf: d(11, 25), IncidentsFrom: d(3, 1), Mid: d(5, 25), MaxDaysLate: 30, GraceDays: 5, MaxDiscount: 1500}
	tests := []struct {
		name  string
		q     func(FactsQuery) FactsQuery
		check func(t *testing.T, f ClientFacts)
	}{
		{"today", func(q FactsQuery) FactsQuery { return q }, func(t *testing.T, f ClientFacts) {
			want := ClientFacts{
				Revenue: 8200, InvoicesIssued: 7, InvoicesDue: 6,
				LateInvoices: 2, OverLimit: 2, DaysLateSum: 45 + 209, WorstDaysLate: 209,
				LastOverLimit: d(4, 30), Overdue: 3000, OverdueCount: 1, OldestOverdue: d(4, 30),
				LateOver: []DayValue{{d(3, 31), 45}, {d(4, 30), 209}},
				// Due by 25 May: three on time (0 days), 45 and 209 days
				// late; after it, one paid 3 days late.
				Delay:           [2]DelayHalf{{Invoices: 5, Days: 254}, {Invoices: 1, Days: 3}},
				DiscountsOverAt: []DayValue{{d(3, 1), 2000}},
				Hours:           700, BillableHours: 600,
				Discounts: 700, DiscountCount: 3, DiscountsOver: 1, MaxDiscount: 2000, LastDiscountOver: d(3, 1), DiscountsDerived: 1,
				FreeHours:      450,
				FreeHoursMonth: []MonthHours{{d(5, 1), 400}, {d(7, 1), 50}},
				Incidents: []IncidentFact{
					{ID: "a", At: at(6, 1, 10), Kind: "insult", Severity: 4, ContactID: "K1"},
					{ID: "b", At: at(6, 1, 10), Kind: "yelling", Severity: 3},
				},
			}
			if !reflect.DeepEqual(f, want) {
				t.Errorf("got  %+v\nwant %+v", f, want)
			}
		}},
		{"a past day: a later payment is not known yet", func(q FactsQuery) FactsQuery {
			q.AsOf, q.From = d(5, 10), DateOf(2025, 5, 10)
			return q
		}, func(t *testing.T, f ClientFacts) {
			// Due by 10 May: the two on-time ones of February, the one of
			// 20 February, the one due 31 March (unpaid then: 40 days) and
			// the one due 30 April (10 days).
			if f.InvoicesDue != 5 || f.LateInvoices != 2 || f.DaysLateSum != 50 || f.WorstDaysLate != 40 || f.OverLimit != 1 {
				t.Errorf("payments: %+v", f)
			}
			if f.Overdue != 5000 || f.OverdueCount != 2 || f.OldestOverdue != d(3, 31) {
				t.Errorf("overdue: %d in %d from %s", f.Overdue, f.OverdueCount, f.OldestOverdue)
			}
			if f.Revenue != 6600 || f.InvoicesIssued != 5 {
				t.Errorf("revenue: %d in %d", f.Revenue, f.InvoicesIssued)
			}
		}},
		{"new red lines move the counts, not the sums", func(q FactsQuery) FactsQuery {
			q.MaxDaysLate, q.GraceDays, q.MaxDiscount = 60, 2, 2500
			return q
		}, func(t *testing.T, f ClientFacts) {
			if f.LateInvoices != 3 || f.DaysLateSum != 45+209+3 || f.OverLimit != 1 || f.LastOverLimit != d(4, 30) {
				t.Errorf("payments: %+v", f)
			}
			if len(f.LateOver) != 1 || f.LateOver[0] != (DayValue{d(4, 30), 209}) {
				t.Errorf("over the line: %+v", f.LateOver)
			}
			if f.DiscountsOver != 0 || !f.LastDiscountOver.IsZero() || f.DiscountsOverAt != nil {
				t.Errorf("discounts over: %d, last %s", f.DiscountsOver, f.LastDiscountOver)
			}
		}},
		{"the window leaves the early records out", func(q FactsQuery) FactsQuery {
			q.From = d(6, 1)
			return q
		}, func(t *testing.T, f ClientFacts) {
			if f.Revenue != 900 || f.Hours != 400 || f.FreeHours != 50 || f.DiscountCount != 1 || f.InvoicesDue != 1 {
				t.Errorf("window: %+v", f)
			}
			// Overdue counts whenever the invoice was issued.
			if f.Overdue != 3000 {
				t.Errorf("overdue %d, want 3000", f.Overdue)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := build()
			var f ClientFacts
			if err := l.Facts(tt.q(base), &f); err != nil {
				t.Fatal(err)
			}
			tt.check(t, f)
			// What is stored gives the same figures.
			data, err := l.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var back Ledger
			if err := back.UnmarshalBinary(data); err != nil {
				t.Fatal(err)
			}
			var g ClientFacts
			if err := back.Facts(tt.q(base), &g); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(f, g) {
				t.Errorf("after a round trip:\n got %+v\nwant %+v", g, f)
			}
		})
	}
}

func TestLedgerOverflow(t *testing.T) {
	var l Ledger
	l.AddInvoice(DateOf(2026, 1, 1), DateOf(2026, 1, 31), 0, math.MaxInt64)
	l.AddInvoice(DateOf(2026, 1, 2), DateOf(2026, 1, 31), 0, 1)
	if err := l.Finish(); err != nil {
		t.Fatal(err)
	}
	var f ClientFacts
	err := l.Facts(FactsQuery{From: DateOf(2025, 6, 1), AsOf: DateOf(2026, 6, 1)}, &f)
	if !errors.Is(err, ErrFiguresOutOfRange) {
		t.Errorf("got %v, want ErrFiguresOutOfRange", err)
	}
	var m Ledger
	m.AddInvoice(DateOf(2026, 1, 1), DateOf(2026, 1, 31), DateOf(2026, 1, 2), math.MaxInt64)
	m.AddInvoice(DateOf(2026, 1, 1), DateOf(2026, 1, 31), DateOf(2026, 1, 3), 1)
	if err := m.Finish(); !errors.Is(err, ErrFiguresOutOfRange) {
		t.Errorf("merging: got %v, want ErrFiguresOutOfRange", err)
	}
}

func TestLedgerUnreadable(t *testing.T) {
	for _, data := range [][]byte{nil, {}, {99}, {ledgerVersion}, {ledgerVersion, 5}, {ledgerVersion, 0, 0, 0, 0, 0, 7}} {
		var l Ledger
		if err := l.UnmarshalBinary(data); err == nil {
			t.Errorf("%v: decoded", data)
		}
	}
}

// FuzzLedger decodes arbitrary bytes: never a panic, and what decodes
// encodes back to the same bytes.
func FuzzLedger(f *testing.F) {
	var l Ledger
	l.AddInvoice(DateOf(2026, 1, 1), DateOf(2026, 1, 31), 0, 100)
	l.AddInvoice(DateOf(2026, 1, 1), DateOf(2026, 1, 31), DateOf(2026, 1, 5), 100)
	l.AddDay(DateOf(2026, 1, 3), 150, 150)
	l.AddConcession(DateOf(2026, 1, 4), ConcessionFreeHours, 0, 100, 0)
	l.AddIncident(IncidentFact{ID: "i", At: time.Unix(1_770_000_000, 0).UTC(), Kind: "insult", Severity: 2, ContactID: "c"})
	if err := l.Finish(); err != nil {
		f.Fatal(err)
	}
	data, _ := l.MarshalBinary()
	f.Add(data)
	f.Add([]byte{ledgerVersion, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var l Ledger
		if l.UnmarshalBinary(data) != nil {
			return
		}
		var facts ClientFacts
		_ = l.Facts(FactsQuery{From: DateOf(2025, 6, 1), AsOf: DateOf(2026, 6, 1), IncidentsFrom: DateOf(2025, 6, 1)}, &facts)
		again, err := l.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var m Ledger
		if err := m.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded ledger does not decode: %v", err)
		}
	})
}

// BenchmarkLedgerDecode decodes a year of a busy client's ledger: what a
// new day's review does for every client.
func BenchmarkLedgerDecode(b *testing.B) {
	var l Ledger
	for m := range 12 {
		issued := DateOf(2026, time.Month(m+1), 3)
		l.AddInvoice(issued, issued.AddDays(30), issued.AddDays(20+m), 123456+int64(m)*1000)
		l.AddInvoice(issued, issued.AddDays(30), 0, 98765)
		for d := range 20 {
			l.AddDay(issued.AddDays(d), 750, 600)
		}
	}
	l.AddConcession(DateOf(2026, 3, 1), ConcessionDiscount, 5000, 0, 1000)
	l.AddIncident(IncidentFact{ID: "i1", At: time.Unix(1_770_000_000, 0).UTC(), Kind: "insult", Severity: 2})
	if err := l.Finish(); err != nil {
		b.Fatal(err)
	}
	data, _ := l.MarshalBinary()
	b.SetBytes(int64(len(data)))
	var m Ledger
	for b.Loop() {
		if err := m.UnmarshalBinary(data); err != nil {
			b.Fatal(err)
		}
	}
}
