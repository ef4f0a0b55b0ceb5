package csvio

import "testing"

// headerKey skips folding a cell that is already a key; whatever it skips
// must be what folding would have given.
func FuzzHeaderKey(f *testing.F) {
	for _, s := range []string{"reunion_celebrada", "no_se", "abierta", "a", "a__b", "_a", "a_", "Ganada", "sí", " si",
		"fecha de emisión", "x1_2", "1", "", "a.b", "ª", "ｓｉ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isKey(s) && foldKey(s) != s {
			t.Errorf("isKey(%q) but foldKey gives %q", s, foldKey(s))
		}
		if headerKey(s) != foldKey(s) {
			t.Errorf("headerKey(%q) = %q, foldKey %q", s, headerKey(s), foldKey(s))
		}
	})
}
