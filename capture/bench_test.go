package capture

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkMboxRead reads the mailbox named by CARTERA_BENCH_MBOX (made by
// bench/mboxgen) as an import does — every message's header parsed and
// matched, a client's message searched for candidates — in one pass
// (one-pass) and in segments read by one worker per processor, each with
// positioned reads (segments).
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

// benchMailbox is 8 MB of mbox in memory, mixed as bench/mboxgen mixes
// it (a quarter of the messages with a 20–80 KB base64 attachment), or
// text only.
func benchMailbox(attachments bool) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	raw := make([]byte, 80<<10)
	for i := range raw {
		raw[i] = byte(rng.IntN(256))
	}
	b64 := base64.StdEncoding.EncodeToString(raw)
	words := strings.Fields("hola buenos días te escribo para confirmar la reunión del jueves quedamos en revisar el presupuesto")
	var b bytes.Buffer
	for b.Len() < 8<<20 {
		b.WriteString("From a@b.example Mon Jan  1 08:00:00 2024\nFrom: a@b.example\nTo: c@d.example\nSubject: x\n\n")
		for l := 0; l < 20+rng.IntN(80); l++ {
			for w := 0; w < 10; w++ {
				b.WriteString(words[rng.IntN(len(words))])
				b.WriteByte(' ')
			}
			b.WriteByte('\n')
		}
		if attachments && rng.IntN(4) == 0 {
			s := b64[:(20+rng.IntN(60))<<10*4/3]
			for len(s) > 76 {
				b.WriteString(s[:76])
				b.WriteByte('\n')
				s = s[76:]
			}
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkIndexFrom compares the boundary search with bytes.Index, in
// memory, over a mailbox with attachments and one of text only.
func BenchmarkIndexFrom(b *testing.B) {
	for _, data := range []struct {
		name string
		b    []byte
	}{{"attachments", benchMailbox(true)}, {"text", benchMailbox(false)}} {
		for _, search := range []struct {
			name string
			f    func([]byte) int
		}{{"indexFrom", indexFrom}, {"bytes.Index", func(d []byte) int { return bytes.Index(d, fromNL) }}} {
			b.Run(data.name+"/"+search.name, func(b *testing.B) {
				b.SetBytes(int64(len(data.b)))
				for b.Loop() {
					for d := data.b; ; {
						i := search.f(d)
						if i < 0 {
							break
						}
						d = d[i+1:]
					}
				}
			})
		}
	}
}

// BenchmarkFindPhrase searches 4 KB of a client's text, as bench/mboxgen
// writes it, for the default scope phrases: one with none of them, and
// one with a phrase in its first line.
func BenchmarkFindPhrase(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("hola buenos días te escribo para confirmar la reunión del jueves quedamos en revisar el presupuesto " +
		"y los cambios de la web gracias por todo un saludo adjunto el documento con las correcciones que comentamos " +
		"ya que podrías también una sección nueva el lunes sin falta mañana a primera hora perfecto")
	var t strings.Builder
	for t.Len() < 4<<10 {
		t.WriteString(words[rng.IntN(len(words))])
		t.WriteString(" ")
		if rng.IntN(10) == 0 {
			t.WriteString("\n")
		}
	}
	idx := newPhraseIndex(DefaultScopePhrases)
	for _, bc := range []struct{ name, text string }{
		{"none", t.String()},
		{"first-line", "Hola, ya que estás: " + t.String()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var sc phraseScratch
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				findPhrase(bc.text, idx, &sc)
			}
		})
	}
}
