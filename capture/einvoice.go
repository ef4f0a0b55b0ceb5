package capture

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// E-invoices: Facturae 3.2, 3.2.1 and 3.2.2 (Spain's format, with one or
// many invoices per file) and UBL 2.1 invoices and credit notes (the
// European standard EN 16931's syntax, which Peppol and most invoicing
// tools write). Each invoice becomes an invoice record of the client its
// buyer's tax id names in the match table (or, in UBL, the buyer's e-mail
// address); its discounts become concessions.
//
// The amount kept is the taxable base, what the work earned: taxes are
// collected for the treasury, not revenue, so they are checked but not
// counted. A credit note (UBL CreditNote; a Facturae corrective invoice
// with negative totals) is a negative invoice.
//
// The rules that matter are checked, each problem reported at its element
// and line: the totals add up (lines, discounts, charges, taxes,
// withholdings, what is payable), each tax is its rate of its base, the
// dates exist and the due date is not before the issue date, the currency
// is known and is the client's. Sums may differ by one cent per amount
// added, as rounding line by line allows.

// node is an XML element with where it starts.
type node struct {
	name      string // local name
	line, col int
	text      string
	attr      map[string]string
	kids      []*node
	parent    *node
	index     int // among its parent's children of the same name, from 1
	counts    map[string]int
}

// maxXMLElements caps the elements of one file.
const maxXMLElements = 2_000_000

// readXML builds the element tree of a document.
func readXML(r io.Reader) (*node, error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	var root, cur *node
	n := 0
	for {
		line, col := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &xmlError{line: se.Line, col: 1, key: "einvoice.bad_xml", args: []any{"reason", se.Msg}}
			}
			return nil, &xmlError{line: line, col: col, key: "einvoice.bad_xml", args: []any{"reason", err.Error()}}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if n++; n > maxXMLElements {
				return nil, &xmlError{line: line, col: col, key: "einvoice.too_large"}
			}
			e := &node{name: t.Name.Local, line: line, col: col, parent: cur}
			for _, a := range t.Attr {
				if e.attr == nil {
					e.attr = map[string]string{}
				}
				e.attr[a.Name.Local] = a.Value
			}
			if cur != nil {
				if cur.counts == nil {
					cur.counts = map[string]int{}
				}
				cur.counts[e.name]++
				e.index = cur.counts[e.name]
				cur.kids = append(cur.kids, e)
			} else if root == nil {
				root = e
			}
			cur = e
		case xml.EndElement:
			if cur != nil {
				cur.text = strings.TrimSpace(cur.text)
				cur = cur.parent
			}
		case xml.CharData:
			if cur != nil && len(cur.kids) == 0 && len(cur.text) < 1<<16 {
				cur.text += string(t)
			}
		}
	}
	if root == nil {
		return nil, &xmlError{line: 1, col: 1, key: "einvoice.bad_xml", args: []any{"reason", "empty"}}
	}
	return root, nil
}

// xmlError is a problem at a place in a document.
type xmlError struct {
	line, col int
	key       string
	args      []any
}

func (e *xmlError) Error() string { return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.key) }

// child returns the first child with a local name, following a path
// ("InvoiceTotals/InvoiceTotal"); nil when absent.
func (n *node) child(path string) *node {
	cur := n
	for _, part := range strings.Split(path, "/") {
		if cur == nil {
			return nil
		}
		var next *node
		for _, k := range cur.kids {
			if k.name == part {
				next = k
				break
			}
		}
		cur = next
	}
	return cur
}

// all returns every child with a local name.
func (n *node) all(name string) []*node {
	var out []*node
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

func (n *node) value(path string) string {
	if c := n.child(path); c != nil {
		return c.text
	}
	return ""
}

// path names an element as problems show it: its ancestors below the
// root, with positions when there are several ("Invoices/Invoice[2]/…").
func (n *node) path() string {
	var parts []string
	for x := n; x != nil && x.parent != nil; x = x.parent {
		p := x.name
		if x.parent.counts[x.name] > 1 {
			p += "[" + strconv.Itoa(x.index) + "]"
		}
		parts = append(parts, p)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

// einvoice is one invoice read from a document, before matching.
type einvoice struct {
	format                string // facturae or ubl
	el                    *node  // the invoice element, for problems
	seller, buyer         string // tax ids
	buyerName, buyerEmail string
	number                string
	issued, due, paid     cartera.Date
	currency              cartera.Currency
	currencyEl            *node
	base, taxes, withheld int64
	total                 int64
	credit                bool
	discounts             []ediscount
}

type ediscount struct {
	reason  string
	amount  int64
	percent cartera.BasisPoints
}

// einvoiceReader checks one document and collects its invoices.
type einvoiceReader struct {
	r    *run
	src  string
	bad  bool
	list []einvoice
}

func (e *einvoiceReader) fail(n *node, key string, args ...any) {
	e.bad = true
	line := 1
	if n != nil {
		line = n.line
		args = append([]any{"element", n.path()}, args...)
	} else {
		args = append([]any{"element", ""}, args...)
	}
	e.r.problem(e.src, line, key, args...)
}

// amount reads a decimal amount in the currency's minor units (rounded
// half away from zero past them); ok is false after reporting a problem.
func (e *einvoiceReader) amount(n *node, cur cartera.Currency, required bool) (int64, bool) {
	if n == nil || n.text == "" {
		if required {
			e.fail(n, "einvoice.missing")
		}
		return 0, !required
	}
	v, err := cartera.ParseDecimal(n.text, 8, cartera.DecimalPoint)
	if err != nil || strings.ContainsAny(n.text, ", ") {
		e.fail(n, "einvoice.not_amount", "value", n.text)
		return 0, false
	}
	exp := 2
	if cur.Valid() {
		exp = cur.Exponent()
	}
	return cartera.MulDivRound(v, 1, pow10(8-exp)), true
}

func pow10(n int) int64 {
	p := int64(1)
	for i := 0; i < n; i++ {
		p *= 10
	}
	return p
}

// date reads an ISO date (xs:date).
func (e *einvoiceReader) date(n *node, required bool) cartera.Date {
	if n == nil || n.text == "" {
		if required {
			e.fail(n, "einvoice.missing")
		}
		return 0
	}
	t, err := time.Parse("2006-01-02", strings.TrimSuffix(n.text, "Z"))
	if err != nil {
		e.fail(n, "einvoice.bad_date", "value", n.text)
		return 0
	}
	return cartera.DateFromTime(t)
}

// sum checks that parts add up to a total, within a cent per part.
func (e *einvoiceReader) sum(total *node, want int64, got int64, terms int, cur cartera.Currency) {
	if total == nil {
		return
	}
	d := want - got
	if d < 0 {
		d = -d
	}
	if d > int64(max(terms, 1)) {
		e.fail(total, "einvoice.total_mismatch", "value", cartera.Money{Amount: want, Currency: cur},
			"sum", cartera.Money{Amount: got, Currency: cur})
	}
}

func (e *einvoiceReader) currency(n *node) cartera.Currency {
	if n == nil || n.text == "" {
		e.fail(n, "einvoice.missing")
		return ""
	}
	c, err := cartera.ParseCurrency(n.text)
	if err != nil {
		e.fail(n, "value.unknown_currency", "value", n.text)
		return ""
	}
	return c
}

// readInvoice reads one e-invoice document.
func (r *run) readInvoice(s Source) error {
	rc, err := s.Open()
	if err != nil {
		r.problem(s.Name, 1, "import.cannot_open", "reason", err.Error())
		return nil
	}
	defer rc.Close()
	root, err := readXML(io.LimitReader(rc, 256<<20))
	if err != nil {
		var xe *xmlError
		if errors.As(err, &xe) {
			r.problem(s.Name, xe.line, xe.key, append([]any{"element", ""}, xe.args...)...)
			return nil
		}
		return err
	}
	e := &einvoiceReader{r: r, src: s.Name}
	format := ""
	switch root.name {
	case "Facturae":
		format = "facturae"
		e.facturae(root)
	case "Invoice", "CreditNote":
		format = "ubl"
		e.ubl(root)
	default:
		e.fail(root, "einvoice.unknown_root", "value", root.name)
	}
	sr := SourceReport{Name: s.Name, Kind: KindInvoice, Format: format, Items: len(e.list)}
	if e.bad {
		r.rep.Sources = append(r.rep.Sources, sr)
		return nil
	}
	origin := s.Origin
	if origin == "" {
		origin = s.Name
	}
	for _, inv := range e.list {
		ok, err := r.invoice(e, inv, origin)
		if err != nil {
			return err
		}
		if ok {
			sr.Matched++
		}
	}
	r.rep.Sources = append(r.rep.Sources, sr)
	return nil
}

// facturae reads a Facturae document: its parties, then each invoice.
func (e *einvoiceReader) facturae(root *node) {
	if v := root.value("FileHeader/SchemaVersion"); !strings.HasPrefix(v, "3.2") {
		e.fail(root.child("FileHeader/SchemaVersion"), "einvoice.facturae_version", "value", v)
		return
	}
	seller := root.value("Parties/SellerParty/TaxIdentification/TaxIdentificationNumber")
	buyer := root.child("Parties/BuyerParty")
	if buyer == nil {
		e.fail(root.child("Parties"), "einvoice.missing_buyer")
		return
	}
	buyerID := buyer.value("TaxIdentification/TaxIdentificationNumber")
	name := buyer.value("LegalEntity/CorporateName")
	if name == "" {
		name = strings.TrimSpace(buyer.value("Individual/Name") + " " + buyer.value("Individual/FirstSurname"))
	}
	invs := root.child("Invoices").all("Invoice")
	batch := root.child("FileHeader/Batch")
	var grand int64
	bcur := e.currency(batch.child("InvoiceCurrencyCode"))
	if n, err := strconv.Atoi(batch.value("InvoicesCount")); err != nil || n != len(invs) {
		e.fail(batch.child("InvoicesCount"), "einvoice.count_mismatch", "value", batch.value("InvoicesCount"), "n", len(invs))
	}
	for _, in := range invs {
		inv := einvoice{format: "facturae", el: in, seller: seller, buyer: buyerID, buyerName: name}
		h := in.child("InvoiceHeader")
		inv.number = strings.TrimSpace(h.value("InvoiceSeriesCode") + h.value("InvoiceNumber"))
		if h.value("InvoiceNumber") == "" {
			e.fail(h, "einvoice.missing_number")
		}
		inv.issued = e.date(in.child("InvoiceIssueData/IssueDate"), true)
		inv.currencyEl = in.child("InvoiceIssueData/InvoiceCurrencyCode")
		inv.currency = e.currency(inv.currencyEl)
		cur := inv.currency
		t := in.child("InvoiceTotals")
		if t == nil {
			e.fail(in, "einvoice.missing_totals")
			continue
		}
		var lines int64
		items := in.child("Items").all("InvoiceLine")
		for _, l := range items {
			g, _ := e.amount(l.child("GrossAmount"), cur, true)
			lines += g
			for _, d := range l.child("DiscountsAndRebates").all("Discount") {
				a, _ := e.amount(d.child("DiscountAmount"), cur, true)
				inv.discounts = append(inv.discounts, ediscount{reason: d.value("DiscountReason"), amount: a, percent: e.rate(d.child("DiscountRate"))})
			}
		}
		gross, _ := e.amount(t.child("TotalGrossAmount"), cur, true)
		e.sum(t.child("TotalGrossAmount"), gross, lines, len(items), cur)
		var disc int64
		general := t.child("GeneralDiscounts").all("Discount")
		for _, d := range general {
			a, _ := e.amount(d.child("DiscountAmount"), cur, true)
			disc += a
			inv.discounts = append(inv.discounts, ediscount{reason: d.value("DiscountReason"), amount: a, percent: e.rate(d.child("DiscountRate"))})
		}
		totalDisc, _ := e.amount(t.child("TotalGeneralDiscounts"), cur, false)
		e.sum(t.child("TotalGeneralDiscounts"), totalDisc, disc, len(general), cur)
		surch, _ := e.amount(t.child("TotalGeneralSurcharges"), cur, false)
		before, _ := e.amount(t.child("TotalGrossAmountBeforeTaxes"), cur, true)
		e.sum(t.child("TotalGrossAmountBeforeTaxes"), before, gross-totalDisc+surch, 3, cur)
		out := e.taxes(in.child("TaxesOutputs"), cur)
		withheld := e.taxes(in.child("TaxesWithheld"), cur)
		tout, _ := e.amount(t.child("TotalTaxOutputs"), cur, true)
		e.sum(t.child("TotalTaxOutputs"), tout, out, len(in.child("TaxesOutputs").all("Tax")), cur)
		twith, _ := e.amount(t.child("TotalTaxesWithheld"), cur, false)
		e.sum(t.child("TotalTaxesWithheld"), twith, withheld, len(in.child("TaxesWithheld").all("Tax")), cur)
		total, _ := e.amount(t.child("InvoiceTotal"), cur, true)
		e.sum(t.child("InvoiceTotal"), total, before+tout-twith, 3, cur)
		grand += total
		inv.base, inv.taxes, inv.withheld, inv.total = before, tout, twith, total
		inv.credit = total < 0
		// Due: the last instalment (payable on issue when none is given).
		inv.due = inv.issued
		for _, ins := range in.child("PaymentDetails").all("Installment") {
			if d := e.date(ins.child("InstallmentDueDate"), true); d > inv.due {
				inv.due = d
			}
		}
		if inv.due < inv.issued && inv.issued != 0 {
			e.fail(in.child("PaymentDetails"), "einvoice.due_before_issue")
		}
		// Paid: nothing outstanding after payments on account.
		outstanding, _ := e.amount(t.child("TotalOutstandingAmount"), cur, false)
		if pays := t.child("PaymentsOnAccount").all("PaymentOnAccount"); len(pays) > 0 && outstanding == 0 && t.child("TotalOutstandingAmount") != nil {
			for _, p := range pays {
				if d := e.date(p.child("PaymentOnAccountDate"), true); d > inv.paid {
					inv.paid = d
				}
			}
		}
		e.list = append(e.list, inv)
	}
	if total := batch.child("TotalInvoicesAmount/TotalAmount"); total != nil && bcur != "" {
		want, _ := e.amount(total, bcur, true)
		e.sum(total, want, grand, len(invs), bcur)
	}
}

// taxes adds up the taxes of a TaxesOutputs or TaxesWithheld element,
// checking each is its rate of its base.
func (e *einvoiceReader) taxes(n *node, cur cartera.Currency) int64 {
	var sum int64
	for _, t := range n.all("Tax") {
		base, ok1 := e.amount(t.child("TaxableBase/TotalAmount"), cur, true)
		amt, ok2 := e.amount(t.child("TaxAmount/TotalAmount"), cur, true)
		rate := e.rate(t.child("TaxRate"))
		sum += amt
		if ok1 && ok2 && t.child("TaxRate") != nil {
			e.sum(t.child("TaxAmount/TotalAmount"), amt, cartera.MulDivRound(base, int64(rate), 10000), 1, cur)
		}
	}
	return sum
}

// rate reads a percentage (21.00) in basis points.
func (e *einvoiceReader) rate(n *node) cartera.BasisPoints {
	if n == nil || n.text == "" {
		return 0
	}
	v, err := cartera.ParseDecimal(n.text, 6, cartera.DecimalPoint)
	if err != nil || v < 0 || v > 100_000_000 {
		e.fail(n, "einvoice.not_amount", "value", n.text)
		return 0
	}
	return cartera.BasisPoints(cartera.MulDivRound(v, 1, 10000))
}

// ubl reads a UBL 2.1 Invoice or CreditNote.
func (e *einvoiceReader) ubl(root *node) {
	credit := root.name == "CreditNote"
	if v := root.value("UBLVersionID"); v != "" && v != "2.1" {
		e.fail(root.child("UBLVersionID"), "einvoice.ubl_version", "value", v)
	}
	inv := einvoice{format: "ubl", el: root, credit: credit}
	inv.number = root.value("ID")
	if inv.number == "" {
		e.fail(root, "einvoice.missing_number")
	}
	taxID := func(p *node) string {
		if v := p.value("Party/PartyTaxScheme/CompanyID"); v != "" {
			return v
		}
		return p.value("Party/PartyLegalEntity/CompanyID")
	}
	seller, buyer := root.child("AccountingSupplierParty"), root.child("AccountingCustomerParty")
	if buyer == nil {
		e.fail(root, "einvoice.missing_buyer")
		return
	}
	inv.seller, inv.buyer = taxID(seller), taxID(buyer)
	inv.buyerName = buyer.value("Party/PartyName/Name")
	if inv.buyerName == "" {
		inv.buyerName = buyer.value("Party/PartyLegalEntity/RegistrationName")
	}
	inv.buyerEmail = buyer.value("Party/Contact/ElectronicMail")
	inv.issued = e.date(root.child("IssueDate"), true)
	inv.currencyEl = root.child("DocumentCurrencyCode")
	inv.currency = e.currency(inv.currencyEl)
	cur := inv.currency
	due := root.child("DueDate")
	if due == nil {
		due = root.child("PaymentMeans/PaymentDueDate")
	}
	inv.due = e.date(due, false)
	if inv.due == 0 {
		inv.due = inv.issued
	} else if inv.due < inv.issued {
		e.fail(due, "einvoice.due_before_issue")
	}
	m := root.child("LegalMonetaryTotal")
	if m == nil {
		e.fail(root, "einvoice.missing_totals")
		return
	}
	lineName := "InvoiceLine"
	if credit {
		lineName = "CreditNoteLine"
	}
	var lines int64
	linesEl := root.all(lineName)
	for _, l := range linesEl {
		a, _ := e.amount(l.child("LineExtensionAmount"), cur, true)
		lines += a
		for _, ac := range l.all("AllowanceCharge") {
			if ac.value("ChargeIndicator") == "false" {
				amt, _ := e.amount(ac.child("Amount"), cur, true)
				inv.discounts = append(inv.discounts, ediscount{reason: ac.value("AllowanceChargeReason"), amount: amt,
					percent: e.rate(ac.child("MultiplierFactorNumeric"))})
			}
		}
	}
	var allow, charge int64
	for _, ac := range root.all("AllowanceCharge") {
		amt, _ := e.amount(ac.child("Amount"), cur, true)
		switch ac.value("ChargeIndicator") {
		case "false":
			allow += amt
			inv.discounts = append(inv.discounts, ediscount{reason: ac.value("AllowanceChargeReason"), amount: amt,
				percent: e.rate(ac.child("MultiplierFactorNumeric"))})
		case "true":
			charge += amt
		default:
			e.fail(ac.child("ChargeIndicator"), "einvoice.bad_indicator", "value", ac.value("ChargeIndicator"))
		}
	}
	// EN 16931 BR-CO-10, 11, 12, 13, 15, 16 and the tax breakdown.
	lineExt, _ := e.amount(m.child("LineExtensionAmount"), cur, true)
	e.sum(m.child("LineExtensionAmount"), lineExt, lines, len(linesEl), cur)
	if a := m.child("AllowanceTotalAmount"); a != nil {
		v, _ := e.amount(a, cur, true)
		e.sum(a, v, allow, len(root.all("AllowanceCharge")), cur)
	}
	if c := m.child("ChargeTotalAmount"); c != nil {
		v, _ := e.amount(c, cur, true)
		e.sum(c, v, charge, len(root.all("AllowanceCharge")), cur)
	}
	excl, _ := e.amount(m.child("TaxExclusiveAmount"), cur, true)
	e.sum(m.child("TaxExclusiveAmount"), excl, lineExt-allow+charge, 3, cur)
	var tax int64
	for _, tt := range root.all("TaxTotal") {
		v, _ := e.amount(tt.child("TaxAmount"), cur, true)
		if tt.child("TaxAmount").attr["currencyID"] != "" && tt.child("TaxAmount").attr["currencyID"] != string(cur) {
			continue // the tax in the tax currency, when it differs
		}
		tax += v
		var subs int64
		for _, st := range tt.all("TaxSubtotal") {
			base, _ := e.amount(st.child("TaxableAmount"), cur, true)
			amt, _ := e.amount(st.child("TaxAmount"), cur, true)
			subs += amt
			if p := st.child("TaxCategory/Percent"); p != nil {
				e.sum(st.child("TaxAmount"), amt, cartera.MulDivRound(base, int64(e.rate(p)), 10000), 1, cur)
			}
		}
		if len(tt.all("TaxSubtotal")) > 0 {
			e.sum(tt.child("TaxAmount"), v, subs, len(tt.all("TaxSubtotal")), cur)
		}
	}
	incl, _ := e.amount(m.child("TaxInclusiveAmount"), cur, true)
	e.sum(m.child("TaxInclusiveAmount"), incl, excl+tax, 2, cur)
	prepaid, _ := e.amount(m.child("PrepaidAmount"), cur, false)
	rounding, _ := e.amount(m.child("PayableRoundingAmount"), cur, false)
	payable, _ := e.amount(m.child("PayableAmount"), cur, true)
	e.sum(m.child("PayableAmount"), payable, incl-prepaid+rounding, 3, cur)
	inv.base, inv.taxes, inv.total = excl, tax, incl
	if credit {
		inv.base, inv.taxes, inv.total = -excl, -tax, -incl
	}
	// Paid: nothing left to pay, and the day it was received when said.
	if payable == 0 && prepaid != 0 {
		inv.paid = inv.issued
		for _, pp := range root.all("PrepaidPayment") {
			if d := e.date(pp.child("ReceivedDate"), false); d > inv.paid {
				inv.paid = d
			}
		}
	}
	e.list = append(e.list, inv)
}

// invoice matches a checked invoice to its client and records it with its
// discounts; false when no client matched (it is listed).
func (r *run) invoice(e *einvoiceReader, inv einvoice, origin string) (bool, error) {
	w, ok := r.id.Lookup(cartera.MatchTaxID, inv.buyer)
	if !ok && inv.buyerEmail != "" {
		w, ok = r.id.Address(inv.buyerEmail)
	}
	if !ok || w.Role != cartera.RoleClient {
		if !ok {
			v := inv.buyer
			if v == "" {
				v = inv.buyerEmail
				r.rec.miss(cartera.MatchEmail, v, KindInvoice, inv.buyerName, inv.issued)
			} else {
				r.rec.miss(cartera.MatchTaxID, v, KindInvoice, inv.buyerName, inv.issued)
			}
		}
		return false, nil
	}
	clientCur, err := r.clientCurrency(w.ClientID)
	if err != nil {
		return false, err
	}
	if clientCur != "" && inv.currency != clientCur {
		e.fail(inv.currencyEl, "value.currency_mismatch", "value", string(inv.currency), "client", string(clientCur))
		return false, nil
	}
	seller := cartera.NormalizeMatch(cartera.MatchTaxID, inv.seller)
	id := strings.Map(func(r rune) rune {
		if r <= ' ' || r == '/' || r == '\\' {
			return '-'
		}
		return r
	}, inv.format+"-"+seller+"-"+inv.number)
	if len(id) > cartera.MaxIDLength {
		id = idOf(inv.format+"-", seller, inv.number)
	}
	v := cartera.Invoice{ID: id, ClientID: w.ClientID, Number: inv.number, Issued: inv.issued, Due: inv.due, Paid: inv.paid,
		Amount: cartera.Money{Amount: inv.base, Currency: inv.currency}}
	if inv.credit && inv.base < 0 {
		// A credit note is settled when issued: it lowers what is owed,
		// it is never a payment made late.
		v.Due, v.Paid = inv.issued, inv.issued
	}
	if v.Paid == 0 {
		// The document does not say it was paid: a payment recorded in
		// cartera since stays.
		if old, err := r.st.Invoice(r.ctx, v.ID); err == nil {
			v.Paid = old.Paid
		} else if cartera.ErrorCode(err) != cartera.ENOTFOUND {
			return false, err
		}
	}
	if err := v.Validate(r.today); err != nil {
		var ce *cartera.Error
		if errors.As(err, &ce) {
			e.fail(inv.el, "einvoice.invalid", "problem", ce.Msg)
			return false, nil
		}
		return false, err
	}
	prov := cartera.Provenance{Source: inv.format, Origin: origin, OriginalID: strings.TrimSpace(inv.seller + " " + inv.number)}
	r.rec.invoice(v, prov)
	for i, d := range inv.discounts {
		if d.amount <= 0 && d.percent <= 0 {
			continue
		}
		c := cartera.Concession{ID: fmt.Sprintf("%s-d%d", id, i+1), ClientID: w.ClientID, Day: inv.issued, Kind: cartera.ConcessionDiscount,
			Amount: cartera.Money{Amount: d.amount, Currency: inv.currency}, Percent: d.percent,
			Note: truncate(strings.TrimSpace(inv.number+" "+d.reason), 300)}
		if c.Percent > 10000 {
			c.Percent = 0
		}
		if c.Day > r.today {
			continue
		}
		r.rec.concession(c, prov)
	}
	return true, nil
}

// clientCurrency returns a client's currency ("" for a client of this run
// not stored yet).
func (r *run) clientCurrency(id string) (cartera.Currency, error) {
	if c, ok := r.currencies[id]; ok {
		return c, nil
	}
	c, err := r.st.Client(r.ctx, id)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if r.currencies == nil {
		r.currencies = map[string]cartera.Currency{}
	}
	r.currencies[id] = c.Currency
	return c.Currency, nil
}
