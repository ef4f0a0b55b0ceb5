package capture

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

// testMailRules knows the fixture mailbox's people: our domain, and two
// clients' contacts.
func testMailRules() *mailRules {
	id := cartera.NewIdentity()
	id.AddRule(cartera.MatchRule{Kind: cartera.MatchDomain, Value: "agencia.example", Role: cartera.RoleSelf})
	id.AddContact(cartera.Contact{ID: "P-001", ClientID: "C-001", Email: "ramon@talleresruiz.es"})
	id.AddContact(cartera.Contact{ID: "P-003", ClientID: "C-003", Email: "marta@opticasol.es"})
	pol := cartera.DefaultPolicy()
	return &mailRules{id: id, pol: pol, loc: pol.Location(), phrases: newPhraseIndex(DefaultScopePhrases)}
}

// edgeMailbox is the fixture mailbox five times over (each copy with its
// own message ids) and the cases a boundary search can get wrong: a
// message without a body right before the next one, CRLF line ends, an
// unescaped "From " line inside a body (a boundary, as in any mbox
// reader), and ">From " (not one).
func edgeMailbox(t testing.TB) []byte {
	fixture, err := os.ReadFile(filepath.Join("..", "testdata", "capture", "correo.mbox"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for i := 0; i < 5; i++ {
		b.Write(bytes.ReplaceAll(fixture, []byte("Message-ID: <"), []byte(fmt.Sprintf("Message-ID: <copy%d-", i))))
		fmt.Fprintf(&b, "From ramon@talleresruiz.es Thu Nov 19 10:00:00 2026\nFrom: ramon@talleresruiz.es\n"+
			"To: lucia@agencia.example\nDate: Thu, 19 Nov 2026 10:00:00 +0100\nMessage-ID: <bodyless%d@x>\n", i)
		fmt.Fprintf(&b, "From ramon@talleresruiz.es Thu Nov 19 23:00:00 2026\r\nFrom: ramon@talleresruiz.es\r\n"+
			"To: lucia@agencia.example\r\nDate: Thu, 19 Nov 2026 23:00:00 +0100\r\nMessage-ID: <crlf%d@x>\r\n"+
			"Subject: =?UTF-8?Q?Otra_cosa?=\r\n\r\nYa que estás, cambia el logo.\r\n>From here on\r\n\r\n", i)
		fmt.Fprintf(&b, "From lucia@agencia.example Fri Nov 20 09:00:00 2026\nFrom: lucia@agencia.example\n"+
			"To: Marta <marta@opticasol.es>, desconocido@otro.example\nDate: Fri, 20 Nov 2026 09:00:00 +0100\n"+
			"Message-ID: <body-from%d@x>\n\nHola,\nFrom now on the body has a boundary.\n\n", i)
	}
	return b.Bytes()
}

// readAll reads a mailbox with readMbox and returns every event, the
// messages counted and where the last segment ended.
func readAll(t *testing.T, r io.Reader, size, segment int64, workers int) ([]mailEvent, int, int64) {
	t.Helper()
	var events []mailEvent
	items, end := 0, int64(0)
	err := readMbox(context.Background(), r, size, segment, workers, testMailRules(), func(s *mboxSegment) error {
		events = append(events, s.events...)
		items += s.items
		if s.end < end {
			t.Fatalf("segments out of order: %d after %d", s.end, end)
		}
		end = s.end
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return events, items, end
}

// Several workers reading an mbox cut into segments find exactly what one
// pass finds, in the same order, wherever the cuts fall: on a "From "
// line, inside one, inside a header or a CRLF pair.
func TestMboxSegmentsReadAsOnePass(t *testing.T) {
	t.Parallel()
	data := edgeMailbox(t)
	onePass := struct{ io.Reader }{bytes.NewReader(data)} // hides ReadAt: read in one pass
	want, wantItems, wantEnd := readAll(t, onePass, int64(len(data)), 0, 1)
	if n := bytes.Count(data, []byte("\nFrom ")) + 1; wantItems != n || wantEnd != int64(len(data)) {
		t.Fatalf("one pass read %d messages to byte %d, want %d to %d", wantItems, wantEnd, n, len(data))
	}
	kinds := map[mailEventKind]int{}
	for _, e := range want {
		kinds[e.kind]++
	}
	if kinds[eventOurs] == 0 || kinds[eventClient] == 0 || kinds[eventCorrespondent] == 0 {
		t.Fatalf("the mailbox should make every kind of event: %v", kinds)
	}
	path := filepath.Join(t.TempDir(), "correo.mbox")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, segment := range []int64{7, 13, 61, 100, 377, 1000, 4096} {
		for _, workers := range []int{2, 3} {
			got, items, end := readAll(t, bytes.NewReader(data), int64(len(data)), segment, workers)
			if items != wantItems || end != wantEnd || !reflect.DeepEqual(got, want) {
				t.Fatalf("segments of %d bytes, %d workers: %d messages to byte %d, %d events; want %d to %d, %d",
					segment, workers, items, end, len(got), wantItems, wantEnd, len(want))
			}
			f, err := os.Open(path) // a file: read by positioned reads
			if err != nil {
				t.Fatal(err)
			}
			got, items, end = readAll(t, f, int64(len(data)), segment, workers)
			f.Close()
			if items != wantItems || end != wantEnd || !reflect.DeepEqual(got, want) {
				t.Fatalf("file in segments of %d bytes, %d workers: %d messages, %d events; want %d, %d",
					segment, workers, items, len(got), wantItems, len(want))
			}
		}
	}
}

// A file that is not an mbox, or one whose reading stops on an error, is
// refused however it is cut, and no reader is left behind.
func TestMboxSegmentsStopOnError(t *testing.T) {
	t.Parallel()
	data := append([]byte("not a mailbox\n"), edgeMailbox(t)...)
	for _, segment := range []int64{64, 1000} {
		err := readMbox(context.Background(), bytes.NewReader(data), int64(len(data)), segment, 2, testMailRules(),
			func(*mboxSegment) error { return nil })
		if err != errNotMbox {
			t.Fatalf("segments of %d: %v", segment, err)
		}
	}
	stop := fmt.Errorf("stop")
	data = edgeMailbox(t)
	n := 0
	err := readMbox(context.Background(), bytes.NewReader(data), int64(len(data)), 64, 2, testMailRules(), func(*mboxSegment) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("stopped at %d: %v", n, err)
	}
}

// A message without a body does not swallow the one after it.
func TestMboxMessageWithoutBody(t *testing.T) {
	t.Parallel()
	mbox := "From a Thu Nov 19 10:00:00 2026\nFrom: ramon@talleresruiz.es\nMessage-ID: <one@x>\n" +
		"From b Thu Nov 19 11:00:00 2026\nFrom: marta@opticasol.es\nMessage-ID: <two@x>\n\nHola\n"
	m := newMboxReader(strings.NewReader(mbox))
	var ids []string
	var msg rawMessage
	for m.next(&msg, func(*mailHeader) bool { return false }) == nil {
		ids = append(ids, msg.h.messageID)
	}
	if strings.Join(ids, " ") != "<one@x> <two@x>" {
		t.Fatalf("messages: %q", ids)
	}
}

// Dates written as RFC 5322 says are read by hand, and always as net/mail
// reads them.
func TestParseMailDate(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"Mon, 02 Nov 2026 10:00:12 +0100", "Wed, 4 Nov 2026 16:05:40 +0100", "4 Nov 2026 16:05 -0330",
		"Tue, 17 Nov 2026 08:30:00 +0100 (CET)", "  Sat, 29 Feb 2028 23:59:59 +0000 "} {
		fast, ok := parseRFC5322Date(s)
		slow, err := mail.ParseDate(s)
		if !ok || err != nil || !fast.Equal(slow) {
			t.Errorf("%q: by hand %v %v, net/mail %v %v", s, fast, ok, slow, err)
		}
	}
	// Anything else is left to net/mail.
	for _, s := range []string{"Mon, 31 Feb 2026 10:00:00 +0100", "Tue, 3 Nov 26 10:00:00 +0100", "3 Nov 2026 10:00:00 GMT",
		"Xyz, 3 Nov 2026 10:00:00 +0100", "3 nov 2026 10:00:00 +0100", "3 Nov 2026 24:00:00 +0100", "3 Nov 2026 10:00:00 +0100 junk"} {
		if _, ok := parseRFC5322Date(s); ok {
			t.Errorf("%q read by hand", s)
		}
	}
	if at, err := parseMailDate("3 Nov 2026 10:00:00 GMT"); err != nil || !at.Equal(time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("fallback: %v %v", at, err)
	}
}

// indexFromCases are texts where the skip-ahead search could go wrong: the
// pattern at the start and the end, cut short, after CRLF, right after a
// dense stretch's window ends, inside base64 and after a long one.
func indexFromCases() [][]byte {
	b64 := strings.Repeat(strings.Repeat("QUJD", 19)+"\n", 200) // no space for 15 KB
	text := strings.Repeat("hola que tal\n", 400)               // a space every few bytes
	var out [][]byte
	for _, s := range []string{"", "\n", "\nFrom", "\nFrom ", "From \n", " \nFrom ", "x\nFrom x", "\r\nFrom a",
		"\nFro m \nFrom ", "\nFrom\nFrom ", "  \n From \nFrom ", b64, b64 + "\nFrom a", b64 + ">From a\n\nFrom b",
		text, text + "\nFrom a", b64 + text + "\nFrom a", text + b64 + "\nFrom a", text + b64, "From a\n" + text + b64 + "\r\nFrom a"} {
		out = append(out, []byte(s))
	}
	// The pattern at every offset around the end of a dense stretch's
	// window, and cut by the end of the data.
	for _, d := range []int{-7, -6, -5, -4, -3, -2, -1, 0, 1, 2} {
		s := []byte(strings.Repeat("a b ", spaceWindow))
		copy(s[spaceWindow+d:], "\nFrom ")
		out = append(out, s)
	}
	for n := 1; n <= len(fromNL); n++ {
		out = append(out, []byte(text+string(fromNL[:n])), []byte(b64+string(fromNL[:n])))
	}
	return out
}

// The skip-ahead search finds exactly what bytes.Index finds, from every
// starting offset.
func TestIndexFrom(t *testing.T) {
	t.Parallel()
	for _, data := range indexFromCases() {
		for start := 0; start <= len(data); start += 1 + start/64 {
			want := bytes.Index(data[start:], fromNL)
			if got := indexFrom(data[start:]); got != want {
				t.Fatalf("%q from %d: %d, want %d", data[start:min(len(data), start+40)], start, got, want)
			}
		}
	}
}
