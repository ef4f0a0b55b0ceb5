package capture

import (
	"bytes"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/cartera/cartera"
)

// FuzzEInvoice feeds the e-invoice reader anything: it may report
// problems, never panic.
func FuzzEInvoice(f *testing.F) {
	for _, name := range []string{"facturae-2026-017.xml", "ubl-F-2026-042.xml", "ubl-abono-AB-2026-003.xml", "facturae-errores.xml"} {
		if b, err := os.ReadFile(filepath.Join("..", "testdata", "capture", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		root, err := readXML(bytes.NewReader(b))
		if err != nil {
			return
		}
		e := &einvoiceReader{r: &run{}, src: "x.xml"}
		switch root.name {
		case "Facturae":
			e.facturae(root)
		default:
			e.ubl(root)
		}
	})
}

// FuzzMbox feeds the mailbox reader anything: every message it finds is
// parsed as an import would, and nothing may panic.
func FuzzMbox(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "testdata", "capture", "correo.mbox")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("From a\nFrom: x@y\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Transfer-Encoding: base64\n\nAAA=\n--b--\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m := newMboxReader(bytes.NewReader(b))
		m.buf = make([]byte, 64) // tiny blocks: every boundary case of the block reader
		var msg rawMessage
		for i := 0; i < 1000; i++ {
			if err := m.next(&msg, func(*mailHeader) bool { return true }); err != nil {
				return
			}
			addresses(msg.h.from + "," + msg.h.to)
			bodyText(&msg.h, msg.body)
			findPhrase(decodeWords(msg.h.subject)+string(msg.body), newPhraseIndex(DefaultScopePhrases), &phraseScratch{})
		}
	})
}

// FuzzFindPhrase checks the phrase search, which folds into a reused
// buffer and compares words in place, against the plain way of doing it:
// fold the text, split it into words, compare them one by one.
func FuzzFindPhrase(f *testing.F) {
	for _, s := range []string{"Ya que ESTÁS, podrías añadir la sección", "one more thing: it's FOR free", "de\u00a0paso", "gratis\xff",
		"Straße ya  que estás", "\u212a solo un cambio", "you're at it while you're at it"} {
		f.Add(s)
	}
	long := strings.Repeat("añadido", 10) + " gratis" // a first word of 70 bytes
	f.Add("x " + strings.ToUpper(long) + " y")
	// Across the pieces findPhrase folds at a time: a phrase, a word, a
	// two-byte rune cut by the piece's end, and a shorter phrase that a
	// longer one with the same first word follows in the list.
	f.Add(strings.Repeat("a ", 512/2-1) + "ya que estás")
	f.Add(strings.Repeat("x", 512-1) + "á ya que ESTÁS")
	f.Add(strings.Repeat("b ", 512/2-2) + "sin coste adicional")
	f.Add(strings.Repeat("c ", 512) + "while you are")
	// Words before and after the phrase, more than the excerpt shows.
	f.Add("uno dos tres cuatro cinco seis siete ocho nueve diez, ya que estás: once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve veinte")
	f.Add("uno dos tres cuatro cinco seis siete ocho nueve diez ya que estás 1 2 3 4 5 6 7 8")
	f.Add("uno dos tres cuatro cinco seis siete ocho nueve diez ya que estás 1 2 3 4 5 6 7 8 9")
	idx := newPhraseIndex(append([]string{long}, DefaultScopePhrases...))
	var sc phraseScratch
	f.Fuzz(func(t *testing.T, text string) {
		want, wantExcerpt, wantOK := "", "", false
		words := strings.FieldsFunc(cartera.Fold(text), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'' || r >= 0x80 && unicode.IsLetter(r))
		})
	search:
		for i, w := range words {
			for _, p := range idx.words[w] {
				if i+len(p) <= len(words) && strings.Join(words[i:i+len(p)], " ") == strings.Join(p, " ") {
					want, wantExcerpt, wantOK = strings.Join(p, " "), wholeExcerpt(text, i, len(p)), true
					break search
				}
			}
		}
		got, gotExcerpt, ok := findPhrase(text, idx, &sc)
		if got != want || gotExcerpt != wantExcerpt || ok != wantOK {
			t.Fatalf("findPhrase(%q) = %q %q %v, want %q %q %v", text, got, gotExcerpt, ok, want, wantExcerpt, wantOK)
		}
	})
}

// wholeExcerpt is excerpt as it was before it stopped walking the text
// after the words it needs: the words of the whole text, and those
// around the phrase.
func wholeExcerpt(text string, i, n int) string {
	var spans [][2]int
	start := -1
	for j, r := range text {
		isWord := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\''
		switch {
		case isWord && start < 0:
			start = j
		case !isWord && start >= 0:
			spans = append(spans, [2]int{start, j})
			start = -1
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int{start, len(text)})
	}
	if i+n > len(spans) {
		return ""
	}
	lo, hi := spans[max(0, i-8)][0], spans[min(len(spans)-1, i+n-1+8)][1]
	ex := strings.Join(strings.Fields(text[lo:hi]), " ")
	if i-8 > 0 {
		ex = "…" + ex
	}
	if i+n-1+8 < len(spans)-1 {
		ex += "…"
	}
	return truncate(ex, 300)
}

// FuzzParseMailDate: whatever the hand-written reader accepts, net/mail
// reads as the same instant.
func FuzzParseMailDate(f *testing.F) {
	for _, s := range []string{"Mon, 02 Nov 2026 10:00:12 +0100", "4 Nov 2026 16:05 -0330", "Tue, 17 Nov 2026 08:30:00 +0100 (CET)",
		"Sat, 29 Feb 2028 23:59:60 +0000", "Sun, 1 Jan 0999 00:00:00 +9959"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := parseRFC5322Date(s)
		if !ok {
			return
		}
		slow, err := mail.ParseDate(s)
		if err != nil || !fast.Equal(slow) {
			t.Fatalf("%q: by hand %v, net/mail %v %v", s, fast, slow, err)
		}
	})
}

// FuzzPlainAddress: whatever the hand-written reader takes, net/mail's
// parser (the path addresses takes otherwise) reads as the same address
// and name.
func FuzzPlainAddress(f *testing.F) {
	for _, s := range []string{"Ramón Ruiz <ramon@talleresruiz.es>", "Marta Gil <MARTA@Agencia.example>", "<a@b.c>", "a.b+c@d-e.fg",
		" Ana  López <ana@x.es>", "\"Gil, Marta\" <m@x.es>", "=?utf-8?q?Ram=C3=B3n?= <r@x.es>", "J.R. Smith <j@x.io>", "a@b, c@d",
		"Ana <a..b@x.es>", "Ana <a@x.es> ", "x (comment) <a@b.c>", "Ana <@x.es>", "a@b.c.", "A <a@[1.2.3.4]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, name, ok := plainAddress(s)
		if !ok {
			return
		}
		list, err := (&mail.AddressParser{}).ParseList(strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ",")))
		if err != nil || len(list) != 1 {
			t.Fatalf("%q: by hand %q %q, net/mail %v %v", s, addr, name, list, err)
		}
		if want := strings.ToLower(list[0].Address); addr != want || name != list[0].Name {
			t.Fatalf("%q: by hand %q %q, net/mail %q %q", s, addr, name, want, list[0].Name)
		}
	})
}

// FuzzIndexFrom checks the skip-ahead search for "\nFrom " against
// bytes.Index: the same boundaries, one after the other as a reader finds
// them, from each of the first bytes. The fuzzer's input is spread over a
// longer text (each byte repeated, a byte of the pattern after it) so
// that sparse and dense stretches of spaces both occur.
func FuzzIndexFrom(f *testing.F) {
	f.Add([]byte("ab\nFrom x \nFr om  From\r\nFrom "), uint8(1))
	f.Add([]byte("QUJDREVG\nQUJD\nFrom a b"), uint8(40))
	f.Add([]byte("hola que tal\nFrom a\n"), uint8(200))
	f.Fuzz(func(t *testing.T, b []byte, rep uint8) {
		data := b
		if rep > 1 && len(b)*int(rep) <= 1<<20 {
			data = make([]byte, 0, len(b)*(int(rep)+1))
			for _, c := range b {
				for range rep {
					data = append(data, c)
				}
				data = append(data, fromNL[int(c)%len(fromNL)])
			}
		}
		for first := 0; first < min(len(data), 8); first++ {
			for start := first; start <= len(data); {
				got, want := indexFrom(data[start:]), bytes.Index(data[start:], fromNL)
				if got != want {
					t.Fatalf("from %d: %d, want %d", start, got, want)
				}
				if want < 0 {
					break
				}
				start += want + 1
			}
		}
	})
}
