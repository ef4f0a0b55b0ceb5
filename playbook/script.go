package playbook

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

// Scripts are Go text/template files, one per archetype (and one for the
// boundaries message) in each language: scripts/es/diva.tmpl,
// scripts/en/diva.tmpl. A template writes one block per line as
// "kind: text"; the kinds are listed in BlockKinds. Templates see a Facts
// value and the functions of funcs (docs/scripts.md lists both).
//
//go:embed scripts
var scriptFS embed.FS

// BoundariesScript is the name of the template of the boundaries message.
const BoundariesScript = "boundaries"

// BlockKinds are the kinds of line a script template may write:
//
//	title     the script's heading
//	intro     a paragraph before the lines
//	section   a sub-heading
//	tempted   what one is tempted to say (shown next to the next "instead")
//	instead   what to say instead
//	why       why the "instead" line works
//	reply     what the client is likely to answer
//	answer    how to respond to the reply before it
//	say       a line to say, on its own
//	msg       a paragraph of a message ready to send
//	item      a point in a list
//	note      a closing remark
var BlockKinds = []string{"title", "intro", "section", "tempted", "instead", "why", "reply", "answer", "say", "msg",
	"item", "note"}

// Block is one line of a rendered script.
type Block struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// Facts are what a script template can mention about the client, already
// computed; amounts are in the client's currency. See docs/scripts.md.
type Facts struct {
	AsOf     cartera.Date
	Client   string
	ClientID string
	Service  string
	Since    cartera.Date
	// Owner is our account manager; Contact and ContactRole their most
	// senior contact ("" when none is known).
	Owner        string
	Contact      string
	ContactFirst string // the first word of Contact, for greetings
	ContactRole  string
	FamilyFriend bool
	// Verdict is the assessment's verdict; Ending, Renegotiate and
	// Boundaries say which one it is.
	Verdict     cartera.Verdict
	Ending      bool
	Renegotiate bool
	Boundaries  bool
	// Months is the length of the economic window.
	Months int

	Revenue        cartera.Money
	MonthlyRevenue cartera.Money
	Margin         cartera.Money
	MarginPct      cartera.BasisPoints
	MinMargin      cartera.BasisPoints
	CostToServe    cartera.Money
	Concessions    cartera.Money
	EffectiveRate  cartera.Money
	CostPerHour    cartera.Money
	CostKnown      bool

	Hours         cartera.Hours
	BillableHours cartera.Hours
	UnbilledHours cartera.Hours
	FreeHours     cartera.Hours
	// PaidHours are the hours the revenue pays for at our cost, and
	// ExtraHours those worked beyond them; MonthlyHours the hours worked a
	// month on average. All three are rounded to whole hours: scripts
	// speak of "about 223 h", not of hundredths.
	PaidHours    cartera.Hours
	ExtraHours   cartera.Hours
	MonthlyHours cartera.Hours
	// HoursCap is the monthly hours the fee pays for while keeping the
	// minimum margin, whole hours (at least 1): the cap to propose.
	HoursCap cartera.Hours

	InvoicesDue   int
	LateInvoices  int
	OverLimit     int
	AvgDaysLate   int
	WorstDaysLate int
	Overdue       cartera.Money
	OverdueCount  int
	OldestOverdue cartera.Date
	OverdueDays   int
	MaxDaysLate   int

	Incidents, Abuse                                 int
	Yelling, Insults, Belittling, Threats, Taunts    int
	OutOfHours, ScopeCreep, NotListening, PayExcuses int
	LastIncident                                     time.Time
	Escalating                                       bool
	// AbuseContact and ListenContact name the contact most involved in
	// abuse and in ignored agreements ("" when unknown).
	AbuseContact  string
	ListenContact string

	OffLimits     []cartera.TimeSlot
	MaxFreeHours  cartera.Hours
	MaxDiscount   cartera.BasisPoints
	ResponseHours int
	PaymentDays   int

	// FollowUp is the day of the second conversation with a client who
	// would not listen (FollowUpDays working days from AsOf); Offer the
	// intermediate offer within the red lines; Interlocutor who else could
	// carry the message. WithListenPlan fills them in.
	FollowUp     cartera.Date
	FollowUpDays int
	Offer        Offer
	Interlocutor string

	// Referrals are the providers recommended for the client's service.
	Referrals []cartera.Referral
	// Matched lists the archetypes the client fits.
	Matched []Archetype
}

// NewFacts gathers a client's facts for the templates.
func NewFacts(in Input, d Detection, p cartera.Policy, cfg Config, referrals []cartera.Referral) Facts {
	a := in.Assessment
	c, e, pm, r := a.Client, a.Economic, a.Payment, a.Relational
	f := Facts{AsOf: a.AsOf, Client: c.Name, ClientID: c.ID, Service: c.Service, Since: c.Since, Owner: c.Owner,
		FamilyFriend: c.FamilyFriend, Verdict: a.Verdict, Ending: a.Verdict == cartera.VerdictEnd,
		Renegotiate: a.Verdict == cartera.VerdictRenegotiate, Boundaries: a.Verdict == cartera.VerdictBoundaries,
		Months:  p.WindowMonths,
		Revenue: e.Revenue, Margin: e.Margin, MarginPct: e.MarginPct, MinMargin: p.MinMargin, CostToServe: e.CostToServe,
		Concessions: e.Concessions, EffectiveRate: e.EffectiveRate, CostPerHour: e.CostPerHour, CostKnown: e.CostKnown,
		Hours: e.Hours, BillableHours: e.BillableHours, UnbilledHours: max(e.Hours-e.BillableHours, 0),
		FreeHours: e.FreeHours, PaidHours: WholeHours(PaidHours(e)),
		InvoicesDue: pm.InvoicesDue, LateInvoices: pm.Late, OverLimit: pm.OverLimit, AvgDaysLate: pm.AvgDaysLate,
		WorstDaysLate: pm.WorstDaysLate, Overdue: pm.OverdueAmount, OverdueCount: pm.OverdueCount,
		OldestOverdue: pm.OldestOverdue, MaxDaysLate: p.MaxDaysLate,
		Incidents: r.Incidents, Abuse: r.Abuse, Yelling: r.ByKind[cartera.KindYelling], Insults: r.ByKind[cartera.KindInsult],
		Belittling: r.ByKind[cartera.KindBelittling], Threats: r.ByKind[cartera.KindThreat],
		Taunts: r.ByKind[cartera.KindCompetitorTaunt], OutOfHours: r.ByKind[cartera.KindOutOfHours],
		ScopeCreep: r.ByKind[cartera.KindScopeCreep], NotListening: r.ByKind[cartera.KindNotListening],
		PayExcuses: r.ByKind[cartera.KindPaymentExcuse], LastIncident: r.Last.At, Escalating: r.Escalating,
		OffLimits: p.OffLimits, MaxFreeHours: p.MaxFreeHoursPerMonth, MaxDiscount: p.MaxDiscount,
		ResponseHours: cfg.ResponseHours, PaymentDays: cfg.PaymentDays, FollowUpDays: cfg.FollowUpAfter,
		Referrals: MatchReferrals(c.Service, referrals)}
	if paid := PaidHours(e); paid < e.Hours {
		f.ExtraHours = WholeHours(e.Hours - paid)
	}
	if pm.OverdueCount > 0 && !pm.OldestOverdue.IsZero() {
		f.OverdueDays = cartera.DaysBetween(pm.OldestOverdue, a.AsOf)
	}
	months := int64(monthsCovered(a, p))
	f.MonthlyRevenue = cartera.Money{Amount: cartera.MulDivRound(e.Revenue.Amount, 1, months), Currency: c.Currency}
	monthly := cartera.Hours(cartera.MulDivRound(int64(e.Hours), 1, months))
	f.MonthlyHours = WholeHours(monthly)
	f.HoursCap = hoursCap(f, monthly)
	cs := append([]cartera.Contact(nil), in.Contacts...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Seniority > cs[j].Seniority })
	if len(cs) > 0 {
		f.Contact, f.ContactRole = cs[0].Name, cs[0].Role
		if fields := strings.Fields(f.Contact); len(fields) > 0 {
			f.ContactFirst = fields[0]
		}
	}
	if ct, n := in.mostInvolved(func(k cartera.IncidentKind) bool { return k.IsAbuse() }); n > 0 {
		f.AbuseContact = ct.Name
	}
	if ct, n := in.mostInvolved(func(k cartera.IncidentKind) bool {
		return k == cartera.KindNotListening || k == cartera.KindScopeCreep
	}); n > 0 {
		f.ListenContact = ct.Name
	}
	for _, m := range d.Matches {
		f.Matched = append(f.Matched, m.Archetype)
	}
	// Names come from users and imports: a line break inside one would
	// split a template's "kind: text" line in two.
	for _, s := range []*string{&f.Client, &f.ClientID, &f.Service, &f.Owner, &f.Contact, &f.ContactFirst, &f.ContactRole,
		&f.AbuseContact, &f.ListenContact} {
		*s = oneLine(*s)
	}
	return f
}

// oneLine turns every line break and control character into a space.
func oneLine(s string) string {
	return collapse(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, s))
}

// WithListenPlan adds the follow-up, the offer and the interlocutor of a
// plan for a client who would not listen.
func (f Facts) WithListenPlan(lp ListenPlan) Facts {
	f.FollowUp, f.Offer = lp.FollowUp.Due, lp.Offer
	switch i := lp.Interlocutor; {
	case i.Contact != nil && i.Contact.Role != "":
		f.Interlocutor = i.Contact.Name + " (" + i.Contact.Role + ")"
	case i.Contact != nil:
		f.Interlocutor = i.Contact.Name
	default:
		f.Interlocutor = i.AccountManager
	}
	f.Interlocutor = oneLine(f.Interlocutor)
	return f
}

// hoursCap is the whole hours a month the fee pays for at our cost while
// keeping the minimum margin; without a cost or revenue, the hours worked
// a month now. Never less than one hour.
func hoursCap(f Facts, monthly cartera.Hours) cartera.Hours {
	h := monthly
	if f.CostKnown && f.CostPerHour.Amount > 0 && f.MonthlyRevenue.Amount > 0 {
		budget := cartera.MulDivRound(f.MonthlyRevenue.Amount, int64(10000-f.MinMargin), 10000)
		h = cartera.Hours(budget * 100 / f.CostPerHour.Amount)
	}
	h = h / 100 * 100
	return max(h, cartera.HoursOf(1))
}

// WholeHours rounds to the nearest whole hour (half up).
func WholeHours(h cartera.Hours) cartera.Hours {
	return cartera.Hours(cartera.MulDivRound(int64(h), 1, 100) * 100)
}

// funcs are the functions templates can call, formatting in p's language.
func funcs(p *i18n.Printer) template.FuncMap {
	return template.FuncMap{
		"money":    p.Money,
		"date":     p.Date,
		"datetime": p.DateTime,
		"hours":    p.Hours,
		"pct":      p.Percent,
		"num":      func(n int) string { return p.Int(int64(n)) },
		"slots":    p.Slots,
		// plural picks one or other by n: {{plural .LateInvoices "factura" "facturas"}}.
		"plural": func(n int, one, other string) string {
			if n == 1 {
				return one
			}
			return other
		},
	}
}

// ScriptNames lists the templates of a language, sorted.
func ScriptNames(lang i18n.Lang) []string {
	files, _ := fs.Glob(scriptFS, "scripts/"+string(lang)+"/*.tmpl")
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(path.Base(f), ".tmpl"))
	}
	sort.Strings(out)
	return out
}

// RenderScript fills the named template (an archetype, or
// BoundariesScript) with f in p's language and returns its blocks. An
// error here is a defect of a template, caught by the package's tests.
func RenderScript(name string, f Facts, p *i18n.Printer) ([]Block, error) {
	file := "scripts/" + string(p.Lang) + "/" + name + ".tmpl"
	src, err := scriptFS.ReadFile(file)
	if err != nil {
		return nil, cartera.NewError(cartera.ENOTFOUND, "script.unknown", "name", name)
	}
	t, err := template.New(name).Funcs(funcs(p)).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("script %s: %w", file, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, f); err != nil {
		return nil, fmt.Errorf("script %s: %w", file, err)
	}
	return parseBlocks(file, b.String())
}

// parseBlocks reads "kind: text" lines, skipping blank ones; extra spaces
// inside a line (from template indentation) collapse into one.
func parseBlocks(file, s string) ([]Block, error) {
	var out []Block
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		kind, text, ok := strings.Cut(line, ":")
		text = collapse(text)
		if !ok || !validKind(kind) || text == "" {
			return nil, fmt.Errorf("script %s: output line %d is not \"kind: text\": %q", file, i+1, line)
		}
		out = append(out, Block{Kind: kind, Text: text})
	}
	return out, nil
}

func validKind(k string) bool {
	for _, x := range BlockKinds {
		if x == k {
			return true
		}
	}
	return false
}

// collapse trims text and turns runs of spaces and tabs into one space,
// leaving no-break spaces (between a number and its unit) alone.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.Trim(s, " \t\r") {
		if r == ' ' || r == '\t' || r == '\r' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
