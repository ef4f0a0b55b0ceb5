package cartera

import "testing"

// The day a deal entered its stage, when the writer leaves it out: the
// rule both stores apply inside the write.
func TestSettleStageSince(t *testing.T) {
	created, old, today := DateOf(2026, 3, 2), DateOf(2026, 5, 4), DateOf(2026, 6, 10)
	for _, c := range []struct {
		name     string
		d        Deal
		stored   bool
		oldStage Stage
		want     Date
	}{
		{"new deal", Deal{Stage: "proposal", Created: created}, false, "", created},
		{"same stage keeps the stored day", Deal{Stage: "proposal", Created: created}, true, "proposal", old},
		{"moved today", Deal{Stage: "negotiation", Created: created}, true, "proposal", today - 1},
		{"moved, the old day sent back", Deal{Stage: "negotiation", Created: created, StageSince: old}, true, "proposal", today - 1},
		{"moved, closed before today", Deal{Stage: "negotiation", Created: created, Closed: DateOf(2026, 6, 1)}, true, "proposal", DateOf(2026, 6, 1)},
		{"a day given stays", Deal{Stage: "negotiation", Created: created, StageSince: DateOf(2026, 6, 5)}, true, "proposal", DateOf(2026, 6, 5)},
	} {
		d := c.d
		d.SettleStageSince(c.stored, c.oldStage, old, today)
		if d.StageSince != c.want {
			t.Errorf("%s: %s, want %s", c.name, d.StageSince, c.want)
		}
	}
}

func TestNormalizeFillsDefaults(t *testing.T) {
	var d Deal
	d.Normalize()
	if d.Outcome != OutcomeOpen {
		t.Errorf("deal outcome %q", d.Outcome)
	}
	r := Reconnect{Competitor: "  Agencia Norte "}
	r.Normalize()
	if r.ReallyNo != Unknown || r.CompetitorWon != Yes || r.Competitor != "Agencia Norte" {
		t.Errorf("reconnect %+v", r)
	}
	r = Reconnect{}
	r.Normalize()
	if r.CompetitorWon != Unknown {
		t.Errorf("no competitor named: %+v", r)
	}
	if tok := (APIToken{Name: "  "}); tok.Validate() == nil {
		t.Error("a blank token name passes")
	}
	if EmailKey(" Ana@X.es ") != "ana@x.es" || OwnerKey(" Lucía ") != "lucia" {
		t.Error("keys")
	}
}

func TestDealNormalizeImported(t *testing.T) {
	created := DateOf(2026, 3, 1)
	tests := []struct {
		name string
		in   Deal
		want Deal
	}{
		{"defaults", Deal{Created: created}, Deal{Created: created, StageSince: created, Outcome: OutcomeOpen}},
		{"given values stay", Deal{Created: created, StageSince: created + 5, Outcome: OutcomeWon},
			Deal{Created: created, StageSince: created + 5, Outcome: OutcomeWon}},
	}
	for _, tt := range tests {
		d := tt.in
		d.NormalizeImported()
		if d.StageSince != tt.want.StageSince || d.Outcome != tt.want.Outcome {
			t.Errorf("%s: got since %s outcome %q, want %s %q", tt.name, d.StageSince, d.Outcome, tt.want.StageSince, tt.want.Outcome)
		}
	}
}
