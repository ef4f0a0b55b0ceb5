package csvio

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/cartera/cartera"
)

// The problems an import reports: each bad value as file:line:column and
// a reason, sorted by file and position, capped.

// Problem is one bad value, at file:line:column.
type Problem struct {
	File   string          `json:"file"`
	Line   int             `json:"line"`
	Column int             `json:"column"`
	Msg    cartera.Message `json:"-"`
}

// ProblemsError is returned when an import found bad values; nothing was
// written.
type ProblemsError struct {
	Problems []Problem
	// More counts problems found beyond the listed ones.
	More int
}

func (e *ProblemsError) Error() string {
	var b strings.Builder
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "%s:%d:%d: %s\n", p.File, p.Line, p.Column, p.Msg)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "… and %d more\n", e.More)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Total is the number of problems found.
func (e *ProblemsError) Total() int { return len(e.Problems) + e.More }

// problems collects problems from the reader and the writer goroutines.
type problems struct {
	mu   sync.Mutex
	max  int
	list []Problem
	more int
}

func (p *problems) add(pr Problem) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) < p.max {
		p.list = append(p.list, pr)
	} else {
		p.more++
	}
}

func (p *problems) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.list) + p.more
}

func sortProblems(ps []Problem, names []string) {
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if idx[a.File] != idx[b.File] {
			return idx[a.File] < idx[b.File]
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
