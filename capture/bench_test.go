package capture

import (
	"io"
	"os"
	"testing"
)

// BenchmarkMboxRead reads the mailbox named by CARTERA_BENCH_MBOX (made by
// bench/mboxgen), message by message, as an import does.
func BenchmarkMboxRead(b *testing.B) {
	path := os.Getenv("CARTERA_BENCH_MBOX")
	if path == "" {
		b.Skip("CARTERA_BENCH_MBOX is not set")
	}
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		fi, _ := f.Stat()
		b.SetBytes(fi.Size())
		m := newMboxReader(f)
		var msg rawMessage
		n := 0
		for {
			err := m.next(&msg, func(*mailHeader) bool { return false })
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		f.Close()
		b.ReportMetric(float64(n), "messages")
	}
}
