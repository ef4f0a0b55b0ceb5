package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/csvio"
)

type importPage struct {
	Report *csvio.Report
	// Capture is what calendars, e-invoices and mailboxes gave.
	Capture  *capture.Report
	Problems []ProblemItem
	More     int
	DryRun   bool
	Took     string
	// Mappings are the saved mappings, and Mapping the one chosen.
	Mappings []string
	Mapping  string
	// Mapped names the mapping a finished mapping step imported with.
	Mapped string
}

// importShow is the upload form.
func (s *Server) importShow(w http.ResponseWriter, r *http.Request) error {
	d, err := s.importData(r, r.URL.Query().Get("mapping"))
	if err != nil {
		return err
	}
	return s.page(w, r, "import", "import", d)
}

func (s *Server) importData(r *http.Request, chosen string) (importPage, error) {
	names, err := csvio.SavedMappingNames(r.Context(), s.st)
	if err != nil {
		return importPage{}, err
	}
	return importPage{Mappings: names, Mapping: chosen}, nil
}

// stashKey ties a kept upload to whoever uploaded it: the session, or
// the user for a page called with an API key.
func stashKey(c *reqCtx) string {
	if c.session != nil {
		return "s:" + c.session.ID
	}
	if c.user != nil {
		return "u:" + strconv.FormatInt(c.user.ID, 10)
	}
	return ""
}

// readUpload collects the uploaded files of a multipart request, within
// the size limit. File names keep only their base name: a name such as
// "../../etc/passwd" is shown as "passwd" and never used as a path.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) ([]csvio.Source, map[string]string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, nil, &cartera.Error{Code: cartera.ETOOLARGE, Msg: cartera.M("import.too_large", "max", s.cfg.MaxUpload>>20)}
			}
			return nil, nil, &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("import.bad_upload")}
		}
	}
	var srcs []csvio.Source
	for field, fhs := range r.MultipartForm.File {
		if field == "mapping" {
			continue // a column mapping sent with the files (API), not a file to import
		}
		for _, fh := range fhs {
			fh := fh
			name := safeName(fh.Filename)
			srcs = append(srcs, csvio.Source{Name: name, Size: fh.Size, Open: func() (io.ReadCloser, error) { return fh.Open() }})
		}
	}
	values := map[string]string{}
	for k, v := range r.MultipartForm.Value {
		if len(v) > 0 {
			values[k] = v[0]
		}
	}
	if len(srcs) == 0 {
		return nil, values, cartera.FieldError("files", "import.no_upload")
	}
	return srcs, values, nil
}

// safeName reduces an uploaded file name to something safe to display.
func safeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		name = "fichero"
	}
	if len(name) > 120 {
		name = name[:120]
	}
	return name
}

// importOptions are the options of every import and preview: the
// policy's time zone and currency, the server's clock.
func (s *Server) importOptions(r *http.Request) (csvio.Options, error) {
	pol, err := s.st.Policy(r.Context())
	if err != nil {
		return csvio.Options{}, err
	}
	return csvio.Options{Location: pol.Location(), Currency: pol.Currency, Now: s.cfg.Now()}, nil
}

// runImport imports uploaded files with the CLI's rules; a mapping, when
// given, is tried on each CSV file first, as --map.
func (s *Server) runImport(r *http.Request, srcs []csvio.Source, dryRun bool, m *csvio.Mapping, sheet string) (*csvio.Report, error) {
	rep, _, err := s.runCapture(r, srcs, dryRun, m, sheet, nil)
	return rep, err
}

// runCapture imports uploaded files: tables through csvio, calendars,
// e-invoices and mailboxes through capture, in one transaction; sheet is
// the sheet of a spreadsheet to read ("" for the first); progress, when
// not nil, is told how far each file has been read.
func (s *Server) runCapture(r *http.Request, srcs []csvio.Source, dryRun bool, m *csvio.Mapping, sheet string,
	progress func(file string, done, total, rows int64)) (*csvio.Report, *capture.Report, error) {
	o, err := s.importOptions(r)
	if err != nil {
		return nil, nil, err
	}
	o.DryRun = dryRun
	o.Sheet = sheet
	if m != nil {
		o.Mappings = []*csvio.Mapping{m}
	}
	tables, caps := capture.Split(srcs)
	co := capture.Options{Now: o.Now, Location: o.Location, DryRun: dryRun}
	if progress != nil {
		o.Progress = func(p csvio.Progress) { progress(p.File, p.Done, p.Total, p.Rows) }
		co.Progress = func(p capture.Progress) { progress(p.Source, p.Done, p.Total, p.Items) }
	}
	rep, crep, err := capture.ImportWithTables(r.Context(), s.st, tables, caps, o, co)
	if err == nil && !dryRun {
		s.kick(r) // the imported clients' summaries are stale
		if rep.BroughtHistory() {
			s.refitAfterImport(r)
		}
	}
	return rep, crep, err
}

// savedMapping loads a mapping chosen by name ("" for none).
func (s *Server) savedMapping(r *http.Request, name string) (*csvio.Mapping, error) {
	if name == "" {
		return nil, nil
	}
	m, _, err := csvio.SavedMapping(r.Context(), s.st, name)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return nil, cartera.FieldError("mapping", "mapping.not_found", "name", name)
	}
	return m, err
}

// toMappingStep keeps an uploaded file and sends the person to its
// mapping step.
func (s *Server) toMappingStep(w http.ResponseWriter, r *http.Request, src csvio.Source, mapping, sheet string) error {
	it, err := s.uploads.put(stashKey(rc(r)), src.Name, src)
	if err != nil {
		return err
	}
	q := url.Values{}
	if mapping != "" {
		q.Set("mapping", mapping)
	}
	if sheet != "" {
		q.Set("sheet", sheet)
	}
	to := "/import/map/" + it.id
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// importSubmit imports the uploaded files: every problem is listed as
// file:line:column with nothing written, or a summary is shown.
func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request) error {
	srcs, values, err := s.readUpload(w, r)
	if err != nil {
		return err
	}
	defer r.MultipartForm.RemoveAll()
	dry := values["dry_run"] == "1"
	data, err := s.importData(r, values["mapping"])
	if err != nil {
		return err
	}
	if values["step"] == "map" {
		if len(srcs) != 1 {
			return s.importFormError(w, r, data, cartera.FieldError("files", "import.map_one_file"))
		}
		return s.toMappingStep(w, r, srcs[0], values["mapping"], strings.TrimSpace(values["sheet"]))
	}
	m, err := s.savedMapping(r, values["mapping"])
	if err != nil {
		return s.importFormError(w, r, data, err)
	}
	// The import runs in the background: done within ImportWait, it
	// answers here as it always did (a file cartera does not know goes to
	// its mapping step); longer, the browser is sent to its progress.
	j, err := s.startImport(r, srcs, dry, m, strings.TrimSpace(values["sheet"]))
	if err != nil {
		return err
	}
	if s.cfg.ImportWait > 0 {
		t := time.NewTimer(s.cfg.ImportWait)
		defer t.Stop()
		select {
		case <-j.done:
			return s.finish(w, r, j, values["mapping"])
		case <-t.C:
		}
	}
	http.Redirect(w, r, "/import/progress/"+j.id, http.StatusSeeOther)
	return nil
}

// importFormError shows the import page again with a problem of the
// form itself (no file, an unknown mapping).
func (s *Server) importFormError(w http.ResponseWriter, r *http.Request, d importPage, err error) error {
	if cartera.ErrorCode(err) != cartera.EINVALID {
		return err
	}
	d.Problems = []ProblemItem{{Field: fieldOf(err), Detail: rc(r).p.Msg(cartera.ErrorMessage(err))}}
	w.WriteHeader(http.StatusUnprocessableEntity)
	return s.page(w, r, "import", "import", d)
}

func problemItems(pe *csvio.ProblemsError, msg func(cartera.Message) string) []ProblemItem {
	var out []ProblemItem
	for _, p := range pe.Problems {
		out = append(out, ProblemItem{File: p.File, Line: p.Line, Column: p.Column, Detail: msg(p.Msg)})
	}
	return out
}
