package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// TestAlignProposesWithoutChanging: three overrides the same way (the
// policy says renegotiate, the user keeps setting boundaries) bring a
// proposal with the clients it would move; the policy stays as it was.
func TestAlignProposesWithoutChanging(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	at := asOf.Time(time.UTC)
	for _, name := range []string{"Distribuciones Peña", "Autoescuela Rápida", "Talleres Ruiz"} {
		found, err := db.FindClients(ctx, name, 1)
		if err != nil || len(found) != 1 {
			t.Fatalf("%s: %v", name, err)
		}
		a, err := review.One(ctx, db, asOf, found[0].ID)
		if err != nil || a.Verdict != cartera.VerdictRenegotiate {
			t.Fatalf("%s: %v %v", name, a.Verdict, err)
		}
		if _, err := db.SaveDecision(ctx, cartera.Decision{ClientID: found[0].ID, Day: asOf, Policy: a.Verdict,
			Decided: cartera.VerdictBoundaries, Reason: "Cliente estratégico", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := db.Policy(ctx)
	al, err := review.Align(ctx, db, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if al.Overridden != 3 || len(al.Groups) != 1 || al.Groups[0].Proposal == nil {
		t.Fatalf("alignment: %+v", al)
	}
	pr := al.Groups[0].Proposal
	if pr.Aligned < 1 || pr.AffectedTotal < pr.Aligned || len(pr.Affected) == 0 {
		t.Errorf("proposal: %+v", pr)
	}
	var b strings.Builder
	if err := report.WriteAlignment(&b, al, i18n.New(i18n.EN, time.UTC), report.TextOptions{}, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "cartera policy set "+pr.Key+"="+pr.Value) {
		t.Errorf("no command to confirm:\n%s", b.String())
	}
	t.Log(b.String())
	if after, _ := db.Policy(ctx); after.Version != before.Version || after.MinMargin != before.MinMargin {
		t.Errorf("the policy changed: %+v", after)
	}
}

// TestAlignOverridesIsThePolicys: how many overrides the same way it takes
// to look for a proposal is the policy's align_overrides, at its boundary:
// exactly that many propose, one fewer says how many it takes.
func TestAlignOverridesIsThePolicys(t *testing.T) {
	t.Parallel()
	db := demoStore(t)
	at := asOf.Time(time.UTC)
	for _, name := range []string{"Distribuciones Peña", "Autoescuela Rápida"} {
		found, err := db.FindClients(ctx, name, 1)
		if err != nil || len(found) != 1 {
			t.Fatalf("%s: %v", name, err)
		}
		a, err := review.One(ctx, db, asOf, found[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveDecision(ctx, cartera.Decision{ClientID: found[0].ID, Day: asOf, Policy: a.Verdict,
			Decided: cartera.VerdictBoundaries, Reason: "Cliente estratégico", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		min      string
		proposes bool
		text     string
	}{
		{"3", false, "It takes 3 decisions the same way"},
		{"2", true, "cartera policy set "},
	} {
		p, err := db.Policy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Set("align_overrides", tc.min); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePolicy(ctx, p); err != nil {
			t.Fatal(err)
		}
		al, err := review.Align(ctx, db, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if len(al.Groups) != 1 || (al.Groups[0].Proposal != nil) != tc.proposes {
			t.Fatalf("align_overrides %s: %+v", tc.min, al.Groups)
		}
		var b strings.Builder
		if err := report.WriteAlignment(&b, al, i18n.New(i18n.EN, time.UTC), report.TextOptions{}, true); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tc.text) {
			t.Errorf("align_overrides %s: no %q in\n%s", tc.min, tc.text, b.String())
		}
	}
}
