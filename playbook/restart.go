package playbook

import (
	"sort"
	"strings"
	"unicode"

	"github.com/cartera/cartera"
)

// Prospect is an open deal that could be worked next.
type Prospect struct {
	DealID        string              `json:"deal_id"`
	Name          string              `json:"name"`
	Owner         string              `json:"owner"`
	Stage         cartera.Stage       `json:"stage"`
	Value         cartera.Money       `json:"value"`
	P             cartera.BasisPoints `json:"grounded"`
	ExpectedClose cartera.Date        `json:"expected_close"`
	Stale         bool                `json:"stale"`
}

// Expected is the value weighted by the grounded probability.
func (p Prospect) Expected() int64 { return cartera.MulDivRound(p.Value.Amount, int64(p.P), 10000) }

// Restart is the last step after a lost deal: what changes in how we work,
// and whom to call next.
type Restart struct {
	// Changes are the procedure changes the lessons called for, this
	// deal's first, without repeats.
	Changes []string `json:"changes"`
	// Prospects are the open deals to work next: the seller's own, the
	// largest grounded value first, stale ones (a call is due anyway)
	// before fresh ones of equal worth.
	Prospects []Prospect `json:"prospects"`
}

// NextSteps builds the restart step from the deal's lessons, other recent
// lessons and the open pipeline. owner limits prospects to one seller when
// they have any.
func NextSteps(own, recent []cartera.Lesson, open []Prospect, owner string, n int) Restart {
	var r Restart
	seen := map[string]bool{}
	for _, l := range append(append([]cartera.Lesson(nil), own...), recent...) {
		c := strings.TrimSpace(l.Change)
		if k := cartera.Fold(c); c != "" && !seen[k] {
			seen[k] = true
			r.Changes = append(r.Changes, c)
		}
	}
	mine := open[:0:0]
	for _, p := range open {
		if owner != "" && cartera.Fold(strings.TrimSpace(p.Owner)) == cartera.Fold(strings.TrimSpace(owner)) {
			mine = append(mine, p)
		}
	}
	if len(mine) == 0 {
		mine = append(mine, open...)
	}
	sort.SliceStable(mine, func(i, j int) bool {
		a, b := mine[i], mine[j]
		if a.Expected() != b.Expected() {
			return a.Expected() > b.Expected()
		}
		if a.Stale != b.Stale {
			return a.Stale
		}
		return a.DealID < b.DealID
	})
	if len(mine) > n {
		mine = mine[:n]
	}
	r.Prospects = mine
	return r
}

// Highlights returns the byte ranges of the words in text that a lesson
// search for query matched: words starting with one of the query's words,
// ignoring case and accents. The web app and the terminal use them to mark
// what was found.
func Highlights(text, query string) [][2]int {
	var q []string
	for _, w := range words(query) {
		q = append(q, cartera.Fold(query[w[0]:w[1]]))
	}
	var out [][2]int
	for _, w := range words(text) {
		f := cartera.Fold(text[w[0]:w[1]])
		for _, x := range q {
			if strings.HasPrefix(f, x) {
				out = append(out, w)
				break
			}
		}
	}
	return out
}

// words returns the byte ranges of the words in s, split as
// cartera.SearchWords splits them.
func words(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		in := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// SearchTerms splits a lesson search into its words, the way every store
// matches them (cartera.SearchWords). It returns nil when the text has no
// word at all.
func SearchTerms(text string) []string { return cartera.SearchWords(text) }
