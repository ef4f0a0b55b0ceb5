package forecast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/cartera/cartera"
)

// knownProcess draws n deals whose outcome follows a known logistic
// process: a stage base rate of 40 % as the offset, then an intercept, a
// continuous feature (a seller's edge) and a signal present on 30 % of
// deals.
func knownProcess(n int, w []float64, seed uint64) []Example {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]Example, n)
	for i := range out {
		x := []float64{1, r.NormFloat64(), 0}
		if r.Float64() < 0.3 {
			x[2] = 1
		}
		off := logit(0.4)
		z := off
		for j := range w {
			z += w[j] * x[j]
		}
		out[i] = Example{X: x, Offset: off, Won: r.Float64() < sigmoid(z)}
	}
	return out
}

// With a long history the fit recovers the process's weights within their
// standard errors; with a short one it stays near the prior.
func TestFitRecoversAKnownProcess(t *testing.T) {
	truth := []float64{0.3, 0.8, -1.2}
	prior := []float64{0, 0, math.Log(0.75)}
	f, err := FitLogistic(knownProcess(20000, truth, 7), prior, fitLambda)
	if err != nil {
		t.Fatal(err)
	}
	for j := range truth {
		if d := math.Abs(f.W[j] - truth[j]); d > 3*f.SE[j] || f.SE[j] > 0.1 {
			t.Errorf("weight %d: %.3f ± %.3f, truth %.3f", j, f.W[j], f.SE[j], truth[j])
		}
	}
	short, err := FitLogistic(knownProcess(12, truth, 8), prior, fitLambda)
	if err != nil {
		t.Fatal(err)
	}
	for j := range prior {
		if d := math.Abs(short.W[j] - prior[j]); d > 0.6 {
			t.Errorf("short history, weight %d moved %.3f from its prior", j, d)
		}
	}
}

// A pattern from real data (a phone campaign whose win rate climbed from
// 3 % to 50 %): a feature that is nearly constant on most deals and large
// on a few. A full Newton step swings the feature's weight between −38 and
// +67 for ever; the halved steps settle where the loss is lowest, near
// +2.3, and the gradient there is nil.
func TestFitConvergesWhereFullNewtonStepsSwing(t *testing.T) {
	off := logit(0.12)
	var ex []Example
	for _, g := range []struct {
		x         float64
		won, lost int
	}{{-0.001, 240, 7760}, {-0.006, 150, 150}, {1.5, 450, 250}} {
		for i := range g.won + g.lost {
			ex = append(ex, Example{X: []float64{1, g.x}, Offset: off, Won: i < g.won})
		}
	}
	prior := []float64{0, 0}
	f, err := FitLogistic(ex, prior, fitLambda)
	if err != nil {
		t.Fatal(err)
	}
	if f.W[1] < 2 || f.W[1] > 2.6 || f.Iterations >= 50 {
		t.Errorf("weight %.3f after %d steps, want about 2.29, converged", f.W[1], f.Iterations)
	}
	if l0, l := loss(ex, prior, prior, fitLambda), loss(ex, f.W, prior, fitLambda); l > l0 {
		t.Errorf("the fit's loss %.1f is above the prior's %.1f", l, l0)
	}
	for j := range prior {
		g := fitLambda * (f.W[j] - prior[j])
		for _, e := range ex {
			g += (f.Predict(e.X, e.Offset) - e.y()) * e.X[j]
		}
		if math.Abs(g) > 1e-3 {
			t.Errorf("gradient %d at the fit: %g", j, g)
		}
	}
}

// The solver agrees with a system solved by hand.
func TestSolve(t *testing.T) {
	x, err := solve([]float64{4, 1, 1, 3}, []float64{1, 2}, 2)
	if err != nil || math.Abs(x[0]-1.0/11) > 1e-12 || math.Abs(x[1]-7.0/11) > 1e-12 {
		t.Errorf("solve: %v %v", x, err)
	}
	if _, err := solve([]float64{1, 2, 2, 4}, []float64{1, 1}, 2); err == nil {
		t.Error("a singular system was solved")
	}
}

// simulate replays n deals over two years through a backtest: each deal
// is created on a random day, closes 10 to 70 days later, and is won with
// the seller's own chance (edge says how far apart the two sellers are).
func simulate(n int, edge float64, seed uint64) *Backtest {
	r := rand.New(rand.NewPCG(seed, 2))
	start := cartera.DateOf(2024, 1, 1)
	type sim struct {
		d   cartera.Deal
		won bool
	}
	deals := make([]sim, n)
	var closed []ClosedDeal
	for i := range deals {
		owner := []string{"Ana", "Beto"}[i%2]
		p := 0.45 + edge/2
		if owner == "Beto" {
			p = 0.45 - edge/2
		}
		c := start.AddDays(r.IntN(700))
		d := cartera.Deal{ID: fmt.Sprint(i), Owner: owner, Title: "deal", Stage: "lead", StageSince: c, Created: c,
			Closed: c.AddDays(10 + r.IntN(60)), Value: cartera.Money{Amount: 1000, Currency: "EUR"}}
		won := r.Float64() < p
		d.Outcome = cartera.OutcomeLost
		if won {
			d.Outcome = cartera.OutcomeWon
		}
		deals[i] = sim{d, won}
		closed = append(closed, ClosedDeal{Closed: d.Closed, Stage: d.Stage, Won: won, Owner: owner})
	}
	bt := NewBacktest(cartera.DefaultPipeline(), closed)
	for _, cut := range MonthlyCutoffs(closed, start.AddDays(800)) {
		bt.Begin(cut)
		for _, s := range deals {
			if s.d.Created <= cut && s.d.Closed > cut {
				f := cartera.DealFacts{Deal: s.d}
				f.CutAt(cut, s.d.Stage, s.d.StageSince)
				bt.Add(&f)
			}
		}
	}
	return bt.Finish()
}

func brierOf(l *BacktestLine, method string) float64 {
	for _, m := range l.Methods {
		if m.Method == method {
			return m.Brier
		}
	}
	return math.NaN()
}

// Where the sellers differ, grounded learns it and beats the base rate;
// where nothing in the data predicts the outcome, grounded stays within
// 1 % of the base rate — never worse.
func TestGroundedNeverWorseThanTheBaseRate(t *testing.T) {
	signal := simulate(1500, 0.5, 3)
	g, b := brierOf(signal.Overall, MethodGrounded), brierOf(signal.Overall, MethodBase)
	if g > 0.95*b || signal.Grounded != MethodFitted {
		t.Errorf("with a seller effect: grounded %.4f, base %.4f, grounded uses %s", g, b, signal.Grounded)
	}
	if w := signal.Weights[1]; w.Feature != "seller_rate" || w.Value < 0.5 {
		t.Errorf("seller weight: %+v", w)
	}
	noise := simulate(1500, 0, 4)
	g, b = brierOf(noise.Overall, MethodGrounded), brierOf(noise.Overall, MethodBase)
	if g > 1.01*b {
		t.Errorf("without signal: grounded %.4f, base %.4f", g, b)
	}
}

// BenchmarkFitLargeHistory fits the model on as many examples as a
// backtest keeps (maxTrain), with every feature: the cost of one refit at
// scale (docs/performance.md).
func BenchmarkFitLargeHistory(b *testing.B) {
	k := len(FeatureNames())
	r := rand.New(rand.NewPCG(1, 1))
	ex := make([]Example, maxTrain)
	for i := range ex {
		x := make([]float64, k)
		x[0] = 1
		for j := 1; j < k; j++ {
			if r.IntN(3) == 0 {
				x[j] = r.NormFloat64()
			}
		}
		ex[i] = Example{X: x, Offset: logit(0.3), Won: r.Float64() < 0.3}
	}
	prior := make([]float64, k)
	b.ResetTimer()
	for range b.N {
		if _, err := FitLogistic(ex, prior, fitLambda); err != nil {
			b.Fatal(err)
		}
	}
}

// funnel replays a marketing funnel like the one in docs/forecast.md ("On
// real data"): leads arrive every day, a few sign at any time in the
// first 200 days, and a lead that has not signed is given up 150 days
// after it came. Deals closed by a cut-off are mostly the quick wins, so
// the stage's base rate says far more than the leads still open ever win.
func funnel(n int, seed uint64) *Backtest {
	r := rand.New(rand.NewPCG(seed, 3))
	start := cartera.DateOf(2024, 1, 1)
	deals := make([]cartera.Deal, n)
	var closed []ClosedDeal
	for i := range deals {
		c := start.AddDays(r.IntN(500))
		d := cartera.Deal{ID: fmt.Sprint(i), Title: "lead", Created: c, Closed: c.AddDays(150), Outcome: cartera.OutcomeLost}
		if r.Float64() < 0.12 {
			d.Closed, d.Outcome = c.AddDays(1+r.IntN(200)), cartera.OutcomeWon
		}
		deals[i] = d
		closed = append(closed, ClosedDeal{Closed: d.Closed, Won: d.Outcome == cartera.OutcomeWon})
	}
	bt := NewBacktest(cartera.DefaultPipeline(), closed)
	for _, cut := range MonthlyCutoffs(closed, start.AddDays(800)) {
		bt.Begin(cut)
		for _, d := range deals {
			if d.Created <= cut && d.Closed > cut {
				f := cartera.DealFacts{Deal: d}
				f.CutAt(cut, "", 0)
				bt.Add(&f)
			}
		}
	}
	return bt.Finish()
}

// A fit exists from the first cut-off whose deals have all closed; judged
// on the later half of that cut-off's deals (in the order they were
// created), it beats the base rate, and grounded uses it from that
// very cut-off, not one later — and predicts better than the base rate
// there.
func TestGroundedUsesTheFirstCompleteCutoff(t *testing.T) {
	bt := funnel(4000, 1)
	first := -1
	for _, p := range bt.pairs {
		if !math.IsNaN(float64(p.p[1])) {
			first = int(p.cut)
			break
		}
	}
	if first < 0 {
		t.Fatal("never fitted")
	}
	if bt.uses[first] != MethodFitted {
		t.Errorf("first cut-off with a fit, %s: grounded uses %s (%v)", bt.Cutoffs[first], bt.uses[first], bt.uses)
	}
	if c := bt.ByCutoff[first]; *c.Grounded >= *c.Base {
		t.Errorf("at %s grounded %.2f, base %.2f", c.Cutoff, *c.Grounded, *c.Base)
	}
}

// The fit is judged on today's base rate, not on the stale one of the day
// its test deals were scored. A fit learned while the base rate said 30 %
// against 45 % won adds the difference; once the deals closed since have
// brought the rate to 45 %, adding it again overshoots, and the base rate
// stays. While the rate still says 30 %, the same fit is used.
func TestGroundedJudgesTheFitOnTodaysRate(t *testing.T) {
	k := len(FeatureNames())
	rows := func(n int) []trainRow {
		out := make([]trainRow, n)
		for i := range out {
			x := make([]float64, k)
			x[0] = 1
			x[3], x[4], x[5] = math.NaN(), math.NaN(), math.NaN()
			out[i] = trainRow{Example: Example{X: x, Offset: logit(0.3), Won: i%100 < 45}, expert: 0.3, base: 0.3}
		}
		return out
	}
	var train []Example
	for _, r := range rows(1000) {
		train = append(train, r.Example)
	}
	test := rows(400)
	ptrs := make([]*trainRow, len(test))
	for i := range test {
		ptrs[i] = &test[i]
	}
	for _, c := range []struct {
		won, all int
		useFit   bool
	}{{450, 1000, false}, {300, 1000, true}} {
		b := NewBacktest(cartera.DefaultPipeline(), nil)
		b.stageWon[0], b.stageAll[0] = c.won, c.all
		b.rates = ratesFrom(b.p, b.stageWon, b.stageAll)
		b.judge(train, ptrs, 0)
		if b.useFit != c.useFit {
			t.Errorf("today's rate %d of %d: uses the fit %v, want %v", c.won, c.all, b.useFit, c.useFit)
		}
	}
}
