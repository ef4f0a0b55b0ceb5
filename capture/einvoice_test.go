package capture_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/csvio"
)

func TestEInvoicesBecomeInvoicesAndDiscounts(t *testing.T) {
	t.Parallel()
	st := world(t)
	srcs := []capture.Source{capture.FileSource(fixture("facturae-2026-017.xml")), capture.FileSource(fixture("ubl-F-2026-042.xml")),
		capture.FileSource(fixture("ubl-abono-AB-2026-003.xml"))}
	// The Facturae buyer's tax id is not in the match table yet: listed,
	// not imported; the UBL buyer's e-mail is the client's.
	rep, err := capture.Import(ctx, st, srcs, opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unmatched) != 1 || rep.Unmatched[0].Kind != cartera.MatchTaxID || rep.Unmatched[0].Value != "B12345674" ||
		rep.Unmatched[0].Hint != "Talleres Ruiz S.L." || rep.Unmatched[0].Seen != 2 {
		t.Fatalf("unmatched %+v", rep.Unmatched)
	}
	if _, err := st.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchTaxID, Value: "B12345674", Role: cartera.RoleClient, ClientID: "C-001"}); err != nil {
		t.Fatal(err)
	}
	if rep, err = capture.Import(ctx, st, srcs, opts()); err != nil {
		t.Fatal(err)
	}
	var got []string
	st.EachInvoice(ctx, func(v cartera.Invoice) error {
		got = append(got, strings.Join([]string{v.ID, v.ClientID, v.Number, v.Issued.String(), v.Due.String(), v.Paid.String(),
			cartera.FormatDecimal(v.Amount.Amount, 2, '.')}, " "))
		return nil
	})
	want := []string{
		"facturae-B98765432-2026-017 C-001 2026-017 2026-09-15 2026-10-15  1080.00",
		"facturae-B98765432-2026-018 C-001 2026-018 2026-10-01 2026-10-31 2026-11-20 800.00",
		"ubl-B98765432-AB-2026-003 C-002 AB-2026-003 2026-11-10 2026-11-10 2026-11-10 -200.00",
		"ubl-B98765432-F-2026-042 C-002 F-2026-042 2026-10-05 2026-11-04  900.00",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("invoices:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var disc []string
	st.EachConcession(ctx, func(c cartera.Concession) error {
		disc = append(disc, c.ClientID+" "+c.Day.String()+" "+cartera.FormatDecimal(c.Amount.Amount, 2, '.')+" "+c.Percent.String())
		return nil
	})
	sort.Strings(disc)
	if strings.Join(disc, ",") != "C-001 2026-09-15 120.00 10.00%,C-002 2026-10-05 100.00 10.00%" {
		t.Fatalf("discounts: %v", disc)
	}
	// A payment recorded in cartera is kept when the document says nothing.
	v, _ := st.Invoice(ctx, "facturae-B98765432-2026-017")
	v.Paid = cartera.DateOf(2026, 11, 24)
	if _, err := st.SaveInvoice(ctx, v); err != nil {
		t.Fatal(err)
	}
	if rep, err = capture.Import(ctx, st, srcs, opts()); err != nil {
		t.Fatal(err)
	}
	if v, _ = st.Invoice(ctx, v.ID); v.Paid != cartera.DateOf(2026, 11, 24) || len(rep.Changes) != 0 {
		t.Fatalf("after re-import: paid %v, changes %+v", v.Paid, rep.Changes)
	}
}

func TestEInvoiceRulesAreReportedAtTheirElement(t *testing.T) {
	t.Parallel()
	st := world(t)
	_, err := capture.Import(ctx, st, []capture.Source{capture.FileSource(fixture("facturae-errores.xml"))}, opts())
	pe, ok := err.(*csvio.ProblemsError)
	if !ok {
		t.Fatalf("%v", err)
	}
	var got []string
	for _, p := range pe.Problems {
		el, _ := p.Msg.Get("element")
		got = append(got, p.File+":"+itoa(p.Line)+" "+el.(string)+" "+p.Msg.Key)
	}
	want := []string{
		"facturae-errores.xml:61 Invoices/Invoice[1]/InvoiceIssueData/IssueDate einvoice.bad_date",
		"facturae-errores.xml:163 Invoices/Invoice[2]/InvoiceTotals/InvoiceTotal einvoice.total_mismatch",
		"facturae-errores.xml:10 FileHeader/Batch/TotalInvoicesAmount/TotalAmount einvoice.total_mismatch",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := 0; st.EachInvoice(ctx, func(cartera.Invoice) error { n++; return nil }) == nil && n != 0 {
		t.Fatal("a bad file wrote invoices")
	}
}
