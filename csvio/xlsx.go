package csvio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/xlsx"
)

// A spreadsheet (.xlsx) is read like a CSV file: its first sheet, or the
// one Options.Sheet names, with the header in its first non-empty row and
// the same recognition, mappings and checks. Problems are placed at
// file:sheet:row:column, the row and column Excel shows.

// maxBuffered caps a workbook read into memory when its source cannot be
// read at random (zip needs it).
const maxBuffered = 256 << 20

// zipMagic starts every zip file, and so every .xlsx.
var zipMagic = []byte("PK\x03\x04")

// readerAt gives random access to a source: itself when it allows it
// (files on disk, uploads), or its bytes read into memory.
func readerAt(rc io.ReadCloser, br *bufio.Reader, size int64) (io.ReaderAt, int64, error) {
	if ra, ok := rc.(io.ReaderAt); ok {
		if s, ok := rc.(io.Seeker); ok {
			if n, err := s.Seek(0, io.SeekEnd); err == nil {
				return ra, n, nil
			}
		}
		if size > 0 {
			return ra, size, nil
		}
	}
	b, err := io.ReadAll(io.LimitReader(br, maxBuffered+1))
	if err != nil {
		return nil, 0, err
	}
	if len(b) > maxBuffered {
		return nil, 0, fmt.Errorf("more than %d MiB", maxBuffered>>20)
	}
	return bytes.NewReader(b), int64(len(b)), nil
}

// openWorkbook opens the sheet to import of a spreadsheet and recognises
// its header.
func openWorkbook(s Source, rc io.ReadCloser, br *bufio.Reader, o Options) (*layout, rowReader, string, error) {
	rows, sheet, _, size, err := openSheet(s, rc, br, o)
	if err != nil {
		return nil, nil, sheet, err
	}
	xr := &xlsxRows{r: rows, size: size}
	header, line, err := rows.Next()
	if err == io.EOF {
		rows.Close()
		return nil, nil, sheet, &posError{1, 1, cartera.M("import.empty_sheet", "sheet", sheet)}
	}
	if err != nil {
		rows.Close()
		return nil, nil, sheet, xr.posError(err, 1)
	}
	header = append([]string(nil), header...)
	lay, perr := recogniseHeader(header, o.Mappings, ',')
	if perr != nil {
		rows.Close()
		perr.line = line
		return nil, nil, sheet, perr
	}
	lay.header = header
	if lay.mapping != nil {
		lay.slashed = true // text dates follow the mapping; date cells are ISO already
	}
	xr.lay, xr.nCols = lay, len(header)
	return lay, xr, sheet, nil
}

// openSheet opens the sheet of a spreadsheet to read: the first one, or
// the one o.Sheet names (by name or 1-based number).
func openSheet(s Source, rc io.ReadCloser, br *bufio.Reader, o Options) (rows *xlsx.Rows, sheet string, names []string, size int64, err error) {
	ra, size, err := readerAt(rc, br, s.Size)
	if err != nil {
		return nil, "", nil, 0, &posError{1, 1, cartera.M("import.cannot_read", "reason", err.Error())}
	}
	wb, err := xlsx.Open(ra, size)
	if err != nil {
		return nil, "", nil, 0, &posError{1, 1, cartera.M("import.bad_xlsx", "reason", err.Error())}
	}
	names = wb.Sheets()
	sheet = names[0]
	if o.Sheet != "" {
		sheet = ""
		for _, n := range names {
			if strings.EqualFold(strings.TrimSpace(n), strings.TrimSpace(o.Sheet)) {
				sheet = n
			}
		}
		if n, err := strconv.Atoi(o.Sheet); sheet == "" && err == nil && n >= 1 && n <= len(names) {
			sheet = names[n-1]
		}
		if sheet == "" {
			return nil, "", nil, 0, &posError{1, 1, cartera.M("import.no_sheet", "sheet", o.Sheet, "sheets", names)}
		}
	}
	if rows, err = wb.Sheet(sheet); err != nil {
		return nil, sheet, names, 0, &posError{1, 1, cartera.M("import.bad_xlsx", "reason", err.Error())}
	}
	return rows, sheet, names, size, nil
}

// xlsxRows reads the rows of a sheet after its header.
type xlsxRows struct {
	r     *xlsx.Rows
	lay   *layout
	nCols int
	size  int64
}

func (x *xlsxRows) posError(err error, line int) error {
	var ce *xlsx.CellError
	if errors.As(err, &ce) {
		return &posError{ce.Row, ce.Col, cartera.M("import.bad_xlsx", "reason", ce.Err.Error())}
	}
	return &posError{line, 1, cartera.M("import.bad_xlsx", "reason", err.Error())}
}

// bytesRead scales the sheet's progress to the file's size, which is
// what the progress bar measures against.
func (x *xlsxRows) bytesRead() int64 {
	if x.r.Size <= 0 {
		return 0
	}
	return x.r.BytesRead() * x.size / x.r.Size
}

func (x *xlsxRows) next(rec *record) error {
	cells, line, err := x.r.Next()
	if err == io.EOF {
		x.r.Close()
		return io.EOF
	}
	if err != nil {
		return x.posError(err, rec.line+1)
	}
	rec.line = line
	clear(rec.vals)
	clear(rec.cols)
	if rec.raw != nil || cap(rec.raw) > 0 {
		rec.raw = append(rec.raw[:0], cells...)
	}
	blank := true
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			blank = false
			break
		}
	}
	if blank {
		rec.line = -1
		return nil
	}
	if len(cells) > x.nCols {
		for i := x.nCols; i < len(cells); i++ {
			if strings.TrimSpace(cells[i]) != "" {
				return &posError{line, i + 1, cartera.M("import.cell_outside_header")}
			}
		}
	}
	for i, j := range x.lay.fields {
		if j < 0 {
			continue
		}
		if i < len(cells) {
			v := strings.TrimSpace(cells[i])
			if x.lay.schema.cols[j].key != "at" && isCellDateTime(v) {
				v = v[:10] // a date cell with a time, in a column of days
			}
			rec.vals[j] = v
		}
		rec.cols[j] = i + 1
	}
	return nil
}

// isCellDateTime recognises the ISO date and time the xlsx reader writes
// for a date cell with a time of day ("2026-02-07 18:00:00").
func isCellDateTime(v string) bool {
	if len(v) != 19 || v[4] != '-' || v[7] != '-' || v[10] != ' ' || v[13] != ':' || v[16] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}
