package web

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
)

type importPage struct {
	Report   *csvio.Report
	Problems []ProblemItem
	More     int
	DryRun   bool
	Took     string
}

// importShow is the upload form.
func (s *Server) importShow(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, "import", "import", importPage{})
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
				return nil, nil, &cartera.Error{Code: "too_large", Msg: cartera.M("import.too_large", "max", s.cfg.MaxUpload>>20)}
			}
			return nil, nil, &cartera.Error{Code: "bad_request", Msg: cartera.M("import.bad_upload")}
		}
	}
	var srcs []csvio.Source
	for _, fhs := range r.MultipartForm.File {
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

// runImport imports uploaded files with the CLI's rules.
func (s *Server) runImport(r *http.Request, srcs []csvio.Source, dryRun bool) (*csvio.Report, error) {
	pol, err := s.st.Policy(r.Context())
	if err != nil {
		return nil, err
	}
	return csvio.Import(r.Context(), s.st, srcs, csvio.Options{
		Location: pol.Location(), Currency: pol.Currency, DryRun: dryRun, Now: s.cfg.Now(),
	})
}

// importSubmit imports the uploaded files: every problem is listed as
// file:line:column with nothing written, or a summary is shown.
func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	srcs, values, err := s.readUpload(w, r)
	if err != nil {
		return err
	}
	defer r.MultipartForm.RemoveAll()
	dry := values["dry_run"] == "1"
	start := time.Now()
	rep, err := s.runImport(r, srcs, dry)
	data := importPage{Report: rep, DryRun: dry, Took: time.Since(start).Round(10 * time.Millisecond).String()}
	var pe *csvio.ProblemsError
	if errors.As(err, &pe) {
		s.metrics.imports("rejected", 0)
		data.Report = nil
		data.Problems, data.More = problemItems(pe, c.p.Msg), pe.More
		w.WriteHeader(http.StatusUnprocessableEntity)
		return s.page(w, r, "import", "import", data)
	}
	if err != nil {
		return err
	}
	if !dry {
		s.metrics.imports("committed", rep.Rows)
	}
	return s.page(w, r, "import", "import", data)
}

func problemItems(pe *csvio.ProblemsError, msg func(cartera.Message) string) []ProblemItem {
	var out []ProblemItem
	for _, p := range pe.Problems {
		out = append(out, ProblemItem{File: p.File, Line: p.Line, Column: p.Column, Detail: msg(p.Msg)})
	}
	return out
}
