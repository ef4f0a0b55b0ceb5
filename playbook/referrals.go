package playbook

import (
	"sort"
	"strings"

	"github.com/cartera/cartera"
)

// MatchReferrals returns the referrals for a service: those whose service
// equals it or contains it (or is contained in it), ignoring case and
// accents — "diseño" matches "Diseño web". Sorted by name.
func MatchReferrals(service string, all []cartera.Referral) []cartera.Referral {
	s := cartera.Fold(strings.TrimSpace(service))
	if s == "" {
		return nil
	}
	var out []cartera.Referral
	for _, r := range all {
		x := cartera.Fold(strings.TrimSpace(r.Service))
		if x != "" && (strings.Contains(x, s) || strings.Contains(s, x)) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return cartera.Fold(out[i].Name) < cartera.Fold(out[j].Name) })
	return out
}
