package sqlrow

import (
	"context"

	"github.com/cartera/cartera"
)

// The review queue of candidate incidents found in mail: listing, reading and
// dismissing (confirming writes an incident, which stays in each store).

// Candidates lists candidates, newest first.
func (sh Shared) Candidates(ctx context.Context, q cartera.CandidateQuery) ([]cartera.Candidate, error) {
	var args []any
	cond := ` WHERE 1 = 1`
	if q.Status != "" {
		cond += ` AND c.status = ?`
		args = append(args, string(q.Status))
	}
	if q.Owner != "" {
		cond += ` AND cl.owner_key = ?`
		args = append(args, q.Owner)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 500
	}
	args = append(args, limit)
	var out []cartera.Candidate
	err := EachRecord(ctx, sh.read, `SELECT `+CandidateColumns+` FROM candidates c JOIN clients cl ON cl.id = c.client_id`+cond+
		` ORDER BY c.at DESC, c.id LIMIT ?`, ScanCandidate, func(c cartera.Candidate) error { out = append(out, c); return nil }, args...)
	return out, err
}

// Candidate returns one candidate.
func (sh Shared) Candidate(ctx context.Context, id string) (cartera.Candidate, error) {
	c, err := ScanCandidate(sh.read.QueryRow(ctx, `SELECT `+CandidateColumns+` FROM candidates c WHERE c.id = ?`, id))
	if NoRows(err) {
		return c, cartera.NewError(cartera.ENOTFOUND, "candidate.not_found", "id", id)
	}
	return c, err
}

// PendingCandidate checks, inside a write transaction (writers take turns), that a candidate is pending at the
// given version.
func PendingCandidate(ctx context.Context, q Q, id string, version int64) error {
	var status string
	var stored int64
	err := q.QueryRow(ctx, `SELECT status, version FROM candidates WHERE id = ?`, id).Scan(&status, &stored)
	switch {
	case NoRows(err):
		return cartera.NewError(cartera.ENOTFOUND, "candidate.not_found", "id", id)
	case err != nil:
		return err
	case version != 0 && version != stored:
		return cartera.NewError(cartera.ECONFLICT, "record.stale", "id", id, "version", version, "current", stored)
	case status != string(cartera.CandidatePending):
		return cartera.NewError(cartera.ECONFLICT, "candidate.not_pending", "id", id, "status", cartera.CandidateStatus(status))
	}
	return nil
}

// DismissCandidate marks a candidate dismissed and erases what it quoted.
func (sh Shared) DismissCandidate(ctx context.Context, id string, version int64) (cartera.Candidate, error) {
	err := sh.write(ctx, func(q Q) error {
		if err := PendingCandidate(ctx, q, id, version); err != nil {
			return err
		}
		_, err := q.Exec(ctx, `UPDATE candidates SET status = 'dismissed', subject = '', excerpt = '', phrase = '',
			version = version + 1 WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return cartera.Candidate{}, err
	}
	return sh.Candidate(ctx, id)
}
