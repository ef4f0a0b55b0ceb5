package cartera

import (
	"context"
	"time"
)

// Mail: what cartera keeps of a mailbox. Only what the derivations need,
// and nothing of what was said: a message with a client is its instant,
// its direction, the client and contact, and hashes of its own id and of
// the message it answers. Candidate incidents keep, while they wait for
// the user, the subject and at most a short excerpt of the words that
// made them candidates (docs/privacy.md).

// MailMessage is one message exchanged with a client.
type MailMessage struct {
	// ID is a hash of the message's Message-ID and the client.
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	// ContactID is the client's contact who wrote or was written to,
	// when known.
	ContactID string    `json:"contact_id,omitempty"`
	At        time.Time `json:"at"`
	// Outbound is set for our messages, clear for the client's.
	Outbound bool `json:"outbound"`
	// Key is a hash of the message's Message-ID, and ReplyTo of the
	// Message-ID it answers (In-Reply-To), empty when none.
	Key     string `json:"key"`
	ReplyTo string `json:"reply_to,omitempty"`
}

// CandidateStatus is where a candidate incident stands.
type CandidateStatus string

// Candidate statuses.
const (
	CandidatePending   CandidateStatus = "pending"
	CandidateConfirmed CandidateStatus = "confirmed"
	CandidateDismissed CandidateStatus = "dismissed"
)

// Candidate is an incident that captured data suggests and only the user
// can confirm: a message at protected hours, a demand that reads outside
// the agreed scope. Until confirmed nothing about the person is recorded;
// a confirmed candidate becomes an incident, a dismissed one keeps only
// its id, so that it is not suggested again.
type Candidate struct {
	ID        string       `json:"id"`
	ClientID  string       `json:"client_id"`
	ContactID string       `json:"contact_id,omitempty"`
	At        time.Time    `json:"at"`
	Kind      IncidentKind `json:"kind"`
	// Reason says why it is a candidate, as a message code with facts
	// (the protected slot, the phrase found).
	Reason Message `json:"reason"`
	// Subject and Excerpt help the user recognise the message; they are
	// erased when the candidate is dismissed.
	Subject string          `json:"subject"`
	Excerpt string          `json:"excerpt"`
	Status  CandidateStatus `json:"status"`
	// IncidentID is the incident a confirmed candidate became.
	IncidentID string `json:"incident_id,omitempty"`
	// Source and Origin say where the message was read.
	Source  string `json:"source"`
	Origin  string `json:"origin"`
	Version int64  `json:"version"`
}

// CandidateQuery selects candidates.
type CandidateQuery struct {
	Status CandidateStatus // only this status, when set
	Owner  string          // only clients of this owner (folded), when set
	Limit  int
}

// MailStore keeps the messages exchanged with clients and the candidate
// incidents waiting for review.
type MailStore interface {
	// EachMailMessage streams the stored messages of the given clients,
	// by client and instant.
	EachMailMessage(ctx context.Context, clientIDs []string, fn func(MailMessage) error) error
	// Candidates lists candidates, newest first.
	Candidates(ctx context.Context, q CandidateQuery) ([]Candidate, error)
	Candidate(ctx context.Context, id string) (Candidate, error)
	// StoredCandidates says which of the given ids are stored candidates,
	// whatever their status: what an import suggested once, it does not
	// suggest again. One query for many, where Candidate is one each.
	StoredCandidates(ctx context.Context, ids []string) (map[string]bool, error)
	// ConfirmCandidate stores the incident a pending candidate becomes and
	// marks the candidate confirmed, together (ECONFLICT when it is not
	// pending, or its version is not the stored one).
	ConfirmCandidate(ctx context.Context, id string, version int64, in Incident) (Candidate, error)
	// DismissCandidate marks a pending candidate dismissed and erases its
	// subject and excerpt.
	DismissCandidate(ctx context.Context, id string, version int64) (Candidate, error)
}
