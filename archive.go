package cartera

import (
	"context"
	"time"
)

// Archive is everything a store keeps besides the records that imports
// and exports carry: who may sign in and their credentials (hashes only,
// never a secret), the settings (policy, pipeline, saved mappings,
// playbook configuration) and what the playbooks wrote (tasks, reconnect
// answers, debriefs with their lessons, referrals, holidays).
//
// `cartera migrate-store` moves it together with the records, in the same
// transaction. Signed-in sessions are not part of it: after a move people
// sign in again. Derived data (cached facts, summaries, evidence) is not
// either: the destination computes its own.
type Archive struct {
	Users          []User          `json:"users"` // with their ids and password hashes
	Tokens         []ArchivedToken `json:"tokens"`
	CalendarTokens []CalendarToken `json:"calendar_tokens"`
	Settings       []SettingValue  `json:"settings"`
	Tasks          []Task          `json:"tasks"`
	Reconnects     []Reconnect     `json:"reconnects"`
	Debriefs       []Debrief       `json:"debriefs"`
	Referrals      []Referral      `json:"referrals"`
	Holidays       []Holiday       `json:"holidays"`
	// What capture keeps: the match table and the identifiers waiting to
	// be assigned, where captured records came from, the messages
	// exchanged with clients and the candidate incidents (with their
	// status: a dismissed one must stay dismissed).
	MatchRules   []MatchRule   `json:"match_rules"`
	Unmatched    []Unmatched   `json:"unmatched"`
	Provenance   []Provenance  `json:"provenance"`
	MailMessages []MailMessage `json:"mail_messages"`
	Candidates   []Candidate   `json:"candidates"`
	// The decisions users recorded on verdicts.
	Decisions []Decision `json:"decisions"`
	// StageMoves is every deal's stage history: an import records only
	// the stage each deal is in now.
	StageMoves []StageMove `json:"stage_moves"`
}

// ArchivedToken is an API token with the hash it is recognised by.
type ArchivedToken struct {
	APIToken
	Hash string `json:"hash"`
}

// CalendarToken is the hash of a user's calendar subscription token.
type CalendarToken struct {
	UserID  int64     `json:"user_id"`
	Hash    string    `json:"hash"`
	Created time.Time `json:"created"`
}

// SettingValue is one stored setting.
type SettingValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Len is how many items the archive holds, for reports.
func (a *Archive) Len() int {
	n := len(a.Users) + len(a.Tokens) + len(a.CalendarTokens) + len(a.Settings) + len(a.Tasks) + len(a.Reconnects) +
		len(a.Debriefs) + len(a.Referrals) + len(a.Holidays) + len(a.MatchRules) + len(a.Unmatched) + len(a.Provenance) +
		len(a.MailMessages) + len(a.Candidates) + len(a.Decisions) + len(a.StageMoves)
	for _, d := range a.Debriefs {
		n += len(d.Lessons)
	}
	return n
}

// ArchiveStore reads a store's archive.
type ArchiveStore interface {
	// Archive returns everything outside the records, each list in a
	// stable order (users, tokens and calendar tokens by id or user,
	// settings by key, tasks by id, the rest by deal, id or day).
	Archive(ctx context.Context) (*Archive, error)
}
