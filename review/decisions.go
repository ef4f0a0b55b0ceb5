package review

import (
	"context"
	"sort"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
)

// Alignment compares the decisions users recorded with the policy.
type Alignment struct {
	// Decisions are the latest decision on each client, newest first.
	Decisions  []cartera.Decision
	Names      map[string]string // client id → name
	Agreed     int
	Overridden int
	// Groups are the overrides by direction, largest first.
	Groups []Disagreement
}

// Disagreement is a set of overrides in one direction.
type Disagreement struct {
	Policy, Decided cartera.Verdict
	ClientIDs       []string
	// Min is the policy's AlignOverrides: how many overrides this way it
	// takes to look for a proposal.
	Min int
	// Proposal is the threshold change that would align the policy with
	// them, when there are at least Min and one is found. It is only
	// a proposal: the policy changes when the owner sets it.
	Proposal *Proposal
}

// Proposal is one policy change: `cartera policy set Key Value`.
type Proposal struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// Aligned is how many of the overrides the change would turn into
	// agreements.
	Aligned int `json:"aligned"`
	// Affected lists (up to MaxAffected) the clients whose verdict the
	// change would move, with the move; AffectedTotal counts them all.
	Affected      []Move `json:"affected"`
	AffectedTotal int    `json:"affected_total"`
}

// Move is a client's verdict before and after a policy change.
type Move struct {
	ClientID string          `json:"client_id"`
	Name     string          `json:"name"`
	From     cartera.Verdict `json:"from"`
	To       cartera.Verdict `json:"to"`
}

// MaxAffected caps the clients a proposal lists.
const MaxAffected = 20

// Align reads the decisions and, for each direction the user keeps
// overriding the policy in, proposes the smallest threshold change (among
// the red lines and levels; never the abuse rules, which no figure buys)
// that would align them, with every client it would affect. Nothing is
// changed.
func Align(ctx context.Context, st cartera.Store, asOf cartera.Date) (*Alignment, error) {
	all, err := st.Decisions(ctx, "", 0)
	if err != nil {
		return nil, err
	}
	al := &Alignment{Names: map[string]string{}}
	seen := map[string]bool{}
	groups := map[[2]cartera.Verdict]*Disagreement{}
	for _, d := range all {
		if seen[d.ClientID] {
			continue
		}
		seen[d.ClientID] = true
		al.Decisions = append(al.Decisions, d)
		if c, err := st.Client(ctx, d.ClientID); err == nil {
			al.Names[d.ClientID] = c.Name
		}
		if d.Agrees() {
			al.Agreed++
			continue
		}
		al.Overridden++
		k := [2]cartera.Verdict{d.Policy, d.Decided}
		if groups[k] == nil {
			groups[k] = &Disagreement{Policy: d.Policy, Decided: d.Decided}
		}
		groups[k].ClientIDs = append(groups[k].ClientIDs, d.ClientID)
	}
	pol, err := st.Policy(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		g.Min = pol.AlignOverrides
		al.Groups = append(al.Groups, *g)
	}
	sort.Slice(al.Groups, func(i, j int) bool {
		if len(al.Groups[i].ClientIDs) != len(al.Groups[j].ClientIDs) {
			return len(al.Groups[i].ClientIDs) > len(al.Groups[j].ClientIDs)
		}
		return al.Groups[i].Policy.Urgency()*10+al.Groups[i].Decided.Urgency() < al.Groups[j].Policy.Urgency()*10+al.Groups[j].Decided.Urgency()
	})
	for i := range al.Groups {
		g := &al.Groups[i]
		if len(g.ClientIDs) < g.Min {
			continue
		}
		if g.Proposal, err = propose(ctx, st, asOf, pol, g); err != nil {
			return nil, err
		}
	}
	return al, nil
}

// judged assesses clients under a policy: their verdicts by id, and the
// assessments when keep is true.
func judged(ctx context.Context, st cartera.Store, asOf cartera.Date, p cartera.Policy, ids []string, keep bool) (map[string]cartera.Verdict, []assess.Assessment, error) {
	q := assess.Query(asOf, p)
	q.ClientIDs = ids
	x := assess.New(p, q)
	out := map[string]cartera.Verdict{}
	var as []assess.Assessment
	err := eachFacts(ctx, st, q, x.Assess, func(f *cartera.ClientFacts, a *assess.Assessment) error {
		out[f.Client.ID] = a.Verdict
		if keep {
			as = append(as, *a)
		}
		return nil
	}, func(string) error { return nil })
	return out, as, err
}

// propose tries the candidate changes on the group's clients and keeps the
// one that aligns the most of them, then lists every client it moves.
func propose(ctx context.Context, st cartera.Store, asOf cartera.Date, pol cartera.Policy, g *Disagreement) (*Proposal, error) {
	_, as, err := judged(ctx, st, asOf, pol, g.ClientIDs, true)
	if err != nil {
		return nil, err
	}
	var best *Proposal
	var bestPol cartera.Policy
	for _, c := range candidates(pol, as, g.Decided.Urgency() > g.Policy.Urgency()) {
		p2 := pol
		if err := p2.Set(c[0], c[1]); err != nil || p2.Validate() != nil {
			continue
		}
		vs, _, err := judged(ctx, st, asOf, p2, g.ClientIDs, false)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, id := range g.ClientIDs {
			if vs[id] == g.Decided {
				n++
			}
		}
		if n > 0 && (best == nil || n > best.Aligned) {
			best, bestPol = &Proposal{Key: c[0], Value: c[1], Aligned: n}, p2
		}
	}
	if best == nil {
		return nil, nil
	}
	before, _, err := judged(ctx, st, asOf, pol, nil, false)
	if err != nil {
		return nil, err
	}
	after, _, err := judged(ctx, st, asOf, bestPol, nil, false)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(after))
	for id := range after {
		if before[id] != after[id] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	best.AffectedTotal = len(ids)
	for _, id := range ids[:min(len(ids), MaxAffected)] {
		name := id
		if c, err := st.Client(ctx, id); err == nil {
			name = c.Name
		}
		best.Affected = append(best.Affected, Move{ClientID: id, Name: name, From: before[id], To: after[id]})
	}
	return best, nil
}

// candidates are the threshold changes worth trying, as policy keys and
// values: each the smallest that could flip the group's clients. Abuse
// rules are never among them.
func candidates(p cartera.Policy, as []assess.Assessment, milder bool) [][2]string {
	pct := func(b cartera.BasisPoints) string { return cartera.FormatDecimal(int64(b), 2, '.') }
	num := func(x float64) string { return cartera.FormatDecimal(int64(x*100+0.5), 2, '.') }
	var out [][2]string
	if milder {
		minMargin, hasMargin := cartera.BasisPoints(10000), false
		var maxScore float64
		var maxLate int
		var maxDisc cartera.BasisPoints
		for _, a := range as {
			if a.Economic.HasRevenue && a.Economic.MarginPct < minMargin {
				minMargin, hasMargin = a.Economic.MarginPct, true
			}
			maxScore = max(maxScore, a.Relational.Score)
			maxLate = max(maxLate, a.Payment.WorstDaysLate)
		}
		for _, a := range as {
			for _, b := range a.Lines {
				if b.Line == "discount" {
					if v, ok := b.Msg.Get("max_seen"); ok {
						maxDisc = max(maxDisc, v.(cartera.BasisPoints))
					}
				}
			}
		}
		if hasMargin && minMargin < p.MinMargin {
			out = append(out, [2]string{"min_margin", pct(minMargin / 100 * 100)})
		}
		if p.MaxSeverity < cartera.MaxSeverity {
			out = append(out, [2]string{"max_severity", cartera.FormatDecimal(int64(p.MaxSeverity+1), 0, '.')})
		}
		if maxScore >= p.RelationalMedium && maxScore < p.RelationalHigh {
			out = append(out, [2]string{"relational_medium", num(maxScore + 0.1)})
		}
		if maxScore >= p.RelationalHigh {
			out = append(out, [2]string{"relational_high", num(maxScore + 0.1)})
		}
		if maxLate > p.MaxDaysLate {
			out = append(out, [2]string{"max_days_late", cartera.FormatDecimal(int64(maxLate), 0, '.')})
		}
		if maxDisc > p.MaxDiscount {
			out = append(out, [2]string{"max_discount", pct(maxDisc)})
		}
		return out
	}
	maxMargin := cartera.BasisPoints(-10000)
	minScore := p.RelationalMedium
	for _, a := range as {
		if a.Economic.HasRevenue {
			maxMargin = max(maxMargin, a.Economic.MarginPct)
		}
		if a.Relational.Score > 0 {
			minScore = min(minScore, a.Relational.Score)
		}
	}
	if maxMargin >= p.MinMargin && maxMargin < 9900 {
		out = append(out, [2]string{"min_margin", pct((maxMargin/100 + 1) * 100)})
	}
	if p.MaxSeverity > 1 {
		out = append(out, [2]string{"max_severity", cartera.FormatDecimal(int64(p.MaxSeverity-1), 0, '.')})
	}
	if minScore < p.RelationalMedium {
		out = append(out, [2]string{"relational_medium", num(minScore)})
	}
	return out
}
