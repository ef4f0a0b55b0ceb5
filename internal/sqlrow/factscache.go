package sqlrow

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/cartera/cartera"
)

// The facts cache keeps the figures of every client for one facts query
// (one day and one policy: FactsKey) in chunks: each row of facts_cache
// holds, for the clients whose ids run from first_id to last_id, each one's
// id, client record and encoded ClientFacts, in id order. A review of every
// client then reads about a hundred rows per hundred thousand clients and
// nothing else, and a new day writes as few.
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

// EachCachedFacts calls fn with the facts of every client, in id order, from
// the cache for fq's key. With write, q is a write transaction: chunks of
// other keys are dropped first, and the clients the cache lacks are computed
// from their ledgers (see EachFacts) and cached in new chunks as the walk
// goes. Without it the cache must be complete for the key
// (FactsCacheComplete, in the same snapshot): the chunks alone are read, in
// order, and not the clients.
//
// A cache is never a reason to fail: a chunk or an entry that cannot be
// read (a damaged file, bytes of another version) is computed afresh like a
// missing one. With write the damaged chunk is replaced; without it, its
// first id is returned in damaged, for the caller to drop
// (DropFactsChunks) in a write of its own.
func EachCachedFacts(ctx context.Context, q Q, fq cartera.FactsQuery, chunk int, write bool, fn func(*cartera.ClientFacts) error) (damaged []string, err error) {
	chunk = min(max(chunk, 1), ChunkClients)
	key := FactsKey(fq)
	if write {
		if _, err := q.Exec(ctx, `DELETE FROM facts_cache WHERE key <> ?`, key); err != nil {
			return nil, fmt.Errorf("facts cache: %w", err)
		}
	}
	w := cachedWalk{q: q, fq: fq, key: key, write: write, fn: fn}
	if !write {
		return w.chunks(ctx)
	}
	after := ""
	for {
		batch := make([]cartera.Client, 0, chunk)
		if err := q.Each(ctx, `SELECT `+ClientColumns+` FROM clients c WHERE c.id > ? ORDER BY c.id LIMIT `+strconv.Itoa(chunk),
			func(r Row) error {
				cl, err := ScanClient(r)
				batch = append(batch, cl)
				return err
			}, after); err != nil {
			return nil, err
		}
		if len(batch) == 0 {
			return w.damaged, nil
		}
		if err := w.batch(ctx, batch); err != nil {
			return nil, err
		}
		after = batch[len(batch)-1].ID
	}
}

// DropFactsChunks deletes the chunks of key that start at the given ids:
// the damaged ones a read-only EachCachedFacts found. q is a write
// transaction.
func DropFactsChunks(ctx context.Context, q Q, key string, firstIDs []string) error {
	for _, id := range firstIDs {
		if _, err := q.Exec(ctx, `DELETE FROM facts_cache WHERE key = ? AND first_id = ?`, key, id); err != nil {
			return fmt.Errorf("facts cache: %w", err)
		}
	}
	return nil
}

// cachedWalk is the state of EachCachedFacts between batches.
type cachedWalk struct {
	q       Q
	fq      cartera.FactsQuery
	key     string
	write   bool
	fn      func(*cartera.ClientFacts) error
	f       cartera.ClientFacts
	data    []byte   // the encoding of a chunk being written
	damaged []string // first ids of unreadable chunks, when not writing
}

// chunkLayout is the version of a chunk's layout (an entry is the client's
// id, then its record and figures), part of FactsKey.
const chunkLayout = 2

// chunksAtOnce is how many chunks the read-only walk holds at a time: the
// rows are read, and the cursor closed, before any is handed on, so that a
// damaged chunk can be computed with queries of its own.
const chunksAtOnce = 16

// chunks emits every client from the complete cache of w.key, chunk by
// chunk, reading no client row unless a chunk or entry is damaged.
func (w *cachedWalk) chunks(ctx context.Context) ([]string, error) {
	type row struct {
		first, last string
		n           int
		data        []byte
	}
	after := ""
	for {
		var rows []row
		if err := w.q.Each(ctx, `SELECT first_id, last_id, n, data FROM facts_cache WHERE key = ? AND first_id > ?
			ORDER BY first_id LIMIT `+strconv.Itoa(chunksAtOnce), func(r Row) error {
			var c row
			err := r.Scan(&c.first, &c.last, &c.n, &c.data)
			rows = append(rows, c)
			return err
		}, w.key, after); err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			return w.damaged, nil
		}
		for _, c := range rows {
			entries, err := parseChunk(nil, c.first, c.data)
			if err == nil && !holds(entries, c.first, c.last, c.n) {
				err = errUnreadableChunk
			}
			if err != nil {
				// The whole range again, from the clients and their ledgers.
				w.damaged = append(w.damaged, c.first)
				clients, err := clientsBetween(ctx, w.q, c.first, c.last)
				if err != nil {
					return nil, err
				}
				if len(clients) > 0 {
					if err := factsOf(ctx, w.q, w.fq, false, clients, false, w.fn); err != nil {
						return nil, err
					}
				}
				continue
			}
			for _, e := range entries {
				if err := w.decode(e); err != nil {
					if !slices.Contains(w.damaged, c.first) {
						w.damaged = append(w.damaged, c.first)
					}
					if err := w.recompute(ctx, e.id); err != nil {
						return nil, err
					}
					continue
				}
				if err := w.fn(&w.f); err != nil {
					return nil, err
				}
			}
		}
		after = rows[len(rows)-1].first
	}
}

// holds says whether entries are the n clients of a chunk from first to
// last, in order: the walk of a complete cache takes a chunk's word for
// which clients exist.
func holds(entries []cacheEntry, first, last string, n int) bool {
	if len(entries) != n || n == 0 || entries[0].id != first || entries[n-1].id != last {
		return false
	}
	for i := 1; i < n; i++ {
		if entries[i].id <= entries[i-1].id {
			return false
		}
	}
	return true
}

// recompute emits the figures of one client from its ledger.
func (w *cachedWalk) recompute(ctx context.Context, id string) error {
	clients, err := clientsBetween(ctx, w.q, id, id)
	if err != nil || len(clients) == 0 {
		return err
	}
	return factsOf(ctx, w.q, w.fq, w.write, clients, true, w.fn)
}

// clientsBetween reads the clients whose ids run from lo to hi, in order.
func clientsBetween(ctx context.Context, q Q, lo, hi string) ([]cartera.Client, error) {
	var out []cartera.Client
	err := q.Each(ctx, `SELECT `+ClientColumns+` FROM clients c WHERE c.id >= ? AND c.id <= ? ORDER BY c.id`,
		func(r Row) error {
			cl, err := ScanClient(r)
			out = append(out, cl)
			return err
		}, lo, hi)
	return out, err
}

// decode fills w.f, client and figures, from an entry, reusing its lists.
func (w *cachedWalk) decode(e cacheEntry) error {
	months, incidents := w.f.FreeHoursMonth[:0], w.f.Incidents[:0]
	w.f = cartera.ClientFacts{FreeHoursMonth: months, Incidents: incidents}
	rest, err := readClient(e.data, &w.f.Client)
	if err != nil {
		return err
	}
	w.f.Client.ID = e.id
	return w.f.UnmarshalBinary(rest)
}

// appendClient appends what a review needs to show of a client besides its
// id (which the entry begins with): its whole record.
func appendClient(buf []byte, c *cartera.Client) []byte {
	for _, s := range [...]string{c.Name, c.Owner, string(c.Currency), c.Service, c.Email, c.Phone, c.Notes} {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	var family byte
	if c.FamilyFriend {
		family = 1
	}
	buf = append(buf, family)
	buf = binary.AppendVarint(buf, int64(c.Since))
	return binary.AppendVarint(buf, c.Version)
}

// readClient reads what appendClient wrote into c and returns the rest.
func readClient(b []byte, c *cartera.Client) ([]byte, error) {
	var fields [7]string
	for i := range fields {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, errUnreadableChunk
		}
		fields[i] = string(b[k : k+int(n)])
		b = b[k+int(n):]
	}
	if len(b) == 0 || b[0] > 1 {
		return nil, errUnreadableChunk
	}
	c.FamilyFriend = b[0] == 1
	since, k := binary.Varint(b[1:])
	if k <= 0 {
		return nil, errUnreadableChunk
	}
	b = b[1+k:]
	version, k := binary.Varint(b)
	if k <= 0 {
		return nil, errUnreadableChunk
	}
	c.Name, c.Owner, c.Currency, c.Service = fields[0], fields[1], cartera.Currency(fields[2]), fields[3]
	c.Email, c.Phone, c.Notes = fields[4], fields[5], fields[6]
	c.Since, c.Version = cartera.Date(since), version
	return b[k:], nil
}

// cacheEntry is one client's encoded figures in a chunk.
type cacheEntry struct {
	id, chunk string // the client, and the first id of its chunk
	data      []byte
}

// errUnreadableChunk is a chunk whose framing does not parse.
var errUnreadableChunk = errors.New("facts cache: unreadable chunk")

// parseChunk appends the entries of one chunk to entries.
func parseChunk(entries []cacheEntry, first string, data []byte) ([]cacheEntry, error) {
	for len(data) > 0 {
		id, n := binary.Uvarint(data)
		if n <= 0 || uint64(len(data)-n) < id {
			return entries, errUnreadableChunk
		}
		data = data[n:]
		ln, m := binary.Uvarint(data[id:])
		if m <= 0 || uint64(len(data[int(id)+m:])) < ln {
			return entries, errUnreadableChunk
		}
		entries = append(entries, cacheEntry{string(data[:id]), first, data[int(id)+m : int(id)+m+int(ln)]})
		data = data[int(id)+m+int(ln):]
	}
	return entries, nil
}

// damage notes an unreadable chunk: replaced when writing (it is deleted
// here, and its clients cached anew as missing ones), dropped by the
// caller otherwise.
func (w *cachedWalk) damage(ctx context.Context, first string) error {
	if w.write {
		return DropFactsChunks(ctx, w.q, w.key, []string{first})
	}
	if !slices.Contains(w.damaged, first) {
		w.damaged = append(w.damaged, first)
	}
	return nil
}

// batch emits the facts of clients (consecutive in id order), from the
// chunks that cover them or, for the others, from their ledgers.
func (w *cachedWalk) batch(ctx context.Context, clients []cartera.Client) error {
	q, fq, key, fn := w.q, w.fq, w.key, w.fn
	lo, hi := clients[0].ID, clients[len(clients)-1].ID
	// The cached entries of the batch's range, in id order.
	var entries []cacheEntry
	var bad []string
	if err := q.Each(ctx, `SELECT first_id, data FROM facts_cache
		WHERE first_id >= coalesce((SELECT max(first_id) FROM facts_cache WHERE first_id <= ?), '') AND first_id <= ?
			AND last_id >= ? AND key = ? ORDER BY first_id`,
		func(r Row) error {
			var first string
			var data []byte
			if err := r.Scan(&first, &data); err != nil {
				return err
			}
			before := len(entries)
			var err error
			if entries, err = parseChunk(entries, first, data); err != nil {
				entries = entries[:before]
				bad = append(bad, first)
			}
			return nil
		}, lo, hi, lo, key); err != nil {
		return err
	}
	for _, first := range bad {
		if err := w.damage(ctx, first); err != nil {
			return err
		}
	}
	// Clients not covered, as runs of consecutive ones: each run is
	// computed and, when writing, cached as one chunk.
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
	if len(missing) == len(clients) {
		// None cached (a new day, a new policy): compute, cache and hand on
		// in one pass.
		w.data = w.data[:0]
		if err := factsOf(ctx, q, fq, w.write, clients, false, func(f *cartera.ClientFacts) error {
			if w.write {
				w.data = appendEntry(w.data, f)
			}
			return fn(f)
		}); err != nil {
			return err
		}
		if !w.write {
			return nil
		}
		return w.insert(ctx, lo, hi, len(clients))
	}
	computed := map[string]*cartera.ClientFacts{}
	if len(missing) > 0 {
		subset := make([]cartera.Client, len(missing))
		for k, i := range missing {
			subset[k] = clients[i]
		}
		if err := factsOf(ctx, q, fq, w.write, subset, true, func(f *cartera.ClientFacts) error {
			g := *f
			g.FreeHoursMonth = append([]cartera.MonthHours(nil), f.FreeHoursMonth...)
			g.Incidents = append([]cartera.IncidentFact(nil), f.Incidents...)
			computed[f.Client.ID] = &g
			return nil
		}); err != nil {
			return err
		}
		// One chunk per run of consecutive missing clients.
		for start := 0; w.write && start < len(missing); {
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
			if err := w.insert(ctx, clients[missing[start]].ID, clients[missing[end-1]].ID, end-start); err != nil {
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
		err := w.decode(entries[j])
		w.f.Client = clients[i]
		if err != nil {
			// A damaged entry: its chunk goes, and the client is computed
			// from its ledger.
			if err := w.damage(ctx, entries[j].chunk); err != nil {
				return err
			}
			if err := factsOf(ctx, q, fq, w.write, clients[i:i+1], true, fn); err != nil {
				return err
			}
			continue
		}
		if err := fn(&w.f); err != nil {
			return err
		}
	}
	return nil
}

// insert stores the chunk w.data of n clients from first to last.
func (w *cachedWalk) insert(ctx context.Context, first, last string, n int) error {
	if _, err := w.q.Exec(ctx, `INSERT INTO facts_cache (first_id, last_id, key, n, data) VALUES (?, ?, ?, ?, ?)`,
		first, last, w.key, n, w.data); err != nil {
		return fmt.Errorf("facts cache: %w", err)
	}
	return nil
}

// appendEntry appends a client's id, record and encoded figures to a chunk.
func appendEntry(buf []byte, f *cartera.ClientFacts) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(f.Client.ID)))
	buf = append(buf, f.Client.ID...)
	at := len(buf)
	buf = binary.AppendUvarint(buf, 0) // length placeholder, one byte
	buf = appendClient(buf, &f.Client)
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
