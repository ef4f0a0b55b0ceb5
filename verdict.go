package cartera

// Verdict is what to do with a client.
type Verdict string

// Verdicts, from the most urgent.
const (
	VerdictEnd         Verdict = "end"
	VerdictRenegotiate Verdict = "renegotiate"
	VerdictBoundaries  Verdict = "boundaries"
	VerdictKeep        Verdict = "keep"
)

// VerdictUnassessed is no verdict: the client's figures could not be
// computed (a stored amount is beyond the bounds, see
// ErrFiguresOutOfRange). It is not among Verdicts: it is never a filter
// nor counted in the portfolio, and it sorts after every verdict.
const VerdictUnassessed Verdict = "unassessed"

// Verdicts lists every verdict, most urgent first.
var Verdicts = []Verdict{VerdictEnd, VerdictRenegotiate, VerdictBoundaries, VerdictKeep}

// Urgency orders verdicts: 0 is the most urgent.
func (v Verdict) Urgency() int {
	for i, x := range Verdicts {
		if x == v {
			return i
		}
	}
	return len(Verdicts)
}

// Valid reports whether v is a known verdict.
func (v Verdict) Valid() bool { return v.Urgency() < len(Verdicts) }
