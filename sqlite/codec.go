package sqlite

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cartera/cartera"
)

// The facts cache stores ClientFacts (without the Client) in a compact
// binary form: a version byte, then varints and length-prefixed strings in
// a fixed order. It is private to this package and rebuilt from the events
// whenever in doubt, so a format change only needs a new version byte.

const codecVersion = 2

var errCodec = errors.New("facts cache: unreadable entry")

func encodeFacts(buf []byte, f *cartera.ClientFacts) []byte {
	buf = append(buf[:0], codecVersion)
	for _, v := range []int64{
		f.Revenue, int64(f.InvoicesIssued), int64(f.Hours), int64(f.BillableHours),
		f.Discounts, int64(f.DiscountCount), int64(f.DiscountsOver), int64(f.MaxDiscount), int64(f.FreeHours),
		int64(f.InvoicesDue), int64(f.LateInvoices), int64(f.OverLimit), int64(f.DaysLateSum), int64(f.WorstDaysLate),
		f.Overdue, int64(f.OverdueCount), int64(f.OldestOverdue), int64(f.LastOverLimit), int64(f.LastDiscountOver),
		int64(f.DiscountsDerived),
	} {
		buf = binary.AppendVarint(buf, v)
	}
	buf = binary.AppendUvarint(buf, uint64(len(f.FreeHoursMonth)))
	for _, m := range f.FreeHoursMonth {
		buf = binary.AppendVarint(buf, int64(m.Month))
		buf = binary.AppendVarint(buf, int64(m.Hours))
	}
	buf = binary.AppendUvarint(buf, uint64(len(f.Incidents)))
	for _, in := range f.Incidents {
		buf = appendString(buf, in.ID)
		buf = binary.AppendVarint(buf, in.At.Unix())
		buf = appendString(buf, string(in.Kind))
		buf = binary.AppendVarint(buf, int64(in.Severity))
		buf = appendString(buf, in.ContactID)
	}
	return buf
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

// decoder reads what encodeFacts wrote, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errCodec
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) count() int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > uint64(len(d.b)) {
		d.err = errCodec
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *decoder) str() string {
	n := d.count()
	if d.err != nil || n > len(d.b) {
		d.err = errCodec
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// decodeFacts fills f (keeping f.Client) from an encoded entry.
func decodeFacts(b []byte, f *cartera.ClientFacts) error {
	if len(b) == 0 || b[0] != codecVersion {
		return errCodec
	}
	d := &decoder{b: b[1:]}
	f.Revenue, f.InvoicesIssued = d.varint(), int(d.varint())
	f.Hours, f.BillableHours = cartera.Hours(d.varint()), cartera.Hours(d.varint())
	f.Discounts, f.DiscountCount, f.DiscountsOver = d.varint(), int(d.varint()), int(d.varint())
	f.MaxDiscount, f.FreeHours = cartera.BasisPoints(d.varint()), cartera.Hours(d.varint())
	f.InvoicesDue, f.LateInvoices, f.OverLimit = int(d.varint()), int(d.varint()), int(d.varint())
	f.DaysLateSum, f.WorstDaysLate = int(d.varint()), int(d.varint())
	f.Overdue, f.OverdueCount, f.OldestOverdue = d.varint(), int(d.varint()), cartera.Date(d.varint())
	f.LastOverLimit, f.LastDiscountOver = cartera.Date(d.varint()), cartera.Date(d.varint())
	f.DiscountsDerived = int(d.varint())
	f.FreeHoursMonth = f.FreeHoursMonth[:0]
	for i, n := 0, d.count(); i < n && d.err == nil; i++ {
		f.FreeHoursMonth = append(f.FreeHoursMonth, cartera.MonthHours{Month: cartera.Date(d.varint()), Hours: cartera.Hours(d.varint())})
	}
	f.Incidents = f.Incidents[:0]
	for i, n := 0, d.count(); i < n && d.err == nil; i++ {
		var in cartera.IncidentFact
		in.ID = d.str()
		in.At = time.Unix(d.varint(), 0).UTC()
		in.Kind = cartera.IncidentKind(d.str())
		in.Severity = int(d.varint())
		in.ContactID = d.str()
		f.Incidents = append(f.Incidents, in)
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errCodec
	}
	return d.err
}

// factsKey identifies a facts query, the cache's validity.
func factsKey(q cartera.FactsQuery) string {
	return fmt.Sprintf("v%d/%d/%d/%d/%d/%d/%d", codecVersion, q.AsOf, q.From, q.IncidentsFrom, q.MaxDaysLate, q.GraceDays, q.MaxDiscount)
}
