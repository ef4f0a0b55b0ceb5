package cartera

import (
	"net/mail"
	"net/url"
	"strings"
)

// The records the playbooks keep: the agenda's tasks, what was learned after
// a lost deal (the reconnect call's answers, the team's debrief and its
// lessons), the providers the user recommends, and the holidays that no
// follow-up may fall on. Package playbook computes them; a Store keeps them.

// TaskKind says what a task on the agenda is for.
type TaskKind string

// Task kinds. The first four are the plan that starts when a deal is lost.
const (
	// TaskRecover is the day of the "no": nothing else is asked that day.
	TaskRecover TaskKind = "recover"
	// TaskReconnect is the phone call to the person who said no, with its
	// checklist.
	TaskReconnect TaskKind = "reconnect"
	// TaskDebrief is the blameless review with the team; it yields lessons.
	TaskDebrief TaskKind = "debrief"
	// TaskRestart turns the lessons into procedure changes and picks the
	// next prospects.
	TaskRestart TaskKind = "restart"
	// TaskFollowUp is the second conversation with a client who would not
	// listen, a couple of business days after the firm message.
	TaskFollowUp TaskKind = "follow_up"
	// TaskBoundaryReview checks whether the boundaries sent to a client
	// are being respected.
	TaskBoundaryReview TaskKind = "boundary_review"
	// TaskTouchGround is a fresh status check on a stale deal. It is
	// derived from the pipeline each time the agenda is built and never
	// stored.
	TaskTouchGround TaskKind = "touch_ground"
)

// TaskKinds lists every kind in agenda order.
var TaskKinds = []TaskKind{TaskRecover, TaskReconnect, TaskDebrief, TaskRestart, TaskFollowUp, TaskBoundaryReview,
	TaskTouchGround}

// Valid reports whether k is a known kind.
func (k TaskKind) Valid() bool {
	for _, x := range TaskKinds {
		if x == k {
			return true
		}
	}
	return false
}

// OnDeal reports whether tasks of this kind belong to a deal (rather than
// to a client).
func (k TaskKind) OnDeal() bool {
	switch k {
	case TaskRecover, TaskReconnect, TaskDebrief, TaskRestart, TaskTouchGround:
		return true
	}
	return false
}

// TaskStatus is where a task stands.
type TaskStatus string

// Task states. A snoozed task comes back on its SnoozedUntil day.
const (
	TaskOpen    TaskStatus = "open"
	TaskDone    TaskStatus = "done"
	TaskSnoozed TaskStatus = "snoozed"
)

// Task is one dated thing to do on the agenda.
type Task struct {
	ID   string   `json:"id"`
	Kind TaskKind `json:"kind"`
	// DealID or ClientID says what the task is about (OnDeal kinds need a
	// deal; follow-ups and boundary reviews a client).
	DealID   string `json:"deal_id,omitempty"`
	ClientID string `json:"client_id,omitempty"`
	// Owner is who has to do it: the deal's seller or the client's owner.
	Owner        string     `json:"owner"`
	Due          Date       `json:"due"`
	Status       TaskStatus `json:"status"`
	SnoozedUntil Date       `json:"snoozed_until,omitempty"`
	DoneOn       Date       `json:"done_on,omitempty"`
	Note         string     `json:"note,omitempty"`
	Created      Date       `json:"created"`
	Version      int64      `json:"version"`
}

// Day is when the task is on the agenda: its due day, or the day a snooze
// ends.
func (t Task) Day() Date {
	if t.Status == TaskSnoozed && t.SnoozedUntil > t.Due {
		return t.SnoozedUntil
	}
	return t.Due
}

// Validate checks a task's own fields.
func (t Task) Validate() error {
	switch {
	case !t.Kind.Valid():
		return FieldError("kind", "task.unknown_kind", "value", string(t.Kind))
	case t.Kind == TaskTouchGround:
		return FieldError("kind", "task.derived_kind", "value", string(t.Kind))
	case t.Kind.OnDeal() && t.DealID == "":
		return FieldError("deal_id", "task.needs_deal", "kind", string(t.Kind))
	case !t.Kind.OnDeal() && t.ClientID == "":
		return FieldError("client_id", "task.needs_client", "kind", string(t.Kind))
	case t.Due.IsZero():
		return FieldError("due", "value.required")
	case t.Created.IsZero():
		return FieldError("created", "value.required")
	case t.Status != TaskOpen && t.Status != TaskDone && t.Status != TaskSnoozed:
		return FieldError("status", "task.bad_status", "value", string(t.Status))
	case t.Status == TaskSnoozed && t.SnoozedUntil.IsZero():
		return FieldError("snoozed_until", "value.required")
	case t.Status != TaskSnoozed && !t.SnoozedUntil.IsZero():
		return FieldError("snoozed_until", "task.snooze_not_snoozed")
	case t.Status == TaskDone && t.DoneOn.IsZero():
		return FieldError("done_on", "value.required")
	case t.Status != TaskDone && !t.DoneOn.IsZero():
		return FieldError("done_on", "task.done_not_done")
	}
	errs := []error{validID("id", t.ID), validLine("owner", t.Owner), validText("note", t.Note)}
	if t.DealID != "" {
		errs = append(errs, validRef("deal_id", t.DealID))
	}
	if t.ClientID != "" {
		errs = append(errs, validRef("client_id", t.ClientID))
	}
	return firstError(errs...)
}

// TaskQuery selects tasks.
type TaskQuery struct {
	// Owner keeps one person's tasks (compared folded), when set.
	Owner string
	// Through keeps tasks on the agenda on or before this day (Task.Day),
	// when set.
	Through Date
	// Pending drops done tasks.
	Pending  bool
	DealID   string
	ClientID string
	// Limit caps the result (0: 1000).
	Limit int
}

// Reconnect is what was heard on the phone call after a lost deal: the
// checklist's answers.
type Reconnect struct {
	DealID string `json:"deal_id"`
	// Day is when the call took place.
	Day Date `json:"date"`
	// ReallyNo: is the answer really no, or is there still a chance?
	ReallyNo Answer `json:"really_no"`
	// Respected: we told them their decision is respected.
	Respected bool `json:"respected"`
	// CompetitorWon: did someone else get the work, and who (Competitor).
	CompetitorWon Answer `json:"competitor_won"`
	Competitor    string `json:"competitor"`
	// Suggestions is what they said we could do better next time.
	Suggestions string `json:"suggestions"`
	// DoorOpen: we left the door clearly open for later.
	DoorOpen bool   `json:"door_open"`
	Note     string `json:"note"`
	Version  int64  `json:"version"`
}

// Normalize fills in the answers left out: "really no" unknown, and
// whether a competitor won — yes when one is named, unknown otherwise; the
// competitor's name is trimmed.
func (r *Reconnect) Normalize() {
	if r.ReallyNo == "" {
		r.ReallyNo = Unknown
	}
	if r.CompetitorWon == "" {
		r.CompetitorWon = Unknown
		if strings.TrimSpace(r.Competitor) != "" {
			r.CompetitorWon = Yes
		}
	}
	r.Competitor = strings.TrimSpace(r.Competitor)
}

// Validate checks the answers; a call after today is refused (a zero
// today skips that check, for stores: the caller judges dates against its
// own as-of day).
func (r Reconnect) Validate(today Date) error {
	switch {
	case r.Day.IsZero():
		return FieldError("date", "value.required")
	case !today.IsZero() && r.Day > today:
		return FieldError("date", "value.future_date", "value", r.Day)
	}
	for field, a := range map[string]Answer{"really_no": r.ReallyNo, "competitor_won": r.CompetitorWon} {
		if a != Yes && a != No && a != Unknown {
			return FieldError(field, "deal.bad_answer", "value", string(a))
		}
	}
	if r.CompetitorWon == No && strings.TrimSpace(r.Competitor) != "" {
		return FieldError("competitor", "reconnect.competitor_without_win")
	}
	return firstError(validRef("deal_id", r.DealID), validLine("competitor", r.Competitor),
		validText("suggestions", r.Suggestions), validText("note", r.Note))
}

// Debrief is the team's blameless review of a lost deal.
type Debrief struct {
	DealID string `json:"deal_id"`
	Day    Date   `json:"date"`
	// Happened is what happened, as facts; Better what could have been done
	// better. Neither names a culprit.
	Happened string `json:"happened"`
	Better   string `json:"better"`
	// Lessons replace the deal's previous lessons when the debrief is saved.
	Lessons []Lesson `json:"lessons"`
	Version int64    `json:"version"`
}

// Normalize trims each lesson's text, topic and procedure change.
func (d *Debrief) Normalize() {
	for i := range d.Lessons {
		l := &d.Lessons[i]
		l.Text, l.Topic, l.Change = strings.TrimSpace(l.Text), strings.TrimSpace(l.Topic), strings.TrimSpace(l.Change)
	}
}

// Validate checks the debrief and its lessons; a debrief after today is
// refused (a zero today skips that check).
func (d Debrief) Validate(today Date) error {
	switch {
	case d.Day.IsZero():
		return FieldError("date", "value.required")
	case !today.IsZero() && d.Day > today:
		return FieldError("date", "value.future_date", "value", d.Day)
	case strings.TrimSpace(d.Happened) == "" && strings.TrimSpace(d.Better) == "" && len(d.Lessons) == 0:
		return FieldError("happened", "debrief.empty")
	case len(d.Lessons) > 100:
		return FieldError("lessons", "value.too_many", "max", 100)
	}
	for _, l := range d.Lessons {
		if strings.TrimSpace(l.Text) == "" {
			return FieldError("lessons", "lesson.empty")
		}
		if err := firstError(validText("lessons", l.Text), validLine("topic", l.Topic), validText("change", l.Change)); err != nil {
			return err
		}
		if len(l.Topic) > 200 {
			return FieldError("topic", "value.too_long", "max", 200)
		}
	}
	return firstError(validRef("deal_id", d.DealID), validText("happened", d.Happened), validText("better", d.Better))
}

// Lesson is one thing learned from a lost deal, searchable in any language
// and without caring about accents.
type Lesson struct {
	ID     int64  `json:"id"`
	DealID string `json:"deal_id"`
	// Owner is the deal's seller, and Day the debrief's day; the store
	// fills both in.
	Owner string `json:"owner"`
	Day   Date   `json:"date"`
	// Topic is a short label ("precio", "seguimiento") that lets win/loss
	// analysis count lessons that come back.
	Topic string `json:"topic"`
	Text  string `json:"text"`
	// Change is the procedure change the lesson calls for, if any.
	Change string `json:"change"`
}

// LessonQuery searches lessons.
type LessonQuery struct {
	// Text is matched word by word (every word must appear, as a word or
	// the start of one), ignoring case and accents. Empty lists the most
	// recent lessons.
	Text  string
	Owner string // one seller's lessons (folded), when set
	Limit int    // 0: 50
}

// maxSearchWords bounds a lesson search: past a sentence, more words only
// slow the search down without narrowing it.
const maxSearchWords = 32

// Words returns the words of q.Text that a search matches, at most 32.
func (q LessonQuery) Words() []string {
	words := SearchWords(q.Text)
	return words[:min(len(words), maxSearchWords)]
}

// CheckTerms refuses a search whose text is not blank but left no term to
// match (nothing but punctuation, say): listing every lesson instead would
// answer another question.
func (q LessonQuery) CheckTerms(terms int) error {
	if terms == 0 && strings.TrimSpace(q.Text) != "" {
		return FieldError("text", "lessons.empty_query")
	}
	return nil
}

// LessonHit is a lesson found, with the deal it came from.
type LessonHit struct {
	Lesson
	Deal string `json:"deal"`
}

// WinLossQuery selects closed deals for win/loss analysis.
type WinLossQuery struct {
	From, To Date   // closed within [From, To], when set
	Owner    string // one seller (folded), when set
}

// WinLossRow counts closed deals sharing a month, seller, outcome, reason
// and competitor; the store aggregates, the engine groups further.
type WinLossRow struct {
	Month      Date    `json:"month"`
	Owner      string  `json:"owner"`
	Outcome    Outcome `json:"outcome"`
	Reason     string  `json:"reason"`
	Competitor string  `json:"competitor"`
	Deals      int     `json:"deals"`
	Value      Money   `json:"value"`
}

// TopicCount is a lesson topic with how often it came back.
type TopicCount struct {
	Topic   string `json:"topic"`
	Deals   int    `json:"deals"`
	Lessons int    `json:"lessons"`
	Last    Date   `json:"last"`
	// Text is the most recent lesson on the topic.
	Text string `json:"text"`
}

// WinLossFacts is what win/loss analysis reads from a store.
type WinLossFacts struct {
	Rows   []WinLossRow `json:"rows"`
	Topics []TopicCount `json:"topics"`
}

// Referral is a provider the user recommends to a client they stop
// serving.
type Referral struct {
	ID string `json:"id"`
	// Service is what they provide, matched against clients' services
	// ignoring case and accents.
	Service string `json:"service"`
	Name    string `json:"name"`
	// Contact is the person to ask for.
	Contact string `json:"contact"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	URL     string `json:"url"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

// Normalize trims the service, the name and every way to reach the
// provider (the note keeps its layout).
func (r *Referral) Normalize() {
	for _, s := range []*string{&r.Service, &r.Name, &r.Contact, &r.Email, &r.Phone, &r.URL} {
		*s = strings.TrimSpace(*s)
	}
}

// Validate checks a referral: a provider nobody can reach is no help, so
// one of e-mail, phone or web address is required.
func (r Referral) Validate() error {
	switch {
	case strings.TrimSpace(r.Service) == "":
		return FieldError("service", "value.required")
	case strings.TrimSpace(r.Name) == "":
		return FieldError("name", "value.required")
	case strings.TrimSpace(r.Email) == "" && strings.TrimSpace(r.Phone) == "" && strings.TrimSpace(r.URL) == "":
		return FieldError("email", "referral.no_contact", "name", r.Name)
	}
	if e := strings.TrimSpace(r.Email); e != "" {
		if _, err := mail.ParseAddress(e); err != nil || strings.ContainsAny(e, " <>") {
			return FieldError("email", "referral.bad_email", "value", e)
		}
	}
	if s := strings.TrimSpace(r.URL); s != "" {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return FieldError("url", "referral.bad_url", "value", s)
		}
	}
	if p := strings.TrimSpace(r.Phone); p != "" && strings.Trim(p, "+0123456789 ()-.") != "" {
		return FieldError("phone", "referral.bad_phone", "value", p)
	}
	return firstError(validID("id", r.ID), validName("service", r.Service), validName("name", r.Name),
		validLine("contact", r.Contact), validLine("email", r.Email), validLine("phone", r.Phone),
		validLine("url", r.URL), validText("note", r.Note))
}

// Holiday is a day off the user configured: no follow-up lands on it.
type Holiday struct {
	Day  Date   `json:"date"`
	Name string `json:"name"`
}

// Normalize trims the name.
func (h *Holiday) Normalize() { h.Name = strings.TrimSpace(h.Name) }

// Validate checks a holiday: a day, and a name of one line.
func (h Holiday) Validate() error {
	switch {
	case h.Day.IsZero():
		return FieldError("date", "value.required")
	case len(h.Name) > 200:
		return FieldError("name", "value.too_long", "max", 200)
	}
	return validLine("name", h.Name)
}
