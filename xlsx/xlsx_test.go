package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the .xlsx fixtures in testdata/capture")

// The fixtures are written part by part as Excel writes a workbook
// (ECMA-376 part 1: content types, relationships, workbook, styles with
// a date format, shared strings, one part per sheet) and committed; the
// test checks they are still what this code writes.

const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// sheet is a fixture sheet: its rows as cells in Excel's XML.
type sheet struct {
	name string
	rows []string
}

func workbook(sheets []sheet, shared []string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, _ := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\r\n"+body)
	}
	var ct, rels, list strings.Builder
	for i := range sheets {
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		fmt.Fprintf(&list, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, sheets[i].name, i+1, i+1)
	}
	put("[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+ct.String()+`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	put("_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	n := len(sheets)
	put("xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+
		fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`, n+1, n+2))
	put("xl/workbook.xml", `<workbook `+ns+`><workbookPr defaultThemeVersion="166925"/><bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews><sheets>`+list.String()+`</sheets><calcPr calcId="191029"/></workbook>`)
	// Style 0 is General, 1 the dd/mm/yyyy date Excel uses in Spanish,
	// 2 a date and time, 3 two decimals, 4 elapsed hours [h]:mm (a
	// duration, not a date).
	put("xl/styles.xml", `<styleSheet `+ns+`><numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy\ hh:mm"/><numFmt numFmtId="166" formatCode="[h]:mm"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`)
	var ss strings.Builder
	fmt.Fprintf(&ss, `<sst `+ns+` count="%d" uniqueCount="%d">`, len(shared), len(shared))
	for _, s := range shared {
		if strings.HasPrefix(s, "<r>") {
			ss.WriteString("<si>" + s + "</si>")
		} else {
			fmt.Fprintf(&ss, `<si><t xml:space="preserve">%s</t></si>`, s)
		}
	}
	ss.WriteString("</sst>")
	put("xl/sharedStrings.xml", ss.String())
	for i, s := range sheets {
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), `<worksheet `+ns+`><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>`+strings.Join(s.rows, "")+`</sheetData></worksheet>`)
	}
	z.Close()
	return buf.Bytes()
}

// fixtures are the workbooks committed under testdata/capture.
var fixtures = map[string]func() []byte{
	// A workbook as a Spanish user keeps clients and invoices: the first
	// sheet is the clients, the second the invoices, with real date
	// cells, an amount as a number and one typed as text.
	"cartera.xlsx": func() []byte {
		shared := []string{"id", "nombre", "responsable", "moneda", "C-001", "Talleres Ruiz", "Lucía Ferrer", "EUR", "C-002",
			"<r><t>Óptica </t></r><r><rPr><b/></rPr><t>Sol</t></r>", "cliente", "emitida", "vence", "pagada", "importe", "F-1", "F-2", "1.250,50"}
		clients := sheet{"Clientes", []string{
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>`,
			`<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" t="s"><v>6</v></c><c r="D2" t="s"><v>7</v></c></row>`,
			`<row r="4"><c r="A4" t="s"><v>8</v></c><c r="B4" t="s"><v>9</v></c><c r="D4" t="inlineStr"><is><t>EUR</t></is></c></row>`,
		}}
		invoices := sheet{"Facturas", []string{
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>10</v></c><c r="C1" t="s"><v>11</v></c><c r="D1" t="s"><v>12</v></c><c r="E1" t="s"><v>13</v></c><c r="F1" t="s"><v>14</v></c></row>`,
			`<row r="2"><c r="A2" t="s"><v>15</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" s="1"><v>46023</v></c><c r="D2" s="1"><v>46053</v></c><c r="E2" s="2"><v>46060.75</v></c><c r="F2" s="3"><v>1210</v></c></row>`,
			`<row r="3"><c r="A3" t="s"><v>16</v></c><c r="B3" t="s"><v>8</v></c><c r="C3" s="1"><v>46054</v></c><c r="D3" s="1"><v>46082</v></c><c r="F3" t="s"><v>17</v></c></row>`,
		}}
		return workbook([]sheet{clients, invoices}, shared)
	},
	// The same invoices sheet with a due date before the issue date and a
	// client nobody has: the import must say sheet, row and column.
	"cartera-errores.xlsx": func() []byte {
		shared := []string{"id", "cliente", "emitida", "vence", "importe", "F-9", "C-001", "C-404"}
		s := sheet{"Facturas", []string{
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>`,
			`<row r="2"><c r="A2" t="s"><v>5</v></c><c r="B2" t="s"><v>6</v></c><c r="C2" s="1"><v>46054</v></c><c r="D2" s="1"><v>46040</v></c><c r="E2"><v>300</v></c></row>`,
			`<row r="3"><c r="A3" t="inlineStr"><is><t>F-10</t></is></c><c r="B3" t="s"><v>7</v></c><c r="C3" s="1"><v>46054</v></c><c r="D3" s="1"><v>46060</v></c><c r="E3"><v>300</v></c></row>`,
		}}
		return workbook([]sheet{{"Portada", nil}, s}, shared)
	},
	// A small team's own deals sheet, behind a cover sheet: no format
	// cartera knows, its own stage names, amounts as numbers and dates as
	// date cells (the web's mapping step reads it).
	"equipo.xlsx": func() []byte {
		shared := []string{"Ref", "Cuenta", "Asunto", "Vendedor", "Euros", "Situación", "Fecha alta", "Cierre",
			"T-1", "Talleres Ruiz", "Mantenimiento 2027", "Lucía Ferrer", "Hablando",
			"T-2", "Óptica Nueva", "Web nueva", "Andrés Molina", "Oferta enviada",
			"T-3", "Panadería Gil", "Tienda online", "Cerrado OK", "Cartera comercial 2026"}
		cover := sheet{"Portada", []string{`<row r="1"><c r="A1" t="s"><v>22</v></c></row>`}}
		row := func(r int, cells ...string) string {
			var b strings.Builder
			fmt.Fprintf(&b, `<row r="%d">`, r)
			for i, c := range cells {
				if c == "" {
					continue
				}
				ref := fmt.Sprintf("%c%d", 'A'+i, r)
				switch {
				case strings.HasPrefix(c, "s"): // a shared string
					fmt.Fprintf(&b, `<c r="%s" t="s"><v>%s</v></c>`, ref, c[1:])
				case strings.HasPrefix(c, "d"): // a date cell
					fmt.Fprintf(&b, `<c r="%s" s="1"><v>%s</v></c>`, ref, c[1:])
				default: // an amount
					fmt.Fprintf(&b, `<c r="%s" s="3"><v>%s</v></c>`, ref, c)
				}
			}
			return b.String() + "</row>"
		}
		deals := sheet{"Oportunidades", []string{
			row(1, "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"),
			row(2, "s8", "s9", "s10", "s11", "1200", "s12", "d46034", ""),
			row(3, "s13", "s14", "s15", "s16", "3500", "s17", "d46267", "d46371"),
			row(4, "s18", "s19", "s20", "s11", "2100.5", "s21", "d46086", "d46132"),
		}}
		return workbook([]sheet{cover, deals}, shared)
	},
}

func TestFixturesAreCurrent(t *testing.T) {
	for name, build := range fixtures {
		path := filepath.Join("..", "testdata", "capture", name)
		want := build()
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./xlsx -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what the fixture code writes: run go test ./xlsx -update", name)
		}
	}
}

func open(t *testing.T, b []byte) *Workbook {
	t.Helper()
	wb, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

func readAll(t *testing.T, wb *Workbook, name string) ([][]string, []int) {
	t.Helper()
	r, err := wb.Sheet(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rows [][]string
	var nums []int
	for {
		cells, n, err := r.Next()
		if err == io.EOF {
			return rows, nums
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, append([]string(nil), cells...))
		nums = append(nums, n)
	}
}

func TestReadsCellsAsText(t *testing.T) {
	wb := open(t, fixtures["cartera.xlsx"]())
	if got := wb.Sheets(); !reflect.DeepEqual(got, []string{"Clientes", "Facturas"}) {
		t.Fatalf("sheets = %v", got)
	}
	rows, nums := readAll(t, wb, "Clientes")
	want := [][]string{{"id", "nombre", "responsable", "moneda"}, {"C-001", "Talleres Ruiz", "Lucía Ferrer", "EUR"},
		{"C-002", "Óptica Sol", "", "EUR"}}
	if !reflect.DeepEqual(rows, want) || !reflect.DeepEqual(nums, []int{1, 2, 4}) {
		t.Fatalf("rows = %q at %v", rows, nums)
	}
	rows, _ = readAll(t, wb, "Facturas")
	want = [][]string{{"id", "cliente", "emitida", "vence", "pagada", "importe"},
		{"F-1", "C-001", "2026-01-01", "2026-01-31", "2026-02-07 18:00:00", "1210"},
		{"F-2", "C-002", "2026-02-01", "2026-03-01", "", "1.250,50"}}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows = %q", rows)
	}
}

func TestDateFormats(t *testing.T) {
	for code, want := range map[string]bool{"dd/mm/yyyy": true, "[h]:mm": false, "0.00": false, `"día" 0`: false,
		"[Red]0.00": false, "hh:mm": true, `#,##0.00\ "€"`: false, "yyyy-mm-dd": true} {
		if got := isDateFormat(code); got != want {
			t.Errorf("isDateFormat(%q) = %v", code, got)
		}
	}
	if got := serialTime(46023, false); got != "2026-01-01" {
		t.Errorf("serial = %s", got)
	}
	if got := serialTime(0, true); got != "1904-01-01" {
		t.Errorf("1904 serial = %s", got)
	}
}

func TestHostileInput(t *testing.T) {
	if _, err := Open(bytes.NewReader([]byte("PK\x03\x04 nope")), 10); err == nil {
		t.Fatal("a broken zip opens")
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create("hello.txt")
	io.WriteString(w, "hi")
	z.Close()
	if _, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len())); !errors.Is(err, ErrNotWorkbook) {
		t.Fatalf("a zip without a workbook: %v", err)
	}
	b := workbook([]sheet{{"S", []string{`<row r="1"><c r="ZZZZ1"><v>1</v></c></row>`}}}, nil)
	r, err := open(t, b).Sheet("S")
	if err != nil {
		t.Fatal(err)
	}
	var ce *CellError
	if _, _, err := r.Next(); !errors.As(err, &ce) || ce.Row != 1 {
		t.Fatalf("a column past XFD: %v", err)
	}
	b = workbook([]sheet{{"S", []string{`<row r="1"><c r="A1" t="s"><v>9</v></c></row>`}}}, nil)
	r, _ = open(t, b).Sheet("S")
	if _, _, err := r.Next(); !errors.As(err, &ce) || ce.Col != 1 {
		t.Fatalf("a shared string that does not exist: %v", err)
	}
}

func FuzzSheet(f *testing.F) {
	for _, build := range fixtures {
		f.Add(build())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		wb, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for _, name := range wb.Sheets() {
			r, err := wb.Sheet(name)
			if err != nil {
				continue
			}
			for i := 0; i < 10000; i++ {
				if _, _, err := r.Next(); err != nil {
					break
				}
			}
			r.Close()
		}
	})
}
