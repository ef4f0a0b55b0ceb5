package web

import (
	"net/http"
	"strings"
	"testing"
)

// An import longer than the page waits for shows its progress, file by
// file, on a page that reloads itself; when it is done, the same address
// shows the result once. Only the session that started it sees it.
func TestLongImportShowsItsProgress(t *testing.T) {
	f := newFixture(t)
	m := f.signIn("manager")
	csrf := m.csrf("/import")

	// A real upload that the page does not wait for: sent to its progress,
	// which, once the import is done, shows the result with the rows read
	// by file, and is gone after that.
	f.srv.cfg.ImportWait = -1
	res, _ := m.pageUpload(csrf, map[string]string{"clientes.csv": "id;nombre;moneda\nC-900;Nuevo;EUR\nC-901;Otro;EUR\n"}, nil)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/import/progress/") {
		t.Fatalf("not sent to the progress: %d %q", res.StatusCode, loc)
	}
	job := jobByID(f.srv, strings.TrimPrefix(loc, "/import/progress/"))
	if job == nil {
		t.Fatal("no job")
	}
	key := job.key
	<-job.done
	if p := job.snapshot(); len(p) != 1 || p[0].Rows != 2 || p[0].Percent() != 100 {
		t.Errorf("progress at the end: %+v", p)
	}
	res, page := m.get(loc)
	if res.StatusCode != 200 || !strings.Contains(page, "2 filas") || strings.Contains(page, "http-equiv") {
		t.Fatalf("result: %d\n%s", res.StatusCode, page)
	}
	if _, err := f.st.Client(bg, "C-901"); err != nil {
		t.Errorf("not imported: %v", err)
	}
	if res, _ := m.get(loc); res.StatusCode != http.StatusNotFound {
		t.Errorf("the result is shown once: %d", res.StatusCode)
	}

	// Problems come back as they do without the wait: listed, nothing
	// written, 422.
	res, _ = m.pageUpload(csrf, map[string]string{"clientes.csv": "id;nombre;moneda\nC-902;Malo;XXX\n"}, nil)
	loc = res.Header.Get("Location")
	job = jobByID(f.srv, strings.TrimPrefix(loc, "/import/progress/"))
	<-job.done
	res, page = m.get(loc)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "clientes.csv:2:3") {
		t.Errorf("problems: %d\n%s", res.StatusCode, page)
	}

	// While it runs: the rows read so far, by file, as the progress
	// callbacks leave them.
	j := &importJob{id: newToken(""), key: key, done: make(chan struct{}),
		files: []fileProgress{{Name: "horas.csv", Total: 1000}, {Name: "correo.mbox", Total: 4000}}}
	f.srv.imports.add(j)
	j.progress("horas.csv", 1000, 1000, 52340)
	j.progress("correo.mbox", 1000, 4000, 812)
	res, page = m.get("/import/progress/" + j.id)
	if res.StatusCode != 200 || !strings.Contains(page, `<meta http-equiv="refresh" content="2">`) || !strings.Contains(page, "Importando") {
		t.Fatalf("progress page: %d\n%s", res.StatusCode, page)
	}
	for _, want := range []string{"horas.csv", "52.340", `value="100"`, "correo.mbox", "812", `value="25"`} {
		if !strings.Contains(page, want) {
			t.Errorf("progress lacks %q", want)
		}
	}
	if res, _ := f.signIn("owner").get("/import/progress/" + j.id); res.StatusCode != http.StatusNotFound {
		t.Errorf("someone else's import: %d", res.StatusCode)
	}

}

// jobByID finds an import by id, whoever started it.
func jobByID(s *Server, id string) *importJob {
	s.imports.mu.Lock()
	defer s.imports.mu.Unlock()
	return s.imports.m[id]
}
