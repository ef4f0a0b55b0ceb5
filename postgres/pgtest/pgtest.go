// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema on the server named by CARTERA_TEST_POSTGRES, dropped when the
// test ends, so that tests run in parallel on one database. Without that
// variable the test is skipped, with a message saying so.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Env names the variable holding the test server's DSN, for example
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const Env = "CARTERA_TEST_POSTGRES"

// Server returns the test server's DSN, or skips the test.
func Server(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" {
		t.Skip(Env + " is not set; PostgreSQL store tests skipped")
	}
	return dsn
}

// DSN creates a schema for the test and returns a DSN whose connections
// use it (through options=-c search_path=…); pgx parameters in extra (such
// as pool_max_conns) are added to it.
func DSN(t testing.TB, extra ...string) string {
	t.Helper()
	dsn := Server(t)
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "cartera_t_" + hex.EncodeToString(b)
	exec := func(sql string) error {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create a test schema on %s: %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("options", "-c search_path="+schema)
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20") // pgx reads + literally
	return u.String()
}
