package cartera

import (
	"encoding/binary"
	"errors"
	"time"
)

// The stores keep ledgers and facts in a compact binary form: a version
// byte, then varints and length-prefixed strings in a fixed order. Both are
// caches rebuilt from the records whenever in doubt, so a format change
// only needs a new version byte.

var errCodec = errors.New("unreadable cached entry")

// factsVersion is the first byte of encoded ClientFacts.
const factsVersion = 3

// FactsVersion is the version of the encoding of ClientFacts: a store keys
// its cache with it, so that entries of an older format are never read.
const FactsVersion = factsVersion

// AppendBinary appends the encoding of f (without the client) to buf.
func (f *ClientFacts) AppendBinary(buf []byte) ([]byte, error) {
	buf = append(buf, factsVersion)
	for _, v := range []int64{
		f.Revenue, int64(f.InvoicesIssued), int64(f.Hours), int64(f.BillableHours),
		f.Discounts, int64(f.DiscountCount), int64(f.DiscountsOver), int64(f.MaxDiscount), int64(f.FreeHours),
		int64(f.InvoicesDue), int64(f.LateInvoices), int64(f.OverLimit), int64(f.DaysLateSum), int64(f.WorstDaysLate),
		f.Overdue, int64(f.OverdueCount), int64(f.OldestOverdue), int64(f.LastOverLimit), int64(f.LastDiscountOver),
		int64(f.DiscountsDerived),
		int64(f.Delay[0].Invoices), int64(f.Delay[0].Days), int64(f.Delay[1].Invoices), int64(f.Delay[1].Days),
	} {
		buf = binary.AppendVarint(buf, v)
	}
	buf = binary.AppendUvarint(buf, uint64(len(f.FreeHoursMonth)))
	for _, m := range f.FreeHoursMonth {
		buf = binary.AppendVarint(buf, int64(m.Month))
		buf = binary.AppendVarint(buf, int64(m.Hours))
	}
	buf = appendDayValues(buf, f.DiscountsOverAt)
	buf = appendDayValues(buf, f.LateOver)
	return appendIncidents(buf, f.Incidents), nil
}

// appendDayValues appends a count, then each day (as a delta from the
// previous one) and value.
func appendDayValues(buf []byte, dv []DayValue) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(dv)))
	var prev Date
	for _, v := range dv {
		buf = binary.AppendVarint(buf, int64(v.Day-prev))
		buf = binary.AppendVarint(buf, v.Value)
		prev = v.Day
	}
	return buf
}

// dayValues reads what appendDayValues wrote into dst's memory.
func (r *binReader) dayValues(dst []DayValue) []DayValue {
	dst = dst[:0]
	var prev Date
	for i, n := 0, r.count(); i < n && r.err == nil; i++ {
		prev += Date(r.int())
		dst = append(dst, DayValue{Day: prev, Value: r.int()})
	}
	return dst
}

// UnmarshalBinary fills f's figures (keeping f.Client and the memory of its
// lists) from what AppendBinary wrote.
func (f *ClientFacts) UnmarshalBinary(b []byte) error {
	if len(b) == 0 || b[0] != factsVersion {
		return errCodec
	}
	d := &binReader{b: b[1:]}
	f.Revenue, f.InvoicesIssued = d.int(), int(d.int())
	f.Hours, f.BillableHours = Hours(d.int()), Hours(d.int())
	f.Discounts, f.DiscountCount, f.DiscountsOver = d.int(), int(d.int()), int(d.int())
	f.MaxDiscount, f.FreeHours = BasisPoints(d.int()), Hours(d.int())
	f.InvoicesDue, f.LateInvoices, f.OverLimit = int(d.int()), int(d.int()), int(d.int())
	f.DaysLateSum, f.WorstDaysLate = int(d.int()), int(d.int())
	f.Overdue, f.OverdueCount, f.OldestOverdue = d.int(), int(d.int()), Date(d.int())
	f.LastOverLimit, f.LastDiscountOver = Date(d.int()), Date(d.int())
	f.DiscountsDerived = int(d.int())
	f.Delay[0] = DelayHalf{Invoices: int(d.int()), Days: int(d.int())}
	f.Delay[1] = DelayHalf{Invoices: int(d.int()), Days: int(d.int())}
	f.FreeHoursMonth = f.FreeHoursMonth[:0]
	for i, n := 0, d.count(); i < n && d.err == nil; i++ {
		f.FreeHoursMonth = append(f.FreeHoursMonth, MonthHours{Month: Date(d.int()), Hours: Hours(d.int())})
	}
	f.DiscountsOverAt = d.dayValues(f.DiscountsOverAt)
	f.LateOver = d.dayValues(f.LateOver)
	f.Incidents = d.incidents(f.Incidents[:0])
	if d.err == nil && len(d.b) != 0 {
		d.err = errCodec
	}
	return d.err
}

// appendIncidents appends a count, then each incident's id, instant, kind,
// severity and contact.
func appendIncidents(buf []byte, incidents []IncidentFact) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(incidents)))
	for _, in := range incidents {
		buf = appendBinString(buf, in.ID)
		buf = binary.AppendVarint(buf, in.At.Unix())
		buf = appendBinString(buf, string(in.Kind))
		buf = binary.AppendVarint(buf, int64(in.Severity))
		buf = appendBinString(buf, in.ContactID)
	}
	return buf
}

// incidents reads what appendIncidents wrote, appending to dst.
func (r *binReader) incidents(dst []IncidentFact) []IncidentFact {
	for i, n := 0, r.count(); i < n && r.err == nil; i++ {
		in := IncidentFact{ID: r.string()}
		in.At = time.Unix(r.int(), 0).UTC()
		in.Kind = IncidentKind(r.string())
		in.Severity = int(r.int())
		in.ContactID = r.string()
		dst = append(dst, in)
	}
	return dst
}

func appendBinString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

// The evidence summary of a deal is a version byte, then for each kind with
// signals: its index, count, first day, last day minus first, and days. No
// byte at all is a deal without signals.
const evidenceVersion = 1

// AppendBinary appends the encoding of ev to buf.
func (ev *Evidence) AppendBinary(buf []byte) ([]byte, error) {
	buf = append(buf, evidenceVersion)
	for i, k := range ev {
		if k.Count == 0 {
			continue
		}
		buf = binary.AppendVarint(buf, int64(i))
		buf = binary.AppendVarint(buf, int64(k.Count))
		buf = binary.AppendVarint(buf, int64(k.First))
		buf = binary.AppendVarint(buf, int64(k.Last-k.First))
		buf = binary.AppendVarint(buf, int64(k.Days))
	}
	return buf, nil
}

// UnmarshalBinary reads what AppendBinary wrote; empty input is no
// evidence.
func (ev *Evidence) UnmarshalBinary(b []byte) error {
	*ev = Evidence{}
	if len(b) == 0 {
		return nil
	}
	if b[0] != evidenceVersion {
		return errCodec
	}
	d := binReader{b: b[1:]}
	for len(d.b) > 0 && d.err == nil {
		i := int(d.int())
		if i < 0 || i >= len(ev) {
			return errCodec
		}
		k := &ev[i]
		k.Count = int(d.int())
		k.First = Date(d.int())
		k.Last = k.First + Date(d.int())
		k.Days = int(d.int())
	}
	return d.err
}

// binReader reads varints and strings, remembering the first error.
type binReader struct {
	b   []byte
	err error
}

func (r *binReader) int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errCodec
		return 0
	}
	r.b = r.b[n:]
	return v
}

// ints decodes len(dst) numbers into dst: one call for all the numbers of
// a ledger entry, with a short path for the one-byte numbers most of them
// are (day gaps, counts), as a new day decodes every client's ledger.
func (r *binReader) ints(dst []int64) {
	if r.err != nil {
		clear(dst)
		return
	}
	b := r.b
	for i := range dst {
		if len(b) > 0 && b[0] < 0x80 {
			c := int64(b[0])
			dst[i] = c>>1 ^ -(c & 1)
			b = b[1:]
			continue
		}
		v, n := binary.Varint(b)
		if n <= 0 {
			r.err = errCodec
			clear(dst[i:])
			return
		}
		dst[i] = v
		b = b[n:]
	}
	r.b = b
}

func (r *binReader) count() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > uint64(len(r.b)) { // every entry takes at least a byte
		r.err = errCodec
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *binReader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errCodec
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *binReader) string() string {
	n := r.count()
	if r.err != nil || n > len(r.b) {
		r.err = errCodec
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
