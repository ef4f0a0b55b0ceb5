package web

import (
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

func row(id, name string, v cartera.Verdict, margin cartera.BasisPoints, score int64, rev int64) cartera.ClientRow {
	var r cartera.ClientRow
	r.Client.ID, r.Client.Name = id, name
	r.Summary.Verdict, r.Summary.MarginPct, r.Summary.HasRevenue = v, margin, true
	r.Summary.Score, r.Summary.Revenue, r.Summary.Currency = cartera.Tenths(score), rev, "EUR"
	return r
}

// The quadrant marks values off its scale, and names the urgent clients
// beside their marks, at both sizes, without two labels on one another.
func TestQuadrantLabelsAndClamps(t *testing.T) {
	p := i18n.New(i18n.ES, nil)
	rows := []cartera.ClientRow{
		row("C-1", "Grupo Cárnico Salazar", cartera.VerdictEnd, 5580, 465, 3110800),             // relational cost 46,5: off the top
		row("C-2", "Estudio Vidal Arquitectos", cartera.VerdictRenegotiate, -12330, 59, 781700), // −123 %: off the left
		row("C-3", "Construcciones Benítez", cartera.VerdictEnd, 6500, 149, 1921000),
		row("C-4", "Cafetería La Plaza", cartera.VerdictKeep, 6700, 0, 900000),
	}
	urgent := rows[:3]
	for _, q := range newQuadrants(rows, urgent, cartera.DefaultPolicy(), p) {
		if q.Clamped != 2 {
			t.Errorf("%s: %d clamped, want 2", q.Size, q.Clamped)
		}
		for _, b := range q.Bubbles {
			if b.Clamped != (b.ID == "C-1" || b.ID == "C-2") || (b.Clamped && b.Arrow == "") {
				t.Errorf("%s: %s clamped=%v arrow=%q", q.Size, b.ID, b.Clamped, b.Arrow)
			}
		}
		if len(q.Names) != 3 {
			t.Errorf("%s: %d names, want the 3 urgent clients: %+v", q.Size, len(q.Names), q.Names)
		}
		all := append(append([]chartLabel{}, q.Names...), q.Zones...)
		all = append(all, q.MarginLabel, q.MediumLabel)
		for i := range all {
			for j := i + 1; j < len(all); j++ {
				if all[i].box().overlaps(all[j].box()) {
					t.Errorf("%s: %q covers %q", q.Size, all[i].Text, all[j].Text)
				}
			}
		}
		if q.YLabel.Text != "coste relacional (raíz cuadrada) →" {
			t.Errorf("the vertical axis does not name its scale: %q", q.YLabel.Text)
		}
	}
}

// A client's page says each fact once: red lines in their own list, and a
// reason that repeats a crossed red line's facts left to the red line.
func TestReasonsByDirection(t *testing.T) {
	reasons := []cartera.Message{
		cartera.M("reason.incidents"), cartera.M("reason.late_payments"), cartera.M("breach.severity"),
		cartera.M("reason.healthy_margin"), cartera.M("reason.pays_on_time"),
	}
	against, favour := reasonsByDirection(reasons, []cartera.Message{cartera.M("breach.severity"), cartera.M("breach.days_late")})
	if len(against) != 1 || against[0].Key != "reason.incidents" {
		t.Errorf("against: %v", against)
	}
	if len(favour) != 2 {
		t.Errorf("for: %v", favour)
	}
	against, _ = reasonsByDirection(reasons, nil)
	if len(against) != 2 {
		t.Errorf("without the red line, the late payments are a reason: %v", against)
	}
}
