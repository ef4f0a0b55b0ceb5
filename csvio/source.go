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
func openRows(d *decoded, sep rune, name string) (*layout, rowReader, error) {
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
	return openCSV(br, guard, d, sep)
}

type csvRows struct {
	r      *csv.Reader
	guard  *lineGuard
	lay    *layout
	checkU bool // validate UTF-8 (input not transcoded)
	nCols  int
}

func openCSV(br *bufio.Reader, guard *lineGuard, d *decoded, sep rune) (*layout, rowReader, error) {
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
	lay, closest, missing := recognise(header)
	if lay == nil {
		if closest != nil {
			return nil, nil, &posError{1, 1, cartera.M("import.missing_columns", "entity", string(closest.entity), "columns", missing)}
		}
		return nil, nil, &posError{1, 1, cartera.M("import.unknown_header", "header", truncate(strings.Join(header, string(sep)), 120))}
	}
	return lay, &csvRows{r: r, guard: guard, lay: lay, checkU: d.encoding == EncodingUTF8, nCols: len(header)}, nil
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
