package capture_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/sqlite"
)

// BenchmarkImportMbox imports the mailbox bench/mboxgen writes (its folder
// in CARTERA_BENCH_MAIL) into a store with its clients and contacts: into
// one that has none of its messages yet (first: a copy of that store made
// before each run, not timed), and into one that has them all (again:
// a re-import, which writes nothing).
func BenchmarkImportMbox(b *testing.B) {
	dir := os.Getenv("CARTERA_BENCH_MAIL")
	if dir == "" {
		b.Skip("CARTERA_BENCH_MAIL is not set")
	}
	tmp := b.TempDir()
	fresh := filepath.Join(tmp, "fresh.db")
	st, err := sqlite.Open(ctx, fresh, cartera.FixedClock(now))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := csvio.Import(ctx, st, []csvio.Source{csvio.FileSource(filepath.Join(dir, "clientes.csv")),
		csvio.FileSource(filepath.Join(dir, "contactos.csv"))}, csvio.Options{Now: now, Location: madrid}); err != nil {
		b.Fatal(err)
	}
	if _, err := st.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchDomain, Value: "agencia.example", Role: cartera.RoleSelf}); err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	src := capture.FileSource(filepath.Join(dir, "correo.mbox"))
	// open opens a copy of the fresh store.
	open := func(b *testing.B, name string) cartera.Store {
		path := filepath.Join(tmp, name)
		copyFile(b, fresh, path)
		st, err := sqlite.Open(ctx, path, cartera.FixedClock(now))
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	importMbox := func(b *testing.B, st cartera.Store) {
		if _, err := capture.Import(ctx, st, []capture.Source{src}, opts()); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("first", func(b *testing.B) {
		b.SetBytes(src.Size)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			st := open(b, "first.db")
			b.StartTimer()
			importMbox(b, st)
			b.StopTimer()
			st.Close()
			b.StartTimer()
		}
	})
	b.Run("again", func(b *testing.B) {
		st := open(b, "again.db")
		defer st.Close()
		importMbox(b, st)
		b.SetBytes(src.Size)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			importMbox(b, st)
		}
	})
}

// copyFile copies a store's file (closed, so without a WAL) to dst.
func copyFile(b *testing.B, src, dst string) {
	for _, ext := range []string{"-wal", "-shm"} {
		os.Remove(dst + ext)
	}
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}
