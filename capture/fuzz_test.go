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
