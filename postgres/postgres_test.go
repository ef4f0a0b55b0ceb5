package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/postgres"
	"github.com/cartera/cartera/storetest"
	"github.com/jackc/pgx/v5"
)

// testDSN returns the server the tests run against, or skips the test.
func testDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("CARTERA_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CARTERA_TEST_POSTGRES is not set; PostgreSQL store tests skipped")
	}
	return dsn
}

// schemaDSN creates a schema of its own for one test, dropped when the test
// ends, and returns a DSN whose connections use it: tests run in parallel
// on one database without seeing each other.
func schemaDSN(t *testing.T) string {
	t.Helper()
	dsn := testDSN(t)
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "cartera_t_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", dsn, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("options", "-c search_path="+schema)
	q.Set("pool_max_conns", "4")
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20") // pgx reads + literally
	return u.String()
}

func open(t *testing.T) cartera.Store {
	t.Helper()
	db, err := postgres.Open(context.Background(), schemaDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestContract(t *testing.T) {
	testDSN(t)
	storetest.Run(t, open)
}
