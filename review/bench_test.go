package review_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/demo"
	"github.com/cartera/cartera/review"
	"github.com/cartera/cartera/sqlite"
)

// The benchmarks use a generated portfolio of benchClients clients with
// 100 events each. The 100,000-client, 10-million-event figures come from
// bench/scale.sh and are recorded in docs/performance.md.
const benchClients = 2000

func benchFiles(b *testing.B) []csvio.Source {
	b.Helper()
	w, mem, err := csvio.NewMemoryWriter(csvio.FormatCSV, csvio.Style{Spanish: true})
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Scale(asOf, benchClients, benchClients*100, 1, w); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return mem.Sources()
}

func benchImport(b *testing.B, db *sqlite.DB, files []csvio.Source) *csvio.Report {
	rep, err := csvio.Import(ctx, db, files, csvio.Options{Location: demo.Location, Now: asOf.AddDays(1).Time(demo.Location), Currency: "EUR"})
	if err != nil {
		b.Fatal(err)
	}
	return rep
}

func benchStore(b *testing.B) *sqlite.DB {
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), cartera.FixedClock(asOf.AddDays(1).Time(demo.Location)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkImport imports the whole portfolio into an empty database, with
// every validation on.
func BenchmarkImport(b *testing.B) {
	files := benchFiles(b)
	var rows int64
	for b.Loop() {
		b.StopTimer()
		db := benchStore(b)
		b.StartTimer()
		rows = benchImport(b, db, files).Rows
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// benchDeals is the size of BenchmarkImportPipeline's pipeline: deals with
// ten signals each, as in bench/pipeline.sh's million deals and ten million
// signals (whose figures are in docs/performance.md).
const benchDeals = 20000

// BenchmarkImportPipeline imports deals and their signals into an empty
// database with every validation on: the rows are checked, written, their
// stages recorded in each deal's history and the evidence summaries built
// at commit.
func BenchmarkImportPipeline(b *testing.B) {
	w, mem, err := csvio.NewMemoryWriter(csvio.FormatCSV, csvio.Style{Spanish: true})
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.ScalePipeline(asOf, benchDeals, benchDeals*10, 1, w); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	files := mem.Sources()
	var rows int64
	for b.Loop() {
		b.StopTimer()
		db := benchStore(b)
		b.StartTimer()
		rows = benchImport(b, db, files).Rows
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReviewWarm reviews every client with the facts cache up to date:
// the common case of opening the dashboard again.
func BenchmarkReviewWarm(b *testing.B) {
	db := benchStore(b)
	benchImport(b, db, benchFiles(b))
	if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, PerVerdict: 5}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, PerVerdict: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReviewCold reviews every client as of a new date each time, as
// the first review of every day does: the facts cache no longer applies, and
// the facts are computed again from each client's ledger.
func BenchmarkReviewCold(b *testing.B) {
	db := benchStore(b)
	benchImport(b, db, benchFiles(b))
	if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, PerVerdict: 5}); err != nil {
		b.Fatal(err)
	}
	day := 0
	for b.Loop() {
		day++
		if _, err := review.Run(ctx, db, review.Options{AsOf: asOf.AddDays(-day), PerVerdict: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReviewNewPolicy reviews every client after each change of the
// red lines: the facts cache no longer applies, the ledgers still do.
func BenchmarkReviewNewPolicy(b *testing.B) {
	db := benchStore(b)
	benchImport(b, db, benchFiles(b))
	if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, PerVerdict: 5}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		pol, err := db.Policy(ctx)
		if err != nil {
			b.Fatal(err)
		}
		pol.MaxDaysLate = 20 + (pol.MaxDaysLate+1)%20
		if err := db.SavePolicy(ctx, pol); err != nil {
			b.Fatal(err)
		}
		if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, PerVerdict: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReviewAfterImport reviews every client right after an import
// that touched all of them: every ledger is built again from the records.
func BenchmarkReviewAfterImport(b *testing.B) {
	db := benchStore(b)
	files := benchFiles(b)
	for b.Loop() {
		b.StopTimer()
		benchImport(b, db, files)
		b.StartTimer()
		if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, PerVerdict: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewIncident records one incident for one client and reviews
// that client again: what the web app does when an incident is logged.
func BenchmarkNewIncident(b *testing.B) {
	db := benchStore(b)
	benchImport(b, db, benchFiles(b))
	if _, err := review.Run(ctx, db, review.Options{AsOf: asOf}); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		src := csvio.BytesSource("i.csv", []byte(fmt.Sprintf(
			"id,cliente,fecha_hora,tipo,gravedad\nBENCH-%d,C-1000,2026-11-20 10:00,gritos,3\n", i)))
		if _, err := csvio.Import(ctx, db, []csvio.Source{src}, csvio.Options{Location: demo.Location, Now: asOf.AddDays(1).Time(demo.Location)}); err != nil {
			b.Fatal(err)
		}
		if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, ClientIDs: []string{"C-1000"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReviewAfterOneEvent is a full review after one client changed:
// only that client's facts are recomputed.
func BenchmarkReviewAfterOneEvent(b *testing.B) {
	db := benchStore(b)
	benchImport(b, db, benchFiles(b))
	if _, err := review.Run(ctx, db, review.Options{AsOf: asOf}); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		src := csvio.BytesSource("i.csv", []byte(fmt.Sprintf(
			"id,cliente,fecha_hora,tipo,gravedad\nBENCH-%d,C-1000,2026-11-20 10:00,gritos,3\n", i)))
		if _, err := csvio.Import(ctx, db, []csvio.Source{src}, csvio.Options{Location: demo.Location, Now: asOf.AddDays(1).Time(demo.Location)}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := review.Run(ctx, db, review.Options{AsOf: asOf, PerVerdict: 5}); err != nil {
			b.Fatal(err)
		}
	}
}
