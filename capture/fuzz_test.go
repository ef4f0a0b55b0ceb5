package capture

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
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
			findPhrase(decodeWords(msg.h.subject)+string(msg.body), newPhraseIndex(DefaultScopePhrases))
		}
	})
}
