package capture_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/sqlite"
)

// BenchmarkImportMbox imports the mailbox bench/mboxgen writes (its folder
// in CARTERA_BENCH_MAIL) into a store with its clients and contacts.
func BenchmarkImportMbox(b *testing.B) {
	dir := os.Getenv("CARTERA_BENCH_MAIL")
	if dir == "" {
		b.Skip("CARTERA_BENCH_MAIL is not set")
	}
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "c.db"), cartera.FixedClock(now))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := csvio.Import(ctx, st, []csvio.Source{csvio.FileSource(filepath.Join(dir, "clientes.csv")),
		csvio.FileSource(filepath.Join(dir, "contactos.csv"))}, csvio.Options{Now: now, Location: madrid}); err != nil {
		b.Fatal(err)
	}
	st.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchDomain, Value: "agencia.example", Role: cartera.RoleSelf})
	src := capture.FileSource(filepath.Join(dir, "correo.mbox"))
	b.SetBytes(src.Size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := capture.Import(ctx, st, []capture.Source{src}, opts()); err != nil {
			b.Fatal(err)
		}
	}
}
