package main_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// Deciding on verdicts from the command line: agreeing, overriding with a
// reason (required), and the review of decisions proposing the threshold
// change that would align three overrides, without applying it.
func TestDecideAndDecisions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files, db := filepath.Join(dir, "demo"), filepath.Join(dir, "c.db")
	if r := runBin(t, nil, "demo", "--out", files, "--as-of", "2026-11-25"); r.code != 0 {
		t.Fatalf("demo: %s", r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(files, "*.csv"))
	if r := runBin(t, nil, append([]string{"import", "--db", db}, csvs...)...); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	now := []string{"CARTERA_NOW=2026-11-25T12:00:00+01:00"}
	if r := runBin(t, now, "decide", "--db", db, "Laboratorios Miralles", "--agree"); r.code != 0 || !strings.Contains(r.stdout, "de acuerdo con «Mantener»") {
		t.Fatalf("agree: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, now, "decide", "--db", db, "Talleres Ruiz", "--verdict", "boundaries"); r.code != 1 || !strings.Contains(r.stderr, "di por qué") {
		t.Errorf("an override without a reason: %d %s", r.code, r.stderr)
	}
	for _, name := range []string{"Talleres Ruiz", "Autoescuela Rápida", "Distribuciones Peña"} {
		if r := runBin(t, now, "decide", "--db", db, name, "--verdict", "boundaries", "--reason", "cliente estratégico"); r.code != 0 {
			t.Fatalf("%s: %s", name, r.stderr)
		}
	}
	r := runBin(t, now, "decisions", "--db", db, "--lang", "en")
	for _, want := range []string{"1 in agreement with the policy, 3 against it", "Proposal: min_margin", "cartera policy set min_margin="} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("decisions lack %q: %d\n%s%s", want, r.code, r.stdout, r.stderr)
		}
	}
	if r := runBin(t, now, "policy", "--db", db); !strings.Contains(r.stdout, "min_margin                 20") {
		t.Errorf("the policy changed by itself:\n%s", r.stdout)
	}
	if r := runBin(t, now, "review", "--db", db); !strings.Contains(r.stdout, "TUS DECISIONES FRENTE A LA POLÍTICA") {
		t.Errorf("the review does not show the disagreement:\n%s", r.stdout)
	}
}
