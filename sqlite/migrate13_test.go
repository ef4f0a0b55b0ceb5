package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

// TestMigration13KeepsMailMessages builds a store at schema 12 with mail
// messages and a confirmed candidate, opens it (migration 13 rebuilds
// mail_messages keyed by client), and checks that every message is
// there as it was, that the rebuilt table still follows its client and
// contact, and that the queries a mail import makes read the new keys.
func TestMigration13KeepsMailMessages(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", dsn(path, false, 2048))
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := old.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL DEFAULT (unixepoch()))`)
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	sort.Strings(names)
	for _, name := range names {
		v, _ := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if v > 12 {
			break
		}
		body, _ := migrationFS.ReadFile(name)
		exec(string(body))
		exec(`INSERT INTO schema_migrations (version) VALUES (?)`, v)
	}
	exec(`INSERT INTO clients (id, name, name_key, currency) VALUES ('C1', 'Uno', 'uno', 'EUR'), ('C2', 'Dos', 'dos', 'EUR')`)
	exec(`INSERT INTO contacts (id, client_id, name) VALUES ('P1', 'C1', 'Pilar'), ('P2', 'C2', 'Pablo')`)
	exec(`INSERT INTO candidates (id, client_id, contact_id, at, kind, reason) VALUES ('c1', 'C1', 'P1', 300, 'out_of_hours', 'k')`)
	exec(`INSERT INTO mail_messages (id, client_id, contact_id, at, outbound, key, reply_to) VALUES
		('m1', 'C1', NULL, 100, 1, 'k1', ''), ('m2', 'C1', 'P1', 200, 0, 'k2', 'k1'), ('m3', 'C2', 'P2', 150, 0, 'k3', '')`)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, path, cartera.FixedClock(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got []string
	each := func() []string {
		got = got[:0]
		if err := db.EachMailMessage(ctx, []string{"C1", "C2"}, func(m cartera.MailMessage) error {
			got = append(got, m.ID+"/"+m.ClientID+"/"+m.ContactID+"/"+strconv.FormatInt(m.At.Unix(), 10)+"/"+m.Key+"/"+m.ReplyTo)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if s := strings.Join(each(), " "); s != "m1/C1//100/k1/ m2/C1/P1/200/k2/k1 m3/C2/P2/150/k3/" {
		t.Fatalf("after migration: %s", s)
	}
	// The contact's key still clears it from its messages; the client's
	// still takes them with it.
	for _, q := range []string{`DELETE FROM contacts WHERE id IN ('P1', 'P2')`, `DELETE FROM clients WHERE id = 'C2'`} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if s := strings.Join(each(), " "); s != "m1/C1//100/k1/ m2/C1//200/k2/k1" {
		t.Fatalf("after deleting the contacts and C2: %s", s)
	}
	if c, err := db.Candidate(ctx, "c1"); err != nil || c.ContactID != "" {
		t.Fatalf("the candidate after deleting its contact: %+v %v", c, err)
	}
	// Their foreign keys are checked at commit: a message or a candidate
	// of no client is refused there, and nothing of its transaction stays.
	for _, q := range []string{
		`INSERT INTO mail_messages (id, client_id, at, outbound, key) VALUES ('m9', 'C9', 1, 0, 'k9')`,
		`INSERT INTO candidates (id, client_id, at, kind, reason) VALUES ('c9', 'C9', 1, 'out_of_hours', 'k')`,
	} {
		tx, err := db.w.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: refused at once (%v), not at commit", q, err)
		}
		if err := tx.Commit(); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
			t.Fatalf("%s: commit gave %v, want a foreign key failure", q, err)
		}
		tx.Rollback()
	}
	if s := strings.Join(each(), " "); s != "m1/C1//100/k1/ m2/C1//200/k2/k1" {
		t.Fatalf("after the refused commits: %s", s)
	}
	// A client's messages are read by the table's key, and a confirmed
	// candidate's incident still has its index.
	for q, want := range map[string]string{
		`SELECT id FROM mail_messages WHERE client_id IN ('C1') ORDER BY client_id, at, id`: "PRIMARY KEY",
		`SELECT id FROM candidates WHERE incident_id = 'x'`:                                 "candidates_incident",
	} {
		if plan := queryPlan(t, db.w, q); !strings.Contains(plan, want) {
			t.Errorf("%s: plan %q does not use %s", q, plan, want)
		}
	}
}
