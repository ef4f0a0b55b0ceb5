// Package xlsx reads the cells of Office Open XML spreadsheets (.xlsx), as
// Excel, LibreOffice and Google Sheets write them, with the standard
// library only: a workbook is a zip of XML parts, and a sheet is read row
// by row from its part, so a large sheet is never held in memory.
//
// It reads values, not formatting: shared and inline strings, numbers as
// written in the file (decimal point), booleans as true/false, cached
// formula results, and numbers in a date or time format as ISO 8601
// ("2026-03-15", "2026-03-15 18:30:00").
package xlsx

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// Limits against hostile files: a part larger than this (uncompressed) is
// refused before it is read, and so is a cell reference past Excel's last
// column.
const (
	MaxPart    = 512 << 20
	MaxColumns = 16384
)

// ErrNotWorkbook is returned for a zip that is not a spreadsheet.
var ErrNotWorkbook = errors.New("xlsx: not a spreadsheet (no workbook part)")

// Workbook is an open spreadsheet.
type Workbook struct {
	z        *zip.Reader
	sheets   []sheetRef
	strings  []string
	dateFmt  []bool // by cell style index: the number is a date or time
	date1904 bool
}

type sheetRef struct {
	name, part string
}

// Open reads a workbook's index: its sheets, shared strings and styles.
func Open(r io.ReaderAt, size int64) (*Workbook, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	wb := &Workbook{z: z}
	if err := wb.readWorkbook(); err != nil {
		return nil, err
	}
	if err := wb.readStrings(); err != nil {
		return nil, err
	}
	if err := wb.readStyles(); err != nil {
		return nil, err
	}
	return wb, nil
}

// Sheets returns the sheet names in workbook order.
func (wb *Workbook) Sheets() []string {
	out := make([]string, len(wb.sheets))
	for i, s := range wb.sheets {
		out[i] = s.name
	}
	return out
}

func (wb *Workbook) file(name string) *zip.File {
	name = strings.TrimPrefix(name, "/")
	for _, f := range wb.z.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func (wb *Workbook) open(name string) (io.ReadCloser, *zip.File, error) {
	f := wb.file(name)
	if f == nil {
		return nil, nil, nil
	}
	if f.UncompressedSize64 > MaxPart {
		return nil, nil, fmt.Errorf("xlsx: %s is larger than %d MiB", name, MaxPart>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("xlsx: %s: %w", name, err)
	}
	return rc, f, nil
}

func (wb *Workbook) readWorkbook() error {
	rc, _, err := wb.open("xl/workbook.xml")
	if err != nil {
		return err
	}
	if rc == nil {
		return ErrNotWorkbook
	}
	defer rc.Close()
	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, MaxPart)).Decode(&doc); err != nil {
		return fmt.Errorf("xlsx: workbook: %w", err)
	}
	wb.date1904 = doc.Pr.Date1904 == "1" || doc.Pr.Date1904 == "true"
	rels := map[string]string{}
	if rr, _, err := wb.open("xl/_rels/workbook.xml.rels"); err != nil {
		return err
	} else if rr != nil {
		defer rr.Close()
		var rdoc struct {
			Rels []struct {
				ID     string `xml:"Id,attr"`
				Target string `xml:"Target,attr"`
			} `xml:"Relationship"`
		}
		if err := xml.NewDecoder(io.LimitReader(rr, MaxPart)).Decode(&rdoc); err != nil {
			return fmt.Errorf("xlsx: relationships: %w", err)
		}
		for _, r := range rdoc.Rels {
			t := r.Target
			if strings.HasPrefix(t, "/") {
				t = strings.TrimPrefix(t, "/")
			} else {
				t = path.Join("xl", t)
			}
			rels[r.ID] = t
		}
	}
	for i, s := range doc.Sheets {
		part, ok := rels[s.RID]
		if !ok {
			part = fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)
		}
		wb.sheets = append(wb.sheets, sheetRef{name: s.Name, part: part})
	}
	if len(wb.sheets) == 0 {
		return ErrNotWorkbook
	}
	return nil
}

// readStrings loads the shared strings table: each entry is plain text or
// rich-text runs, whose texts are joined (phonetic runs are skipped).
func (wb *Workbook) readStrings() error {
	rc, _, err := wb.open("xl/sharedStrings.xml")
	if err != nil || rc == nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var cur strings.Builder
	in, skip := false, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("xlsx: shared strings: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				cur.Reset()
			case "rPh":
				skip++
			case "t":
				in = skip == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				wb.strings = append(wb.strings, cur.String())
			case "rPh":
				skip--
			case "t":
				in = false
			}
		case xml.CharData:
			if in {
				cur.Write(t)
			}
		}
	}
}

// builtinDate lists the built-in number formats that are dates or times.
func builtinDate(id int) bool {
	return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)
}

// isDateFormat reports whether a custom format code shows a date or time:
// it has d, m, y, h or s outside quoted text and brackets (colours are
// skipped). Elapsed time ([h]:mm) is a duration, not a date.
func isDateFormat(code string) bool {
	for _, e := range []string{"[h]", "[hh]", "[m]", "[mm]", "[s]", "[ss]", "[H]", "[HH]", "[M]", "[MM]", "[S]", "[SS]"} {
		if strings.Contains(code, e) {
			return false
		}
	}
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == '[':
			bracket = true
		case c == ']':
			bracket = false
		case bracket:
		case strings.IndexByte("dmyhsDMYHS", c) >= 0:
			return true
		}
	}
	return false
}

func (wb *Workbook) readStyles() error {
	rc, _, err := wb.open("xl/styles.xml")
	if err != nil || rc == nil {
		return err
	}
	defer rc.Close()
	var doc struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmt int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := xml.NewDecoder(rc).Decode(&doc); err != nil {
		return fmt.Errorf("xlsx: styles: %w", err)
	}
	custom := map[int]bool{}
	for _, f := range doc.NumFmts {
		custom[f.ID] = isDateFormat(f.Code)
	}
	wb.dateFmt = make([]bool, len(doc.Xfs))
	for i, x := range doc.Xfs {
		if d, ok := custom[x.NumFmt]; ok {
			wb.dateFmt[i] = d
		} else {
			wb.dateFmt[i] = builtinDate(x.NumFmt)
		}
	}
	return nil
}

// Rows reads one sheet, by name.
type Rows struct {
	wb   *Workbook
	rc   io.ReadCloser
	cnt  *countReader
	d    *xml.Decoder
	next int // the row number expected when a <row> has no r attribute
	// Size is the sheet part's uncompressed size, for progress.
	Size  int64
	cells []string
}

// Sheet opens a sheet by name for reading.
func (wb *Workbook) Sheet(name string) (*Rows, error) {
	for _, s := range wb.sheets {
		if s.name != name {
			continue
		}
		rc, f, err := wb.open(s.part)
		if err != nil {
			return nil, err
		}
		if rc == nil {
			return nil, fmt.Errorf("xlsx: sheet %q has no part %s", name, s.part)
		}
		cnt := &countReader{r: rc}
		return &Rows{wb: wb, rc: rc, cnt: cnt, d: xml.NewDecoder(cnt), next: 1, Size: int64(f.UncompressedSize64)}, nil
	}
	return nil, fmt.Errorf("xlsx: no sheet %q", name)
}

// Close releases the sheet.
func (r *Rows) Close() error { return r.rc.Close() }

// BytesRead is how much of the sheet part has been read.
func (r *Rows) BytesRead() int64 { return r.cnt.n }

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// CellError is a cell that cannot be read, at its row and column
// (1-based).
type CellError struct {
	Row, Col int
	Err      error
}

func (e *CellError) Error() string { return fmt.Sprintf("row %d, column %d: %v", e.Row, e.Col, e.Err) }

// Next returns the next row that has any cell, with its 1-based number;
// cells are by column (index 0 is column A), missing ones empty. The slice
// is reused by the next call. It returns io.EOF after the last row.
func (r *Rows) Next() ([]string, int, error) {
	for {
		tok, err := r.d.Token()
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		if err != nil {
			return nil, 0, fmt.Errorf("xlsx: row %d: %w", r.next, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "row" {
			continue
		}
		num := r.next
		if v := attr(se, "r"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, 0, &CellError{Row: r.next, Col: 1, Err: fmt.Errorf("bad row number %q", v)}
			}
			num = n
		}
		r.next = num + 1
		cells, err := r.readRow(num)
		if err != nil {
			return nil, 0, err
		}
		if len(cells) > 0 {
			return cells, num, nil
		}
	}
}

// readRow reads the cells of one <row> element.
func (r *Rows) readRow(num int) ([]string, error) {
	r.cells = r.cells[:0]
	col := 0
	for {
		tok, err := r.d.Token()
		if err != nil {
			return nil, fmt.Errorf("xlsx: row %d: %w", num, err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "row" {
				// Trailing empty cells are not part of the row.
				n := len(r.cells)
				for n > 0 && r.cells[n-1] == "" {
					n--
				}
				return r.cells[:n], nil
			}
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := r.d.Skip(); err != nil {
					return nil, fmt.Errorf("xlsx: row %d: %w", num, err)
				}
				continue
			}
			if ref := attr(t, "r"); ref != "" {
				c, ok := columnOf(ref)
				if !ok {
					return nil, &CellError{Row: num, Col: col + 1, Err: fmt.Errorf("bad cell reference %q", ref)}
				}
				col = c
			}
			if col >= MaxColumns {
				return nil, &CellError{Row: num, Col: col + 1, Err: fmt.Errorf("past the last column")}
			}
			v, err := r.cell(t, num, col)
			if err != nil {
				return nil, err
			}
			for len(r.cells) < col {
				r.cells = append(r.cells, "")
			}
			if len(r.cells) == col {
				r.cells = append(r.cells, v)
			} else {
				r.cells[col] = v
			}
			col++
		}
	}
}

// cell reads a <c> element's value as text.
func (r *Rows) cell(c xml.StartElement, row, col int) (string, error) {
	typ := attr(c, "t")
	style := -1
	if s := attr(c, "s"); s != "" {
		style, _ = strconv.Atoi(s)
	}
	var v, inline strings.Builder
	where := ""
	depth := 0
	for {
		tok, err := r.d.Token()
		if err != nil {
			return "", fmt.Errorf("xlsx: row %d: %w", row, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "v":
				where = "v"
			case "t":
				if where == "" || where == "is" {
					where = "is"
				}
			case "is":
				where = "is"
			case "rPh":
				where = "skip"
			case "f":
				where = "f"
			}
		case xml.EndElement:
			if depth == 0 && t.Name.Local == "c" {
				return r.value(typ, style, v.String(), inline.String(), row, col)
			}
			depth--
			switch t.Name.Local {
			case "v", "f", "rPh":
				where = ""
			}
		case xml.CharData:
			switch where {
			case "v":
				v.Write(t)
			case "is":
				inline.Write(t)
			}
		}
	}
}

func (r *Rows) value(typ string, style int, v, inline string, row, col int) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(r.wb.strings) {
			return "", &CellError{Row: row, Col: col + 1, Err: fmt.Errorf("shared string %q does not exist", v)}
		}
		return r.wb.strings[i], nil
	case "inlineStr":
		return inline, nil
	case "str", "e", "d":
		return v, nil
	case "b":
		switch strings.TrimSpace(v) {
		case "1":
			return "true", nil
		case "0":
			return "false", nil
		}
		return v, nil
	}
	v = strings.TrimSpace(v)
	if v == "" || style < 0 || style >= len(r.wb.dateFmt) || !r.wb.dateFmt[style] {
		return v, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v, nil
	}
	return serialTime(f, r.wb.date1904), nil
}

// serialTime turns a spreadsheet date serial into ISO 8601: the day alone
// when there is no time of day. The 1900 system counts from 1899-12-30
// (Excel's fictitious 29 February 1900 is behind every real date).
func serialTime(f float64, date1904 bool) string {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if f < -1e6 || f > 1e7 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if secs == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

// columnOf returns the 0-based column of a cell reference ("C7" → 2).
func columnOf(ref string) (int, bool) {
	n, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A'+1)
		if n > MaxColumns {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return n - 1, true
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
