package csvio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/cartera/cartera"
)

// Sample is a first look at a file, for a person about to say which of
// its columns is which: what it is recognised as (if anything), its
// header, and its first rows exactly as written. Unlike Preview it never
// fails on a file it does not recognise: that is when it is needed most.
type Sample struct {
	Name   string `json:"name"`
	Format string `json:"format"` // csv, xlsx or jsonl
	// Sheet is the sheet of a spreadsheet that was read, and Sheets all
	// of its sheets, in order.
	Sheet    string   `json:"sheet,omitempty"`
	Sheets   []string `json:"sheets,omitempty"`
	Encoding string   `json:"encoding,omitempty"`
	// Separator is the field separator of a CSV file (";", "," or a tab).
	Separator string `json:"separator,omitempty"`
	// Entity is what the file is recognised as without a mapping of the
	// user's, and Mapping the built-in mapping that reads it (a vendor
	// export); both are empty when it is not recognised.
	Entity  cartera.Entity `json:"entity,omitempty"`
	Mapping string         `json:"mapping,omitempty"`
	Header  []string       `json:"header"`
	// Targets holds, per column, the field it feeds when the file is
	// recognised, or else the field its header suggests ("" for none).
	Targets []string `json:"targets"`
	// Rows are the first data rows, each cell as written, and Lines their
	// line numbers.
	Rows  [][]string `json:"rows"`
	Lines []int      `json:"lines"`
	// Problem says why the file is not recognised.
	Problem *Problem `json:"-"`
}

// Inspect reads the header and the first n rows of src as they are, and
// whether cartera recognises the file (with o.Mappings tried first). A
// spreadsheet is read from its first sheet or o.Sheet, its header being
// its first row with a cell. A file that cannot be read as text or as a
// spreadsheet at all is a *ProblemsError.
func Inspect(src Source, n int, o Options) (*Sample, error) {
	o = o.withDefaults()
	s := &Sample{Name: src.Name, Format: "csv"}
	f, err := openSource(0, src, o)
	var pe *posError
	var se *sourceError
	switch {
	case errors.As(err, &se):
		s.Problem = &Problem{File: se.name, Line: se.pe.line, Column: se.pe.col, Msg: se.pe.msg}
	case errors.As(err, &pe):
		s.Problem = &Problem{File: src.Name, Line: pe.line, Column: pe.col, Msg: pe.msg}
	case err != nil:
		return nil, err
	default:
		s.Entity, s.Mapping, s.Format, s.Encoding = f.lay.schema.entity, f.rep.Mapping, f.rep.Format, f.rep.Encoding
		for i := range f.lay.header {
			t := ""
			if i < len(f.lay.fields) && f.lay.fields[i] >= 0 {
				t = f.lay.schema.cols[f.lay.fields[i]].key
			}
			s.Targets = append(s.Targets, t)
		}
		f.rc.Close()
	}
	if s.Format == "jsonl" {
		return s, nil
	}
	raw, err := openRaw(src, o)
	if err != nil {
		var pe *posError
		if errors.As(err, &pe) {
			return nil, &ProblemsError{Problems: []Problem{{File: src.Name, Line: pe.line, Column: pe.col, Msg: pe.msg}}}
		}
		if s.Problem != nil {
			return nil, &ProblemsError{Problems: []Problem{*s.Problem}}
		}
		return nil, err
	}
	defer raw.close()
	s.Format, s.Sheet, s.Sheets, s.Encoding, s.Separator = raw.format, raw.sheet, raw.sheets, raw.encoding, raw.separator
	header, _, err := raw.next()
	if err != nil {
		if s.Problem == nil {
			s.Problem = &Problem{File: src.Name, Line: 1, Column: 1, Msg: cartera.M("import.empty_file")}
		}
		return nil, &ProblemsError{Problems: []Problem{*s.Problem}}
	}
	s.Header = append([]string(nil), header...)
	if s.Targets == nil || len(s.Targets) != len(s.Header) {
		s.Targets = SuggestTargets(s.Header)
	}
	for len(s.Rows) < n {
		rec, line, err := raw.next()
		if err != nil {
			break // a broken row is reported by Preview, with its position
		}
		if blankRow(rec) {
			continue
		}
		s.Rows = append(s.Rows, append([]string(nil), rec...))
		s.Lines = append(s.Lines, line)
	}
	return s, nil
}

// blankRow is a row with nothing in it.
func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// rawRows reads a file's rows as written, without recognising its
// header: CSV text, or the sheet of a spreadsheet.
type rawRows struct {
	format, sheet       string // csv or xlsx, and the sheet read
	sheets              []string
	encoding, separator string // of a CSV file
	// next returns the next row and its line (a sheet's row number);
	// io.EOF after the last. A CSV row that cannot be parsed is a
	// *csv.ParseError, and the rows after it can still be read.
	next  func() ([]string, int, error)
	close func() error
}

// openRaw opens src for rawRows.
func openRaw(src Source, o Options) (*rawRows, error) {
	rc, err := src.Open()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(rc, sniffSize)
	if head, _ := br.Peek(len(zipMagic)); bytes.Equal(head, zipMagic) {
		rows, sheet, names, _, err := openSheet(src, rc, br, o)
		if err != nil {
			rc.Close()
			return nil, err
		}
		return &rawRows{format: "xlsx", sheet: sheet, sheets: names, close: func() error { rows.Close(); return rc.Close() },
			next: rows.Next}, nil
	}
	rd, enc, sep, err := rawCSV(struct {
		io.Reader
		io.Closer
	}{br, rc}, o)
	if err != nil {
		rc.Close()
		return nil, err
	}
	return &rawRows{format: "csv", encoding: enc, separator: string(sep), close: rc.Close, next: func() ([]string, int, error) {
		rec, err := rd.Read()
		if err != nil {
			return nil, 0, err
		}
		line, _ := rd.FieldPos(0)
		return rec, line, nil
	}}, nil
}

// rawCSV reads r as CSV text without recognising its header.
func rawCSV(r io.ReadCloser, o Options) (*csv.Reader, string, rune, error) {
	d, err := decode(r, o.Encoding)
	if err != nil {
		return nil, "", 0, err
	}
	br := bufio.NewReaderSize(&lineGuard{r: d.r, line: 1}, 64<<10)
	sep := o.Separator
	if sep == 0 {
		peek, _ := br.Peek(4096)
		line, _, _ := bytes.Cut(peek, []byte("\n"))
		sep = detectSeparator(string(line))
	}
	rd := csv.NewReader(br)
	rd.Comma = sep
	rd.FieldsPerRecord = -1
	rd.LazyQuotes = true // a look, not a validation: Preview and Import say what is wrong
	return rd, d.encoding, sep, nil
}

// Value is one distinct value of a column and how many rows hold it.
type Value struct {
	Text  string `json:"text"`
	Count int    `json:"count"`
	// Line is the first line where it appears.
	Line int `json:"line"`
}

// ColumnValues returns the distinct values of a column (col is 0-based)
// over the whole file — a CSV file or the sheet of a spreadsheet — in
// order of first appearance, up to max of them; more reports whether
// there were others. Values that differ only in case, accents or spacing
// are one ("Firmado", "firmado "), as a mapping matches them. Empty cells
// are left out.
func ColumnValues(src Source, o Options, col, max int) (vals []Value, more bool, err error) {
	o = o.withDefaults()
	raw, err := openRaw(src, o)
	if err != nil {
		return nil, false, err
	}
	defer raw.close()
	if _, _, err := raw.next(); err != nil {
		return nil, false, nil
	}
	seen := map[string]int{}
	for {
		rec, line, err := raw.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				continue
			}
			if raw.format == "xlsx" {
				break // a cell that cannot be read: Preview says where
			}
			return vals, more, err
		}
		if col >= len(rec) {
			continue
		}
		v := strings.TrimSpace(rec[col])
		k := mapKey(v)
		if k == "" {
			continue
		}
		if i, ok := seen[k]; ok {
			vals[i].Count++
			continue
		}
		if len(vals) >= max {
			more = true
			continue
		}
		seen[k] = len(vals)
		vals = append(vals, Value{Text: v, Count: 1, Line: line})
	}
	return vals, more, nil
}

// SuggestTargets proposes a target for each header cell of a file nobody
// has mapped yet: the headers the built-in vendor mappings know, then the
// names and aliases of cartera's own deal columns. A target is proposed
// once, for the first column that asks for it; the person decides.
func SuggestTargets(header []string) []string {
	out := make([]string, len(header))
	taken := map[string]bool{}
	pick := func(i int, t string) bool {
		if t == "" || taken[t] {
			return false
		}
		out[i], taken[t] = t, true
		return true
	}
	deals := schemaOf(cartera.EntityDeals)
	for i, h := range header {
		if pick(i, suggestWords[mapKey(h)]) {
			continue
		}
		if j := targetIndex(h); j >= 0 && pick(i, mappedSchema.cols[j].key) {
			continue
		}
		if j := deals.match(h); j >= 0 && pick(i, deals.cols[j].key) {
			continue
		}
		for _, m := range builtins() {
			if j, ok := m.c.cols[m.c.headerOf(h)]; ok && pick(i, mappedSchema.cols[j].key) {
				break
			}
		}
	}
	return out
}

// suggestWords are headers of home-made sheets that cartera's own names do
// not cover. "Cliente" is a company's name there far more often than the
// id of a client already in cartera: company matches it by name.
var suggestWords = map[string]string{
	"ref": "id", "referencia": "id", "codigo": "id", "code": "id", "n": "id", "no": "id",
	"cliente": "company", "cuenta": "company", "account": "company", "customer": "company", "organizacion": "company",
	"cierre": "close_date", "fecha_de_cierre": "close_date", "close": "close_date",
}

// SuggestStage proposes what a stage label of a file is: what a built-in
// vendor mapping makes of it, a stage of p with that id or name, or won
// and lost for the usual words; "" when nothing fits.
func SuggestStage(label string, p cartera.Pipeline) string {
	k := mapKey(label)
	if k == "" {
		return ""
	}
	for _, s := range p.Stages {
		if k == mapKey(string(s.ID)) || (s.Name != "" && k == mapKey(s.Name)) {
			return string(s.ID)
		}
	}
	for _, m := range builtins() {
		if r, ok := m.c.stage(label); ok {
			if r.outcome != "" {
				return string(r.outcome)
			}
			if p.Has(r.stage) {
				return string(r.stage)
			}
		}
	}
	for _, w := range strings.Split(k, "_") {
		if t, ok := stageWords[w]; ok && (t == "won" || t == "lost" || p.Has(cartera.Stage(t))) {
			return t
		}
	}
	return ""
}

// stageWords are words that name a default stage or a close in a label
// ("Propuesta enviada", "Negociando", "Firmado").
var stageWords = map[string]string{
	"won": "won", "ganada": "won", "ganado": "won", "firmado": "won", "firmada": "won", "signed": "won",
	"lost": "lost", "perdida": "lost", "perdido": "lost", "descartado": "lost", "descartada": "lost",
	"lead": "lead", "contacto": "lead", "prospecto": "lead",
	"qualified": "qualified", "cualificada": "qualified", "cualificado": "qualified", "calificada": "qualified",
	"calificado": "qualified",
	"proposal":   "proposal", "propuesta": "proposal", "presupuesto": "proposal", "oferta": "proposal",
	"negotiation": "negotiation", "negociacion": "negotiation", "negociando": "negotiation",
}
