package main_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartera/cartera/postgres/pgtest"
)

// The demo imported into PostgreSQL with the real binary reviews, forecasts
// and exports exactly as it does from SQLite.
func TestPostgresGivesTheSameReportsAsSQLite(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	files := filepath.Join(dir, "demo")
	if r := runBin(t, nil, "demo", "--out", files, "--as-of", "2026-11-25"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(files, "*.csv"))
	lite := filepath.Join(dir, "c.db")
	for _, db := range []string{lite, dsn} {
		if r := runBin(t, nil, append([]string{"import", "--db", db}, csvs...)...); r.code != 0 {
			t.Fatalf("import into %s: %s", db, r.stderr)
		}
	}
	for _, args := range [][]string{
		{"review", "--as-of", "2026-11-25", "--lang", "en"},
		{"review", "--as-of", "2026-11-25", "--format", "json"},
		{"review", "--as-of", "2026-05-25", "--lang", "en"}, // another day: the facts cache follows
		{"forecast", "--as-of", "2026-11-25", "--lang", "en"},
		{"deals", "--as-of", "2026-11-25"},
	} {
		want := runBin(t, nil, append(args, "--db", lite)...)
		// The database may also come from the environment.
		got := runBin(t, []string{"CARTERA_DB=" + dsn}, args...)
		if want.code != 0 || got.code != 0 {
			t.Fatalf("%v: exit %d/%d\n%s\n%s", args, want.code, got.code, want.stderr, got.stderr)
		}
		if got.stdout != want.stdout {
			t.Errorf("%v differs between SQLite and PostgreSQL:\n--- sqlite\n%s\n--- postgres\n%s", args, want.stdout, got.stdout)
		}
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, x := range [][2]string{{lite, a}, {dsn, b}} {
		if r := runBin(t, nil, "export", "--db", x[0], "--format", "csv", x[1]); r.code != 0 {
			t.Fatalf("export %s: %s", x[0], r.stderr)
		}
	}
	sameDirs(t, a, b)
	// Re-importing the same files changes nothing, as with SQLite.
	if r := runBin(t, nil, append([]string{"import", "--db", dsn}, csvs...)...); r.code != 0 {
		t.Fatalf("re-import: %s", r.stderr)
	}
	if r := runBin(t, nil, "export", "--db", dsn, "--format", "csv", filepath.Join(dir, "c")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	sameDirs(t, a, filepath.Join(dir, "c"))
}

// Backups of a PostgreSQL database are PostgreSQL's tools' job: the
// commands say so in the user's language instead of failing obscurely.
func TestBackupOfPostgresPointsToPgDump(t *testing.T) {
	t.Parallel()
	dsn := "postgres://nobody@127.0.0.1:1/none"
	for _, tc := range []struct{ lang, cmd, want string }{
		{"en", "backup", "pg_dump"}, {"es", "backup", "pg_dump"},
		{"en", "restore", "pg_restore"}, {"es", "restore", "pg_restore"},
	} {
		r := runBin(t, nil, tc.cmd, "copia.dump", "--db", dsn, "--lang", tc.lang)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "docs/operations.md") ||
			strings.Contains(r.stderr, "goroutine") {
			t.Errorf("%s %s: exit %d %q", tc.lang, tc.cmd, r.code, r.stderr)
		}
	}
	// An unreachable server is a clear message too, not a stack trace.
	r := runBin(t, nil, "review", "--db", dsn, "--lang", "en")
	if r.code == 0 || !strings.Contains(r.stderr, "PostgreSQL") || strings.Contains(r.stderr, "goroutine") {
		t.Errorf("unreachable server: exit %d %q", r.code, r.stderr)
	}
}

// Mail, a calendar and e-invoices imported into PostgreSQL with the real
// binary — the mailbox written while it is read, in the import's
// transaction — give the same report, the same candidates and the same
// re-import as SQLite.
func TestPostgresCapturesMailAsSQLite(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	env := []string{"CARTERA_NOW=2026-11-25T12:00:00Z"}
	c := func(f string) string { return testdata("capture", f) }
	lite := filepath.Join(t.TempDir(), "c.db")
	mail := []string{"import", "--format", "json", c("correo.mbox"), c("maildir"), c("agenda.ics"), c("ubl-F-2026-042.xml")}
	outputs := map[string][]string{}
	for _, db := range []string{lite, dsn} {
		for _, args := range [][]string{
			{"import", "--format", "json", c("clientes.csv"), c("contactos.csv"), c("oportunidades.csv")},
			{"match", "self", "domain", "agencia.example"},
			mail,
			mail, // again: nothing new
			{"candidates", "--format", "json"},
		} {
			r := runBin(t, env, append(args, "--db", db)...)
			if r.code != 0 {
				t.Fatalf("%v into %s: exit %d\n%s", args, db, r.code, r.stderr)
			}
			outputs[db] = append(outputs[db], r.stdout)
		}
	}
	for i, want := range outputs[lite] {
		if got := outputs[dsn][i]; got != want {
			t.Errorf("step %d differs between SQLite and PostgreSQL:\n--- sqlite\n%s\n--- postgres\n%s", i, want, got)
		}
	}
	newCandidates := func(out string) int {
		var rep struct {
			Capture struct {
				Mail struct {
					NewCandidates []json.RawMessage `json:"new_candidates"`
				} `json:"mail"`
			} `json:"capture"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v in\n%s", err, out)
		}
		return len(rep.Capture.Mail.NewCandidates)
	}
	if first, again := newCandidates(outputs[dsn][2]), newCandidates(outputs[dsn][3]); first != 2 || again != 0 {
		t.Errorf("new candidates: %d at first, %d again; want 2 and 0", first, again)
	}
}
