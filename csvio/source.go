package csvio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/cartera/cartera"
)

// record is one row of a file, by schema column: vals[j] is the text of
// column j ("" when absent) and cols[j] the 1-based field number it came
// from (0 when the file has no such column).
type record struct {
	line int
	vals []string
	cols []int
	raw  []string // every field as read, when the reader keeps them (Preview)
}

// rowReader yields the records of one file after its header.
type rowReader interface {
	next(rec *record) error // io.EOF at the end
	bytesRead() int64
}

// emptyRows reads an empty file.
type emptyRows struct{}

func (emptyRows) next(*record) error { return io.EOF }
func (emptyRows) bytesRead() int64   { return 0 }

// posError is a problem found while reading, at a position.
type posError struct {
	line, col int
	msg       cartera.Message
}

func (e *posError) Error() string { return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.msg) }

// openRows detects the format of a decoded file (CSV or JSON lines), reads
// its header and returns the recognised layout and a reader for the rest.
func openRows(d *decoded, sep rune, name string, user []*Mapping) (*layout, rowReader, error) {
	guard := &lineGuard{r: d.r, line: 1}
	br := bufio.NewReaderSize(guard, 64<<10)
	head, _ := br.Peek(1)
	for len(head) > 0 && (head[0] == ' ' || head[0] == '\t' || head[0] == '\r' || head[0] == '\n') {
		br.ReadByte()
		head, _ = br.Peek(1)
	}
	if len(head) == 0 {
		// An entity without records exports as an empty JSON-lines file,
		// known by its name.
		for _, s := range schemas {
			if strings.EqualFold(name, string(s.entity)+".jsonl") {
				return &layout{schema: s}, emptyRows{}, nil
			}
		}
		return nil, nil, &posError{1, 1, cartera.M("import.empty_file")}
	}
	if head[0] == '{' {
		return openJSONL(br, guard, d)
	}
	return openCSV(br, guard, d, sep, user)
}

type csvRows struct {
	r       *csv.Reader
	guard   *lineGuard
	lay     *layout
	checkU  bool // validate UTF-8 (input not transcoded)
	nCols   int
	keepRaw bool
	// footer is the line where a report's closing lines begin (0: none
	// yet), and footerLines how many were skipped.
	footer      int
	footerLines int
}

func openCSV(br *bufio.Reader, guard *lineGuard, d *decoded, sep rune, user []*Mapping) (*layout, rowReader, error) {
	if sep == 0 {
		peek, _ := br.Peek(br.Buffered())
		if len(peek) == 0 {
			peek, _ = br.Peek(4096)
		}
		line, _, _ := bytes.Cut(peek, []byte("\n"))
		sep = detectSeparator(string(line))
	}
	r := csv.NewReader(br)
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, nil, readError(err, guard)
	}
	header = append([]string(nil), header...)
	lay, perr := recogniseHeader(header, user, sep)
	if perr != nil {
		return nil, nil, perr
	}
	lay.header = header
	if lay.mapping != nil && lay.mapping.detectDates {
		// What follows the header is already buffered: its dates settle the
		// export's date order when the mapping only guesses it.
		sample, _ := br.Peek(br.Size())
		lay.order, lay.slashed = detectDateOrder(sample, sep, lay)
	} else if lay.mapping != nil {
		lay.slashed = true // the user's mapping says how dates are written
	}
	return lay, &csvRows{r: r, guard: guard, lay: lay, checkU: d.encoding == EncodingUTF8, nCols: len(header)}, nil
}

// recogniseHeader picks what reads a CSV header: a user's mapping that
// fits, else the best of cartera's own files and the built-in vendor
// mappings (the one that explains more columns; cartera's own on a tie).
// A header that fits nothing is explained by what came closest.
func recogniseHeader(header []string, user []*Mapping, sep rune) (*layout, *posError) {
	var userMissing []string
	var userMapping *Mapping
	for _, m := range user {
		l, missing := m.fit(header)
		if len(missing) == 0 {
			return l, nil
		}
		if userMapping == nil {
			userMapping, userMissing = m, missing
		}
	}
	native, closest, missing := recognise(header)
	var vendor, near *layout
	var nearMissing []string
	for _, m := range builtins() {
		l, miss := m.fit(header)
		switch {
		case len(miss) == 0:
			if vendor == nil || l.score > vendor.score {
				vendor = l
			}
		case l.score >= 3 && (near == nil || l.score > near.score):
			near, nearMissing = l, miss
		}
	}
	switch {
	case vendor != nil && (native == nil || vendor.score > native.score):
		return vendor, nil
	case native != nil:
		return native, nil
	case userMapping != nil:
		return nil, &posError{1, 1, cartera.M("mapping.missing_columns", "mapping", userMapping.Name, "columns", userMissing)}
	case near != nil:
		return nil, &posError{1, 1, cartera.M("import.vendor_missing_columns", "mapping", near.mapping.Name, "columns", nearMissing)}
	case closest != nil:
		return nil, &posError{1, 1, cartera.M("import.missing_columns", "entity", string(closest.entity), "columns", missing)}
	}
	return nil, &posError{1, 1, cartera.M("import.unknown_header", "header", truncate(strings.Join(header, string(sep)), 120))}
}

func (c *csvRows) bytesRead() int64 { return c.guard.bytes }

func (c *csvRows) next(rec *record) error {
	fields, err := c.r.Read()
	if err != nil {
		if err == io.EOF {
			return io.EOF
		}
		return readError(err, c.guard)
	}
	line, _ := c.r.FieldPos(0)
	rec.line = line
	clear(rec.vals)
	clear(rec.cols)
	if c.keepRaw {
		rec.raw = append(rec.raw[:0], fields...)
	}
	if c.lay.mapping != nil && c.nCols > 1 && len(fields) <= 1 {
		// A report's closing lines (Salesforce: "Confidential Information -
		// Do Not Distribute", the copyright, "Grand Totals (9 records)")
		// are rows of one field after the data. They are skipped and
		// counted; a data row after them is an error, never dropped.
		if c.footer == 0 {
			c.footer = line
		}
		c.footerLines++
		rec.line = -1
		return nil
	}
	if c.footer > 0 {
		return &posError{line, 1, cartera.M("import.after_footer", "line", c.footer)}
	}
	if len(fields) == 1 && fields[0] == "" {
		rec.line = -1 // blank line: skipped by the caller
		return nil
	}
	if len(fields) != c.nCols {
		return &posError{line, min(len(fields), c.nCols) + 1, cartera.M("import.field_count", "want", c.nCols, "got", len(fields))}
	}
	for i, f := range fields {
		j := c.lay.fields[i]
		if j < 0 {
			continue
		}
		if c.checkU && !utf8.ValidString(f) {
			return &posError{line, i + 1, cartera.M("import.bad_utf8")}
		}
		rec.vals[j] = strings.TrimSpace(f)
		rec.cols[j] = i + 1
	}
	return nil
}

// readError turns a csv or reader error into a positioned problem.
func readError(err error, guard *lineGuard) error {
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		key := "import.csv_syntax"
		if errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrQuote) {
			key = "import.csv_quote"
		}
		if errors.Is(pe.Err, errLineTooLong) {
			return &posError{guard.line, 1, cartera.M("import.line_too_long", "max", maxLine)}
		}
		return &posError{pe.Line, pe.Column, cartera.M(key)}
	case errors.Is(err, errLineTooLong):
		return &posError{guard.line, 1, cartera.M("import.line_too_long", "max", maxLine)}
	}
	return err
}

type jsonRows struct {
	br    *bufio.Reader
	guard *lineGuard
	lay   *layout
	line  int
	first []byte // the first line, already read to recognise the file
	buf   []byte
}

func openJSONL(br *bufio.Reader, guard *lineGuard, d *decoded) (*layout, rowReader, error) {
	j := &jsonRows{br: br, guard: guard}
	line, err := j.readLine()
	if err != nil && err != io.EOF {
		return nil, nil, err
	}
	keys, _, perr := jsonFields(line, 1)
	if perr != nil {
		return nil, nil, perr
	}
	lay, closest, missing := recognise(keys)
	if lay == nil {
		if closest != nil {
			return nil, nil, &posError{1, 1, cartera.M("import.missing_columns", "entity", string(closest.entity), "columns", missing)}
		}
		return nil, nil, &posError{1, 1, cartera.M("import.unknown_header", "header", truncate(strings.Join(keys, ", "), 120))}
	}
	j.lay = lay
	lay.header = keys
	j.first = append([]byte(nil), line...)
	j.line = 0
	return lay, j, nil
}

func (j *jsonRows) bytesRead() int64 { return j.guard.bytes }

func (j *jsonRows) readLine() ([]byte, error) {
	j.buf = j.buf[:0]
	for {
		chunk, err := j.br.ReadSlice('\n')
		j.buf = append(j.buf, chunk...)
		if len(j.buf) > maxLine {
			return nil, &posError{j.line + 1, 1, cartera.M("import.line_too_long", "max", maxLine)}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		j.line++
		if err != nil {
			if err == io.EOF && len(j.buf) > 0 {
				return bytes.TrimSpace(j.buf), nil
			}
			if errors.Is(err, errLineTooLong) {
				return nil, &posError{j.line, 1, cartera.M("import.line_too_long", "max", maxLine)}
			}
			return nil, err
		}
		return bytes.TrimSpace(j.buf), nil
	}
}

func (j *jsonRows) next(rec *record) error {
	var line []byte
	if j.first != nil {
		line, j.first = j.first, nil
		j.line = 1
	} else {
		var err error
		line, err = j.readLine()
		if err != nil {
			return err
		}
	}
	rec.line = j.line
	clear(rec.vals)
	clear(rec.cols)
	if len(line) == 0 {
		rec.line = -1
		return nil
	}
	keys, vals, perr := jsonFields(line, j.line)
	if perr != nil {
		return perr
	}
	for i, k := range keys {
		c := j.lay.schema.match(k)
		if c < 0 {
			continue
		}
		rec.vals[c] = strings.TrimSpace(vals[i].text)
		rec.cols[c] = vals[i].offset
	}
	return nil
}

type jsonValue struct {
	text   string
	offset int // 1-based byte column of the value in its line
}

// jsonFields reads one flat JSON object: keys in order, and each value as
// text (numbers as written, booleans as true/false, null as empty).
func jsonFields(line []byte, lineNo int) ([]string, []jsonValue, *posError) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	bad := func() *posError {
		return &posError{lineNo, int(dec.InputOffset()) + 1, cartera.M("import.bad_json")}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, bad()
	}
	var keys []string
	var vals []jsonValue
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, bad()
		}
		k, ok := t.(string)
		if !ok {
			return nil, nil, bad()
		}
		off := int(dec.InputOffset())
		// Skip the colon and spaces to point at the value itself.
		for off < len(line) && (line[off] == ':' || line[off] == ' ' || line[off] == '\t') {
			off++
		}
		v, err := dec.Token()
		if err != nil {
			return nil, nil, bad()
		}
		var text string
		switch x := v.(type) {
		case string:
			text = x
		case json.Number:
			text = x.String()
		case bool:
			text = fmt.Sprint(x)
		case nil:
		default:
			return nil, nil, &posError{lineNo, off + 1, cartera.M("import.json_nested", "field", k)}
		}
		keys = append(keys, k)
		vals = append(vals, jsonValue{text, off + 1})
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, nil, bad()
	}
	if dec.More() {
		return nil, nil, bad()
	}
	return keys, vals, nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
