package csvio

import (
	"context"
	"errors"
	"io"
	"reflect"

	"github.com/cartera/cartera"
)

// PreviewResult shows how a file would be imported before anything is
// written: what it was recognised as, which column feeds which field, and
// what its first rows become.
type PreviewResult struct {
	// File is the report an import would give for the file (entity,
	// format, encoding, mapping, ignored columns), counting only the rows
	// previewed.
	File    FileReport      `json:"file"`
	Header  []string        `json:"header"`
	Columns []PreviewColumn `json:"columns"`
	Rows    []PreviewRow    `json:"rows"`
}

// PreviewColumn is one column of the file and the field it feeds.
type PreviewColumn struct {
	Index  int    `json:"index"` // 1-based, the spreadsheet column
	Header string `json:"header"`
	// Target is the field the column feeds (a deal column such as "value",
	// or a vendor-only one such as "company"); empty when it is ignored.
	Target string `json:"target,omitempty"`
}

// PreviewRow is one row and what it becomes: the record (a cartera.Deal,
// cartera.Client…) when it is valid, or the problems found in its cells.
type PreviewRow struct {
	Line     int       `json:"line"`
	Cells    []string  `json:"cells,omitempty"` // as read, CSV only
	Record   any       `json:"record,omitempty"`
	Problems []Problem `json:"problems,omitempty"`
}

// Preview reads the header and the first n rows of src and shows what an
// import would make of them, writing nothing. m, when not nil, is tried
// before the built-in formats, as a --map file is. References are checked
// against the store (a deal's client, a company name matched to a
// client); a row that refers to a record in another file of the same
// import shows that as a problem here.
func Preview(ctx context.Context, st cartera.Store, src Source, m *Mapping, n int, o Options) (*PreviewResult, error) {
	if o.Now.IsZero() {
		return nil, errNoClock
	}
	o = o.withDefaults()
	if m != nil {
		if err := m.Compile(); err != nil {
			return nil, err
		}
		o.Mappings = append([]*Mapping{m}, o.Mappings...)
	}
	f, err := openSource(0, src, o)
	if err != nil {
		var pe *posError
		if errors.As(err, &pe) {
			return nil, &ProblemsError{Problems: []Problem{{File: src.Name, Line: pe.line, Column: pe.col, Msg: pe.msg}}}
		}
		return nil, err
	}
	defer f.rc.Close()
	res := &PreviewResult{Header: f.lay.header}
	for i, h := range f.lay.header {
		col := PreviewColumn{Index: i + 1, Header: h}
		if i < len(f.lay.fields) && f.lay.fields[i] >= 0 {
			col.Target = f.lay.schema.cols[f.lay.fields[i]].key
		}
		res.Columns = append(res.Columns, col)
	}
	if cr, ok := f.rows.(*csvRows); ok {
		cr.keepRaw = true
	}
	v, err := newValidator(ctx, st, o, &problems{max: o.MaxProblems}, f.lay.mapping != nil)
	if err != nil {
		return nil, err
	}
	if m != nil {
		if probs := m.checkPipeline(v.pipeline); len(probs) > 0 {
			return nil, &ProblemsError{Problems: probs}
		}
	}
	s := f.lay.schema
	rec := record{vals: make([]string, len(s.cols)), cols: make([]int, len(s.cols))}
	for len(res.Rows) < n {
		err := f.rows.next(&rec)
		if err != nil {
			var pe *posError
			if errors.As(err, &pe) {
				res.Rows = append(res.Rows, PreviewRow{Line: pe.line,
					Problems: []Problem{{File: src.Name, Line: pe.line, Column: pe.col, Msg: pe.msg}}})
				break
			}
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, err
		}
		if rec.line < 0 {
			continue
		}
		f.rep.Rows++
		v.probs = &problems{max: o.MaxProblems}
		row := PreviewRow{Line: rec.line, Cells: append([]string(nil), rec.raw...)}
		b := batch{file: f, rows: newRows(s.entity, 1)}
		c := newChecker(v, f, &rec)
		if ok := s.entity == cartera.EntityStageHistory && c.appendTo(&b, "") ||
			s.entity != cartera.EntityStageHistory && c.idAndAppend(&b); ok {
			if rv := reflect.ValueOf(b.rows); rv.Len() > 0 {
				row.Record = rv.Index(rv.Len() - 1).Interface()
			}
		}
		row.Problems = v.probs.list
		res.Rows = append(res.Rows, row)
	}
	if cr, ok := f.rows.(*csvRows); ok && cr.footerLines > 0 {
		f.rep.FooterLines, f.rep.FooterLine = cr.footerLines, cr.footer
	}
	res.File = *f.rep
	return res, nil
}
