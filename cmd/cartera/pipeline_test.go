package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestForecastOnTheDemo(t *testing.T) {
	t.Parallel()
	r := runBin(t, nil, "forecast", "--demo", "--period", "2026-Q4", "--as-of", "2026-11-25", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var f struct {
		Period struct{ From, To string } `json:"period"`
		Totals []struct {
			Deals             int
			Claimed, Grounded int64
			Gap               int64 `json:"gap"`
			P10               int64 `json:"p10"`
			P90               int64 `json:"p90"`
		} `json:"totals"`
		Sellers []struct {
			Seller string `json:"seller"`
		} `json:"sellers"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &f); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if f.Period.From != "2026-10-01" || f.Period.To != "2026-12-31" || len(f.Totals) != 1 || f.Totals[0].Gap <= 0 ||
		f.Totals[0].P10 > f.Totals[0].Grounded || len(f.Sellers) != 4 {
		t.Errorf("forecast: %+v", f)
	}
	r = runBin(t, nil, "forecast", "--demo", "--lang", "en", "--period", "2026-Q5")
	if r.code != 1 || !strings.Contains(r.stderr, "is not a period") {
		t.Errorf("bad period: exit %d %q", r.code, r.stderr)
	}
	r = runBin(t, nil, "deals", "--demo", "--stale", "--lang", "en", "--as-of", "2026-11-25")
	if r.code != 0 || !strings.Contains(r.stdout, "need a status check") || !strings.Contains(r.stdout, "Check where it stands now") {
		t.Errorf("stale deals: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "calibration", "--demo", "--as-of", "2026-11-25")
	if r.code != 0 || !strings.Contains(r.stdout, "Andrés Molina declara de media") {
		t.Errorf("calibration: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A deal's life from the command line: added, a verbal yes recorded, a
// "won" refused for want of proof, then won on a signed contract.
func TestDealLifeAndTheWonRefusal(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "c.db")
	r := runBin(t, nil, "deal", "add", "--db", db, "--id", "D-1", "--title", "Web nueva", "--prospect", "Panadería Sol",
		"--seller", "Lucía", "--value", "12.000,50", "--stage", "proposal", "--claimed", "80", "--close", "2026-12-20")
	if r.code != 0 || !strings.Contains(r.stdout, "Oportunidad D-1 creada") || !strings.Contains(r.stdout, "12.000,50") {
		t.Fatalf("add: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, bad := range [][]string{
		{"deal", "add", "--db", db, "--title", "X", "--value", "10", "--claimed", "140"},
		{"deal", "add", "--db", db, "--title", "X", "--value", "10", "--claimed", "alta"},
		{"deal", "add", "--db", db, "--title", "X", "--value", "10", "--stage", "firmado"},
		{"deal", "signal", "--db", db, "D-9", "--kind", "meeting_held"},
	} {
		if r := runBin(t, nil, bad...); r.code != 1 || r.stderr == "" || strings.Contains(r.stderr, "panic") {
			t.Errorf("%v: exit %d %q", bad, r.code, r.stderr)
		}
	}
	r = runBin(t, nil, "deal", "signal", "--db", db, "D-1", "--kind", "verbal_intent", "--note", "dice que sí")
	if r.code != 0 || !strings.Contains(r.stdout, "Intención verbal") {
		t.Fatalf("signal: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "deal", "close", "--db", db, "D-1", "--won", "--lang", "en")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot be marked won without proof") || !strings.Contains(r.stderr, "verbal intent") {
		t.Fatalf("won without proof: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "deal", "show", "--db", db, "D-1", "--format", "json")
	var d struct {
		Assessment struct {
			Deal struct{ Outcome string } `json:"deal"`
		} `json:"assessment"`
	}
	if json.Unmarshal([]byte(r.stdout), &d); d.Assessment.Deal.Outcome != "open" {
		t.Fatalf("the refused close changed the deal: %s", r.stdout)
	}
	r = runBin(t, nil, "deal", "signal", "--db", db, "D-1", "--kind", "contract_signed", "--source", "document")
	if r.code != 0 {
		t.Fatalf("contract: %s", r.stderr)
	}
	r = runBin(t, nil, "deal", "close", "--db", db, "D-1", "--won")
	if r.code != 0 || !strings.Contains(r.stdout, "cerrada como ganada") {
		t.Fatalf("won with a contract: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "deals", "--db", db, "--format", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"total": 0`) {
		t.Errorf("no open deals left: %s", r.stdout)
	}
}

func TestPipelineConfigRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	r := runBin(t, nil, "pipeline", "--db", db, "--format", "json")
	if r.code != 0 {
		t.Fatalf("show: %s", r.stderr)
	}
	// Probabilities are in percent; a decimal one is kept.
	if !strings.Contains(r.stdout, `"prior": 40,`) || !strings.Contains(r.stdout, `"cap_need_unknown": 30,`) {
		t.Errorf("not in percent:\n%s", r.stdout)
	}
	edited := strings.Replace(r.stdout, `"max_age": 14`, `"max_age": 7`, 1)
	edited = strings.Replace(edited, `"prior": 40,`, `"prior": 42.5,`, 1)
	file := filepath.Join(dir, "p.json")
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runBin(t, nil, "pipeline", "set", file, "--db", db, "--lang", "en"); r.code != 0 || !strings.Contains(r.stdout, "7 days") || !strings.Contains(r.stdout, "42.5") {
		t.Fatalf("set: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if err := os.WriteFile(file, []byte(`{"stages": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runBin(t, nil, "pipeline", "set", file, "--db", db, "--lang", "en"); r.code != 1 || !strings.Contains(r.stderr, "1 to 20 stages") {
		t.Errorf("empty pipeline: exit %d %q", r.code, r.stderr)
	}
}

// Closing a deal as lost from the deal command starts the plan after the
// "no", exactly as cartera lost does.
func TestDealCloseLostStartsThePlan(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "c.db")
	if r := runBin(t, nil, "deal", "add", "--db", db, "--id", "D-7", "--title", "Intranet", "--value", "9000", "--as-of", "2026-11-20"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := runBin(t, nil, "deal", "close", "D-7", "--lost", "--reason", "precio", "--competitor", "Grupo Cima", "--db", db,
		"--as-of", "2026-11-25", "--lang", "en")
	if r.code != 0 || !strings.Contains(r.stdout, "Plan after the \"no\"") {
		t.Fatalf("close --lost: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, nil, "plan", "D-7", "--db", db, "--as-of", "2026-11-25", "--format", "json"); r.code != 0 || !strings.Contains(r.stdout, "Grupo Cima") {
		t.Errorf("plan: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
