package review

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/playbook"
)

// The playbooks run over a store: each function here reads what the
// engine needs, calls package playbook, and writes through the store's
// all-or-nothing methods. They are the use cases behind the command line,
// and the handlers of the web app and the API can call them as they are.

// PlaybookConfig returns the stored playbook configuration, or the
// defaults.
func PlaybookConfig(ctx context.Context, st cartera.Store) (playbook.Config, error) {
	v, err := st.Setting(ctx, playbook.SettingKey)
	if cartera.ErrorCode(err) == cartera.ENOTFOUND {
		return playbook.DefaultConfig(), nil
	}
	if err != nil {
		return playbook.Config{}, err
	}
	return playbook.UnmarshalConfig([]byte(v))
}

// WorkCalendar builds the working-day calendar from the configuration's
// weekend and the stored holidays.
func WorkCalendar(ctx context.Context, st cartera.Store, cfg playbook.Config) (*playbook.Calendar, error) {
	hs, err := st.Holidays(ctx)
	if err != nil {
		return nil, err
	}
	return playbook.NewCalendar(cfg.Weekend, hs), nil
}

// ClientContext is everything the client playbooks read about one client.
type ClientContext struct {
	Input       playbook.Input
	Facts       cartera.ClientFacts
	Policy      cartera.Policy
	Config      playbook.Config
	Calendar    *playbook.Calendar
	Detection   playbook.Detection
	Concessions []cartera.Concession
	Referrals   []cartera.Referral
}

// LoadClient assesses one client as of a day and gathers its contacts,
// concessions and the referrals for its playbooks.
func LoadClient(ctx context.Context, st cartera.Store, clientID string, asOf cartera.Date) (*ClientContext, error) {
	pol, err := st.Policy(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := PlaybookConfig(ctx, st)
	if err != nil {
		return nil, err
	}
	cal, err := WorkCalendar(ctx, st, cfg)
	if err != nil {
		return nil, err
	}
	q := assess.Query(asOf, pol)
	q.ClientIDs = []string{clientID}
	var found bool
	cc := &ClientContext{Policy: pol, Config: cfg, Calendar: cal}
	err = st.Facts(ctx, q, func(f *cartera.ClientFacts) error {
		found = true
		cc.Facts = *f
		cc.Facts.Incidents = append([]cartera.IncidentFact(nil), f.Incidents...)
		cc.Facts.FreeHoursMonth = append([]cartera.MonthHours(nil), f.FreeHoursMonth...)
		return nil
	})
	if errors.Is(err, cartera.ErrFiguresOutOfRange) {
		cl, cerr := st.Client(ctx, clientID)
		if cerr != nil {
			return nil, cerr
		}
		return nil, OutOfRange(clientID, cl.Currency)
	}
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, cartera.NewError(cartera.ENOTFOUND, "client.not_found", "id", clientID)
	}
	a := assess.New(pol, q).Assess(&cc.Facts)
	if err := NameContacts(ctx, st, &a); err != nil {
		return nil, err
	}
	contacts, err := st.Contacts(ctx, clientID)
	if err != nil {
		return nil, err
	}
	cc.Input = playbook.Input{Assessment: &a, Incidents: cc.Facts.Incidents, Contacts: contacts,
		InvoicesIssued: cc.Facts.InvoicesIssued}
	cc.Detection = playbook.Detect(cc.Input, pol, cfg)
	for after := ""; ; {
		page, next, err := st.ListConcessions(ctx, cartera.RecordQuery{ClientID: clientID, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, c := range page {
			if c.Day.Month() == asOf.Month() {
				cc.Concessions = append(cc.Concessions, c)
			}
		}
		if next == "" {
			break
		}
		after = next
	}
	if cc.Referrals, err = st.Referrals(ctx); err != nil {
		return nil, err
	}
	return cc, nil
}

// ScriptPlan is what `cartera script` shows before it is put into words:
// the archetypes the client fits (with why), whether the boundaries
// message is added, the facts the templates are filled with, and the
// providers to recommend. report.Script writes it in a language.
type ScriptPlan struct {
	Client  cartera.Client
	AsOf    cartera.Date
	Verdict cartera.Verdict
	Reasons []cartera.Message
	// Matches are the archetypes to script, in order (only the one asked
	// for, when ScriptOptions.Archetype is set).
	Matches []playbook.Match
	// Boundaries is set when the verdict is to set boundaries and no
	// single archetype was asked for.
	Boundaries bool
	Facts      playbook.Facts
	Referrals  []cartera.Referral
	// NoMatch is set when the client fits no archetype and needs no
	// boundaries; Misses then says why, archetype by archetype.
	NoMatch bool
	Misses  []playbook.Match
}

// ScriptOptions select a script.
type ScriptOptions struct {
	ClientID string
	AsOf     cartera.Date
	// Archetype limits the script to one archetype, which the client must
	// fit.
	Archetype playbook.Archetype
}

// Script works out which scripts a client gets and the facts they say.
func Script(ctx context.Context, st cartera.Store, o ScriptOptions) (*ScriptPlan, error) {
	if o.Archetype != "" && !o.Archetype.Valid() {
		return nil, cartera.FieldError("archetype", "script.bad_archetype", "value", string(o.Archetype))
	}
	cc, err := LoadClient(ctx, st, o.ClientID, o.AsOf)
	if err != nil {
		return nil, err
	}
	a := cc.Input.Assessment
	plan := &ScriptPlan{Client: a.Client, AsOf: o.AsOf, Verdict: a.Verdict, Reasons: a.Reasons,
		Referrals: playbook.MatchReferrals(a.Client.Service, cc.Referrals)}
	if o.Archetype != "" && !cc.Detection.Has(o.Archetype) {
		for _, m := range cc.Detection.Misses {
			if m.Archetype == o.Archetype {
				return nil, cartera.NewError(cartera.EINVALID, "script.not_matched", "client", a.Client.Name,
					"archetype", cartera.M("archetype."+string(o.Archetype)), "why", m.Reasons[0])
			}
		}
	}
	plan.Facts = playbook.NewFacts(cc.Input, cc.Detection, cc.Policy, cc.Config, cc.Referrals)
	if cc.Detection.Has(playbook.NonListener) {
		plan.Facts = plan.Facts.WithListenPlan(listenPlan(cc, "", o.AsOf))
	}
	for _, m := range cc.Detection.Matches {
		if o.Archetype == "" || m.Archetype == o.Archetype {
			plan.Matches = append(plan.Matches, m)
		}
	}
	plan.Boundaries = a.Verdict == cartera.VerdictBoundaries && o.Archetype == ""
	if len(plan.Matches) == 0 && !plan.Boundaries {
		plan.NoMatch, plan.Misses = true, cc.Detection.Misses
	}
	return plan, nil
}

// listenPlan prepares the follow-up with a client who would not listen.
// blocker is the contact on the incident, when known.
func listenPlan(cc *ClientContext, blocker string, asOf cartera.Date) playbook.ListenPlan {
	fu, _ := playbook.FollowUp(cc.Input.Assessment.Client, "script", asOf, 0, cc.Calendar, cc.Config)
	offer := playbook.IntermediateOffer(cc.Input, cc.Concessions, cc.Policy)
	return playbook.ListenPlan{FollowUp: fu, Offer: offer, Interlocutor: playbook.SuggestInterlocutor(cc.Input, blocker),
		Framing: playbook.Frame(cc.Input, offer, cc.Policy)}
}

// ScheduleBoundaryReview records that the boundaries were sent to a client
// on asOf and puts their review on the agenda.
func ScheduleBoundaryReview(ctx context.Context, st cartera.Store, clientID string, asOf cartera.Date) (cartera.Task, error) {
	c, err := st.Client(ctx, clientID)
	if err != nil {
		return cartera.Task{}, err
	}
	cfg, err := PlaybookConfig(ctx, st)
	if err != nil {
		return cartera.Task{}, err
	}
	cal, err := WorkCalendar(ctx, st, cfg)
	if err != nil {
		return cartera.Task{}, err
	}
	t := playbook.BoundaryReview(c, asOf, cal, cfg)
	if err := st.SaveTasks(ctx, []cartera.Task{t}); err != nil {
		return t, err
	}
	return st.Task(ctx, t.ID)
}

// IncidentInput is an incident to log from the guided flow.
type IncidentInput struct {
	ClientID  string
	ContactID string
	Kind      cartera.IncidentKind
	Severity  int
	Note      string
	At        time.Time
	AsOf      cartera.Date
	// FollowUp, for a client who would not listen, is the day chosen for
	// the second conversation (zero: FollowUpAfter working days later).
	FollowUp cartera.Date
	// ID names the incident (a new one is made when empty).
	ID string
}

// IncidentResult is the logged incident with what to do next.
type IncidentResult struct {
	Incident cartera.Incident `json:"incident"`
	Client   cartera.Client   `json:"client"`
	// Before and After are the assessment without and with the incident.
	Before *assess.Assessment `json:"-"`
	After  *assess.Assessment `json:"-"`
	// Guide is the flow for an incident against the person; Next the
	// advice for other kinds; Listen the plan for a client who would not
	// listen.
	Guide  *playbook.Guide      `json:"guide,omitempty"`
	Next   *cartera.Message     `json:"-"`
	Listen *playbook.ListenPlan `json:"listen,omitempty"`
}

// LogIncident records an incident with its follow-up (for a client who
// would not listen) in one write, and returns the guidance for it. A
// follow-up day that is not a later working day is refused before
// anything is written.
func LogIncident(ctx context.Context, st cartera.Store, in IncidentInput) (*IncidentResult, error) {
	if in.ID == "" {
		in.ID = cartera.NewID("I")
	}
	inc := cartera.Incident{ID: in.ID, ClientID: in.ClientID, ContactID: in.ContactID, At: in.At, Kind: in.Kind,
		Severity: in.Severity, Note: in.Note}
	if err := inc.Validate(in.At); err != nil {
		return nil, err
	}
	before, err := LoadClient(ctx, st, in.ClientID, in.AsOf)
	if err != nil {
		return nil, err
	}
	var tasks []cartera.Task
	if in.Kind == cartera.KindNotListening {
		fu, err := playbook.FollowUp(before.Input.Assessment.Client, in.ID, in.AsOf, in.FollowUp, before.Calendar, before.Config)
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, fu)
	} else if !in.FollowUp.IsZero() {
		return nil, cartera.FieldError("follow_up", "incident.follow_up_kind", "kind", in.Kind)
	}
	saved, err := st.LogIncident(ctx, inc, tasks)
	if err != nil {
		return nil, err
	}
	after, err := LoadClient(ctx, st, in.ClientID, in.AsOf)
	if err != nil {
		return nil, err
	}
	res := &IncidentResult{Incident: saved, Client: after.Input.Assessment.Client, Before: before.Input.Assessment,
		After: after.Input.Assessment}
	var fu cartera.Task
	if len(tasks) > 0 {
		fu = tasks[0]
	}
	guide(res, after, fu, in.AsOf)
	return res, nil
}

// guide fills in what to do after an incident: the guided flow for one
// against the person, the plan around the follow-up for a client who
// would not listen, or the next step for the other kinds.
func guide(res *IncidentResult, cc *ClientContext, followUp cartera.Task, asOf cartera.Date) {
	in := res.Incident
	if g, ok := playbook.NewGuide(in.Kind, in.Severity, cc.Policy); ok {
		res.Guide = &g
	} else if in.Kind != cartera.KindNotListening { // its plan says what to do
		next := playbook.Next(in.Kind)
		res.Next = &next
	}
	if in.Kind == cartera.KindNotListening {
		lp := listenPlan(cc, in.ContactID, asOf)
		lp.FollowUp = followUp
		res.Listen = &lp
	}
}

// IncidentGuidance rebuilds, for a logged incident, what LogIncident
// answered: the guided flow, the next step, or the plan around the stored
// follow-up — with the client's assessment as of asOf in After (Before is
// nil). Pages that show the flow one step per screen read it again on
// every step instead of carrying it along.
func IncidentGuidance(ctx context.Context, st cartera.Store, incidentID string, asOf cartera.Date) (*IncidentResult, error) {
	inc, err := st.Incident(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	cc, err := LoadClient(ctx, st, inc.ClientID, asOf)
	if err != nil {
		return nil, err
	}
	var fu cartera.Task
	if inc.Kind == cartera.KindNotListening {
		fu, err = st.Task(ctx, playbook.TaskID(cartera.TaskFollowUp, inc.ClientID, inc.ID))
		if err != nil && cartera.ErrorCode(err) != cartera.ENOTFOUND {
			return nil, err
		}
	}
	res := &IncidentResult{Incident: inc, Client: cc.Input.Assessment.Client, After: cc.Input.Assessment}
	guide(res, cc, fu, asOf)
	return res, nil
}

// NewCalendarToken makes a secret calendar token for a user, stores its
// hash (replacing any earlier token) and returns it. The subscription
// address is the web app's /calendar/<token>.ics.
func NewCalendarToken(ctx context.Context, st cartera.Store, userID int64) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := "cal_" + base64.RawURLEncoding.EncodeToString(b)
	if err := st.SetCalendarToken(ctx, userID, CalendarTokenHash(token)); err != nil {
		return "", err
	}
	return token, nil
}

// CalendarTokenHash is how calendar tokens are stored and looked up.
func CalendarTokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// SavePlaybookConfig validates and stores the playbook configuration.
func SavePlaybookConfig(ctx context.Context, st cartera.Store, cfg playbook.Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	return st.PutSetting(ctx, playbook.SettingKey, string(b))
}
