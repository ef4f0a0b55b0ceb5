package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

// previewBody is csvio.PreviewResult for the API: problems carry their
// text in the caller's language; a file that fits no format (and no
// mapping sent) is still shown, with recognised false, the reason, and a
// suggested target per column, so that a script can build its mapping.
type previewBody struct {
	Recognised bool              `json:"recognised"`
	Problem    *ProblemItem      `json:"problem,omitempty"`
	File       *csvio.FileReport `json:"file,omitempty"`
	Header     []string          `json:"header"`
	Columns    []previewColumn   `json:"columns"`
	Rows       []previewRow      `json:"rows"`
}

type previewColumn struct {
	csvio.PreviewColumn
	Suggested string `json:"suggested,omitempty"`
}

type previewRow struct {
	Line     int           `json:"line"`
	Cells    []string      `json:"cells,omitempty"`
	Record   any           `json:"record,omitempty"`
	Problems []ProblemItem `json:"problems,omitempty"`
}

// previewRowsDefault and previewRowsMax bound ?rows=.
const (
	previewRowsDefault = 20
	previewRowsMax     = 200
)

// apiImportPreview shows how one uploaded file would be imported, writing
// nothing: with a mapping sent as JSON (field or file part "mapping") or a
// saved one ("mapping_name"), or as cartera recognises it.
func (s *Server) apiImportPreview(w http.ResponseWriter, r *http.Request) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("import.want_multipart")}
	}
	n := previewRowsDefault
	if v := r.URL.Query().Get("rows"); v != "" {
		x, err := strconv.Atoi(v)
		if err != nil || x < 1 || x > previewRowsMax {
			return cartera.FieldError("rows", "import.bad_preview_rows", "max", previewRowsMax)
		}
		n = x
	}
	srcs, values, err := s.readUpload(w, r)
	if err != nil {
		return err
	}
	defer r.MultipartForm.RemoveAll()
	if len(srcs) != 1 {
		return cartera.FieldError("file", "import.map_one_file")
	}
	m, err := s.uploadedMapping(r, values)
	if err != nil {
		return s.problemsOr(w, r, err)
	}
	o, err := s.importOptions(r)
	if err != nil {
		return err
	}
	c := rc(r)
	res, err := csvio.Preview(r.Context(), s.st, srcs[0], m, n, o)
	if csvio.IsUnrecognised(err) {
		smp, serr := csvio.Inspect(srcs[0], n, o)
		if serr != nil {
			return s.problemsOr(w, r, serr)
		}
		var pe *csvio.ProblemsError
		errors.As(err, &pe)
		p := pe.Problems[0]
		body := previewBody{Header: smp.Header, Columns: []previewColumn{}, Rows: []previewRow{},
			Problem: &ProblemItem{File: p.File, Line: p.Line, Column: p.Column, Detail: c.p.Msg(p.Msg)}}
		sugg := csvio.SuggestTargets(smp.Header)
		for i, h := range smp.Header {
			body.Columns = append(body.Columns, previewColumn{PreviewColumn: csvio.PreviewColumn{Index: i + 1, Header: h}, Suggested: sugg[i]})
		}
		for i, row := range smp.Rows {
			body.Rows = append(body.Rows, previewRow{Line: smp.Lines[i], Cells: row})
		}
		return writeJSON(w, http.StatusOK, body)
	}
	if err != nil {
		return s.problemsOr(w, r, err)
	}
	body := previewBody{Recognised: true, File: &res.File, Header: res.Header, Columns: []previewColumn{}, Rows: []previewRow{}}
	for _, col := range res.Columns {
		body.Columns = append(body.Columns, previewColumn{PreviewColumn: col})
	}
	for _, row := range res.Rows {
		pr := previewRow{Line: row.Line, Cells: row.Cells, Record: row.Record}
		for _, p := range row.Problems {
			pr.Problems = append(pr.Problems, ProblemItem{File: p.File, Line: p.Line, Column: p.Column, Detail: c.p.Msg(p.Msg)})
		}
		body.Rows = append(body.Rows, pr)
	}
	return writeJSON(w, http.StatusOK, body)
}

// uploadedMapping reads the mapping sent with an upload: JSON in the
// "mapping" field or file part, or the name of a saved mapping in
// "mapping_name"; nil when neither.
func (s *Server) uploadedMapping(r *http.Request, values map[string]string) (*csvio.Mapping, error) {
	text, name := values["mapping"], "mapping.json"
	if fhs := r.MultipartForm.File["mapping"]; len(fhs) > 0 {
		f, err := fhs[0].Open()
		if err != nil {
			return nil, &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("import.bad_upload")}
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
		if err != nil {
			return nil, &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("import.bad_upload")}
		}
		text, name = string(b), safeName(fhs[0].Filename)
	}
	switch {
	case text != "" && values["mapping_name"] != "":
		return nil, cartera.FieldError("mapping_name", "import.two_mappings")
	case text != "":
		return csvio.LoadMapping(name, []byte(text))
	case values["mapping_name"] != "":
		m, _, err := csvio.SavedMapping(r.Context(), s.st, values["mapping_name"])
		if cartera.ErrorCode(err) == cartera.ENOTFOUND {
			return nil, cartera.FieldError("mapping_name", "mapping.not_found", "name", values["mapping_name"])
		}
		return m, err
	}
	return nil, nil
}

// problemsOr answers a *csvio.ProblemsError as a 422 problem document
// listing every problem at its position; other errors go the usual way.
func (s *Server) problemsOr(w http.ResponseWriter, r *http.Request, err error) error {
	var pe *csvio.ProblemsError
	if !errors.As(err, &pe) {
		return err
	}
	c := rc(r)
	writeProblem(w, Problem{Type: "about:blank", Status: http.StatusUnprocessableEntity, Title: http.StatusText(http.StatusUnprocessableEntity),
		Code: cartera.EINVALID, Instance: r.URL.Path, Detail: c.p.T("import.nothing_written", "n", pe.Total()),
		Errors: problemItems(pe, c.p.Msg)})
	return nil
}

// mappingItem is one saved mapping in a list.
type mappingItem struct {
	Name string `json:"name"`
}

func (s *Server) apiMappingList(w http.ResponseWriter, r *http.Request) error {
	names, err := csvio.SavedMappingNames(r.Context(), s.st)
	if err != nil {
		return err
	}
	items := make([]mappingItem, 0, len(names))
	for _, n := range names {
		items = append(items, mappingItem{n})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// apiMappingGet returns a saved mapping's file, as saved: the same JSON a
// --map file holds.
func (s *Server) apiMappingGet(w http.ResponseWriter, r *http.Request) error {
	_, text, err := csvio.SavedMapping(r.Context(), s.st, r.PathValue("name"))
	if err != nil {
		return s.problemsOr(w, r, err)
	}
	v, err := csvio.MappingVersion(r.Context(), s.st, r.PathValue("name"))
	if err != nil {
		return err
	}
	etag(w, v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(text)
	return err
}

// apiMappingPut saves a mapping file under a name, after checking it (and
// its stages against the pipeline): a mistake is a 422 with each problem
// at its line and column in the body sent.
func (s *Server) apiMappingPut(w http.ResponseWriter, r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("api.want_json")}
	}
	text, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSON))
	if err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return &cartera.Error{Code: cartera.ETOOLARGE, Msg: cartera.M("api.too_large", "max", maxJSON>>10)}
		}
		return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("api.empty_body")}
	}
	pl, err := s.pipelineConfig(r)
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	v, err := ifMatch(r, 0)
	if err != nil {
		return err
	}
	cur, err := csvio.MappingVersion(r.Context(), s.st, name)
	if err != nil {
		return err
	}
	if v == 0 && r.Header.Get("If-Match") == "" && cur != 0 {
		// Replacing a saved mapping needs the version read (GET's ETag).
		return errPrecondition
	}
	s.mappingsMu.Lock()
	_, saved, err := csvio.SaveMappingAt(r.Context(), s.st, pl, name, text, v)
	s.mappingsMu.Unlock()
	if err != nil {
		return s.problemsOr(w, r, err)
	}
	etag(w, saved)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(text)
	return err
}

func (s *Server) apiMappingDelete(w http.ResponseWriter, r *http.Request) error {
	s.mappingsMu.Lock()
	err := csvio.DeleteSavedMapping(r.Context(), s.st, r.PathValue("name"))
	s.mappingsMu.Unlock()
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
