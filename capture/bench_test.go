package capture

import (
	"context"
	"io"
	"os"
	"runtime"
	"testing"
)

// BenchmarkMboxRead reads the mailbox named by CARTERA_BENCH_MBOX (made by
// bench/mboxgen) as an import does — every message's header parsed and
// matched, a client's message searched for candidates — in one pass
// (one-pass) and in segments read by one worker per processor, the file
// mapped into memory on Linux (segments).
func BenchmarkMboxRead(b *testing.B) {
	path := os.Getenv("CARTERA_BENCH_MBOX")
	if path == "" {
		b.Skip("CARTERA_BENCH_MBOX is not set")
	}
	for _, bc := range []struct {
		name    string
		workers int
		wrap    func(*os.File) io.Reader
	}{
		{"one-pass", 1, func(f *os.File) io.Reader { return struct{ io.Reader }{f} }},
		{"segments", runtime.GOMAXPROCS(0), func(f *os.File) io.Reader { return f }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rules := testMailRules()
			for i := 0; i < b.N; i++ {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				fi, _ := f.Stat()
				b.SetBytes(fi.Size())
				n := 0
				err = readMbox(context.Background(), bc.wrap(f), fi.Size(), 0, bc.workers, rules, func(s *mboxSegment) error {
					n += s.items
					return nil
				})
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(n), "messages")
			}
		})
	}
}
