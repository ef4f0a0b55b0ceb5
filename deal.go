package cartera

import "strings"

// Stage is a step of the sales pipeline, by id ("proposal"). The stages
// and their order are configurable (Pipeline).
type Stage string

// Outcome is where a deal ended.
type Outcome string

// Outcomes.
const (
	OutcomeOpen Outcome = "open"
	OutcomeWon  Outcome = "won"
	OutcomeLost Outcome = "lost"
)

// ForecastCategory is how a seller classes a deal in their forecast.
type ForecastCategory string

// Forecast categories, from the most confident.
const (
	CategoryCommit   ForecastCategory = "commit"
	CategoryBestCase ForecastCategory = "best_case"
	CategoryPipeline ForecastCategory = "pipeline"
)

// Answer is a qualification answer.
type Answer string

// Answers.
const (
	Yes     Answer = "yes"
	No      Answer = "no"
	Unknown Answer = "unknown"
)

// Qualification says whether a deal is a real opportunity: a real need, the
// capacity to pay, and access to the person who decides.
type Qualification struct {
	Need          Answer `json:"need"`
	Capacity      Answer `json:"capacity"`
	DecisionMaker Answer `json:"decision_maker"`
}

// Deal is a sale in progress or closed.
type Deal struct {
	ID string `json:"id"`
	// ClientID links the deal to a client; a deal with a prospect not yet
	// a client leaves it empty and names the Prospect.
	ClientID string `json:"client_id"`
	Prospect string `json:"prospect"`
	Title    string `json:"title"`
	// Owner is the seller.
	Owner string `json:"owner"`
	Value Money  `json:"value"`
	Stage Stage  `json:"stage"`
	// StageSince is the day the deal entered its current stage; a store
	// fills it in (today on a stage change) when it is left zero.
	StageSince Date `json:"stage_since"`
	// ExpectedClose is when the seller expects to close.
	ExpectedClose Date `json:"expected_close"`
	// Claimed is the seller's own probability (0 when not given) and
	// Category their forecast category; either may be empty.
	Claimed  BasisPoints      `json:"claimed"`
	Category ForecastCategory `json:"category"`
	Created  Date             `json:"created"`
	Closed   Date             `json:"closed"`
	Outcome  Outcome          `json:"outcome"`
	// LostReason and Competitor explain a lost deal.
	LostReason    string        `json:"lost_reason"`
	Competitor    string        `json:"competitor"`
	Qualification Qualification `json:"qualification"`
	Version       int64         `json:"version"`
}

// Name is how a deal is shown: its title, or the prospect's name.
func (d Deal) Name() string {
	if d.Title != "" {
		return d.Title
	}
	return d.Prospect
}

// SignalKind is a kind of evidence on a deal.
type SignalKind string

// Signal kinds. Positive ones raise a deal's chances, negative ones lower
// them; verified evidence (a purchase order, a signed contract, a payment)
// weighs far more than anything said.
const (
	SignalVerbalIntent        SignalKind = "verbal_intent"
	SignalMeetingHeld         SignalKind = "meeting_held"
	SignalProposalRequested   SignalKind = "proposal_requested"
	SignalBudgetConfirmed     SignalKind = "budget_confirmed"
	SignalDecisionMakerMet    SignalKind = "decision_maker_met"
	SignalPurchaseOrder       SignalKind = "purchase_order"
	SignalContractSigned      SignalKind = "contract_signed"
	SignalPaymentReceived     SignalKind = "payment_received"
	SignalNoReply             SignalKind = "no_reply"
	SignalPostponed           SignalKind = "postponed"
	SignalCompetitorMentioned SignalKind = "competitor_mentioned"
	SignalChampionLeft        SignalKind = "champion_left"
	// SignalStatusCheck records a fresh check of where the prospect stands
	// ("touching ground"), whatever the answer.
	SignalStatusCheck SignalKind = "status_check"
	// SignalReplyReceived records that the prospect answered (a reply to
	// our mail): a sign of life, which ends silence and unanswered
	// outreach, and says nothing of what was answered.
	SignalReplyReceived SignalKind = "reply_received"
)

// signalKindNames lists the kinds in a fixed-size array, which sizes
// Evidence. Stored evidence summaries refer to kinds by their position:
// new kinds go at the end.
var signalKindNames = [...]SignalKind{
	SignalVerbalIntent, SignalMeetingHeld, SignalProposalRequested, SignalBudgetConfirmed, SignalDecisionMakerMet,
	SignalPurchaseOrder, SignalContractSigned, SignalPaymentReceived,
	SignalNoReply, SignalPostponed, SignalCompetitorMentioned, SignalChampionLeft, SignalStatusCheck,
	SignalReplyReceived,
}

// SignalKinds lists every kind: positive, negative, the status check, and
// the kinds added since.
var SignalKinds = signalKindNames[:]

// Valid reports whether k is a known kind.
func (k SignalKind) Valid() bool { return k.Index() >= 0 }

// Index returns the kind's position in SignalKinds, or -1.
func (k SignalKind) Index() int {
	for i, x := range SignalKinds {
		if x == k {
			return i
		}
	}
	return -1
}

// Verified reports whether the kind is hard evidence of a sale: the only
// signals that allow marking a deal won.
func (k SignalKind) Verified() bool {
	return k == SignalPurchaseOrder || k == SignalContractSigned || k == SignalPaymentReceived
}

// Negative reports whether the kind lowers a deal's chances.
func (k SignalKind) Negative() bool {
	switch k {
	case SignalNoReply, SignalPostponed, SignalCompetitorMentioned, SignalChampionLeft:
		return true
	}
	return false
}

// Inbound reports whether the kind shows the prospect engaging (as opposed
// to silence or our own outreach).
func (k SignalKind) Inbound() bool { return !k.Negative() && k != SignalStatusCheck }

// Signal is one dated piece of evidence on a deal.
type Signal struct {
	ID     string     `json:"id"`
	DealID string     `json:"deal_id"`
	Kind   SignalKind `json:"kind"`
	Day    Date       `json:"date"`
	// Source is where it came from: email, call, meeting, document, crm.
	Source string `json:"source"`
	// Days is, for no_reply, how long the outreach has gone unanswered.
	Days    int    `json:"days"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

// SignalSources lists the accepted sources.
var SignalSources = []string{"email", "call", "meeting", "document", "crm", "other"}

// Normalize fills in what a deal may leave out: a deal without an outcome
// is open.
func (d *Deal) Normalize() {
	if d.Outcome == "" {
		d.Outcome = OutcomeOpen
	}
}

// NormalizeImported applies the defaults of a deal read from a file: it is
// open unless it says otherwise, and without the day it entered its stage
// it entered it when it was created (an import replaces the whole record,
// so the stored stage plays no part).
func (d *Deal) NormalizeImported() {
	d.Normalize()
	if d.StageSince.IsZero() {
		d.StageSince = d.Created
	}
}

// SettleStageSince fills in the day the deal entered its stage when the
// writer did not give one. stored is false for a new deal; otherwise
// oldStage and oldSince are the stage and day stored. The stored day sent
// back with a new stage counts as not given. A new deal entered its stage
// when it was created; a deal that keeps its stage keeps the stored day;
// one that moved entered the new stage today where the user is (the day
// before today, the latest day anywhere, at the latest), and no later
// than it closed.
func (d *Deal) SettleStageSince(stored bool, oldStage Stage, oldSince, today Date) {
	if stored && oldStage != d.Stage && d.StageSince == oldSince {
		d.StageSince = 0 // the day of the old stage, sent back unchanged
	}
	if !d.StageSince.IsZero() {
		return
	}
	switch {
	case stored && oldStage == d.Stage:
		d.StageSince = oldSince
	case !stored:
		d.StageSince = d.Created
	default:
		d.StageSince = max(today-1, d.Created)
		if !d.Closed.IsZero() {
			d.StageSince = min(d.StageSince, d.Closed)
		}
	}
}

// ValidateLost checks a deal being closed as lost together with the plan
// of tasks that starts with it: the outcome must be lost, the deal valid,
// and every task valid and the deal's own.
func (d Deal) ValidateLost(p Pipeline, today Date, plan []Task) error {
	if d.Outcome != OutcomeLost {
		return FieldError("outcome", "deal.bad_outcome", "value", string(d.Outcome))
	}
	if err := d.Validate(p, today); err != nil {
		return err
	}
	for _, t := range plan {
		if err := t.Validate(); err != nil {
			return err
		}
		if t.DealID != d.ID {
			return FieldError("deal_id", "task.other_deal", "value", t.DealID, "deal", d.ID)
		}
	}
	return nil
}

// Validate checks a deal's own fields against the pipeline's stages.
func (d Deal) Validate(p Pipeline, today Date) error {
	switch {
	case strings.TrimSpace(d.Title) == "" && strings.TrimSpace(d.Prospect) == "":
		return FieldError("title", "deal.no_name")
	case !d.Value.Currency.Valid():
		return FieldError("currency", "value.unknown_currency", "value", string(d.Value.Currency))
	case d.Value.Amount < 0:
		return FieldError("value", "value.negative")
	case !p.Has(d.Stage) && !(d.Stage == "" && d.Outcome != OutcomeOpen && d.Outcome != ""):
		// A closed deal may be "stage unknown": an export that only
		// says won or lost does not tell how far it got.
		return FieldError("stage", "deal.unknown_stage", "value", string(d.Stage), "stages", p.StageIDs())
	case d.Claimed < 0 || d.Claimed > 10000:
		return FieldError("claimed", "value.percent_range", "value", d.Claimed.String())
	case d.Category != "" && d.Category != CategoryCommit && d.Category != CategoryBestCase && d.Category != CategoryPipeline:
		return FieldError("category", "deal.bad_category", "value", string(d.Category))
	case d.Created.IsZero():
		return FieldError("created", "value.required")
	case d.Created > today:
		return FieldError("created", "value.future_date", "value", d.Created)
	case d.Outcome != OutcomeOpen && d.Outcome != OutcomeWon && d.Outcome != OutcomeLost:
		return FieldError("outcome", "deal.bad_outcome", "value", string(d.Outcome))
	case d.Outcome != OutcomeOpen && d.Closed.IsZero():
		return FieldError("closed", "deal.closed_needs_date")
	case d.Outcome == OutcomeOpen && !d.Closed.IsZero():
		return FieldError("closed", "deal.open_has_close")
	case !d.Closed.IsZero() && d.Closed < d.Created:
		return FieldError("closed", "deal.closed_before_created", "closed", d.Closed, "created", d.Created)
	case !d.Closed.IsZero() && d.Closed > today:
		return FieldError("closed", "value.future_date", "value", d.Closed)
	}
	for field, a := range map[string]Answer{"need": d.Qualification.Need, "capacity": d.Qualification.Capacity,
		"decision_maker": d.Qualification.DecisionMaker} {
		if a != "" && a != Yes && a != No && a != Unknown {
			return FieldError(field, "deal.bad_answer", "value", string(a))
		}
	}
	if !Visible(d.Title) && !Visible(d.Prospect) {
		return FieldError("title", "deal.no_name")
	}
	return firstError(validAmount("value", d.Value), validID("id", d.ID), validLine("title", d.Title),
		validLine("prospect", d.Prospect), validLine("owner", d.Owner), validLine("lost_reason", d.LostReason),
		validLine("competitor", d.Competitor), validLine("client_id", d.ClientID))
}

// Validate checks a signal's own fields.
func (s Signal) Validate(today Date) error {
	switch {
	case !s.Kind.Valid():
		return FieldError("kind", "signal.unknown_kind", "value", string(s.Kind))
	case s.Day.IsZero():
		return FieldError("date", "value.required")
	case s.Day > today:
		return FieldError("date", "value.future_date", "value", s.Day)
	case s.Days < 0 || s.Days > 3650:
		return FieldError("days", "value.negative")
	}
	src := false
	for _, x := range SignalSources {
		src = src || x == s.Source
	}
	if s.Source != "" && !src {
		return FieldError("source", "signal.bad_source", "value", s.Source)
	}
	return firstError(validID("id", s.ID), validRef("deal_id", s.DealID), validText("note", s.Note))
}

// WonEvidence returns the first verified signal among signals (a purchase
// order, a signed contract or a payment) dated on or before day, and
// whether there is one: a deal may be marked won only with such evidence.
func WonEvidence(signals []Signal, day Date) (Signal, bool) {
	for _, s := range signals {
		if s.Kind.Verified() && (day.IsZero() || s.Day <= day) {
			return s, true
		}
	}
	return Signal{}, false
}

// KindEvidence summarises the signals of one kind on a deal.
type KindEvidence struct {
	Count int  `json:"count"`
	First Date `json:"first"`
	Last  Date `json:"last"`
	// Days is, for no_reply, the unanswered days of the latest signal.
	Days int `json:"days"`
}

// Evidence summarises a deal's signals by kind (indexed like SignalKinds):
// all the grounded model needs, small enough to keep with the deal.
type Evidence [len(signalKindNames)]KindEvidence

// Of returns the summary of one kind.
func (e *Evidence) Of(k SignalKind) KindEvidence {
	if i := k.Index(); i >= 0 {
		return e[i]
	}
	return KindEvidence{}
}

// Add counts one signal.
func (e *Evidence) Add(k SignalKind, day Date, days int) {
	i := k.Index()
	if i < 0 {
		return
	}
	x := &e[i]
	x.Count++
	if x.First.IsZero() || day < x.First {
		x.First = day
	}
	if day >= x.Last {
		x.Last, x.Days = day, days
	}
}

// Last returns the latest day of any signal matching keep, or zero.
func (e *Evidence) Last(keep func(SignalKind) bool) Date {
	var d Date
	for i, k := range SignalKinds {
		if keep(k) && e[i].Last > d {
			d = e[i].Last
		}
	}
	return d
}

// Total is the number of signals.
func (e *Evidence) Total() int {
	n := 0
	for _, x := range e {
		n += x.Count
	}
	return n
}

// DealFacts is one deal with the summary of its evidence: the input of the
// grounded forecast for one deal.
type DealFacts struct {
	Deal     Deal
	Evidence Evidence
	// AsOf, when set, is the day the facts were read as of
	// (DealFactsQuery.Cut): only signals dated on or before it are
	// counted, the deal is in the stage it was in that day, and a deal
	// that closed later is open.
	AsOf Date
	// Truth and TruthClosed are what happened after AsOf to a deal that
	// was open then: its outcome and close day, kept for scoring
	// (backtests, calibration) only. The model never reads them.
	Truth       Outcome
	TruthClosed Date
}

// CutAt turns a stored deal into what was known of it on day cut: stage
// is the stage its history says it was in then, entered on since (empty
// when the history does not say), and a deal closed after cut is open,
// its outcome kept apart in Truth.
func (f *DealFacts) CutAt(cut Date, stage Stage, since Date) {
	d := &f.Deal
	f.AsOf, f.Truth, f.TruthClosed = cut, "", 0
	if !d.Closed.IsZero() && d.Closed > cut {
		f.Truth, f.TruthClosed = d.Outcome, d.Closed
		d.Outcome, d.Closed, d.LostReason, d.Competitor = OutcomeOpen, 0, "", ""
	}
	d.Stage, d.StageSince = stage, since
	if since.IsZero() {
		d.StageSince = d.Created
	}
}

// StageMove is one entry of a deal's stage history: the day it entered a
// stage.
type StageMove struct {
	DealID string `json:"deal_id"`
	Day    Date   `json:"date"`
	Stage  Stage  `json:"stage"`
	// Seq orders moves made on the same day.
	Seq int64 `json:"seq"`
}

// DealQuery selects a page of deals.
type DealQuery struct {
	Owner    string  // folded owner name, when set
	Stage    Stage   // only this stage, when set
	Outcome  Outcome // only this outcome, when set
	ClientID string
	After    string
	Limit    int
}

// DealFactsQuery selects the deals streamed with their evidence.
type DealFactsQuery struct {
	Owner string // only this seller's deals (folded), when set
	// Outcome keeps only this outcome, when set ("closed" means won or
	// lost); with Cut, the outcome as known on that day.
	Outcome Outcome
	// Cut, when set and before today, reads every deal as it was known on
	// that day (DealFacts.CutAt): deals created later are left out, deals
	// closed later are open, only signals dated by then count, and each
	// deal is in the stage its history gives for that day. Zero, or today
	// and later, reads what is stored now.
	Cut Date
	// IDs restricts the query; nil means every deal.
	IDs []string
}

// OutcomeClosed selects won and lost deals in a DealFactsQuery.
const OutcomeClosed Outcome = "closed"

// StageTally counts closed deals by the stage they ended in.
type StageTally struct {
	Stage Stage
	Won   int
	Lost  int
}
