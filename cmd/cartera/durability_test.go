package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/postgres"
	"github.com/cartera/cartera/postgres/pgtest"
	"github.com/cartera/cartera/sqlite"
	"github.com/jackc/pgx/v5"
)

// Nothing is lost: a backup restores to the same data, an import killed
// half-way leaves none of itself behind, and every write the API confirmed
// survives the process being killed.

func TestBackupRestoreGivesTheSameExport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	files := filepath.Join(dir, "demo")
	if r := runBin(t, nil, "demo", "--out", files, "--as-of", "2026-11-25"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(files, "*.csv"))
	if r := runBin(t, nil, append([]string{"import", "--db", db}, csvs...)...); r.code != 0 {
		t.Fatal(r.stderr)
	}
	copyFile := filepath.Join(dir, "copia.db")
	if r := runBin(t, nil, "backup", copyFile, "--db", db); r.code != 0 || !strings.Contains(r.stdout, "cartera restore") {
		t.Fatalf("backup: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	restored := filepath.Join(dir, "restored.db")
	if r := runBin(t, nil, "restore", copyFile, "--db", restored); r.code != 0 {
		t.Fatalf("restore: %s", r.stderr)
	}
	// Restoring over data needs --force.
	if r := runBin(t, nil, "restore", copyFile, "--db", restored, "--lang", "en"); r.code != 1 || !strings.Contains(r.stderr, "--force") {
		t.Errorf("restore over data: exit %d %q", r.code, r.stderr)
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, x := range [][2]string{{db, a}, {restored, b}} {
		if r := runBin(t, nil, "export", "--db", x[0], "--format", "csv", x[1]); r.code != 0 {
			t.Fatalf("export %s: %s", x[0], r.stderr)
		}
	}
	sameDirs(t, a, b)
}

// sameDirs fails unless two directories hold the same files, byte for byte.
func sameDirs(t *testing.T, a, b string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(a, "*"))
	if len(names) == 0 {
		t.Fatalf("%s is empty", a)
	}
	for _, n := range names {
		x, _ := os.ReadFile(n)
		y, err := os.ReadFile(filepath.Join(b, filepath.Base(n)))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs after backup and restore", filepath.Base(n))
		}
	}
}

// openCheck opens a database the way cartera does and checks it is whole.
func openCheck(t *testing.T, path string) cartera.Counts {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path, testClock)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatalf("after the kill: %v", err)
	}
	n, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// killStore is one backend for the killed-import test: where its database
// is, how to tell that an import is well under way, and what it holds.
type killStore struct {
	name     string
	db       func(t *testing.T, dir string) string
	underWay func(t *testing.T, db string) bool
	check    func(t *testing.T, db string) cartera.Counts
}

var killStores = []killStore{
	{
		name: "sqlite",
		db:   func(t *testing.T, dir string) string { return filepath.Join(dir, "c.db") },
		// Its transaction has written a good part: the WAL grows.
		underWay: func(t *testing.T, db string) bool {
			fi, err := os.Stat(db + "-wal")
			return err == nil && fi.Size() > 8<<20
		},
		check: openCheck,
	},
	{
		// On PostgreSQL the killed import must be entirely absent (its
		// transaction never committed), and every constraint must hold.
		name: "postgres",
		db: func(t *testing.T, dir string) string {
			return pgtest.DSN(t, "application_name", "cartera_kill_"+filepath.Base(dir))
		},
		// Its session is copying or writing the time entries, well after
		// the clients, contacts and invoices.
		underWay: func(t *testing.T, db string) bool {
			u, _ := url.Parse(db)
			conn, err := pgx.Connect(context.Background(), pgtest.Server(t))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			var n int
			conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
				WHERE application_name = $1 AND query ILIKE '%time_entries%'`, u.Query().Get("application_name")).Scan(&n)
			return n > 0
		},
		check: pgCheck,
	},
}

// pgCheck opens a PostgreSQL store, checks that no import was left half
// done and that references are whole, and counts its records.
func pgCheck(t *testing.T, dsn string) cartera.Counts {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn, testClock)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer st.Close()
	var unfinished, orphans int
	if err := st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM imports WHERE finished IS NULL),
		(SELECT count(*) FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = i.client_id))
		+ (SELECT count(*) FROM time_entries e WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = e.client_id))
		+ (SELECT count(*) FROM signals s WHERE NOT EXISTS (SELECT 1 FROM deals d WHERE d.id = s.deal_id))`).Scan(&unfinished, &orphans); err != nil {
		t.Fatal(err)
	}
	if unfinished != 0 || orphans != 0 {
		t.Fatalf("after the kill: %d unfinished imports, %d dangling references", unfinished, orphans)
	}
	n, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportKilledHalfWayLeavesNothing(t *testing.T) {
	t.Parallel()
	files := t.TempDir()
	small, big := filepath.Join(files, "small"), filepath.Join(files, "big")
	if r := runBin(t, nil, "demo", "--out", small, "--as-of", "2026-11-25"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := runBin(t, nil, "demo", "--out", big, "--clients", "3000", "--events", "700000", "--deals", "10000", "--as-of", "2026-11-25"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	smallFiles, _ := filepath.Glob(filepath.Join(small, "*.csv"))
	bigFiles, _ := filepath.Glob(filepath.Join(big, "*.csv"))
	for _, store := range killStores {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			db := store.db(t, dir)
			if r := runBin(t, nil, append([]string{"import", "--db", db}, smallFiles...)...); r.code != 0 {
				t.Fatal(r.stderr)
			}
			before := store.check(t, db)

			// The big import writes a different portfolio over the same
			// ids; kill it once it is well under way.
			cmd := exec.Command(binary, append([]string{"import", "--db", db}, bigFiles...)...)
			cmd.Env = baseEnv(dir)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			deadline := time.Now().Add(60 * time.Second)
			for time.Now().Before(deadline) && !store.underWay(t, db) {
				select {
				case err := <-done:
					t.Fatalf("the import finished before it could be killed (%v): make the data bigger", err)
				case <-time.After(20 * time.Millisecond):
				}
			}
			cmd.Process.Signal(syscall.SIGKILL)
			<-done

			after := store.check(t, db)
			for _, e := range cartera.Entities {
				if after[e] != before[e] {
					t.Errorf("%s: %d records before, %d after the killed import", e, before[e], after[e])
				}
			}
			// And the same import then runs to the end.
			if r := runBin(t, nil, append([]string{"import", "--db", db}, bigFiles...)...); r.code != 0 {
				t.Fatalf("import after the kill: %s", r.stderr)
			}
			if n := store.check(t, db); n[cartera.EntityClients] != 3000 {
				t.Errorf("clients after the full import: %d", n[cartera.EntityClients])
			}
		})
	}
}

func TestAPIWritesSurviveAKill(t *testing.T) {
	t.Parallel()
	for _, store := range killStores {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			apiWritesSurviveAKill(t, dir, store.db(t, dir), store.check)
		})
	}
}

// apiWritesSurviveAKill kills a server taking writes from eight clients,
// then checks the database is whole and holds every write it confirmed.
func apiWritesSurviveAKill(t *testing.T, dir, db string, check func(t *testing.T, db string) cartera.Counts) {
	cmd := exec.Command(binary, "users", "add", "dueña@example.com", "--role", "owner", "--db", db)
	cmd.Stdin = strings.NewReader("una-clave-larga-1\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	r := runBin(t, nil, "users", "token", "dueña@example.com", "--db", db)
	lines := strings.Fields(strings.TrimSpace(r.stdout))
	token := lines[len(lines)-1]
	port := freePort(t)
	srv := exec.Command(binary, "serve", "--db", db, "--addr", fmt.Sprintf("127.0.0.1:%d", port))
	srv.Env = baseEnv(dir)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			break
		}
		if i > 200 {
			t.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	post := func(path string, body any) (int, error) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
	if code, err := post("/api/v1/clients", map[string]any{"id": "C1", "name": "Talleres Ruiz", "currency": "EUR"}); err != nil || code != 201 {
		t.Fatalf("client: %d %v", code, err)
	}
	// Eight writers record incidents until the server is killed; every
	// 201 is a promise that the incident is stored.
	var mu sync.Mutex
	var confirmed []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("I-%d-%05d", w, i)
				code, err := post("/api/v1/incidents", map[string]any{"id": id, "client_id": "C1",
					"at": "2026-11-20T10:00:00Z", "kind": "yelling", "severity": 2})
				if err != nil {
					return // the server is gone
				}
				if code == 201 {
					mu.Lock()
					confirmed = append(confirmed, id)
					mu.Unlock()
				}
			}
		}(w)
	}
	time.Sleep(1500 * time.Millisecond)
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	close(stop)
	wg.Wait()
	if len(confirmed) < 10 {
		t.Fatalf("only %d writes confirmed before the kill", len(confirmed))
	}
	check(t, db)
	st, done, err := openStoreAt(db)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	for _, id := range confirmed {
		if _, err := st.Incident(context.Background(), id); err != nil {
			t.Errorf("incident %s was confirmed (201) and is gone after the kill: %v", id, err)
		}
	}
}

// openStoreAt opens either store, as cartera does.
func openStoreAt(db string) (cartera.Store, func(), error) {
	if postgres.IsDSN(db) {
		st, err := postgres.Open(context.Background(), db, testClock)
		if err != nil {
			return nil, nil, err
		}
		return st, func() { st.Close() }, nil
	}
	st, err := sqlite.Open(context.Background(), db, testClock)
	if err != nil {
		return nil, nil, err
	}
	return st, func() { st.Close() }, nil
}
