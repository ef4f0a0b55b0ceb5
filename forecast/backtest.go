package forecast

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/cartera/cartera"
)

// The backtest replays the user's history: at each monthly cut-off, every
// deal open that day whose outcome is known now is scored as of that day —
// with only the signals dated by then, the stage its history gives for
// that day, and rates and weights learned only from deals closed before
// it. Nothing later, and no deal's own outcome, reaches a prediction.

// Methods scored by the backtest, in report order.
const (
	MethodGrounded = "grounded" // what cartera shows: the fitted model, or the base rate when the fit does not beat it
	MethodFitted   = "fitted"   // the fitted model alone
	MethodExpert   = "expert"   // the documented expert factors, unfitted
	MethodClaimed  = "claimed"  // the seller's own number or category, where given
	MethodBase     = "base"     // the stage's learned rate, and nothing else
	MethodSeller   = "seller"   // the seller's own past win rate
)

// Methods lists the methods in report order.
var Methods = []string{MethodGrounded, MethodFitted, MethodExpert, MethodClaimed, MethodBase, MethodSeller}

// ClosedDeal is what the backtest needs of a closed deal to learn rates as
// of any day.
type ClosedDeal struct {
	Closed  cartera.Date
	Stage   cartera.Stage
	Won     bool
	Owner   string
	Account string
	// Product is the deal's title, folded: in many exports the product
	// or the lead's source, shared by many deals.
	Product string
}

// ProductOf is the key deals that share a title are grouped under.
func ProductOf(d *cartera.Deal) string { return cartera.Fold(d.Title) }

// AccountOf is the key a deal's account history is kept under: its client,
// or its prospect's name.
func AccountOf(d *cartera.Deal) string {
	if d.ClientID != "" {
		return "c\x00" + d.ClientID
	}
	if d.Prospect != "" {
		return "p\x00" + cartera.Fold(d.Prospect)
	}
	return ""
}

// MethodScore is how well one method predicted: Brier score (mean squared
// error, 0 is perfect, 25 % is what always saying 50 % earns) with a 95 %
// bootstrap interval, log loss, and the reliability table. Figures are
// percentages of a unit, as everywhere in JSON.
type MethodScore struct {
	Method  string  `json:"method"`
	N       int     `json:"n"`
	Brier   float64 `json:"brier"`
	BrierLo float64 `json:"brier_low"`
	BrierHi float64 `json:"brier_high"`
	LogLoss float64 `json:"log_loss"`
	Bands   []Band  `json:"reliability"`
	// VsBase is this method's Brier minus the base rate's on the same
	// deals, with its 95 % interval: below zero is better.
	VsBase   float64 `json:"vs_base"`
	VsBaseLo float64 `json:"vs_base_low"`
	VsBaseHi float64 `json:"vs_base_high"`
}

// BacktestLine is the scores of one seller (or everyone).
type BacktestLine struct {
	Seller  string         `json:"seller,omitempty"`
	Deals   int            `json:"scored"`
	Won     int            `json:"won"`
	Methods []*MethodScore `json:"methods"`
	// Trust is the method the figures say to trust: the one with the
	// lowest Brier whose advantage over the base rate is clear of chance,
	// or the base rate.
	Trust string `json:"trust"`
}

// CutoffScore is how the deals scored at one cut-off were predicted.
// Brier scores are in percent of a unit, as in MethodScore; each is nil
// when no deal was scored by that method that day (claimed counts only
// the deals whose seller gave a number or a category: ClaimedN of them).
type CutoffScore struct {
	Cutoff cartera.Date `json:"cutoff"`
	Deals  int          `json:"scored"`
	Won    int          `json:"won"`
	// Uses is what grounded used that day: "fitted", "expert" or "base".
	Uses     string   `json:"grounded_uses"`
	Grounded *float64 `json:"grounded"`
	Claimed  *float64 `json:"claimed"`
	ClaimedN int      `json:"claimed_n"`
	Base     *float64 `json:"base"`
	Seller   *float64 `json:"seller"`
}

// Weight is one fitted weight, on the log-odds, with its prior and its
// standard error.
type Weight struct {
	Feature string  `json:"feature"`
	Prior   float64 `json:"prior"`
	Value   float64 `json:"value"`
	SE      float64 `json:"standard_error"`
}

// Backtest is the result of a rolling-origin evaluation.
type Backtest struct {
	Cutoffs []cartera.Date  `json:"cutoffs"`
	Overall *BacktestLine   `json:"overall"`
	Sellers []*BacktestLine `json:"sellers"`
	// ByCutoff breaks the replay down by cut-off, in date order: where
	// the whole replay's figures come from, and when grounded switched.
	ByCutoff []CutoffScore `json:"by_cutoff"`
	// Weights are the last fit's (on every example whose outcome was
	// known by the last cut-off); UsesFit says whether grounded uses
	// them or falls back to the base rate, because the fit did not beat
	// it on the deals it had predicted before.
	Weights []Weight `json:"weights"`
	UsesFit bool     `json:"uses_fit"`
	// Grounded names what grounded uses from now on: "fitted", "expert"
	// or "base" — whichever predicted best the deals already known, the
	// base rate unless another beat it.
	Grounded string `json:"grounded_uses"`

	// OnScore, when set, is told of every scored deal: calibration reads
	// the same pairs.
	OnScore func(owner string, claimed cartera.BasisPoints, grounded float64, won bool) `json:"-"`

	p        cartera.Pipeline
	closed   []ClosedDeal
	next     int // closed deals learned so far
	stageWon []int
	stageAll []int
	sellers  map[string]*tally
	accounts map[string]*tally
	products map[string]*tally
	won, all int
	cut      cartera.Date
	rates    []Rate
	expert   *Model
	fit      *Fit
	useFit   bool
	// useExpert is set when the documented factors, unfitted, beat both
	// the base rate and the fit on the deals predicted so far.
	useExpert bool
	norm      norm
	train     []trainRow
	pairs     []pair5
	uses      []string // what grounded used at each cut-off
	names     []string
	nameIdx   map[string]int32
}

type tally struct{ won, all int }

// trainRow is an example kept for later fits, with the day its outcome
// became known and the predictions made for it at its cut-off.
type trainRow struct {
	Example
	cohort       int32 // the cut-off it was scored at
	stage        int32 // the index of its stage's rate (0 when unknown)
	created      cartera.Date
	known        cartera.Date
	expert, base float64
}

// pair5 is one scored (deal, cut-off): its seller, the cut-off's index,
// its outcome and each method's probability (NaN where a method gives
// none). The index fits in the padding before p: still 32 bytes a pair.
type pair5 struct {
	seller int32
	cut    uint16
	won    bool
	p      [6]float32
}

// NewBacktest starts a backtest over the user's closed deals.
func NewBacktest(p cartera.Pipeline, closed []ClosedDeal) *Backtest {
	sort.SliceStable(closed, func(i, j int) bool { return closed[i].Closed < closed[j].Closed })
	return &Backtest{p: p, closed: closed, stageWon: make([]int, len(p.Stages)), stageAll: make([]int, len(p.Stages)),
		sellers: map[string]*tally{}, accounts: map[string]*tally{}, products: map[string]*tally{}, nameIdx: map[string]int32{}}
}

// MonthlyCutoffs returns the first day of every month after the first
// close and up to the last one, before today: the days to replay.
func MonthlyCutoffs(closed []ClosedDeal, today cartera.Date) []cartera.Date {
	if len(closed) == 0 {
		return nil
	}
	first, last := closed[0].Closed, closed[0].Closed
	for _, c := range closed {
		first, last = min(first, c.Closed), max(last, c.Closed)
	}
	y, m, _ := first.YMD()
	var out []cartera.Date
	for d := cartera.DateOf(y, m, 1).AddMonths(1); d <= last && d < today; d = d.AddMonths(1) {
		out = append(out, d)
	}
	return out
}

// Begin moves the backtest to a cut-off day (days must come in order):
// it learns the deals closed by then and refits the model on the
// examples whose outcome was known by then.
func (b *Backtest) Begin(cut cartera.Date) {
	b.cut = cut
	b.Cutoffs = append(b.Cutoffs, cut)
	for ; b.next < len(b.closed) && b.closed[b.next].Closed <= cut; b.next++ {
		b.learn(b.closed[b.next])
	}
	b.rates = ratesFrom(b.p, b.stageWon, b.stageAll)
	b.expert = &Model{p: b.p, rates: b.rates}
	b.refit(cut)
	b.uses = append(b.uses, b.groundedUses())
}

// groundedUses names what grounded uses after the last refit.
func (b *Backtest) groundedUses() string {
	switch {
	case b.useFit:
		return MethodFitted
	case b.useExpert:
		return MethodExpert
	}
	return MethodBase
}

// learn counts one closed deal in the stage, seller, account and title
// tallies.
func (b *Backtest) learn(c ClosedDeal) {
	i := max(b.p.Index(c.Stage), 0)
	b.stageAll[i]++
	b.all++
	w := 0
	if c.Won {
		b.stageWon[i]++
		b.won++
		w = 1
	}
	for _, x := range []struct {
		m   map[string]*tally
		key string
	}{{b.sellers, cartera.Fold(c.Owner)}, {b.accounts, c.Account}, {b.products, c.Product}} {
		if x.key == "" {
			continue
		}
		t := x.m[x.key]
		if t == nil {
			t = &tally{}
			x.m[x.key] = t
		}
		t.all++
		t.won += w
	}
}

// refit fits the model on the examples known by cut and decides what
// grounded uses: the fit, the expert factors or the base rate, whichever
// scored the lowest Brier on the latest complete cut-off, predicted
// without it (or, when it is the only one, on the later half of its
// deals) — the base rate unless another beat it.
func (b *Backtest) refit(cut cartera.Date) {
	// Only cut-offs whose deals have (nearly) all closed by now teach
	// anything: in a cut-off still waiting for most of its losses, the
	// deals already known are mostly the quick wins, and learning from
	// them alone would teach optimism.
	total, known := map[int32]int{}, map[int32]int{}
	for i := range b.train {
		t := &b.train[i]
		total[t.cohort]++
		if t.known <= cut {
			known[t.cohort]++
		}
	}
	var complete []int32
	for c, n := range total {
		if float64(known[c]) >= completeCohort*float64(n) {
			complete = append(complete, c)
		}
	}
	sort.Slice(complete, func(i, j int) bool { return complete[i] > complete[j] })
	usable := func(t *trainRow) bool {
		return t.known <= cut && float64(known[t.cohort]) >= completeCohort*float64(total[t.cohort])
	}
	// The judgement: a fit on the older complete cut-offs, tried on the
	// latest ones (as many as hold minExamples deals), against the base
	// rate and the expert factors — all out of sample, all known by now.
	testing := map[int32]bool{}
	for n, i := 0, 0; i < len(complete) && n < minExamples; i++ {
		testing[complete[i]] = true
		n += known[complete[i]]
	}
	var older []Example
	var test []*trainRow
	for i := range b.train {
		t := &b.train[i]
		if !usable(t) {
			continue
		}
		if testing[t.cohort] {
			test = append(test, t)
		} else {
			older = append(older, t.Example)
		}
	}
	b.fit, b.useFit, b.useExpert = nil, false, false
	if len(test) >= minExamples {
		margin := 0.0
		if len(older) < minExamples {
			// Nothing older to fit on: the latest complete cut-offs are
			// split in time. The fit learns from the deals created first
			// and is judged on the later half, as it will be used — on
			// deals newer than any it learned from — and must beat the
			// base rate there by firstMargin standard errors: half a
			// cut-off is few deals, and a first fit easily corrects a
			// base rate that more closed deals will correct anyway.
			sort.SliceStable(test, func(i, j int) bool { return test[i].created < test[j].created })
			half := len(test) / 2
			for _, t := range test[:half] {
				older = append(older, t.Example)
			}
			test, margin = test[half:], firstMargin
		}
		b.judge(older, test, margin)
	}
	var all []Example
	for i := range b.train {
		if t := &b.train[i]; usable(t) {
			all = append(all, t.Example)
		}
	}
	b.fit, b.norm = b.fitOn(all)
	if b.fit == nil {
		b.useFit = false
	}
}

// judge fits the model on train and decides what grounded uses from how
// the fit, the expert factors and the base rate predict test, deals
// closed by now that the fit never saw. Each is judged as grounded would
// use it today: on today's stage rate (learned from the deals closed by
// now, test's among them), not the rate of the day each test deal was
// scored. A fit's intercept corrects the base rate of its day; where that
// rate has moved since — early on, while it is still near its prior — the
// correction no longer holds, and judging it on the old rate would credit
// it anyway. The fit is used only if it beats the base rate by margin
// standard errors of the difference of their Brier scores, and the
// expert factors; the expert factors if they beat the base rate.
func (b *Backtest) judge(train []Example, test []*trainRow, margin float64) {
	var fitSq, expSq, baseSq, d2 float64
	fa, na := b.fitOn(train)
	for _, t := range test {
		y := 0.0
		if t.Won {
			y = 1
		}
		base := bpf(b.rates[t.stage].Rate)
		off := logit(base)
		// The expert factors moved the odds of that day's rate by so
		// much: the same move, from today's.
		exp := sigmoid(logit(t.expert) - logit(t.base) + off)
		p := base
		if fa != nil {
			p = fa.Predict(na.apply(t.X), off)
		}
		fitSq += (p - y) * (p - y)
		expSq += (exp - y) * (exp - y)
		baseSq += (base - y) * (base - y)
		e := (p-y)*(p-y) - (base-y)*(base-y)
		d2 += e * e
	}
	n := float64(len(test))
	d := (fitSq - baseSq) / n
	se := math.Sqrt(math.Max(d2/n-d*d, 0) / n)
	b.useFit = fa != nil && d < -margin*se && fitSq <= expSq
	b.useExpert = !b.useFit && expSq < baseSq
}

// fitOn fits the model on examples (nil with too few, or on failure).
func (b *Backtest) fitOn(ex []Example) (*Fit, norm) {
	if len(ex) < minExamples {
		return nil, norm{}
	}
	n := newNorm(ex)
	scaled := make([]Example, len(ex))
	for i, e := range ex {
		scaled[i] = Example{X: n.apply(e.X), Offset: e.Offset, Won: e.Won}
	}
	f, err := FitLogistic(scaled, b.prior(), fitLambda)
	if err != nil {
		return nil, norm{}
	}
	return f, n
}

// completeCohort is the share of a cut-off's deals that must have closed
// before the cut-off teaches the fit or judges it.
const completeCohort = 0.95

// minExamples is the fewest known examples a fit, or the judgement of
// one, is made on; fitLambda is the ridge penalty toward the prior, worth
// about as many deals as the stage rates' shrinkage.
const (
	minExamples = 30
	fitLambda   = 10
)

// firstMargin is how many standard errors a fit judged on a split of the
// only complete cut-offs must beat the base rate by.
const firstMargin = 2

// Add scores one deal as of the current cut-off. f must be read as of that
// day and carry its later outcome (Truth); others are ignored.
func (b *Backtest) Add(f *cartera.DealFacts) {
	if f.Truth != cartera.OutcomeWon && f.Truth != cartera.OutcomeLost {
		return
	}
	d := &f.Deal
	won := f.Truth == cartera.OutcomeWon
	g := b.expert.Ground(f, b.cut)
	si := max(b.p.Index(d.Stage), 0)
	base := bpf(b.rates[si].Rate)
	overall := b.overall()
	seller := overall
	if t := b.sellers[cartera.Fold(d.Owner)]; t != nil && d.Owner != "" {
		seller = (float64(t.won) + 10*overall) / (float64(t.all) + 10)
	}
	x := b.features(f, overall, seller)
	fitted := math.NaN()
	if b.fit != nil {
		fitted = b.fit.Predict(b.norm.apply(x), logit(base))
	}
	grounded := base
	switch {
	case b.useFit:
		grounded = fitted
	case b.useExpert:
		grounded = bpf(g.P)
	}
	claimed := math.NaN()
	if g.ClaimFrom != ClaimStage {
		claimed = bpf(g.Claimed)
	}
	if b.OnScore != nil {
		b.OnScore(d.Owner, g.Claimed, grounded, won)
	}
	if len(b.train) >= maxTrain {
		b.train = b.train[maxTrain/4:]
	}
	b.train = append(b.train, trainRow{Example: Example{X: x, Offset: logit(base), Won: won}, cohort: int32(len(b.Cutoffs)), known: f.TruthClosed, stage: int32(si), created: d.Created,
		expert: bpf(g.P), base: base})
	key := cartera.Fold(d.Owner)
	idx, ok := b.nameIdx[key]
	if !ok {
		idx = int32(len(b.names))
		b.nameIdx[key] = idx
		b.names = append(b.names, d.Owner)
	}
	b.pairs = append(b.pairs, pair5{seller: idx, cut: uint16(len(b.Cutoffs) - 1), won: won, p: [6]float32{float32(grounded), float32(fitted),
		float32(bpf(g.P)), float32(claimed), float32(base), float32(seller)}})
}

// maxTrain bounds the examples kept for fitting; the oldest go first.
const maxTrain = 400000

func (b *Backtest) overall() float64 {
	return (float64(b.won) + 10*bpf(b.p.Stages[0].Prior)) / (float64(b.all) + 10)
}

// Features are what the source records, and nothing it does not: a
// missing value is 0 after normalising, which moves nothing.
var featureNames = []string{"intercept", "seller_rate", "account_rate", "log_value", "log_age", "log_days_in_stage",
	"slipped", "need", "capacity", "decision_maker", "silence", "title_rate"}

// FeatureNames lists the fitted model's features in order: the fixed ones,
// then one per signal kind.
func FeatureNames() []string {
	out := append([]string(nil), featureNames...)
	for _, k := range cartera.SignalKinds {
		out = append(out, "signal_"+string(k))
	}
	return out
}

// continuous are the features normalised to mean 0 and unit spread.
var continuous = []int{3, 4, 5}

func (b *Backtest) features(f *cartera.DealFacts, overall, seller float64) []float64 {
	d := &f.Deal
	x := make([]float64, len(featureNames)+len(cartera.SignalKinds))
	x[0] = 1
	if d.Owner != "" {
		x[1] = logit(seller) - logit(overall)
	}
	if a := AccountOf(d); a != "" {
		if t := b.accounts[a]; t != nil {
			x[2] = logit((float64(t.won)+10*overall)/(float64(t.all)+10)) - logit(overall)
		}
	}
	if t := b.products[ProductOf(d)]; t != nil && ProductOf(d) != "" {
		x[11] = logit((float64(t.won)+10*overall)/(float64(t.all)+10)) - logit(overall)
	}
	nan := math.NaN()
	x[3], x[4], x[5] = nan, nan, nan
	if d.Value.Amount > 0 {
		x[3] = math.Log1p(float64(d.Value.Amount))
	}
	if !d.Created.IsZero() {
		x[4] = math.Log1p(float64(cartera.DaysBetween(d.Created, b.cut)))
	}
	if b.p.Index(d.Stage) >= 0 {
		x[5] = math.Log1p(float64(cartera.DaysBetween(d.StageSince, b.cut)))
	}
	if !d.ExpectedClose.IsZero() && d.ExpectedClose < b.cut {
		x[6] = 1
	}
	for i, a := range []cartera.Answer{d.Qualification.Need, d.Qualification.Capacity, d.Qualification.DecisionMaker} {
		switch a {
		case cartera.Yes:
			x[7+i] = 1
		case cartera.No:
			x[7+i] = -1
		}
	}
	ev := &f.Evidence
	if ev.Total() > 0 {
		inbound := ev.Last(func(k cartera.SignalKind) bool { return k.Inbound() })
		silent := cartera.DaysBetween(max(inbound, d.Created), b.cut)
		x[10] = float64(min(silent/max(b.p.SilenceDays, 1), 3))
	}
	for i, k := range cartera.SignalKinds {
		e := ev.Of(k)
		if e.Count == 0 || e.Last > b.cut {
			continue
		}
		x[len(featureNames)+i] = math.Pow(0.5, float64(cartera.DaysBetween(e.Last, b.cut))/float64(b.p.EvidenceHalfLife))
	}
	return x
}

// prior is the expert factors as weights on the log-odds.
func (b *Backtest) prior() []float64 {
	w := make([]float64, len(featureNames)+len(cartera.SignalKinds))
	w[6] = math.Log(float64(b.p.SlippedFactor) / 100)
	w[10] = math.Log(float64(b.p.SilenceFactor) / 100)
	for i, k := range cartera.SignalKinds {
		if lr, ok := b.p.Evidence[k]; ok {
			w[len(featureNames)+i] = math.Log(float64(lr) / 100)
		}
		if fl, ok := b.p.Floors[k]; ok {
			q := bpf(fl)
			w[len(featureNames)+i] = math.Log(q / (1 - q))
		}
		if k == cartera.SignalNoReply {
			w[len(featureNames)+i] = 2 * math.Log(float64(b.p.NoReplyFactor)/100)
		}
	}
	return w
}

// norm centres and scales the continuous features; a missing value (NaN)
// becomes 0, the mean.
type norm struct{ mean, sd []float64 }

func newNorm(ex []Example) norm {
	n := norm{mean: make([]float64, len(continuous)), sd: make([]float64, len(continuous))}
	for ci, j := range continuous {
		var s, s2, c float64
		for _, e := range ex {
			if v := e.X[j]; !math.IsNaN(v) {
				s += v
				s2 += v * v
				c++
			}
		}
		if c > 1 {
			n.mean[ci] = s / c
			n.sd[ci] = math.Sqrt(math.Max(s2/c-n.mean[ci]*n.mean[ci], 0))
		}
	}
	return n
}

func (n norm) apply(x []float64) []float64 {
	out := append([]float64(nil), x...)
	for ci, j := range continuous {
		v := out[j]
		if math.IsNaN(v) || n.sd == nil || n.sd[ci] < 1e-3 {
			out[j] = 0 // missing, or a feature that does not vary
			continue
		}
		// Beyond four spreads a value says no more than at four.
		out[j] = math.Min(math.Max((v-n.mean[ci])/n.sd[ci], -4), 4)
	}
	return out
}

// Finish scores every method, overall and per seller, with bootstrap
// intervals, and reports the last fit's weights.
func (b *Backtest) Finish() *Backtest {
	// The weights shown are a fit on every example known by the last
	// cut-off, and on the outcomes known now: what the next forecast uses.
	b.refit(cartera.Date(math.MaxInt32))
	if b.fit != nil {
		prior := b.prior()
		for i, name := range FeatureNames() {
			b.Weights = append(b.Weights, Weight{Feature: name, Prior: round4(prior[i]), Value: round4(b.fit.W[i]), SE: round4(b.fit.SE[i])})
		}
	}
	b.UsesFit = b.useFit
	b.Grounded = b.groundedUses()
	b.ByCutoff = b.byCutoff()
	all := make([]int, len(b.pairs))
	bySeller := make([][]int, len(b.names))
	for i, p := range b.pairs {
		all[i] = i
		bySeller[p.seller] = append(bySeller[p.seller], i)
	}
	b.Overall = b.line("", all)
	for s, idx := range bySeller {
		b.Sellers = append(b.Sellers, b.line(b.names[s], idx))
	}
	sort.SliceStable(b.Sellers, func(i, j int) bool { return b.Sellers[i].Deals > b.Sellers[j].Deals })
	return b
}

// byCutoff sums the scored pairs of each cut-off: grounded, claimed, the
// base rate and the seller's rate.
func (b *Backtest) byCutoff() []CutoffScore {
	const grounded, claimed, base, seller = 0, 3, 4, 5
	out := make([]CutoffScore, len(b.Cutoffs))
	sq := make([][6]float64, len(b.Cutoffs))
	n := make([][6]int, len(b.Cutoffs))
	for i, c := range b.Cutoffs {
		out[i] = CutoffScore{Cutoff: c, Uses: MethodBase}
		if i < len(b.uses) {
			out[i].Uses = b.uses[i]
		}
	}
	for _, pr := range b.pairs {
		c := &out[pr.cut]
		c.Deals++
		y := 0.0
		if pr.won {
			c.Won++
			y = 1
		}
		for m, p := range pr.p {
			if !math.IsNaN(float64(p)) {
				sq[pr.cut][m] += (float64(p) - y) * (float64(p) - y)
				n[pr.cut][m]++
			}
		}
	}
	score := func(i, m int) *float64 {
		if n[i][m] == 0 {
			return nil
		}
		v := pct(sq[i][m] / float64(n[i][m]))
		return &v
	}
	for i := range out {
		c := &out[i]
		c.Grounded, c.Claimed, c.Base, c.Seller = score(i, grounded), score(i, claimed), score(i, base), score(i, seller)
		c.ClaimedN = n[i][claimed]
	}
	return out
}

// bootstrapRounds is how many resamples the intervals are drawn from.
const bootstrapRounds = 200

func (b *Backtest) line(seller string, idx []int) *BacktestLine {
	l := &BacktestLine{Seller: seller, Deals: len(idx)}
	for _, i := range idx {
		if b.pairs[i].won {
			l.Won++
		}
	}
	// The bootstrap: each resample draws len(idx) pairs with replacement
	// and scores every method on them at once, so that memory stays at a
	// few numbers per resample whatever the history's size.
	const baseM = 4
	nm := len(Methods)
	briers, diffs := make([][]float64, nm), make([][]float64, nm)
	r := rand.New(rand.NewPCG(7, uint64(len(idx))))
	sq, df, cnt := make([]float64, nm), make([]float64, nm), make([]float64, nm)
	for range bootstrapRounds {
		clear(sq)
		clear(df)
		clear(cnt)
		for range idx {
			pr := &b.pairs[idx[r.IntN(len(idx))]]
			y := 0.0
			if pr.won {
				y = 1
			}
			bp := float64(pr.p[baseM])
			be := (bp - y) * (bp - y)
			for m := range nm {
				p := float64(pr.p[m])
				if math.IsNaN(p) {
					continue
				}
				e := (p - y) * (p - y)
				sq[m] += e
				df[m] += e - be
				cnt[m]++
			}
		}
		for m := range nm {
			if cnt[m] > 0 {
				briers[m] = append(briers[m], sq[m]/cnt[m])
				diffs[m] = append(diffs[m], df[m]/cnt[m])
			}
		}
	}
	for m, name := range Methods {
		ms := &MethodScore{Method: name, Bands: newBands()}
		var sq, ll, diff float64
		for _, i := range idx {
			p := float64(b.pairs[i].p[m])
			if math.IsNaN(p) {
				continue
			}
			y := 0.0
			if b.pairs[i].won {
				y = 1
			}
			ms.N++
			sq += (p - y) * (p - y)
			q := math.Min(math.Max(p, 0.001), 0.999)
			ll -= y*math.Log(q) + (1-y)*math.Log(1-q)
			bp := float64(b.pairs[i].p[baseM])
			diff += (p-y)*(p-y) - (bp-y)*(bp-y)
			for k := range ms.Bands {
				bd := &ms.Bands[k]
				if pb := toBP(p); pb >= bandEdges[k] && pb < bandEdges[k+1] {
					bd.Deals++
					bd.sum += p
					if y == 1 {
						bd.Won++
					}
				}
			}
		}
		if ms.N == 0 {
			continue
		}
		n := float64(ms.N)
		ms.Brier, ms.LogLoss, ms.VsBase = pct(sq/n), round4(ll/n), pct(diff/n)
		for k := range ms.Bands {
			bd := &ms.Bands[k]
			if bd.Deals > 0 {
				bd.Predicted = toBP(bd.sum / float64(bd.Deals))
				bd.Actual = cartera.Ratio(int64(bd.Won), int64(bd.Deals))
			}
		}
		ms.BrierLo, ms.BrierHi = quantiles(briers[m])
		ms.VsBaseLo, ms.VsBaseHi = quantiles(diffs[m])
		l.Methods = append(l.Methods, ms)
	}
	l.Trust = MethodBase
	best := math.Inf(1)
	for _, ms := range l.Methods {
		// Claimed and seller are judged like the rest; a method is
		// trusted over the base rate only when its whole interval is
		// better, and on at least most of the deals.
		if ms.Method == MethodBase || ms.Method == MethodFitted || ms.VsBaseHi >= 0 || ms.N < minExamples || ms.N*2 < l.Deals {
			continue
		}
		if ms.Brier < best {
			best, l.Trust = ms.Brier, ms.Method
		}
	}
	return l
}

func quantiles(v []float64) (float64, float64) {
	if len(v) == 0 {
		return 0, 0
	}
	sort.Float64s(v)
	return pct(v[len(v)*25/1000]), pct(v[min(len(v)*975/1000, len(v)-1)])
}

// pct turns a mean squared error into percent points of a unit, rounded
// to hundredths.
func pct(x float64) float64 { return math.Round(x*10000) / 100 }

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }
