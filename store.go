package cartera

import "context"

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
)

// Entities lists every entity in dependency order.
var Entities = []Entity{EntityClients, EntityContacts, EntityInvoices, EntityTime, EntityConcessions, EntityIncidents}

// Counts is the number of stored records per entity.
type Counts map[Entity]int64

// Store is the storage every backend implements (SQLite, PostgreSQL). All
// methods are safe for concurrent use. Implementations are checked by the
// contract suite in package storetest.
type Store interface {
	// Client returns the client with the given id, or an ENOTFOUND error.
	Client(ctx context.Context, id string) (Client, error)
	// FindClients returns up to limit clients whose id equals text or whose
	// name contains it, ignoring case and accents; exact matches first.
	FindClients(ctx context.Context, text string, limit int) ([]Client, error)
	// Contacts returns a client's contacts, most senior first.
	Contacts(ctx context.Context, clientID string) ([]Contact, error)

	// Facts calls fn with the figures of each client, in id order. The
	// *ClientFacts is reused between calls.
	Facts(ctx context.Context, q FactsQuery, fn func(*ClientFacts) error) error

	// Policy returns the stored policy, or the defaults.
	Policy(ctx context.Context) (Policy, error)
	// SavePolicy validates and stores the policy.
	SavePolicy(ctx context.Context, p Policy) error

	// BeginImport starts an all-or-nothing import.
	BeginImport(ctx context.Context) (ImportTx, error)
	// ClientKeys calls fn with the id and currency of every stored client.
	ClientKeys(ctx context.Context, fn func(id string, currency Currency) error) error
	// ContactKeys calls fn with the id and client of every stored contact.
	ContactKeys(ctx context.Context, fn func(id, clientID string) error) error

	// Each* stream every record of an entity in id order (for export).
	EachClient(ctx context.Context, fn func(Client) error) error
	EachContact(ctx context.Context, fn func(Contact) error) error
	EachInvoice(ctx context.Context, fn func(Invoice) error) error
	EachTimeEntry(ctx context.Context, fn func(TimeEntry) error) error
	EachConcession(ctx context.Context, fn func(Concession) error) error
	EachIncident(ctx context.Context, fn func(Incident) error) error

	// Counts returns how many records of each entity are stored.
	Counts(ctx context.Context) (Counts, error)

	Close() error
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
