package cartera

import (
	"context"
	"strings"
	"unicode"
)

// Capture: records that come from where people keep them (calendars,
// mailboxes, e-invoices, time trackers, spreadsheets) reach a client
// through one match table, and keep where they came from.

// MatchKind is the kind of identifier a match rule recognises.
type MatchKind string

// Match kinds.
const (
	MatchEmail   MatchKind = "email"   // an e-mail address
	MatchDomain  MatchKind = "domain"  // every address of a domain
	MatchTaxID   MatchKind = "tax_id"  // a tax identification number (NIF, VAT id)
	MatchProject MatchKind = "project" // a time tracker's project
)

// MatchKinds lists every kind.
var MatchKinds = []MatchKind{MatchEmail, MatchDomain, MatchTaxID, MatchProject}

// Valid reports whether k is a known kind.
func (k MatchKind) Valid() bool {
	for _, x := range MatchKinds {
		if x == k {
			return true
		}
	}
	return false
}

// MatchRole says what an identifier is.
type MatchRole string

// Match roles.
const (
	// RoleClient ties the identifier to a client (and maybe a contact or
	// a deal).
	RoleClient MatchRole = "client"
	// RoleSelf marks our own addresses: what they send is our outreach.
	RoleSelf MatchRole = "self"
	// RoleIgnore marks what should never match nor be listed again (a
	// newsletter, a supplier).
	RoleIgnore MatchRole = "ignore"
)

// MatchRule is one row of the match table the user reviews: an
// identifier found in captured data and what it means.
type MatchRule struct {
	Kind MatchKind `json:"kind"`
	// Value is normalised (NormalizeMatch): a lower-case address or
	// domain, a tax id without separators, a folded project name.
	Value     string    `json:"value"`
	Role      MatchRole `json:"role"`
	ClientID  string    `json:"client_id,omitempty"`
	ContactID string    `json:"contact_id,omitempty"`
	DealID    string    `json:"deal_id,omitempty"`
	Version   int64     `json:"version"`
}

// Validate checks a rule's own fields; the store checks its references.
func (r MatchRule) Validate() error {
	switch {
	case !r.Kind.Valid():
		return FieldError("kind", "match.bad_kind", "value", string(r.Kind))
	case r.Value == "":
		return FieldError("value", "value.required")
	case len(r.Value) > MaxIDLength:
		return FieldError("value", "value.too_long", "max", MaxIDLength)
	case r.Value != NormalizeMatch(r.Kind, r.Value):
		return FieldError("value", "match.not_normalised", "value", r.Value)
	}
	switch r.Role {
	case RoleClient:
		if r.ClientID == "" {
			return FieldError("client_id", "value.required")
		}
	case RoleSelf, RoleIgnore:
		if r.ClientID != "" || r.ContactID != "" || r.DealID != "" {
			return FieldError("client_id", "match.role_without_client", "role", string(r.Role))
		}
	default:
		return FieldError("role", "match.bad_role", "value", string(r.Role))
	}
	return nil
}

// NormalizeMatch returns the form in which an identifier is stored and
// compared: addresses and domains in lower case (a domain without a
// leading @), tax ids in upper case without spaces, dots or hyphens and
// without the ES prefix of a Spanish NIF, project names folded with single
// spaces.
func NormalizeMatch(k MatchKind, v string) string {
	v = strings.TrimSpace(v)
	switch k {
	case MatchEmail:
		v = strings.Trim(v, "<> ")
		return strings.ToLower(v)
	case MatchDomain:
		v = strings.ToLower(strings.TrimSpace(v))
		if i := strings.LastIndexByte(v, '@'); i >= 0 {
			v = v[i+1:]
		}
		return strings.TrimSuffix(v, ".")
	case MatchTaxID:
		v = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToUpper(r)
			}
			return -1
		}, v)
		if len(v) == 11 && strings.HasPrefix(v, "ES") {
			v = v[2:]
		}
		return v
	case MatchProject:
		return strings.Join(strings.Fields(Fold(v)), " ")
	}
	return v
}

// DomainOf returns the domain of an address ("" when it has none).
func DomainOf(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 || i == len(addr)-1 {
		return ""
	}
	return NormalizeMatch(MatchDomain, addr[i+1:])
}

// PublicMailDomains are the domains of free mail services: a contact at
// gmail.com says nothing about who else at gmail.com is a client, so these
// domains never match by domain, only by full address.
var PublicMailDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "hotmail.com": true, "hotmail.es": true, "outlook.com": true,
	"outlook.es": true, "live.com": true, "msn.com": true, "yahoo.com": true, "yahoo.es": true, "icloud.com": true,
	"me.com": true, "mac.com": true, "aol.com": true, "proton.me": true, "protonmail.com": true, "gmx.com": true,
	"gmx.es": true, "telefonica.net": true, "movistar.es": true, "yandex.com": true, "zoho.com": true,
}

// Unmatched is an identifier that captured data carried and no rule or
// contact explains: it is listed for the user to assign, never guessed.
type Unmatched struct {
	Kind  MatchKind `json:"kind"`
	Value string    `json:"value"`
	// Source is what carried it: calendar, mail, invoice, tracker.
	Source string `json:"source"`
	// Hint helps to recognise it: a display name, the buyer's name on an
	// invoice, the tracker's client for a project.
	Hint string `json:"hint"`
	// Seen counts the items of the latest import that carried it, and
	// Last is the latest day one was dated.
	Seen int  `json:"seen"`
	Last Date `json:"last"`
}

// Provenance says where a captured record came from, so that a re-import
// updates it and anyone can trace it back.
type Provenance struct {
	Entity   Entity `json:"entity"`
	RecordID string `json:"record_id"`
	// Source is the format or service: ics, caldav, mbox, maildir, imap,
	// facturae, ubl, toggl, clockify, harvest.
	Source string `json:"source"`
	// Origin is the file or subscription it was read from.
	Origin string `json:"origin"`
	// OriginalID is the item's own identifier there: an event's UID, a
	// message's Message-ID, an invoice's number, a tracker entry's key.
	OriginalID string `json:"original_id"`
}

// MatchStore keeps the match table, the identifiers nobody matched yet
// and the provenance of captured records.
type MatchStore interface {
	// MatchRules returns every rule by kind and value.
	MatchRules(ctx context.Context) ([]MatchRule, error)
	// SaveMatchRule inserts a rule or updates the one with the same kind
	// and value (versions as in RecordStore). The client must exist, the
	// contact and the deal must be the client's. The identifier, and for a
	// domain every address of it, leaves the unmatched list.
	SaveMatchRule(ctx context.Context, r MatchRule) (MatchRule, error)
	DeleteMatchRule(ctx context.Context, kind MatchKind, value string, version int64) error
	// UnmatchedItems returns the unmatched identifiers, most seen first.
	UnmatchedItems(ctx context.Context) ([]Unmatched, error)
	// Provenance returns where a record came from, or ENOTFOUND.
	Provenance(ctx context.Context, e Entity, id string) (Provenance, error)
}
