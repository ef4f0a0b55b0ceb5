package report

import (
	"io"
	"math"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/review"
)

func newText(w io.Writer, p *i18n.Printer, o TextOptions) *textWriter {
	if o.Width <= 0 {
		o.Width = 80
	}
	return &textWriter{w: w, p: p, o: o, color: o.Color}
}

const ansiRed, ansiYellow, ansiGreen = "\x1b[31m", "\x1b[33m", "\x1b[32m"

// money formats an amount in a currency.
func money(p *i18n.Printer, v int64, cur cartera.Currency) string {
	return p.Money(cartera.Money{Amount: v, Currency: cur})
}

// dealName shows a deal with its seller.
func dealName(g *forecast.Grounded) string {
	name := g.Deal.Name()
	if g.Deal.Owner != "" {
		name += " · " + g.Deal.Owner
	}
	return name
}

// WriteForecast renders claimed against grounded for a period.
func WriteForecast(w io.Writer, f *forecast.Forecast, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	t.printf("%s\n", t.paint(ansiBold, p.T("forecast.title", "period", f.Period.Label, "from", f.Period.From, "to", f.Period.To)))
	t.printf("%s\n", t.wrap(p.T("forecast.subtitle", "date", f.AsOf), 0))
	if len(f.Totals) == 0 {
		t.printf("\n%s\n", t.wrap(p.T("forecast.empty", "later", f.Later, "undated", f.Undated), 0))
		for _, h := range ForecastHints(f) {
			t.printf("\n%s\n", t.wrap(p.Msg(h), 0))
		}
		return t.err
	}
	for _, l := range f.Totals {
		t.heading(p.T("forecast.total", "currency", string(l.Currency)), -1, "")
		t.pair(p.T("forecast.deals"), p.Int(int64(l.Deals)), p.T("forecast.value"), money(p, l.Value, l.Currency))
		t.pair(p.T("forecast.claimed"), money(p, l.Claimed, l.Currency), p.T("forecast.grounded"), money(p, l.Grounded, l.Currency))
		t.pair(p.T("forecast.gap"), t.paint(gapColor(l), money(p, l.Gap, l.Currency)), p.T("forecast.range"),
			money(p, l.Low, l.Currency)+" – "+money(p, l.High, l.Currency))
		t.pair(p.T("forecast.won"), money(p, l.Won, l.Currency), p.T("forecast.stale"), p.Int(int64(l.Stale)))
		t.printf("%s\n", t.wrap(t.paint(ansiDim, p.T("forecast.gap_explained", "claimed", money(p, l.Claimed, l.Currency),
			"grounded", money(p, l.Grounded, l.Currency), "gap", money(p, l.Gap, l.Currency))), 2))
	}
	t.heading(p.T("forecast.by_seller"), len(f.Sellers), "")
	t.printf("  %s %s %s %s %s\n", t.paint(ansiDim, pad(p.T("forecast.seller"), 22)), lpad(p.T("forecast.claimed"), 13),
		lpad(p.T("forecast.grounded"), 13), lpad(p.T("forecast.gap"), 13), lpad(p.T("forecast.deals"), 9))
	for _, l := range f.Sellers {
		name := l.Seller
		if name == "" {
			name = p.T("forecast.no_seller")
		}
		t.printf("  %s %s %s %s %s\n", pad(clip(name, 22), 22), lpad(p.MoneyShort(cartera.Money{Amount: l.Claimed, Currency: l.Currency}), 13),
			lpad(p.MoneyShort(cartera.Money{Amount: l.Grounded, Currency: l.Currency}), 13),
			lpad(t.paint(gapColor(l), p.MoneyShort(cartera.Money{Amount: l.Gap, Currency: l.Currency})), 13), lpad(p.Int(int64(l.Deals)), 9))
	}
	if len(f.Carriers) > 0 {
		t.heading(p.T("forecast.carriers"), len(f.Carriers), "")
		for i := range f.Carriers {
			g := &f.Carriers[i]
			t.printf("%s\n", t.wrap(t.paint(ansiBold, g.Deal.Name())+" · "+g.Deal.Owner+" · "+p.T("forecast.claim_vs",
				"claimed", g.Claimed, "grounded", g.P, "gap", cartera.Money{Amount: g.Gap(), Currency: g.Deal.Value.Currency}), 4))
			for _, f := range TopFactors(g, 2) {
				t.printf("%s\n", t.wrap("    • "+p.Msg(f.Reason)+" "+t.paint(ansiDim, effect(p, f)), 6))
			}
		}
	}
	var notes []string
	if f.Slipped > 0 {
		notes = append(notes, p.T("forecast.note_slipped", "n", f.Slipped))
	}
	if f.Later > 0 {
		notes = append(notes, p.T("forecast.note_later", "n", f.Later))
	}
	for _, h := range ForecastHints(f) {
		notes = append(notes, p.Msg(h))
	}
	if len(notes) > 0 {
		t.printf("\n")
		for _, n := range notes {
			t.printf("%s\n", t.wrap(t.paint(ansiDim, "• "+n), 2))
		}
	}
	t.printf("\n%s\n", t.paint(ansiDim, t.wrap(p.T("forecast.hint"), 0)))
	return t.err
}

// ForecastHints says what the data lacks for a forecast to count every
// open deal: open deals without an expected close date are left out of
// every period, and the hint names the column to map.
func ForecastHints(f *forecast.Forecast) []cartera.Message {
	var out []cartera.Message
	if f.Undated > 0 {
		out = append(out, cartera.M("forecast.undated_hint", "n", f.Undated))
	}
	return out
}

func gapColor(l *forecast.Line) string {
	switch {
	case l.Claimed == 0:
		return ""
	case l.Gap*4 > l.Claimed: // the claim is more than a third over the evidence
		return ansiRed
	case l.Gap*10 > l.Claimed:
		return ansiYellow
	}
	return ansiGreen
}

// TopFactors returns the n factors (after the base) that moved the
// probability most.
func TopFactors(g *forecast.Grounded, n int) []forecast.Factor {
	if len(g.Factors) <= 1 {
		return nil
	}
	fs := append([]forecast.Factor(nil), g.Factors[1:]...)
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && abs(fs[j].Effect()) > abs(fs[j-1].Effect()); j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
	if len(fs) > n {
		fs = fs[:n]
	}
	return fs
}

func abs(b cartera.BasisPoints) cartera.BasisPoints {
	if b < 0 {
		return -b
	}
	return b
}

// effect shows a factor as "62 % → 48 %".
func effect(p *i18n.Printer, f forecast.Factor) string {
	return "(" + p.Percent(f.Before) + " → " + p.Percent(f.After) + ")"
}

func lpad(s string, n int) string {
	if l := visibleLen(s); l < n {
		return strings.Repeat(" ", n-l) + s
	}
	return s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// WriteDeals renders a list of open deals.
func WriteDeals(w io.Writer, l *review.DealList, stale bool, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	if stale {
		t.printf("%s\n", t.paint(ansiBold, p.T("deals.stale_title", "n", l.Total)))
		t.printf("%s\n", t.wrap(p.T("deals.stale_subtitle"), 0))
	} else {
		t.printf("%s\n", t.paint(ansiBold, p.T("deals.title", "n", l.Total, "stale", l.Stale)))
	}
	if len(l.Deals) == 0 {
		t.printf("\n%s\n", p.T("deals.none"))
		return t.err
	}
	t.printf("\n")
	for i := range l.Deals {
		g := &l.Deals[i]
		t.dealLine(g)
		if stale {
			t.printf("%s\n", t.wrap("    → "+p.T("deals.check_task", "days", g.Age, "max", g.MaxAge, "stage", g.Stage), 6))
		}
	}
	if len(l.Deals) < l.Total {
		t.printf("\n%s\n", t.paint(ansiDim, p.T("deals.more", "n", l.Total-len(l.Deals))))
	}
	return t.err
}

// dealLine writes a deal's one-line summary and its facts.
func (t *textWriter) dealLine(g *forecast.Grounded) {
	p := t.p
	d := &g.Deal
	badge := ""
	if g.Stale {
		badge = " " + t.paint(ansiYellow, "["+p.T("deals.stale_badge")+"]")
	}
	t.printf("%s\n", t.wrap(t.paint(ansiBold, d.Name())+" ("+d.ID+")"+badge, 4))
	facts := []string{d.Owner, p.Value(g.Stage), p.Money(d.Value), p.T("forecast.claim_vs_short", "claimed", g.Claimed, "grounded", g.P)}
	if !d.ExpectedClose.IsZero() {
		facts = append(facts, p.T("deals.close_on", "date", d.ExpectedClose))
	}
	if g.Unanswered > 0 {
		facts = append(facts, p.T("deals.unanswered", "days", g.Unanswered))
	}
	t.printf("%s\n", t.wrap("    "+strings.Join(nonEmpty(facts), " · "), 4))
}

func nonEmpty(xs []string) []string {
	out := xs[:0:0]
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// WriteDeal renders one deal with every factor and its evidence.
func WriteDeal(w io.Writer, d *review.DealDetail, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	g := &d.Grounded
	t.dealLine(g)
	if d.Client != nil {
		t.printf("%s\n", t.wrap("    "+p.T("deal.client", "name", d.Client.Name), 4))
	}
	if g.Deal.Outcome != cartera.OutcomeOpen {
		t.printf("%s\n", t.wrap("    "+p.T("deal.closed_as", "outcome", p.T("outcome."+string(g.Deal.Outcome)), "date", g.Deal.Closed), 4))
	}
	t.heading(p.T("deal.why", "claimed", g.Claimed, "grounded", g.P), -1, "")
	t.printf("%s\n", t.wrap("  "+p.T("deal.claim_from."+g.ClaimFrom, "claimed", g.Claimed), 4))
	for _, f := range g.Factors {
		t.printf("%s\n", t.wrap("  • "+p.Msg(f.Reason)+" "+t.paint(ansiDim, effectOrStart(p, f)), 4))
	}
	if g.Stale {
		t.printf("\n%s\n", t.wrap(t.paint(ansiYellow, p.T("deals.check_task", "days", g.Age, "max", g.MaxAge, "stage", g.Stage)), 0))
	}
	t.heading(p.T("deal.evidence"), len(d.Signals), "")
	for _, s := range d.Signals {
		line := p.Date(s.Day) + "  " + p.Value(s.Kind)
		if s.Source != "" {
			line += " (" + p.T("source."+s.Source) + ")"
		}
		if s.Days > 0 {
			line += " · " + p.T("deal.days_unanswered", "days", s.Days)
		}
		if s.Note != "" {
			line += " — " + s.Note
		}
		t.printf("%s\n", t.wrap("  "+line, 14))
	}
	q := g.Deal.Qualification
	t.heading(p.T("deal.qualification"), -1, "")
	t.printf("  %s · %s · %s\n", p.T("deal.q_need", "a", p.T("answer."+answerOr(q.Need))),
		p.T("deal.q_capacity", "a", p.T("answer."+answerOr(q.Capacity))), p.T("deal.q_decision", "a", p.T("answer."+answerOr(q.DecisionMaker))))
	return t.err
}

func answerOr(a cartera.Answer) string {
	if a == "" {
		return string(cartera.Unknown)
	}
	return string(a)
}

func effectOrStart(p *i18n.Printer, f forecast.Factor) string {
	if f.Reason.Key == "forecast.f.base" {
		return "" // the reason already ends with the rate
	}
	return effect(p, f)
}

// WriteCalibration renders how well probabilities predicted closed deals.
func WriteCalibration(w io.Writer, c *forecast.Calibration, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	t.printf("%s\n", t.paint(ansiBold, p.T("calibration.title", "n", c.Overall.Deals)))
	t.printf("%s\n", t.wrap(p.T("calibration.subtitle", "n", c.Cutoffs), 0))
	if c.Overall.Deals == 0 {
		t.printf("\n%s\n", p.T("calibration.empty"))
		return t.err
	}
	t.heading(p.T("calibration.by_seller"), len(c.Sellers), "")
	t.printf("  %s %s %s %s %s %s\n", t.paint(ansiDim, pad(p.T("forecast.seller"), 18)), lpad(p.T("calibration.deals"), 6),
		lpad(p.T("calibration.won"), 8), lpad(p.T("calibration.claimed"), 9), lpad(p.T("calibration.optimism"), 10),
		lpad(p.T("calibration.brier"), 21))
	for _, s := range append([]*forecast.Score{&c.Overall}, c.Sellers...) {
		name := s.Seller
		if s == &c.Overall {
			name = p.T("calibration.everyone")
		}
		color := ""
		if s.Optimism >= 1500 {
			color = ansiRed
		}
		t.printf("  %s %s %s %s %s %s\n", pad(clip(name, 18), 18), lpad(p.Int(int64(s.Deals)), 6), lpad(p.Percent(s.WinRate), 8),
			lpad(p.Percent(s.ClaimedMean), 9), lpad(t.paint(color, signed(p, s.Optimism)), 10),
			lpad(brier(p, s.ClaimedBrier)+" → "+brier(p, s.GroundedBrier), 21))
	}
	t.printf("%s\n", t.wrap(t.paint(ansiDim, p.T("calibration.brier_explained")), 2))
	for _, s := range c.Sellers {
		if s.Optimism >= 1500 {
			t.printf("%s\n", t.wrap("  • "+p.T("calibration.optimist", "seller", s.Seller, "claimed", s.ClaimedMean, "won", s.WinRate,
				"gap", s.Optimism), 4))
		}
	}
	t.heading(p.T("calibration.reliability"), -1, "")
	t.printf("  %s %s %s %s\n", pad(p.T("calibration.band"), 14), lpad(p.T("calibration.band_deals"), 8),
		lpad(p.T("calibration.claimed_col"), 20), lpad(p.T("calibration.grounded_col"), 20))
	for i := range c.Overall.ClaimedBands {
		cb, gb := c.Overall.ClaimedBands[i], c.Overall.GroundedBands[i]
		t.printf("  %s %s %s %s\n", pad(p.Percent(cb.Lo)+"–"+p.Percent(cb.Hi), 14), lpad(p.Int(int64(cb.Deals))+"/"+p.Int(int64(gb.Deals)), 8),
			lpad(band(p, cb), 20), lpad(band(p, gb), 20))
	}
	t.printf("%s\n", t.wrap(t.paint(ansiDim, p.T("calibration.reliability_explained")), 2))
	return t.err
}

func band(p *i18n.Printer, b forecast.Band) string {
	if b.Deals == 0 {
		return "—"
	}
	return p.T("calibration.band_cell", "predicted", b.Predicted, "actual", b.Actual)
}

func signed(p *i18n.Printer, b cartera.BasisPoints) string {
	s := p.Decimal(int64(b)/100, 0)
	if b > 0 {
		s = "+" + s
	}
	return s + " " + p.T("calibration.points")
}

// brier shows a Brier score as a plain decimal (0.18).
func brier(p *i18n.Printer, b cartera.BasisPoints) string { return p.Decimal(int64(b)/100, 2) }

// writeByCutoff is the replay cut-off by cut-off: how many deals were
// scored that day, how many were won, each method's Brier over them and
// what grounded used — where the totals above come from, and when
// grounded switched.
func writeByCutoff(t *textWriter, rows []forecast.CutoffScore, p *i18n.Printer, sc func(float64) string) {
	if len(rows) == 0 {
		return
	}
	t.heading(p.T("backtest.by_cutoff"), -1, "")
	t.printf("%s\n", t.wrap("  "+p.T("backtest.by_cutoff_explained"), 2))
	cell := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return sc(*v)
	}
	t.printf("  %s %s %s %s %s %s %s  %s\n", pad(p.T("backtest.cutoff"), 12), lpad("N", 6), lpad(p.T("calibration.won"), 7),
		lpad(p.T("backtest.m.grounded"), 9), lpad(p.T("backtest.m.claimed"), 9), lpad(p.T("backtest.m.base"), 9),
		lpad(p.T("backtest.m.seller"), 9), p.T("backtest.uses"))
	for _, c := range rows {
		won := "—"
		if c.Deals > 0 {
			won = p.Percent(cartera.Ratio(int64(c.Won), int64(c.Deals)))
		}
		t.printf("  %s %s %s %s %s %s %s  %s\n", pad(p.Date(c.Cutoff), 12), lpad(p.Int(int64(c.Deals)), 6), lpad(won, 7),
			lpad(cell(c.Grounded), 9), lpad(cell(c.Claimed), 9), lpad(cell(c.Base), 9), lpad(cell(c.Seller), 9),
			p.T("backtest.m."+c.Uses))
	}
}

// WriteBacktest renders the rolling-origin backtest: every method's Brier
// score with its interval and log loss, overall and per seller, which one
// to trust, and the fitted weights.
func WriteBacktest(w io.Writer, b *forecast.Backtest, p *i18n.Printer, o TextOptions) error {
	t := newText(w, p, o)
	t.printf("%s\n", t.paint(ansiBold, p.T("backtest.title", "n", b.Overall.Deals, "cutoffs", len(b.Cutoffs))))
	t.printf("%s\n", t.wrap(p.T("backtest.subtitle"), 0))
	if b.Overall.Deals == 0 {
		t.printf("\n%s\n", p.T("backtest.empty"))
		return t.err
	}
	sc := func(x float64) string { return p.Decimal(int64(math.Round(x*100)), 4) }
	lines := []*forecast.BacktestLine{b.Overall}
	if len(b.Sellers) > 1 || len(b.Sellers) == 1 && b.Sellers[0].Seller != "" {
		lines = append(lines, b.Sellers...)
	}
	for _, l := range lines {
		name := l.Seller
		switch {
		case l == b.Overall:
			name = p.T("calibration.everyone")
		case name == "":
			name = p.T("backtest.no_seller")
		}
		t.heading(p.T("backtest.line", "name", name, "n", l.Deals, "won", cartera.Ratio(int64(l.Won), int64(max(l.Deals, 1)))), -1, "")
		t.printf("  %s %s %s %s %s %s\n", pad(p.T("backtest.method"), 12), lpad("N", 7), lpad("Brier", 8), lpad(p.T("backtest.interval"), 17),
			lpad(p.T("backtest.logloss"), 8), lpad(p.T("backtest.vs_base"), 20))
		for _, m := range l.Methods {
			mark := " "
			if m.Method == l.Trust {
				mark = "*"
			}
			vs := ""
			if m.Method != forecast.MethodBase {
				vs = sc(m.VsBase) + " (" + sc(m.VsBaseLo) + "…" + sc(m.VsBaseHi) + ")"
			}
			t.printf(" %s%s %s %s %s %s %s\n", mark, pad(p.T("backtest.m."+m.Method), 12), lpad(p.Int(int64(m.N)), 7), lpad(sc(m.Brier), 8),
				lpad(sc(m.BrierLo)+"–"+sc(m.BrierHi), 17), lpad(p.Decimal(int64(math.Round(m.LogLoss*10000)), 4), 8), lpad(vs, 20))
		}
		t.printf("%s\n", t.wrap("  "+p.T("backtest.trust", "method", p.T("backtest.m."+l.Trust)), 4))
	}
	writeByCutoff(t, b.ByCutoff, p, sc)
	if len(b.Weights) > 0 {
		t.heading(p.T("backtest.weights"), -1, "")
		key := "backtest.falls_back"
		switch b.Grounded {
		case forecast.MethodFitted:
			key = "backtest.uses_fit"
		case forecast.MethodExpert:
			key = "backtest.uses_expert"
		}
		t.printf("%s\n", t.wrap("  "+p.T(key), 2))
		for _, wt := range b.Weights {
			if wt.Value == 0 && wt.Prior == 0 {
				continue
			}
			t.printf("  %s %s %s\n", pad(wt.Feature, 32), lpad(p.Decimal(int64(math.Round(wt.Value*100)), 2)+" ± "+
				p.Decimal(int64(math.Round(wt.SE*100)), 2), 14), lpad("("+p.Decimal(int64(math.Round(wt.Prior*100)), 2)+")", 8))
		}
	}
	t.printf("%s\n", t.wrap(t.paint(ansiDim, p.T("backtest.explained")), 2))
	return t.err
}
