package review

import (
	"context"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/playbook"
)

// LostInput marks a deal lost.
type LostInput struct {
	DealID string
	// AsOf is the day the "no" is recorded: the plan starts then.
	AsOf cartera.Date
	// Closed is the day the deal was lost (zero: AsOf).
	Closed     cartera.Date
	Reason     string
	Competitor string
	// Version, when not 0, is the deal's version the caller read: a deal
	// changed since is a conflict, and nothing is written.
	Version int64
}

// PlanView is a lost deal with its plan: the tasks, the reconnect call's
// checklist and answers, the debrief and its lessons, and the restart
// step's procedure changes and next prospects.
type PlanView struct {
	Deal      cartera.Deal             `json:"deal"`
	Tasks     []cartera.Task           `json:"tasks"`
	Checklist []playbook.ChecklistItem `json:"-"`
	Reconnect *cartera.Reconnect       `json:"reconnect,omitempty"`
	Prompts   []cartera.Message        `json:"-"`
	Debrief   *cartera.Debrief         `json:"debrief,omitempty"`
	Restart   playbook.Restart         `json:"restart"`
}

// MarkLost closes an open deal as lost and starts its plan, in one write.
func MarkLost(ctx context.Context, st cartera.Store, in LostInput) (*PlanView, error) {
	d, err := st.Deal(ctx, in.DealID)
	if err != nil {
		if cartera.ErrorCode(err) == cartera.ENOTFOUND {
			return nil, cartera.NewError(cartera.ENOTFOUND, "deal.not_found", "id", in.DealID)
		}
		return nil, err
	}
	if d.Outcome != cartera.OutcomeOpen {
		return nil, cartera.NewError(cartera.ECONFLICT, "deal.not_open", "id", d.ID, "outcome", string(d.Outcome), "closed", d.Closed)
	}
	cfg, err := PlaybookConfig(ctx, st)
	if err != nil {
		return nil, err
	}
	cal, err := WorkCalendar(ctx, st, cfg)
	if err != nil {
		return nil, err
	}
	if in.Version != 0 {
		d.Version = in.Version
	}
	d.Outcome, d.Closed = cartera.OutcomeLost, in.AsOf
	if !in.Closed.IsZero() {
		d.Closed = in.Closed
	}
	d.LostReason, d.Competitor = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Competitor)
	if _, err := st.MarkLost(ctx, d, playbook.LostPlan(d, in.AsOf, cal, cfg)); err != nil {
		return nil, err
	}
	return Plan(ctx, st, d.ID, in.AsOf)
}

// Plan shows a lost deal's plan as of a day.
func Plan(ctx context.Context, st cartera.Store, dealID string, asOf cartera.Date) (*PlanView, error) {
	d, err := st.Deal(ctx, dealID)
	if err != nil {
		if cartera.ErrorCode(err) == cartera.ENOTFOUND {
			return nil, cartera.NewError(cartera.ENOTFOUND, "deal.not_found", "id", dealID)
		}
		return nil, err
	}
	if d.Outcome != cartera.OutcomeLost {
		return nil, &cartera.Error{Code: cartera.EINVALID, Field: "deal_id",
			Msg: cartera.M("plan.not_lost", "id", d.ID, "outcome", string(d.Outcome))}
	}
	v := &PlanView{Deal: d, Checklist: playbook.ReconnectChecklist(), Prompts: playbook.DebriefPrompts()}
	if v.Tasks, err = st.Tasks(ctx, cartera.TaskQuery{DealID: d.ID}); err != nil {
		return nil, err
	}
	if r, err := st.Reconnect(ctx, d.ID); err == nil {
		v.Reconnect = &r
	} else if cartera.ErrorCode(err) != cartera.ENOTFOUND {
		return nil, err
	}
	var own []cartera.Lesson
	if db, err := st.Debrief(ctx, d.ID); err == nil {
		v.Debrief, own = &db, db.Lessons
	} else if cartera.ErrorCode(err) != cartera.ENOTFOUND {
		return nil, err
	}
	recent, err := st.SearchLessons(ctx, cartera.LessonQuery{Limit: 20})
	if err != nil {
		return nil, err
	}
	var others []cartera.Lesson
	for _, h := range recent {
		if h.DealID != d.ID {
			others = append(others, h.Lesson)
		}
	}
	prospects, err := OpenProspects(ctx, st, asOf)
	if err != nil {
		return nil, err
	}
	cfg, err := PlaybookConfig(ctx, st)
	if err != nil {
		return nil, err
	}
	v.Restart = playbook.NextSteps(own, others, prospects, d.Owner, cfg.NextProspects)
	return v, nil
}

// OpenProspects grounds every open deal as of a day, as candidates for the
// restart step.
func OpenProspects(ctx context.Context, st cartera.Store, asOf cartera.Date) ([]playbook.Prospect, error) {
	m, err := ModelAsOf(ctx, st, asOf)
	if err != nil {
		return nil, err
	}
	var out []playbook.Prospect
	err = st.DealFacts(ctx, cartera.DealFactsQuery{Outcome: cartera.OutcomeOpen, Cut: asOf}, func(f *cartera.DealFacts) error {
		g := m.Ground(f, asOf)
		out = append(out, playbook.Prospect{DealID: f.Deal.ID, Name: f.Deal.Name(), Owner: f.Deal.Owner, Stage: f.Deal.Stage,
			Value: f.Deal.Value, P: g.P, ExpectedClose: f.Deal.ExpectedClose, Stale: g.Stale})
		return nil
	})
	return out, err
}

// CompleteReconnect records the call's answers and returns the plan. A
// call dated after asOf is refused.
func CompleteReconnect(ctx context.Context, st cartera.Store, r cartera.Reconnect, asOf cartera.Date) (*PlanView, error) {
	if !r.Day.IsZero() && r.Day > asOf {
		return nil, cartera.FieldError("date", "value.future_date", "value", r.Day)
	}
	if _, err := st.CompleteReconnect(ctx, r); err != nil {
		return nil, err
	}
	return Plan(ctx, st, r.DealID, asOf)
}

// SaveDebrief records the team's debrief and returns the plan. A debrief
// dated after asOf is refused.
func SaveDebrief(ctx context.Context, st cartera.Store, d cartera.Debrief, asOf cartera.Date) (*PlanView, error) {
	if !d.Day.IsZero() && d.Day > asOf {
		return nil, cartera.FieldError("date", "value.future_date", "value", d.Day)
	}
	if _, err := st.SaveDebrief(ctx, d); err != nil {
		return nil, err
	}
	return Plan(ctx, st, d.DealID, asOf)
}

// ParseLesson reads a lesson typed as "topic: text" (a topic of up to 40
// characters before the first colon) or as plain text.
func ParseLesson(s string) cartera.Lesson {
	s = strings.TrimSpace(s)
	if topic, text, ok := strings.Cut(s, ":"); ok && len([]rune(topic)) <= 40 && strings.TrimSpace(text) != "" &&
		!strings.ContainsAny(topic, ".!?") {
		return cartera.Lesson{Topic: strings.TrimSpace(topic), Text: strings.TrimSpace(text)}
	}
	return cartera.Lesson{Text: s}
}

// WinLossOptions select a win/loss analysis.
type WinLossOptions struct {
	From, To cartera.Date
	Period   playbook.Period
	Owner    string
}

// WinLoss analyses the deals closed between From and To.
func WinLoss(ctx context.Context, st cartera.Store, o WinLossOptions) (*playbook.WinLoss, error) {
	f, err := st.WinLoss(ctx, cartera.WinLossQuery{From: o.Period.Start(o.From), To: o.To, Owner: o.Owner})
	if err != nil {
		return nil, err
	}
	w := playbook.AnalyseWinLoss(f, o.From, o.To, o.Period)
	return &w, nil
}

// AgendaOptions select an agenda.
type AgendaOptions struct {
	playbook.AgendaOptions
	// Owner keeps one person's tasks (folded), when set.
	Owner string
}

// Agenda gathers the stored tasks and the pipeline's stale deals.
func Agenda(ctx context.Context, st cartera.Store, o AgendaOptions) (*playbook.Agenda, error) {
	cfg, err := PlaybookConfig(ctx, st)
	if err != nil {
		return nil, err
	}
	cal, err := WorkCalendar(ctx, st, cfg)
	if err != nil {
		return nil, err
	}
	days := o.Days
	if days <= 0 {
		days = 14
	}
	q := cartera.TaskQuery{Owner: o.Owner, Through: o.AsOf.AddDays(days), Pending: !o.Done, Limit: 10000}
	if o.Today {
		q.Through = o.AsOf
	}
	tasks, err := st.Tasks(ctx, q)
	if err != nil {
		return nil, err
	}
	subjects := map[string]string{}
	for _, t := range tasks {
		if t.DealID != "" && subjects[t.DealID] == "" {
			if d, err := st.Deal(ctx, t.DealID); err == nil {
				subjects[t.DealID] = d.Name()
			}
		}
		if t.ClientID != "" && subjects[t.ClientID] == "" {
			if c, err := st.Client(ctx, t.ClientID); err == nil {
				subjects[t.ClientID] = c.Name
			}
		}
	}
	m, err := ModelAsOf(ctx, st, o.AsOf)
	if err != nil {
		return nil, err
	}
	var stale []playbook.StaleDeal
	err = st.DealFacts(ctx, cartera.DealFactsQuery{Owner: o.Owner, Outcome: cartera.OutcomeOpen, Cut: o.AsOf},
		func(f *cartera.DealFacts) error {
			if g := m.Ground(f, o.AsOf); g.Stale {
				stale = append(stale, staleDeal(g))
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	a := playbook.BuildAgenda(tasks, stale, subjects, cal, o.AgendaOptions)
	return &a, nil
}

func staleDeal(g forecast.Grounded) playbook.StaleDeal {
	return playbook.StaleDeal{Deal: g.Deal, LastNews: g.LastNews, Age: g.Age, MaxAge: g.MaxAge}
}

// CompleteTask marks a task done on asOf.
func CompleteTask(ctx context.Context, st cartera.Store, id string, asOf cartera.Date) (cartera.Task, error) {
	t, err := storedTask(ctx, st, id)
	if err != nil {
		return t, err
	}
	if t, err = playbook.Complete(t, asOf); err != nil {
		return t, err
	}
	return st.SaveTask(ctx, t)
}

// SnoozeTask moves a task to a later working day.
func SnoozeTask(ctx context.Context, st cartera.Store, id string, until, asOf cartera.Date) (cartera.Task, error) {
	t, err := storedTask(ctx, st, id)
	if err != nil {
		return t, err
	}
	cfg, err := PlaybookConfig(ctx, st)
	if err != nil {
		return t, err
	}
	cal, err := WorkCalendar(ctx, st, cfg)
	if err != nil {
		return t, err
	}
	if t, err = playbook.Snooze(t, until, asOf, cal); err != nil {
		return t, err
	}
	return st.SaveTask(ctx, t)
}

// ReopenTask puts a done or snoozed task back on its due day.
func ReopenTask(ctx context.Context, st cartera.Store, id string) (cartera.Task, error) {
	t, err := storedTask(ctx, st, id)
	if err != nil {
		return t, err
	}
	return st.SaveTask(ctx, playbook.Reopen(t))
}

func storedTask(ctx context.Context, st cartera.Store, id string) (cartera.Task, error) {
	if strings.HasPrefix(id, string(cartera.TaskTouchGround)+":") {
		return cartera.Task{}, cartera.NewError(cartera.EINVALID, "task.derived_not_stored", "id", id)
	}
	return st.Task(ctx, id)
}
