package csvio_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

func fixture(t *testing.T, name string) csvio.Source {
	t.Helper()
	return csvio.FileSource(filepath.Join("..", "testdata", "capture", name))
}

// A workbook imports like CSV files: the first sheet by default, another
// with Options.Sheet, with date cells as dates and amounts as numbers or
// as Spanish text.
func TestSpreadsheetImportsLikeCSV(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	rep, err := csvio.Import(ctx, st, []csvio.Source{fixture(t, "cartera.xlsx")}, opts())
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Files[0]
	if f.Entity != cartera.EntityClients || f.Format != "xlsx" || f.Sheet != "Clientes" || f.Rows != 2 || f.Name != "cartera.xlsx:Clientes" {
		t.Fatalf("report = %+v", f)
	}
	o := opts()
	o.Sheet = "facturas"
	if _, err := csvio.Import(ctx, st, []csvio.Source{fixture(t, "cartera.xlsx")}, o); err != nil {
		t.Fatal(err)
	}
	got, _, err := st.ListInvoices(ctx, cartera.RecordQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []cartera.Invoice{
		{ID: "F-1", ClientID: "C-001", Issued: cartera.DateOf(2026, 1, 1), Due: cartera.DateOf(2026, 1, 31), Paid: cartera.DateOf(2026, 2, 7),
			Amount: cartera.Money{Amount: 121000, Currency: "EUR"}, Version: 1},
		{ID: "F-2", ClientID: "C-002", Issued: cartera.DateOf(2026, 2, 1), Due: cartera.DateOf(2026, 3, 1),
			Amount: cartera.Money{Amount: 125050, Currency: "EUR"}, Version: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("invoices:\n got %+v\nwant %+v", got, want)
	}
	// By number, and a sheet that does not exist.
	o.Sheet = "2"
	if _, err := csvio.Import(ctx, st, []csvio.Source{fixture(t, "cartera.xlsx")}, o); err != nil {
		t.Fatal(err)
	}
	o.Sheet = "Horas"
	_, err = csvio.Import(ctx, st, []csvio.Source{fixture(t, "cartera.xlsx")}, o)
	if got := short(err); !reflect.DeepEqual(got, []string{"cartera.xlsx:1:1 import.no_sheet"}) {
		t.Fatalf("unknown sheet: %v", got)
	}
}

// Problems in a sheet are at file:sheet:row:column, as Excel numbers them.
func TestSpreadsheetProblemsNameSheetRowAndColumn(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	if _, err := csvio.Import(ctx, st, sources("c.csv", clients+"C-001,Talleres,Ana,EUR\n"), opts()); err != nil {
		t.Fatal(err)
	}
	o := opts()
	o.Sheet = "Facturas"
	_, err := csvio.Import(ctx, st, []csvio.Source{fixture(t, "cartera-errores.xlsx")}, o)
	want := []string{"cartera-errores.xlsx:Facturas:2:4 value.due_before_issued", "cartera-errores.xlsx:Facturas:3:2 value.unknown_client"}
	if got := short(err); !reflect.DeepEqual(got, want) {
		t.Fatalf("problems:\n got %v\nwant %v", got, want)
	}
	// A file that only looks like a zip is refused, not a panic.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "roto.xlsx"), []byte("PK\x03\x04 no es un zip"), 0o644)
	_, err = csvio.Import(ctx, st, []csvio.Source{csvio.FileSource(filepath.Join(dir, "roto.xlsx"))}, opts())
	if got := short(err); !reflect.DeepEqual(got, []string{"roto.xlsx:1:1 import.bad_xlsx"}) {
		t.Fatalf("broken zip: %v", got)
	}
}
