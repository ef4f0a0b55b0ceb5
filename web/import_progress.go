package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cartera/cartera/csvio"
)

// A long import shows its progress instead of a silent wait. The import
// page runs every import in the background and waits for it a moment
// (Config.ImportWait): an import done by then answers as it always did;
// a longer one sends the browser to /import/progress/{id}, a plain page
// that lists, file by file, the rows read so far and reloads itself every
// two seconds (a refresh meta tag: no JavaScript) until it shows the
// import page with the result. The uploaded files are copied to a private
// folder first, because the request's own copies go when it ends.
//
// A running import belongs to the session that started it, as a file
// waiting for its mapping step does; its result is shown once and then
// forgotten, and one never looked at is forgotten UploadTTL after it ends.

// importJobs are the imports of the server, by id.
type importJobs struct {
	mu sync.Mutex
	m  map[string]*importJob
}

// importJob is one import running (or finished) in the background.
type importJob struct {
	id, key string
	dir     string // the copies of the uploaded files, removed when it is forgotten
	srcs    []csvio.Source
	// sheet and mapping are the form's, for a mapping step afterwards.
	sheet, mapping string
	done           chan struct{}
	mu             sync.Mutex
	files          []fileProgress
	// What the import page shows when it is done, with its status.
	data   importPage
	status int
	err    error
	ended  time.Time
}

// fileProgress is how far the import has read one file.
type fileProgress struct {
	Name        string
	Rows        int64 // rows, messages, events or invoices read so far
	Done, Total int64 // bytes
}

// Percent is how much of the file has been read, 0–100.
func (f fileProgress) Percent() int64 {
	if f.Total <= 0 {
		return 0
	}
	return min(100, f.Done*100/f.Total)
}

// progressPage is what /import/progress/{id} shows while the import runs.
type progressPage struct {
	ID    string
	Files []fileProgress
}

// progress records how far a file has been read.
func (j *importJob) progress(name string, done, total, rows int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := range j.files {
		if j.files[i].Name == name || strings.HasPrefix(name, j.files[i].Name+":") { // file:sheet
			j.files[i].Done, j.files[i].Total, j.files[i].Rows = done, total, rows
			return
		}
	}
}

// snapshot copies the progress for a page.
func (j *importJob) snapshot() []fileProgress {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]fileProgress(nil), j.files...)
}

// startImport copies the uploaded files and starts importing them in the
// background, with the import page's rules (runCapture).
func (s *Server) startImport(r *http.Request, srcs []csvio.Source, dry bool, m *csvio.Mapping, sheet string) (*importJob, error) {
	dir, err := os.MkdirTemp(s.cfg.UploadDir, "cartera-import-")
	if err != nil {
		return nil, err
	}
	j := &importJob{id: newToken(""), key: stashKey(rc(r)), dir: dir, done: make(chan struct{}), sheet: sheet}
	if m != nil {
		j.mapping = m.Name
	}
	copies := make([]csvio.Source, len(srcs))
	for i, src := range srcs {
		path := filepath.Join(dir, newToken(""))
		if err := copySource(src, path); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c := csvio.FileSource(path)
		c.Name = src.Name
		copies[i] = c
		j.files = append(j.files, fileProgress{Name: src.Name, Total: c.Size})
	}
	data, err := s.importData(r, j.mapping)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.imports.add(j)
	// The import outlives the request that started it: the request's
	// values (user, language, clock reading) stay, its cancellation not.
	ctx := context.WithoutCancel(r.Context())
	br := r.Clone(ctx)
	start := time.Now() // how long it took, shown under its report: the wall clock, not the app's
	j.srcs = copies
	go func() {
		defer close(j.done)
		rep, crep, err := s.runCapture(br, copies, dry, m, sheet, j.progress)
		j.mu.Lock()
		defer j.mu.Unlock()
		data.Report, data.Capture, data.DryRun = rep, crep, dry
		data.Took = time.Since(start).Round(10 * time.Millisecond).String()
		j.data, j.status, j.err, j.ended = data, http.StatusOK, err, s.cfg.Now()
	}()
	return j, nil
}

// copySource copies an uploaded file to path.
func copySource(src csvio.Source, path string) error {
	in, err := src.Open()
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// finish renders a finished import as the import page does (a single
// file cartera does not recognise goes to its mapping step), and forgets
// it.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, j *importJob, mapping string) error {
	s.imports.remove(j.id)
	defer os.RemoveAll(j.dir)
	j.mu.Lock()
	data, err := j.data, j.err
	j.mu.Unlock()
	if len(j.srcs) == 1 && csvio.IsUnrecognised(err) {
		return s.toMappingStep(w, r, j.srcs[0], mapping, j.sheet)
	}
	var pe *csvio.ProblemsError
	if errors.As(err, &pe) {
		s.metrics.imports("rejected", 0)
		data.Report, data.Capture = nil, nil
		data.Problems, data.More = problemItems(pe, rc(r).p.Msg), pe.More
		w.WriteHeader(http.StatusUnprocessableEntity)
		return s.page(w, r, "import", "import", data)
	}
	if err != nil {
		return err
	}
	if !data.DryRun {
		s.metrics.imports("committed", data.Report.Rows)
	}
	return s.page(w, r, "import", "import", data)
}

// importProgress shows a running import's progress, or its result.
func (s *Server) importProgress(w http.ResponseWriter, r *http.Request) error {
	j := s.imports.get(stashKey(rc(r)), r.PathValue("id"), s.cfg.Now(), s.cfg.UploadTTL)
	if j == nil {
		return errStashGone
	}
	select {
	case <-j.done:
		return s.finish(w, r, j, j.mapping)
	default:
	}
	w.Header().Set("Cache-Control", "no-store")
	d := s.pageData(r, "import", progressPage{ID: j.id, Files: j.snapshot()})
	d.Refresh = 2
	return s.pages.render(w, "import_progress", d)
}

func (js *importJobs) add(j *importJob) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.m == nil {
		js.m = map[string]*importJob{}
	}
	js.m[j.id] = j
}

func (js *importJobs) remove(id string) {
	js.mu.Lock()
	defer js.mu.Unlock()
	delete(js.m, id)
}

// get returns a session's import, after forgetting those whose result
// nobody came back for within ttl.
func (js *importJobs) get(key, id string, now time.Time, ttl time.Duration) *importJob {
	js.mu.Lock()
	defer js.mu.Unlock()
	for k, j := range js.m {
		j.mu.Lock()
		old := !j.ended.IsZero() && now.Sub(j.ended) > ttl
		j.mu.Unlock()
		if old {
			delete(js.m, k)
			os.RemoveAll(j.dir)
		}
	}
	j, ok := js.m[id]
	if !ok || j.key != key {
		return nil
	}
	return j
}

// removeAll deletes the copies of every import's files: the server stops
// (an import still reading them fails, all or nothing as ever).
func (js *importJobs) removeAll() {
	js.mu.Lock()
	defer js.mu.Unlock()
	for id, j := range js.m {
		os.RemoveAll(j.dir)
		delete(js.m, id)
	}
}
