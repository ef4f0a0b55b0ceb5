package main_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera/postgres/pgtest"
	"github.com/jackc/pgx/v5"
)

// newDatabase creates a database of its own on the test server (pg_dump
// and pg_restore work on whole databases) and returns its DSN.
func newDatabase(t *testing.T) string {
	t.Helper()
	server := pgtest.Server(t)
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	name := "cartera_db_" + hex.EncodeToString(b)
	exec := func(sql string) error {
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if err := exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// The PostgreSQL backup procedure of docs/operations.md: pg_dump while the
// data is there, pg_restore into a new database, and the restored
// database's export is the original's, byte for byte.
func TestPgDumpRestoreGivesTheSameExport(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed; the pg_dump procedure is not tested here", tool)
		}
	}
	original, restored := newDatabase(t), newDatabase(t)
	dir := t.TempDir()
	files := filepath.Join(dir, "demo")
	if r := runBin(t, nil, "demo", "--out", files, "--as-of", "2026-11-25"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(files, "*.csv"))
	if r := runBin(t, nil, append([]string{"import", "--db", original}, csvs...)...); r.code != 0 {
		t.Fatal(r.stderr)
	}
	dump := filepath.Join(dir, "cartera.dump")
	if out, err := exec.Command("pg_dump", "--format=custom", "--file="+dump, original).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	if out, err := exec.Command("pg_restore", "--no-owner", "--dbname="+restored, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, x := range [][2]string{{original, a}, {restored, b}} {
		if r := runBin(t, nil, "export", "--db", x[0], "--format", "csv", x[1]); r.code != 0 {
			t.Fatalf("export: %s", r.stderr)
		}
	}
	sameDirs(t, a, b)
	// The restored database is a working cartera database.
	if r := runBin(t, nil, "review", "--db", restored, "--as-of", "2026-11-25"); r.code != 0 {
		t.Errorf("review on the restored database: %s", r.stderr)
	}
}
