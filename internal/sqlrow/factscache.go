package sqlrow

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/cartera/cartera"
)

// The facts cache keeps the figures of every client for one facts query
// (one day and one policy: FactsKey) in chunks: each row of facts_cache
// holds, for the clients whose ids run from first_id to last_id, each one's
// id and encoded ClientFacts, in id order. A review of every client then
// reads about a hundred rows per hundred thousand clients besides the
// clients themselves, and a new day writes as few.
//
// Chunks never overlap, and a chunk holds every client in its range when it
// is written. Whatever changes a client — a record, the client row itself,
// its deletion — deletes the chunk whose range holds the client's id
// (ForgetFactsSQL), so the cache is complete for a key exactly when the
// counts of its chunks add up to the number of clients.

// ForgetFactsSQL deletes the facts chunk holding the client ?1 (? twice).
const ForgetFactsSQL = `DELETE FROM facts_cache WHERE first_id <= ? AND last_id >= ?`

// ChunkClients is at most how many clients a chunk holds (a store may
// use fewer, to test many chunks on few clients).
const ChunkClients = ledgerBatch

// FactsCacheComplete says whether the cache holds every client for key.
func FactsCacheComplete(ctx context.Context, q Q, key string) (bool, error) {
	var total, cached int64
	if err := q.QueryRow(ctx, `SELECT (SELECT count(*) FROM clients),
		(SELECT coalesce(sum(n), 0) FROM facts_cache WHERE key = ?)`, key).Scan(&total, &cached); err != nil {
		return false, fmt.Errorf("facts cache: %w", err)
	}
	return total == cached, nil
}

// errFactsCacheIncomplete is what EachCachedFacts reports, without having
// called fn, when it may not write and a client is not cached.
var errFactsCacheIncomplete = errors.New("facts cache: incomplete")

// EachCachedFacts calls fn with the facts of every client, in id order, from
// the cache for fq's key. With write, q is a write transaction: chunks of
// other keys are dropped first, and the clients the cache lacks are computed
// from their ledgers (see EachFacts) and cached in new chunks as the walk
// goes. Without it the cache must be complete (FactsCacheComplete, in the
// same snapshot).
func EachCachedFacts(ctx context.Context, q Q, fq cartera.FactsQuery, chunk int, write bool, fn func(*cartera.ClientFacts) error) error {
	chunk = min(max(chunk, 1), ChunkClients)
	key := FactsKey(fq)
	if write {
		if _, err := q.Exec(ctx, `DELETE FROM facts_cache WHERE key <> ?`, key); err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
	}
	var c cachedWalk
	after := ""
	for {
		batch := make([]cartera.Client, 0, chunk)
		if err := q.Each(ctx, `SELECT `+ClientColumns+` FROM clients c WHERE c.id > ? ORDER BY c.id LIMIT `+strconv.Itoa(chunk),
			func(r Row) error {
				cl, err := ScanClient(r)
				batch = append(batch, cl)
				return err
			}, after); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		if err := c.batch(ctx, q, fq, key, write, batch, fn); err != nil {
			return err
		}
		after = batch[len(batch)-1].ID
	}
}

// cachedWalk is the state of EachCachedFacts between batches.
type cachedWalk struct {
	f    cartera.ClientFacts
	data []byte // the encoding of a chunk being written
}

// batch emits the facts of clients (consecutive in id order), from the
// chunks that cover them or, for the others, from their ledgers.
func (w *cachedWalk) batch(ctx context.Context, q Q, fq cartera.FactsQuery, key string, write bool,
	clients []cartera.Client, fn func(*cartera.ClientFacts) error) error {
	lo, hi := clients[0].ID, clients[len(clients)-1].ID
	// The cached entries of the batch's range, in id order.
	type entry struct {
		id   string
		data []byte
	}
	var entries []entry
	if err := q.Each(ctx, `SELECT data FROM facts_cache
		WHERE first_id >= coalesce((SELECT max(first_id) FROM facts_cache WHERE first_id <= ?), '') AND first_id <= ?
			AND last_id >= ? AND key = ? ORDER BY first_id`,
		func(r Row) error {
			var data []byte
			if err := r.Scan(&data); err != nil {
				return err
			}
			for len(data) > 0 {
				id, n := binary.Uvarint(data)
				if n <= 0 || uint64(len(data)-n) < id {
					return errors.New("facts cache: unreadable chunk")
				}
				data = data[n:]
				ln, m := binary.Uvarint(data[id:])
				if m <= 0 || uint64(len(data[int(id)+m:])) < ln {
					return errors.New("facts cache: unreadable chunk")
				}
				entries = append(entries, entry{string(data[:id]), data[int(id)+m : int(id)+m+int(ln)]})
				data = data[int(id)+m+int(ln):]
			}
			return nil
		}, lo, hi, lo, key); err != nil {
		return err
	}
	// Clients not covered, as runs of consecutive ones: each run is
	// computed and cached as one chunk.
	var missing []int
	j := 0
	for i := range clients {
		for j < len(entries) && entries[j].id < clients[i].ID {
			j++
		}
		if j >= len(entries) || entries[j].id != clients[i].ID {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 && !write {
		return errFactsCacheIncomplete
	}
	if len(missing) == len(clients) {
		// None cached (a new day, a new policy): compute, cache and hand on
		// in one pass.
		w.data = w.data[:0]
		if err := factsOf(ctx, q, fq, true, clients, false, func(f *cartera.ClientFacts) error {
			w.data = appendEntry(w.data, f)
			return fn(f)
		}); err != nil {
			return err
		}
		return w.insert(ctx, q, key, lo, hi, len(clients))
	}
	computed := map[string]*cartera.ClientFacts{}
	if len(missing) > 0 {
		subset := make([]cartera.Client, len(missing))
		for k, i := range missing {
			subset[k] = clients[i]
		}
		each := func(fn func(*cartera.ClientFacts) error) error { return factsOf(ctx, q, fq, true, subset, true, fn) }
		if err := each(func(f *cartera.ClientFacts) error {
			g := *f
			g.FreeHoursMonth = append([]cartera.MonthHours(nil), f.FreeHoursMonth...)
			g.Incidents = append([]cartera.IncidentFact(nil), f.Incidents...)
			computed[f.Client.ID] = &g
			return nil
		}); err != nil {
			return err
		}
		// One chunk per run of consecutive missing clients.
		for start := 0; start < len(missing); {
			end := start + 1
			for end < len(missing) && missing[end] == missing[end-1]+1 {
				end++
			}
			w.data = w.data[:0]
			for _, i := range missing[start:end] {
				f := computed[clients[i].ID]
				if f == nil {
					return fmt.Errorf("facts cache: no figures for %s", clients[i].ID)
				}
				w.data = appendEntry(w.data, f)
			}
			if err := w.insert(ctx, q, key, clients[missing[start]].ID, clients[missing[end-1]].ID, end-start); err != nil {
				return err
			}
			start = end
		}
	}
	j = 0
	for i := range clients {
		for j < len(entries) && entries[j].id < clients[i].ID {
			j++
		}
		if g := computed[clients[i].ID]; g != nil {
			g.Client = clients[i]
			if err := fn(g); err != nil {
				return err
			}
			continue
		}
		months, incidents := w.f.FreeHoursMonth[:0], w.f.Incidents[:0]
		w.f = cartera.ClientFacts{Client: clients[i], FreeHoursMonth: months, Incidents: incidents}
		if err := w.f.UnmarshalBinary(entries[j].data); err != nil {
			return fmt.Errorf("facts cache of %s: %w", clients[i].ID, err)
		}
		if err := fn(&w.f); err != nil {
			return err
		}
	}
	return nil
}

// insert stores the chunk w.data of n clients from first to last.
func (w *cachedWalk) insert(ctx context.Context, q Q, key, first, last string, n int) error {
	if _, err := q.Exec(ctx, `INSERT INTO facts_cache (first_id, last_id, key, n, data) VALUES (?, ?, ?, ?, ?)`,
		first, last, key, n, w.data); err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	return nil
}

// appendEntry appends a client's id and encoded figures to a chunk.
func appendEntry(buf []byte, f *cartera.ClientFacts) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(f.Client.ID)))
	buf = append(buf, f.Client.ID...)
	at := len(buf)
	buf = binary.AppendUvarint(buf, 0) // length placeholder, one byte
	buf, _ = f.AppendBinary(buf)
	n := len(buf) - at - 1
	var l [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(l[:], uint64(n))
	if k == 1 {
		buf[at] = l[0]
		return buf
	}
	// Make room for a longer length.
	buf = append(buf, l[:k-1]...)
	copy(buf[at+k:], buf[at+1:at+1+n])
	copy(buf[at:], l[:k])
	return buf
}
