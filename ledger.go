package cartera

import (
	"encoding/binary"
	"errors"
	"slices"
)

// A Ledger holds what a client's facts are computed from, in a form that
// depends neither on the day asked about nor on the policy: the stores keep
// one per client, rewritten only when the client's records change, so that
// a review of a new day, or under new red lines, reads one small row per
// client instead of every event again.
//
// It keeps:
//   - invoices paid on or before their due date (and not issued after it),
//     summed by (issue day, due day): whatever the day asked about, such an
//     invoice is never late nor overdue, so only its amount and its two days
//     matter;
//   - every other invoice — unpaid, paid late, or issued after its due date
//     — one by one, since how late it is depends on the day asked about;
//   - hours by day, concessions and incidents one by one.
//
// Facts applies the window, the day asked about and the red lines. Every
// sum is checked: one that does not fit reports ErrFiguresOutOfRange.
type Ledger struct {
	onTime      []ledgerOnTime
	open        []ledgerInvoice
	hours       []ledgerHours
	concessions []ledgerConcession
	incidents   []IncidentFact
}

// ledgerOnTime sums the invoices paid on time issued and due on two days.
type ledgerOnTime struct {
	issued, due Date
	amount      int64
	n           int64
}

// ledgerInvoice is an invoice whose lateness depends on the day asked
// about; paid is zero while it is unpaid.
type ledgerInvoice struct {
	issued, due, paid Date
	amount            int64
}

type ledgerHours struct {
	day             Date
	hours, billable Hours
}

type ledgerConcession struct {
	day     Date
	kind    ConcessionKind
	amount  int64
	hours   Hours
	percent BasisPoints
}

// Reset empties the ledger, keeping its memory.
func (l *Ledger) Reset() {
	*l = Ledger{onTime: l.onTime[:0], open: l.open[:0], hours: l.hours[:0],
		concessions: l.concessions[:0], incidents: l.incidents[:0]}
}

// AddInvoice records an invoice; paid is zero when it is unpaid.
func (l *Ledger) AddInvoice(issued, due, paid Date, amount int64) {
	if paid.IsZero() || paid > due || issued > due {
		l.open = append(l.open, ledgerInvoice{issued, due, paid, amount})
		return
	}
	l.onTime = append(l.onTime, ledgerOnTime{issued: issued, due: due, amount: amount, n: 1})
}

// AddDay records the hours of a day, of which billable were billable.
func (l *Ledger) AddDay(day Date, hours, billable Hours) {
	l.hours = append(l.hours, ledgerHours{day: day, hours: hours, billable: billable})
}

// AddConcession records a concession; kinds other than discounts and free
// hours do not enter the facts and are left out.
func (l *Ledger) AddConcession(day Date, kind ConcessionKind, amount int64, hours Hours, percent BasisPoints) {
	if kind != ConcessionDiscount && kind != ConcessionFreeHours {
		return
	}
	l.concessions = append(l.concessions, ledgerConcession{day, kind, amount, hours, percent})
}

// AddIncident records an incident.
func (l *Ledger) AddIncident(in IncidentFact) { l.incidents = append(l.incidents, in) }

// Finish puts what was added in order and merges same-day entries; call it
// once everything is added, before Facts or MarshalBinary. Merging can
// overflow, which reports ErrFiguresOutOfRange.
func (l *Ledger) Finish() error {
	slices.SortFunc(l.onTime, func(a, b ledgerOnTime) int {
		if a.issued != b.issued {
			return int(a.issued - b.issued)
		}
		return int(a.due - b.due)
	})
	var ok bool
	out := l.onTime[:0]
	for _, e := range l.onTime {
		if n := len(out); n > 0 && out[n-1].issued == e.issued && out[n-1].due == e.due {
			if out[n-1].amount, ok = addChecked(out[n-1].amount, e.amount); !ok {
				return errLedgerOverflow
			}
			out[n-1].n += e.n
			continue
		}
		out = append(out, e)
	}
	l.onTime = out
	slices.SortFunc(l.open, func(a, b ledgerInvoice) int { return int(a.due - b.due) })
	slices.SortStableFunc(l.hours, func(a, b ledgerHours) int { return int(a.day - b.day) })
	hours := l.hours[:0]
	for _, h := range l.hours {
		if n := len(hours); n > 0 && hours[n-1].day == h.day {
			var a, b int64
			if a, ok = addChecked(int64(hours[n-1].hours), int64(h.hours)); ok {
				b, ok = addChecked(int64(hours[n-1].billable), int64(h.billable))
			}
			if !ok {
				return errLedgerOverflow
			}
			hours[n-1].hours, hours[n-1].billable = Hours(a), Hours(b)
			continue
		}
		hours = append(hours, h)
	}
	l.hours = hours
	slices.SortStableFunc(l.concessions, func(a, b ledgerConcession) int { return int(a.day - b.day) })
	slices.SortStableFunc(l.incidents, func(a, b IncidentFact) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return nil
}

var errLedgerOverflow = errors.Join(ErrFiguresOutOfRange, errors.New("a sum of the client's records does not fit in 64 bits"))

func addChecked(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

// sum accumulates with overflow checks; the first overflow sticks.
type checkedSum struct{ bad bool }

func (s *checkedSum) add(p *int64, v int64) {
	r, ok := addChecked(*p, v)
	if !ok {
		s.bad = true
		return
	}
	*p = r
}

// Facts fills f's figures (everything but Client) for the window and red
// lines of q, exactly as documented on ClientFacts: the window runs from
// q.From (exclusive) to q.AsOf (inclusive); an invoice counts only once
// issued by q.AsOf; one paid after q.AsOf is unpaid that day.
func (l *Ledger) Facts(q FactsQuery, f *ClientFacts) error {
	from, asOf := q.From, q.AsOf
	var s checkedSum
	inWindow := func(d Date) bool { return d > from && d <= asOf }
	half := func(d Date) int {
		if d > q.Mid {
			return 1
		}
		return 0
	}
	for _, e := range l.onTime {
		if e.issued > asOf {
			continue
		}
		if e.issued > from {
			s.add(&f.Revenue, e.amount)
			f.InvoicesIssued += int(e.n)
		}
		if inWindow(e.due) {
			f.InvoicesDue += int(e.n)
			f.Delay[half(e.due)].Invoices += int(e.n)
		}
	}
	for _, e := range l.open {
		if e.issued > asOf {
			continue
		}
		if e.issued > from {
			s.add(&f.Revenue, e.amount)
			f.InvoicesIssued++
		}
		unpaid := e.paid.IsZero() || e.paid > asOf
		if inWindow(e.due) {
			end := asOf
			if !unpaid {
				end = e.paid
			}
			late := int(end - e.due)
			f.InvoicesDue++
			h := &f.Delay[half(e.due)]
			h.Invoices++
			h.Days += max(late, 0)
			if late > q.GraceDays {
				f.LateInvoices++
				f.DaysLateSum += late
			}
			if late > q.MaxDaysLate {
				f.OverLimit++
				f.LastOverLimit = max(f.LastOverLimit, e.due)
				f.LateOver = append(f.LateOver, DayValue{e.due, int64(late)})
			}
			f.WorstDaysLate = max(f.WorstDaysLate, late)
		}
		if unpaid && e.due < asOf {
			s.add(&f.Overdue, e.amount)
			f.OverdueCount++
			if f.OldestOverdue.IsZero() || e.due < f.OldestOverdue {
				f.OldestOverdue = e.due
			}
		}
	}
	var hours, billable int64
	for _, h := range l.hours {
		if inWindow(h.day) {
			s.add(&hours, int64(h.hours))
			s.add(&billable, int64(h.billable))
		}
	}
	f.Hours, f.BillableHours = Hours(hours), Hours(billable)
	var free int64
	for _, c := range l.concessions {
		if !inWindow(c.day) {
			continue
		}
		if c.kind == ConcessionFreeHours {
			s.add(&free, int64(c.hours))
			m := c.day.Month()
			if n := len(f.FreeHoursMonth); n > 0 && f.FreeHoursMonth[n-1].Month == m {
				f.FreeHoursMonth[n-1].Hours += c.hours
			} else {
				f.FreeHoursMonth = append(f.FreeHoursMonth, MonthHours{Month: m, Hours: c.hours})
			}
			continue
		}
		pct := c.percent
		if pct == 0 && c.amount > 0 {
			var ok bool
			if pct, ok = l.derivedPercent(c); !ok {
				s.bad = true
			} else if pct > 0 {
				f.DiscountsDerived++
			}
		}
		s.add(&f.Discounts, c.amount)
		f.DiscountCount++
		f.MaxDiscount = max(f.MaxDiscount, pct)
		if pct > q.MaxDiscount {
			f.DiscountsOver++
			f.LastDiscountOver = max(f.LastDiscountOver, c.day)
			f.DiscountsOverAt = append(f.DiscountsOverAt, DayValue{c.day, int64(pct)})
		}
	}
	f.FreeHours = Hours(free)
	lo := q.IncidentsFrom.AddDays(-1).UnixDay() * 86400
	hi := asOf.AddDays(2).UnixDay() * 86400
	for _, in := range l.incidents {
		if at := in.At.Unix(); at >= lo && at < hi {
			f.Incidents = append(f.Incidents, in)
		}
	}
	if s.bad {
		return errLedgerOverflow
	}
	return nil
}

// derivedPercent is the percentage of a discount recorded without one: the
// discount over the list price, taken as the discount plus what was
// invoiced to the client the same day, rounded half up. With nothing
// invoiced that day it is unknown (0).
func (l *Ledger) derivedPercent(c ledgerConcession) (BasisPoints, bool) {
	var invoiced int64
	var s checkedSum
	for _, e := range l.onTime {
		if e.issued == c.day {
			s.add(&invoiced, e.amount)
		}
	}
	for _, e := range l.open {
		if e.issued == c.day {
			s.add(&invoiced, e.amount)
		}
	}
	if s.bad {
		return 0, false
	}
	if invoiced <= 0 {
		return 0, true
	}
	list, ok := addChecked(c.amount, invoiced)
	if !ok || c.amount > (1<<62)/20001 || list > 1<<61 {
		return 0, false
	}
	return BasisPoints((c.amount*20000 + list) / (2 * list)), true
}

// ledgerVersion is the first byte of an encoded Ledger; a store treats an
// entry of another version as missing and rebuilds it.
const ledgerVersion = 1

// LedgerReadable says whether data looks like an encoded Ledger of this
// version (a store rebuilds any other).
func LedgerReadable(data []byte) bool { return len(data) > 0 && data[0] == ledgerVersion }

// MarshalBinary encodes the ledger compactly (varints, days as deltas).
func (l *Ledger) MarshalBinary() ([]byte, error) { return l.AppendBinary(nil) }

// AppendBinary appends the encoding of MarshalBinary to buf.
func (l *Ledger) AppendBinary(buf []byte) ([]byte, error) {
	buf = append(buf, ledgerVersion)
	buf = binary.AppendUvarint(buf, uint64(len(l.onTime)))
	var prev Date
	for _, e := range l.onTime {
		buf = binary.AppendVarint(buf, int64(e.issued-prev))
		buf = binary.AppendVarint(buf, int64(e.due-e.issued))
		buf = binary.AppendVarint(buf, e.amount)
		buf = binary.AppendVarint(buf, e.n)
		prev = e.issued
	}
	buf = binary.AppendUvarint(buf, uint64(len(l.open)))
	prev = 0
	for _, e := range l.open {
		buf = binary.AppendVarint(buf, int64(e.due-prev))
		buf = binary.AppendVarint(buf, int64(e.issued-e.due))
		paid := int64(0)
		if !e.paid.IsZero() {
			paid = int64(e.paid-e.due) + 1<<40 // never zero
		}
		buf = binary.AppendVarint(buf, paid)
		buf = binary.AppendVarint(buf, e.amount)
		prev = e.due
	}
	buf = binary.AppendUvarint(buf, uint64(len(l.hours)))
	prev = 0
	for _, h := range l.hours {
		buf = binary.AppendVarint(buf, int64(h.day-prev))
		buf = binary.AppendVarint(buf, int64(h.hours))
		buf = binary.AppendVarint(buf, int64(h.billable))
		prev = h.day
	}
	buf = binary.AppendUvarint(buf, uint64(len(l.concessions)))
	for _, c := range l.concessions {
		buf = binary.AppendVarint(buf, int64(c.day))
		k := byte(0)
		if c.kind == ConcessionFreeHours {
			k = 1
		}
		buf = append(buf, k)
		buf = binary.AppendVarint(buf, c.amount)
		buf = binary.AppendVarint(buf, int64(c.hours))
		buf = binary.AppendVarint(buf, int64(c.percent))
	}
	return appendIncidents(buf, l.incidents), nil
}

// UnmarshalBinary decodes what MarshalBinary wrote, reusing l's memory.
func (l *Ledger) UnmarshalBinary(data []byte) error {
	l.Reset()
	if len(data) == 0 || data[0] != ledgerVersion {
		return errCodec
	}
	r := binReader{b: data[1:]}
	var v [4]int64
	n := r.count()
	var prev Date
	for i := 0; i < n && r.err == nil; i++ {
		r.ints(v[:4])
		issued := prev + Date(v[0])
		l.onTime = append(l.onTime, ledgerOnTime{issued: issued, due: issued + Date(v[1]), amount: v[2], n: v[3]})
		prev = issued
	}
	n = r.count()
	prev = 0
	for i := 0; i < n && r.err == nil; i++ {
		r.ints(v[:4])
		due := prev + Date(v[0])
		e := ledgerInvoice{due: due, issued: due + Date(v[1]), amount: v[3]}
		if p := v[2]; p != 0 {
			e.paid = due + Date(p-1<<40)
		}
		l.open = append(l.open, e)
		prev = due
	}
	n = r.count()
	prev = 0
	for i := 0; i < n && r.err == nil; i++ {
		r.ints(v[:3])
		day := prev + Date(v[0])
		l.hours = append(l.hours, ledgerHours{day: day, hours: Hours(v[1]), billable: Hours(v[2])})
		prev = day
	}
	n = r.count()
	for i := 0; i < n && r.err == nil; i++ {
		c := ledgerConcession{day: Date(r.int()), kind: ConcessionDiscount}
		if r.byte() == 1 {
			c.kind = ConcessionFreeHours
		}
		r.ints(v[:3])
		c.amount, c.hours, c.percent = v[0], Hours(v[1]), BasisPoints(v[2])
		l.concessions = append(l.concessions, c)
	}
	l.incidents = r.incidents(l.incidents)
	if r.err == nil && len(r.b) != 0 {
		r.err = errCodec
	}
	return r.err
}
