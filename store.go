package cartera

import (
	"context"
	"time"
)

// Entity names a kind of record; it is also the base name of its export file.
type Entity string

// The entities of a portfolio, in dependency order: a record may only refer
// to entities listed before it.
const (
	EntityClients     Entity = "clients"
	EntityContacts    Entity = "contacts"
	EntityInvoices    Entity = "invoices"
	EntityTime        Entity = "time"
	EntityConcessions Entity = "concessions"
	EntityIncidents   Entity = "incidents"
	EntityDeals       Entity = "deals"
	EntitySignals     Entity = "signals"
)

// EntityStageHistory is the file kind of a deal's stage history: rows of
// (deal, day, stage) with no id of their own. It is imported with the
// others, after the deals it refers to, but is not one of Entities: it is
// not counted, listed or exported as a record.
const EntityStageHistory Entity = "stage_history"

// Entities lists every entity in dependency order.
var Entities = []Entity{EntityClients, EntityContacts, EntityInvoices, EntityTime, EntityConcessions, EntityIncidents,
	EntityDeals, EntitySignals}

// Counts is the number of stored records per entity.
type Counts map[Entity]int64

// Store is the storage every backend implements (SQLite, PostgreSQL). All
// methods are safe for concurrent use. Implementations are checked by the
// contract suite in package storetest.
type Store interface {
	ClientStore
	RecordStore
	FactsStore
	SummaryStore
	ImportStore
	UserStore
	SettingsStore
	OwnerStore
	DealStore
	PlaybookStore
	ArchiveStore
	MatchStore
	MailStore
	DecisionStore
	Close() error
}

// ClientStore finds clients and their contacts.
type ClientStore interface {
	// Client returns the client with the given id, or an ENOTFOUND error.
	Client(ctx context.Context, id string) (Client, error)
	// FindClients returns up to limit clients whose id equals text or whose
	// name contains it, ignoring case and accents; exact matches first.
	FindClients(ctx context.Context, text string, limit int) ([]Client, error)
	// Contacts returns a client's contacts, most senior first.
	Contacts(ctx context.Context, clientID string) ([]Contact, error)
	// Timeline returns a client's records, newest first, up to limit.
	Timeline(ctx context.Context, clientID string, limit int) ([]TimelineItem, error)
	// Monthly returns a client's figures per month from from to to
	// (inclusive), one entry per month, oldest first.
	Monthly(ctx context.Context, clientID string, from, to Date) ([]MonthFigures, error)
	// Counts returns how many records of each entity are stored.
	Counts(ctx context.Context) (Counts, error)
}

// RecordStore reads and writes single records, for forms and the API.
//
// Save inserts a record or updates the one with the same id, by its
// Version:
//   - 0 creates. When the id is taken the save fails with ECONFLICT
//     "record.exists" and the stored record stays as it was: a save
//     without a version never overwrites a row, whoever's it is.
//   - any other Version updates, and must equal the stored one (ECONFLICT
//     "record.stale" otherwise); a Version of a record that does not exist
//     is ENOTFOUND, and nothing is created.
//
// The same rule holds for every single save of the other stores (deals,
// signals, tasks, referrals, LogIncident); imports upsert by id instead
// (ImportTx). Saving checks references (the client exists, amounts are in
// its currency, the contact is the client's). Delete removes a record,
// given its Version or 0 for whatever is stored; deleting a client with
// records is an ECONFLICT.
//
// Who may read or write which record is not the store's business: the
// caller (the web app's access rules) decides, and relies on these
// versions so that what it checked is what gets written.
type RecordStore interface {
	SaveClient(ctx context.Context, c Client) (Client, error)
	SaveContact(ctx context.Context, c Contact) (Contact, error)
	SaveInvoice(ctx context.Context, v Invoice) (Invoice, error)
	SaveTimeEntry(ctx context.Context, e TimeEntry) (TimeEntry, error)
	SaveConcession(ctx context.Context, c Concession) (Concession, error)
	SaveIncident(ctx context.Context, in Incident) (Incident, error)

	Delete(ctx context.Context, e Entity, id string, version int64) error

	Contact(ctx context.Context, id string) (Contact, error)
	Invoice(ctx context.Context, id string) (Invoice, error)
	TimeEntry(ctx context.Context, id string) (TimeEntry, error)
	Concession(ctx context.Context, id string) (Concession, error)
	Incident(ctx context.Context, id string) (Incident, error)

	// List* return one page of records in id order, optionally of one
	// client, after the cursor.
	ListClients(ctx context.Context, q RecordQuery) ([]Client, string, error)
	ListContacts(ctx context.Context, q RecordQuery) ([]Contact, string, error)
	ListInvoices(ctx context.Context, q RecordQuery) ([]Invoice, string, error)
	ListTimeEntries(ctx context.Context, q RecordQuery) ([]TimeEntry, string, error)
	ListConcessions(ctx context.Context, q RecordQuery) ([]Concession, string, error)
	ListIncidents(ctx context.Context, q RecordQuery) ([]Incident, string, error)

	// Each* stream every record of an entity in id order (for export).
	EachClient(ctx context.Context, fn func(Client) error) error
	EachContact(ctx context.Context, fn func(Contact) error) error
	EachInvoice(ctx context.Context, fn func(Invoice) error) error
	EachTimeEntry(ctx context.Context, fn func(TimeEntry) error) error
	EachConcession(ctx context.Context, fn func(Concession) error) error
	EachIncident(ctx context.Context, fn func(Incident) error) error
}

// RecordQuery selects a page of records.
type RecordQuery struct {
	ClientID string // only this client's records, when set
	DealID   string // only this deal's signals, when set
	// Owner keeps only records of clients with this owner (folded), when
	// set: what a seller may see.
	Owner string
	After string // cursor from the previous page
	Limit int
}

// FactsStore aggregates what the assessment engine needs.
type FactsStore interface {
	// Facts calls fn with the figures of each client, in id order. The
	// *ClientFacts is reused between calls.
	Facts(ctx context.Context, q FactsQuery, fn func(*ClientFacts) error) error
}

// SummaryStore keeps each client's assessment outcome for the client list.
type SummaryStore interface {
	// StaleSummaries returns the clients without a summary for key, and
	// how many clients there are.
	StaleSummaries(ctx context.Context, key string) ([]string, int, error)
	// CountStaleSummaries returns how many clients have no summary for
	// key, and how many clients there are, without listing them: a new day
	// leaves 100,000 stale, and the caller only chooses between assessing a
	// few and assessing everyone.
	CountStaleSummaries(ctx context.Context, key string) (stale, total int, err error)
	// SaveSummaries stores summaries for key; replace drops every other
	// summary first.
	SaveSummaries(ctx context.Context, key string, rows []Summary, replace bool) error
	// Clients returns a page of the client list with summaries.
	Clients(ctx context.Context, q ClientQuery) (ClientPage, error)
	// EachStoredSummary streams the stored summaries (of one owner, when
	// set), stale ones included, in client id order, without the reasons'
	// text: the figures the dashboard adds up, read from the summaries
	// alone. Currency and owner are the client's when the summary was
	// saved.
	EachStoredSummary(ctx context.Context, owner string, fn func(Summary) error) error
	// Generation is a number that grows with every committed write.
	Generation(ctx context.Context) (int64, error)
}

// ImportStore bulk-loads records.
type ImportStore interface {
	// BeginImport starts an all-or-nothing import.
	BeginImport(ctx context.Context) (ImportTx, error)
	// ClientKeys calls fn with the id and currency of every stored client.
	ClientKeys(ctx context.Context, fn func(id string, currency Currency) error) error
	// ContactKeys calls fn with the id and client of every stored contact.
	ContactKeys(ctx context.Context, fn func(id, clientID string) error) error
	// DealKeys calls fn with the id and currency of every stored deal.
	DealKeys(ctx context.Context, fn func(id string, currency Currency) error) error
}

// UserStore keeps accounts, sessions and API tokens.
type UserStore interface {
	CountUsers(ctx context.Context) (int, error)
	// CreateUser stores a new user (ECONFLICT when the e-mail is taken)
	// and returns it with its id.
	CreateUser(ctx context.Context, u User) (User, error)
	User(ctx context.Context, id int64) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	Users(ctx context.Context) ([]User, error)
	// UpdateUser saves changes; u.Version must be the stored one.
	UpdateUser(ctx context.Context, u User) (User, error)

	CreateSession(ctx context.Context, s Session) error
	// Session returns a live session and its (enabled) user.
	Session(ctx context.Context, id string, now time.Time) (Session, User, error)
	DeleteSession(ctx context.Context, id string) error
	// DeleteSessions signs a user out everywhere.
	DeleteSessions(ctx context.Context, userID int64) error

	// CreateToken stores a token by its hash.
	CreateToken(ctx context.Context, t APIToken, hash string) (APIToken, error)
	// TokenUser resolves a token hash to its token and (enabled) user.
	TokenUser(ctx context.Context, hash string, now time.Time) (APIToken, User, error)
	Tokens(ctx context.Context, userID int64) ([]APIToken, error)
	DeleteToken(ctx context.Context, userID, id int64) error
}

// SettingsStore keeps the policy and small documents.
//
// Settings the team shares (the policy, the pipeline, saved mappings) are
// versioned like records: each read returns its version and each save
// names the version it was read at — 0 only when none is stored — or fails
// with ECONFLICT "setting.stale", so that two people editing at once never
// overwrite each other.
type SettingsStore interface {
	// Policy returns the stored policy with its Version, or the defaults
	// (Version 0).
	Policy(ctx context.Context) (Policy, error)
	// SavePolicy validates and stores the policy at p.Version.
	SavePolicy(ctx context.Context, p Policy) error
	// Setting returns a stored value, or ENOTFOUND.
	Setting(ctx context.Context, key string) (string, error)
	// PutSetting stores a value whatever is stored (secrets and values
	// only the server writes).
	PutSetting(ctx context.Context, key, value string) error
	// SettingAt returns a stored value and its version, or ENOTFOUND.
	SettingAt(ctx context.Context, key string) (string, int64, error)
	// PutSettingAt stores a value given the version it was read at (0:
	// none stored) and returns the new version.
	PutSettingAt(ctx context.Context, key, value string, version int64) (int64, error)
	// TakeSetting returns a value and deletes it, atomically: a one-time
	// secret can be used once.
	TakeSetting(ctx context.Context, key string) (string, error)
}

// ImportTx writes records inside one transaction: either Commit makes all of
// them visible or none is. Records are upserted by their user-given id, so
// importing the same files twice changes nothing. An id written twice within
// one ImportTx is a duplicate, reported instead of written.
//
// Each Put takes records and, in parallel, their source positions (opaque to
// the store); it returns the duplicates found among them.
type ImportTx interface {
	PutClients(ctx context.Context, rows []Client, pos []int64) ([]Duplicate, error)
	PutContacts(ctx context.Context, rows []Contact, pos []int64) ([]Duplicate, error)
	PutInvoices(ctx context.Context, rows []Invoice, pos []int64) ([]Duplicate, error)
	PutTimeEntries(ctx context.Context, rows []TimeEntry, pos []int64) ([]Duplicate, error)
	PutConcessions(ctx context.Context, rows []Concession, pos []int64) ([]Duplicate, error)
	PutIncidents(ctx context.Context, rows []Incident, pos []int64) ([]Duplicate, error)
	PutDeals(ctx context.Context, rows []Deal, pos []int64) ([]Duplicate, error)
	PutSignals(ctx context.Context, rows []Signal, pos []int64) ([]Duplicate, error)
	// PutStageHistory adds stage moves from a source that keeps them (a
	// CRM's stage history); their deals must be stored or written earlier
	// in the same import. A move already recorded (same deal, day and
	// stage) is kept as it is, so importing the same history twice adds
	// nothing. At commit, a move into the stage the deal was already in
	// (a CRM logs a row for every change of amount or close date too) is
	// dropped from the history of the deals given moves: the stage was
	// entered on the earlier day. So is the stage an imported deal row
	// gave from its stage_since (seq 0) on a day the history covers.
	PutStageHistory(ctx context.Context, rows []StageMove) error
	// PutArchive writes an archive (see Archive) into a store that holds
	// no users, settings or playbook records yet, keeping every id and
	// version; the records it refers to (deals, clients) must be written
	// in the same transaction or be stored already.
	PutArchive(ctx context.Context, a *Archive) error
	// PutProvenance records where captured records came from (replacing
	// what an earlier import said of the same records).
	PutProvenance(ctx context.Context, rows []Provenance) error
	// PutUnmatched lists identifiers no rule explained, replacing the
	// count and hint of the same identifiers and keeping the latest day.
	PutUnmatched(ctx context.Context, rows []Unmatched) error
	// PutMailMessages stores messages exchanged with clients (replacing
	// those with the same client and id: a message's id is made from its
	// client's).
	PutMailMessages(ctx context.Context, rows []MailMessage) error
	// PutCandidates adds candidate incidents; a candidate already stored
	// keeps its status (a dismissed one is not suggested again).
	PutCandidates(ctx context.Context, rows []Candidate) error
	// Commit makes every record visible and brings derived figures up to
	// date.
	Commit(ctx context.Context) error
	// Rollback discards everything; it is safe after Commit.
	Rollback() error
}

// Duplicate reports that rows[Index] reuses an id first written at FirstPos
// in the same import.
type Duplicate struct {
	Index    int
	FirstPos int64
}

// TimelineItem is one record in a client's history. Exactly one of the
// record fields is set.
type TimelineItem struct {
	Entity     Entity      `json:"entity"`
	At         time.Time   `json:"at"` // the record's date or instant
	Invoice    *Invoice    `json:"invoice,omitempty"`
	TimeEntry  *TimeEntry  `json:"time_entry,omitempty"`
	Concession *Concession `json:"concession,omitempty"`
	Incident   *Incident   `json:"incident,omitempty"`
}

// MonthFigures are one client's figures for one month, for sparklines.
type MonthFigures struct {
	Month     Date  `json:"month"`
	Revenue   int64 `json:"revenue"`
	Hours     Hours `json:"hours"`
	Incidents int   `json:"incidents"`
	// MaxSeverity is the worst incident of the month (0 without any).
	MaxSeverity int `json:"max_severity"`
}

// OwnerStore lists the owners named on clients.
type OwnerStore interface {
	// Owners returns the distinct owner names on clients, sorted.
	Owners(ctx context.Context) ([]string, error)
}

// DealStore keeps the sales pipeline: deals, their signals and the
// pipeline's configuration. Deals and signals are also written by
// RecordStore.Delete (deleting a deal deletes its signals) and by imports.
type DealStore interface {
	// SaveDeal validates and stores a deal. Marking a deal won needs a
	// verified signal on it dated on or before the close day (EINVALID
	// "deal.won_needs_evidence" otherwise). A deal with a client must be
	// in the client's currency.
	SaveDeal(ctx context.Context, d Deal) (Deal, error)
	Deal(ctx context.Context, id string) (Deal, error)
	ListDeals(ctx context.Context, q DealQuery) ([]Deal, string, error)
	EachDeal(ctx context.Context, fn func(Deal) error) error

	// SaveSignal stores a signal on an existing deal.
	SaveSignal(ctx context.Context, s Signal) (Signal, error)
	Signal(ctx context.Context, id string) (Signal, error)
	// Signals returns a deal's signals, newest first.
	Signals(ctx context.Context, dealID string) ([]Signal, error)
	ListSignals(ctx context.Context, q RecordQuery) ([]Signal, string, error)
	EachSignal(ctx context.Context, fn func(Signal) error) error

	// DealFacts calls fn with each selected deal and its evidence, in id
	// order. The *DealFacts is reused between calls.
	DealFacts(ctx context.Context, q DealFactsQuery, fn func(*DealFacts) error) error
	// ClosedByStage counts closed deals by final stage (the last open
	// stage), for learned stage rates: the deal's own stage, or, for one
	// stored "stage unknown", the last stage its history entered on or
	// before its close day ("" when it has none); closedBefore, when set,
	// counts only deals closed before it.
	ClosedByStage(ctx context.Context, closedBefore Date) ([]StageTally, error)
	// DealOwners returns the distinct sellers named on deals, sorted.
	DealOwners(ctx context.Context) ([]string, error)
	// StageHistory returns the stages a deal entered, with their days,
	// oldest first: recorded on every stage change and on import (see
	// ImportTx.PutStageHistory).
	StageHistory(ctx context.Context, dealID string) ([]StageMove, error)
	// EachStageMove streams every deal's stage history, by deal id, then
	// as StageHistory orders it.
	EachStageMove(ctx context.Context, fn func(StageMove) error) error

	// Pipeline returns the stored pipeline with its Version, or the
	// defaults (Version 0).
	Pipeline(ctx context.Context) (Pipeline, error)
	// SavePipeline validates and stores the pipeline at p.Version
	// (versions as in SettingsStore); removing a stage that open deals are
	// in is an ECONFLICT.
	SavePipeline(ctx context.Context, p Pipeline) error
}

// PlaybookStore keeps what the playbooks write: the agenda's tasks, the
// plans started by lost deals, the reconnect call's answers, debriefs and
// their searchable lessons, referrals, holidays and calendar tokens.
//
// The methods that write more than one record (MarkLost, LogIncident,
// CompleteReconnect, SaveDebrief, SaveTasks) write everything or nothing.
type PlaybookStore interface {
	// MarkLost closes an open deal as lost (d carries the outcome, close
	// day, reason and competitor) and stores the plan's tasks with it. A
	// deal that is not open is an ECONFLICT "deal.not_open".
	MarkLost(ctx context.Context, d Deal, plan []Task) (Deal, error)
	// LogIncident stores an incident and the tasks it starts (a follow-up
	// with a client who will not listen) together.
	LogIncident(ctx context.Context, in Incident, tasks []Task) (Incident, error)

	// SaveTask inserts or updates a task (versions as in RecordStore: 0
	// only creates).
	SaveTask(ctx context.Context, t Task) (Task, error)
	// SaveTasks inserts or replaces several tasks at once.
	SaveTasks(ctx context.Context, tasks []Task) error
	Task(ctx context.Context, id string) (Task, error)
	// Tasks returns the selected tasks by agenda day, then id.
	Tasks(ctx context.Context, q TaskQuery) ([]Task, error)

	// CompleteReconnect records the call's answers on a lost deal, marks
	// its reconnect tasks done, and records the competitor who won on the
	// deal when it had none. A deal that is not lost is an EINVALID
	// "reconnect.not_lost".
	CompleteReconnect(ctx context.Context, r Reconnect) (Reconnect, error)
	// Reconnect returns a deal's answers, or ENOTFOUND.
	Reconnect(ctx context.Context, dealID string) (Reconnect, error)
	// SaveDebrief stores the debrief of a lost deal, replaces its lessons
	// and marks its debrief tasks done (EINVALID "debrief.not_lost" for a
	// deal that is not lost).
	SaveDebrief(ctx context.Context, d Debrief) (Debrief, error)
	// Debrief returns a deal's debrief with its lessons, or ENOTFOUND.
	Debrief(ctx context.Context, dealID string) (Debrief, error)
	// SearchLessons finds lessons by their words, ignoring case and
	// accents, best matches first; with no text, the most recent.
	SearchLessons(ctx context.Context, q LessonQuery) ([]LessonHit, error)
	// WinLoss aggregates closed deals by month, seller, outcome, reason and
	// competitor, and lesson topics by how often they come back.
	WinLoss(ctx context.Context, q WinLossQuery) (WinLossFacts, error)

	SaveReferral(ctx context.Context, r Referral) (Referral, error)
	Referral(ctx context.Context, id string) (Referral, error)
	// Referrals lists every referral by service, then name.
	Referrals(ctx context.Context) ([]Referral, error)
	DeleteReferral(ctx context.Context, id string, version int64) error

	// Holidays lists the configured holidays by day.
	Holidays(ctx context.Context) ([]Holiday, error)
	// SaveHoliday adds a holiday or renames it.
	SaveHoliday(ctx context.Context, h Holiday) error
	DeleteHoliday(ctx context.Context, day Date) error

	// SetCalendarToken stores (replacing any earlier one) the hash of a
	// user's secret calendar token, the key of their iCalendar
	// subscription address.
	SetCalendarToken(ctx context.Context, userID int64, hash string) error
	// CalendarUser resolves a token hash to its (enabled) user, or
	// EUNAUTHORIZED.
	CalendarUser(ctx context.Context, hash string) (User, error)
	// DeleteCalendarToken revokes a user's subscription address.
	DeleteCalendarToken(ctx context.Context, userID int64) error
}
