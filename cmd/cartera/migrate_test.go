package main_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartera/cartera/postgres/pgtest"
)

// migrate-store moves a database with everything in it — records, users
// and their keys, settings, the playbooks' work — into an empty one, says
// it checked the result, refuses to merge into a database with data, and
// the move leaves both exports identical.
func TestMigrateStoreMovesEverything(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "solo.db")
	must := func(args ...string) string {
		t.Helper()
		r := runBin(t, nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		return r.stdout
	}
	files := filepath.Join(dir, "demo")
	must("demo", "--out", files, "--as-of", "2026-11-25")
	csvs, _ := filepath.Glob(filepath.Join(files, "*.csv"))
	must(append([]string{"import", "--db", src}, csvs...)...)
	cmd := exec.Command(binary, "users", "add", "dueña@example.com", "--role", "owner", "--db", src)
	cmd.Stdin = strings.NewReader("una-clave-larga-1\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	must("users", "token", "dueña@example.com", "--db", src)
	must("deal", "add", "--id", "D-X", "--title", "Web nueva", "--prospect", "Hotel Sol", "--seller", "Lucía", "--value", "9000",
		"--stage", "proposal", "--as-of", "2026-11-10", "--db", src)
	must("lost", "D-X", "--reason", "precio", "--as-of", "2026-11-18", "--db", src)
	must("debrief", "D-X", "--happened", "Pesó el precio", "--lesson", "Mejorar la gestión del seguimiento", "--as-of", "2026-11-23",
		"--db", src)
	must("referrals", "add", "--service", "diseño web", "--name", "Estudio Alba", "--email", "hola@alba.example", "--db", src)
	must("holidays", "add", "2026-12-08", "--name", "Inmaculada", "--db", src)
	must("policy", "set", "max_days_late=45", "--db", src)

	dst := filepath.Join(dir, "equipo.db")
	out := must("migrate-store", "--from", src, "--to", dst)
	if !strings.Contains(out, "Comprobado") || !strings.Contains(out, "oportunidades:") {
		t.Errorf("migrate-store:\n%s", out)
	}
	// What the move carried works on the other side.
	if out := must("lessons", "search", "gestion", "--db", dst); !strings.Contains(out, "gestión del seguimiento") {
		t.Errorf("lessons after the move:\n%s", out)
	}
	if out := must("users", "list", "--db", dst); !strings.Contains(out, "dueña@example.com") {
		t.Errorf("users after the move:\n%s", out)
	}
	if out := must("policy", "show", "--db", dst, "--format", "json"); !strings.Contains(out, `"max_days_late": 45`) {
		t.Errorf("policy after the move:\n%s", out)
	}
	if out := must("referrals", "--db", dst); !strings.Contains(out, "Estudio Alba") {
		t.Errorf("referrals after the move:\n%s", out)
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	must("export", "--db", src, "--format", "csv", a)
	must("export", "--db", dst, "--format", "csv", b)
	sameDirs(t, a, b)

	// And back, into a new file.
	back := filepath.Join(dir, "vuelta.db")
	must("migrate-store", "--from", dst, "--to", back, "--lang", "en")

	// Through PostgreSQL: a solo user's file into a team server and back.
	t.Run("PostgreSQL", func(t *testing.T) {
		team := pgtest.DSN(t)
		if out := must("migrate-store", "--from", src, "--to", team); !strings.Contains(out, "Comprobado") {
			t.Errorf("into PostgreSQL:\n%s", out)
		}
		if out := must("lessons", "search", "gestion", "--db", team); !strings.Contains(out, "gestión del seguimiento") {
			t.Errorf("lessons on PostgreSQL:\n%s", out)
		}
		if r := runBin(t, nil, "migrate-store", "--from", src, "--to", team); r.code == 0 || !strings.Contains(r.stderr, "no está vacío") {
			t.Errorf("into a PostgreSQL database with data: exit %d %s", r.code, r.stderr)
		}
		home := filepath.Join(t.TempDir(), "casa.db")
		must("migrate-store", "--from", team, "--to", home)
		p, h := filepath.Join(t.TempDir(), "p"), filepath.Join(t.TempDir(), "h")
		must("export", "--db", team, "--format", "csv", p)
		must("export", "--db", home, "--format", "csv", h)
		sameDirs(t, a, p)
		sameDirs(t, a, h)
	})

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate-store", "--from", src, "--to", dst}, "no está vacío"},
		{[]string{"migrate-store", "--from", filepath.Join(dir, "nada.db"), "--to", filepath.Join(dir, "x.db")}, "No existe"},
		{[]string{"migrate-store", "--from", src, "--to", src}, "misma base de datos"},
		{[]string{"migrate-store", "--from", src}, "Uso: cartera migrate-store"},
	} {
		r := runBin(t, nil, tc.args...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "panic") {
			t.Errorf("%v: exit %d, want %q in\n%s", tc.args, r.code, tc.want, r.stderr)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "x.db*")); len(m) != 0 {
		t.Errorf("a failed move left files behind: %v", m)
	}
	// The refused move changed nothing.
	c := filepath.Join(dir, "c")
	must("export", "--db", dst, "--format", "csv", c)
	sameDirs(t, a, c)
}
