package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

type clientPage struct {
	Client   cartera.Client
	A        *assess.Assessment
	From     cartera.Date // the first day of the window
	Contacts []cartera.Contact
	// Against and For are the verdict's reasons by direction: what speaks
	// against the client (red lines apart: they have their own list) and
	// what speaks for it.
	Against, For []cartera.Message
	// Script is what to say to change the interlocutor, when the abuse
	// comes from one contact.
	Script []cartera.Message
	// The decision form: the verdicts to choose from, the latest decision
	// recorded, and whether one was just saved.
	Verdicts     []cartera.Verdict
	LastDecision *cartera.Decision
	Decided      bool
	// Conversation is true when the verdict asks for a conversation
	// (renegotiate, end, set boundaries): preparing it is the first action.
	Conversation bool
	History      history
	// Sparks are revenue, hours and friction (incidents × severity) per
	// month.
	Sparks []sparkline
	Months int
}

// history is the client's records, filtered by kind and paged, so that the
// few incidents are not buried under months of hours.
type history struct {
	Kind  string // "" for every kind, or an Entity
	Kinds []historyKind
	Items []cartera.TimelineItem
	// More is the address of the next, longer page; Shown how many are
	// on this one, Total how many match.
	More         string
	Shown, Total int
}

type historyKind struct {
	Kind    string
	N       int
	Current bool
	URL     string
}

const (
	historyPage = 20   // items per page
	historyScan = 2000 // the newest records read for the filters
)

// clientShow is a client's page: verdict and every reason, money,
// payments, relationship, red lines, contacts and history.
func (s *Server) clientShow(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	asOf := s.today(r.Context())
	a, err := review.One(r.Context(), s.st, asOf, cl.ID)
	if err != nil {
		return err
	}
	contacts, err := s.st.Contacts(r.Context(), cl.ID)
	if err != nil {
		return err
	}
	timeline, err := s.st.Timeline(r.Context(), cl.ID, historyScan)
	if err != nil {
		return err
	}
	months, err := s.st.Monthly(r.Context(), cl.ID, asOf.AddMonths(-23), asOf)
	if err != nil {
		return err
	}
	var rev, hours, friction []float64
	var revT, hoursT, frictionT []string
	var revTotal int64
	var hoursTotal cartera.Hours
	var incTotal int
	for _, m := range months {
		month := c.p.Month(m.Month)
		rev = append(rev, float64(m.Revenue))
		revTotal += m.Revenue
		revT = append(revT, fmt.Sprintf("%s: %s", month, c.p.Money(cartera.Money{Amount: m.Revenue, Currency: cl.Currency})))
		hours = append(hours, float64(m.Hours))
		hoursTotal += m.Hours
		hoursT = append(hoursT, fmt.Sprintf("%s: %s", month, c.p.Hours(m.Hours)))
		friction = append(friction, float64(m.Incidents*m.MaxSeverity))
		incTotal += m.Incidents
		frictionT = append(frictionT, fmt.Sprintf("%s: %s", month, c.p.T("client.month_incidents", "n", m.Incidents, "worst", m.MaxSeverity)))
	}
	sparks := []sparkline{
		newSparkline(rev, revT, c.p.T("client.spark_revenue")),
		newSparkline(hours, hoursT, c.p.T("client.spark_hours")),
		newSparkline(friction, frictionT, c.p.T("client.spark_incidents")),
	}
	if n := len(months); n > 0 {
		money := func(v int64) string { return c.p.MoneyShort(cartera.Money{Amount: v, Currency: cl.Currency}) }
		var maxRev int64
		var maxHours cartera.Hours
		maxInc := 0
		for _, m := range months {
			maxRev, maxHours, maxInc = max(maxRev, m.Revenue), max(maxHours, m.Hours), max(maxInc, m.Incidents)
		}
		last := months[n-1]
		sparks[0].Max, sparks[0].Last, sparks[0].Total = money(maxRev), money(last.Revenue), money(revTotal)
		sparks[1].Max, sparks[1].Last, sparks[1].Total = c.p.Hours(maxHours), c.p.Hours(last.Hours), c.p.Hours(hoursTotal)
		sparks[2].Max, sparks[2].Last, sparks[2].Total = c.p.T("client.n_incidents", "n", maxInc), c.p.T("client.n_incidents", "n", last.Incidents), c.p.T("client.n_incidents", "n", incTotal)
		sparks[2].Friction = true
		for i := range sparks {
			sparks[i].From, sparks[i].To = c.p.Month(months[0].Month), c.p.Month(last.Month)
		}
	}
	against, favour := reasonsByDirection(a.Reasons, a.Breaches)
	var last *cartera.Decision
	if ds, err := s.st.Decisions(r.Context(), cl.ID, 1); err != nil {
		return err
	} else if len(ds) > 0 {
		last = &ds[0]
	}
	return s.page(w, r, "client", "clients", clientPage{
		Client: cl, A: a, From: a.From.AddDays(1), Contacts: contacts, Months: len(months),
		Against: against, For: favour, Script: report.InterlocutorScript(a),
		Verdicts: cartera.Verdicts, LastDecision: last, Decided: r.URL.Query().Get("decided") == "1",
		Conversation: a.Verdict == cartera.VerdictEnd || a.Verdict == cartera.VerdictRenegotiate || a.Verdict == cartera.VerdictBoundaries,
		History:      newHistory(r.URL, cl.ID, timeline),
		Sparks:       sparks,
	})
}

// sameAsRedLine are reasons that state the very facts of a red line: when
// the red line is crossed, the page says it once, as a red line.
var sameAsRedLine = map[string]string{"reason.late_payments": "breach.days_late"}

// reasonsByDirection splits a verdict's reasons into those against the
// client and those for it. The red lines crossed are left out: the page
// lists them once, in their own list.
func reasonsByDirection(reasons, breaches []cartera.Message) (against, favour []cartera.Message) {
	crossed := map[string]bool{}
	for _, b := range breaches {
		crossed[b.Key] = true
	}
	for _, m := range reasons {
		switch {
		case strings.HasPrefix(m.Key, "breach."), crossed[sameAsRedLine[m.Key]]:
		case assess.InFavour(m):
			favour = append(favour, m)
		default:
			against = append(against, m)
		}
	}
	return against, favour
}

// newHistory filters the client's newest records by the kind asked for in
// the address (?history=incidents) and keeps the first page of them
// (?shown=40 for more).
func newHistory(u *url.URL, clientID string, items []cartera.TimelineItem) history {
	q := u.Query()
	h := history{Kind: q.Get("history")}
	counts := map[string]int{}
	for _, it := range items {
		counts[string(it.Entity)]++
	}
	valid := false
	link := func(kind string, shown int) string {
		v := url.Values{}
		if kind != "" {
			v.Set("history", kind)
		}
		if shown > historyPage {
			v.Set("shown", strconv.Itoa(shown))
		}
		s := "/clients/" + url.PathEscape(clientID)
		if e := v.Encode(); e != "" {
			s += "?" + e
		}
		return s + "#history"
	}
	h.Kinds = append(h.Kinds, historyKind{Kind: "", N: len(items), URL: link("", 0)})
	for _, e := range []cartera.Entity{cartera.EntityIncidents, cartera.EntityInvoices, cartera.EntityConcessions, cartera.EntityTime} {
		k := string(e)
		if counts[k] == 0 {
			continue
		}
		h.Kinds = append(h.Kinds, historyKind{Kind: k, N: counts[k], URL: link(k, 0)})
		valid = valid || k == h.Kind
	}
	if !valid {
		h.Kind = ""
	}
	for i := range h.Kinds {
		h.Kinds[i].Current = h.Kinds[i].Kind == h.Kind
	}
	shown := historyPage
	if n, err := strconv.Atoi(q.Get("shown")); err == nil && n > historyPage {
		shown = min(n, historyScan)
	}
	for _, it := range items {
		if h.Kind != "" && string(it.Entity) != h.Kind {
			continue
		}
		h.Total++
		if len(h.Items) < shown {
			h.Items = append(h.Items, it)
		}
	}
	h.Shown = len(h.Items)
	if h.Shown < h.Total {
		h.More = link(h.Kind, shown+historyPage*2)
	}
	return h
}
