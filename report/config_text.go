package report

import (
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
)

// The settings a user keeps by hand: the policy, the pipeline, the
// providers they recommend and their days off.

// WritePolicy lists every policy value with its help line, and the
// default beside each value that differs from it.
func WritePolicy(w io.Writer, pol cartera.Policy, p *i18n.Printer) error {
	t := newText(w, p, TextOptions{})
	def := cartera.DefaultPolicy()
	was := func(changed bool, value string) string {
		if !changed {
			return ""
		}
		return "  " + p.T("policy.default_was", "value", value)
	}
	t.printf("%s\n", p.T("policy.title"))
	for _, k := range cartera.PolicyKeys {
		v, dv := p.PolicyValue(pol, k), p.PolicyValue(def, k)
		t.printf("  %-26s %s%s\n", k, v, was(v != dv, dv))
		t.printf("  %-26s %s\n", "", p.T("policy.help."+k))
	}
	t.printf("  weight.<kind>\n")
	for _, k := range cartera.IncidentKinds {
		mark := was(pol.Weight(k) != def.Weight(k), strconv.Itoa(def.Weight(k)))
		t.printf("    %-24s %d  (%s)%s\n", "weight."+string(k), pol.Weight(k), p.T("kind."+string(k)), mark)
	}
	t.printf("  half_life.<line>\n")
	for _, l := range cartera.BreachLines {
		mark := was(pol.BreachHalfLifeDays(l) != def.BreachHalfLifeDays(l), strconv.Itoa(def.BreachHalfLifeDays(l)))
		t.printf("    %-24s %d%s\n", "half_life."+l, pol.BreachHalfLifeDays(l), mark)
	}
	t.printf("\n%s\n", p.T("policy.hint"))
	return t.err
}

// PipelineConfigOut is `cartera pipeline --format json`: the configuration
// and the stage rates learned from the closed deals, in percent. `cartera
// pipeline set` reads this shape back (DecodePipeline).
type PipelineConfigOut struct {
	Pipeline PipelineJSON    `json:"pipeline"`
	Rates    []forecast.Rate `json:"rates"`
}

// PipelineConfigJSON is the pipeline configuration behind a model.
func PipelineConfigJSON(m *forecast.Model) PipelineConfigOut {
	return PipelineConfigOut{Pipeline: PipelineOut(m.Pipeline()), Rates: m.Rates()}
}

// WritePipelineConfig shows the stages with their prior and learned rates,
// the model's parameters, and the weight and floor of each kind of
// evidence.
func WritePipelineConfig(w io.Writer, m *forecast.Model, p *i18n.Printer) error {
	t := newText(w, p, TextOptions{})
	pl := m.Pipeline()
	t.printf("%s\n\n", p.T("pipeline.title"))
	t.printf("  %-22s %8s %10s %12s\n", p.T("pipeline.col_stage"), p.T("pipeline.col_prior"), p.T("pipeline.col_rate"), p.T("pipeline.col_max_age"))
	for i, s := range pl.Stages {
		r := m.Rates()[i]
		t.printf("  %-22s %8s %10s %12s\n", p.Value(s.ID), p.Percent(s.Prior), p.Percent(r.Rate), p.T("pipeline.days", "n", s.MaxAge))
		t.printf("  %s\n", p.T("pipeline.rate_from", "won", r.Won, "reached", r.Reached))
	}
	t.printf("\n%s\n", p.T("pipeline.params", "k", pl.Shrinkage, "half", pl.EvidenceHalfLife, "silence", pl.SilenceDays))
	t.printf("%s\n", p.T("pipeline.caps", "need", pl.CapNeedUnknown, "capacity", pl.CapCapacityUnknown,
		"decision", pl.CapDecisionUnknown, "no", pl.CapAnyNo))
	kinds := make([]cartera.SignalKind, 0, len(pl.Evidence))
	for k := range pl.Evidence {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	for _, k := range kinds {
		t.printf("  %-28s ×%s\n", p.Value(k), p.Decimal(int64(pl.Evidence[k]), 2))
	}
	for _, k := range cartera.SignalKinds {
		if f, ok := pl.Floors[k]; ok {
			t.printf("  %-28s ≥ %s\n", p.Value(k), p.Percent(f))
		}
	}
	t.printf("\n%s\n", p.T("pipeline.hint"))
	return t.err
}

// WriteReferrals lists the providers by service: name, how to reach them
// and id, and the note under it.
func WriteReferrals(w io.Writer, rs []cartera.Referral, p *i18n.Printer) error {
	t := plainList(w, p, len(rs), "referrals.none")
	last := ""
	for _, r := range rs {
		if r.Service != last {
			t.printf("%s\n", r.Service)
			last = r.Service
		}
		t.printf("  %s · %s  [%s]\n", r.Name, strings.Join(nonEmpty([]string{r.Contact, r.Email, r.Phone, r.URL}), " · "), r.ID)
		if r.Note != "" {
			t.printf("    %s\n", r.Note)
		}
	}
	return t.err
}

// WriteHolidays lists the days off the agenda skips, with their weekday.
func WriteHolidays(w io.Writer, hs []cartera.Holiday, p *i18n.Printer) error {
	t := plainList(w, p, len(hs), "holidays.none")
	for _, h := range hs {
		t.printf("%s  %s  %s\n", h.Day, pad(p.Weekday(h.Day.Weekday()), 10), h.Name)
	}
	return t.err
}

// WriteUsers lists the accounts, one a line with tabs between the fields:
// number, e-mail, name, role, and whether it is disabled.
func WriteUsers(w io.Writer, users []cartera.User, p *i18n.Printer) error {
	t := newText(w, p, TextOptions{})
	for _, u := range users {
		state := ""
		if u.Disabled {
			state = " · " + p.T("web.disabled")
		}
		t.printf("%d\t%s\t%s\t%s%s\n", u.ID, u.Email, u.Name, p.T("role."+string(u.Role)), state)
	}
	return t.err
}

// plainList starts an uncoloured list of n items, saying noneKey's line
// when there is nothing to list.
func plainList(w io.Writer, p *i18n.Printer, n int, noneKey string) *textWriter {
	t := newText(w, p, TextOptions{})
	if n == 0 {
		t.printf("%s\n", p.T(noneKey))
	}
	return t
}
