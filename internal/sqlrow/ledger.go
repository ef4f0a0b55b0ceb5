package sqlrow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// Facts come from each client's ledger (cartera.Ledger): one row per client
// in client_ledger, independent of the day asked about and of the policy.
// A new day or a new red line therefore reads one small row per client; only
// a client whose records changed since its ledger was written (the writes
// delete it) has its records read again.

// ledgerBatch is how many clients are read, and at most rebuilt, at a time.
const ledgerBatch = 1000

// saveLedgerSQL stores ledgers, several rows per statement.
const saveLedgerSQL = `INSERT INTO client_ledger (client_id, data) VALUES %s
	ON CONFLICT (client_id) DO UPDATE SET data = excluded.data`

// EachFacts calls fn with the facts of every client fq selects, in id
// order. q must read one snapshot (a transaction). A client whose ledger is
// missing gets one built from its records; when save is true it is stored
// too, and q must then be a write transaction.
func EachFacts(ctx context.Context, q Q, fq cartera.FactsQuery, save bool, fn func(*cartera.ClientFacts) error) error {
	if fq.ClientIDs != nil {
		ids := slices.Clone(fq.ClientIDs)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for start := 0; start < len(ids); start += ledgerBatch {
			part := ids[start:min(start+ledgerBatch, len(ids))]
			args := make([]any, len(part))
			for i, id := range part {
				args[i] = id
			}
			if _, err := factsBatch(ctx, q, fq, save, `c.id IN (`+Placeholders(len(part))+`)`, args, fn); err != nil {
				return err
			}
		}
		return nil
	}
	after := ""
	for {
		last, err := factsBatch(ctx, q, fq, save, `c.id > ?`, []any{after}, fn)
		if err != nil || last == "" {
			return err
		}
		after = last
	}
}

// ledgerClient is a client of a batch with its ledger, if one is stored.
type ledgerClient struct {
	c    cartera.Client
	data []byte
}

// factsBatch handles up to ledgerBatch clients matching where, returning
// the last id ("" when there was none).
func factsBatch(ctx context.Context, q Q, fq cartera.FactsQuery, save bool, where string, args []any,
	fn func(*cartera.ClientFacts) error) (string, error) {
	clients := make([]cartera.Client, 0, ledgerBatch)
	err := q.Each(ctx, `SELECT `+ClientColumns+` FROM clients c WHERE `+where+` ORDER BY c.id LIMIT `+strconv.Itoa(ledgerBatch),
		func(r Row) error {
			c, err := ScanClient(r)
			clients = append(clients, c)
			return err
		}, args...)
	if err != nil || len(clients) == 0 {
		return "", err
	}
	return clients[len(clients)-1].ID, factsOf(ctx, q, fq, save, clients, fq.ClientIDs != nil, fn)
}

// factsOf calls fn with the facts of clients (at most ledgerBatch, in id
// order) from their ledgers. sparse says they are chosen ones rather than
// every client of their range.
func factsOf(ctx context.Context, q Q, fq cartera.FactsQuery, save bool, clients []cartera.Client, sparse bool,
	fn func(*cartera.ClientFacts) error) error {
	batch := make([]ledgerClient, len(clients))
	for i, c := range clients {
		batch[i].c = c
	}
	// The ledgers of every client in turn are one range of the primary key,
	// read in order beside the clients, with no lookup per client; those of
	// chosen clients are looked up.
	ledgerWhere, ledgerArgs := `client_id >= ? AND client_id <= ?`, []any{batch[0].c.ID, batch[len(batch)-1].c.ID}
	if sparse {
		ledgerWhere, ledgerArgs = `client_id IN (`+Placeholders(len(batch))+`)`, make([]any, len(batch))
		for i := range batch {
			ledgerArgs[i] = batch[i].c.ID
		}
	}
	i := 0
	var id string
	var data []byte
	err := q.Each(ctx, `SELECT client_id, data FROM client_ledger WHERE `+ledgerWhere+` ORDER BY client_id`,
		func(r Row) error {
			if err := r.Scan(&id, &data); err != nil {
				return err
			}
			for i < len(batch) && batch[i].c.ID < id {
				i++
			}
			if i < len(batch) && batch[i].c.ID == id {
				batch[i].data = data
			}
			return nil
		}, ledgerArgs...)
	if err != nil {
		return err
	}
	var missing []string
	for i := range batch {
		if !cartera.LedgerReadable(batch[i].data) {
			missing = append(missing, batch[i].c.ID)
		}
	}
	var built []*cartera.Ledger
	if len(missing) > 0 {
		var err error
		if built, err = BuildLedgers(ctx, q, missing); err != nil {
			return err
		}
		if save {
			if err := saveLedgers(ctx, q, missing, built); err != nil {
				return err
			}
		}
	}
	var f cartera.ClientFacts
	var decoded cartera.Ledger
	j := 0
	for i := range batch {
		l := &decoded
		if j < len(missing) && batch[i].c.ID == missing[j] {
			l = built[j]
			j++
		} else if decoded.UnmarshalBinary(batch[i].data) != nil { // damaged: read the records again
			one, err := BuildLedgers(ctx, q, []string{batch[i].c.ID})
			if err != nil {
				return err
			}
			l = one[0]
		}
		months, incidents := f.FreeHoursMonth[:0], f.Incidents[:0]
		f = cartera.ClientFacts{Client: batch[i].c, FreeHoursMonth: months, Incidents: incidents}
		if err := l.Facts(fq, &f); err != nil {
			return err
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
	return nil
}

// BuildLedgers reads the records of the given clients (sorted, no
// duplicates) and returns their ledgers in the same order. Clients close
// together are read as one range of ids.
func BuildLedgers(ctx context.Context, q Q, ids []string) ([]*cartera.Ledger, error) {
	out := make([]*cartera.Ledger, len(ids))
	by := make(map[string]*cartera.Ledger, len(ids))
	for i, id := range ids {
		out[i] = &cartera.Ledger{}
		by[id] = out[i]
	}
	filter, args := `client_id IN (`+Placeholders(len(ids))+`)`, make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	if len(ids) > 64 { // a range reads the index once, however many ids it holds
		filter, args = `client_id >= ? AND client_id <= ?`, []any{ids[0], ids[len(ids)-1]}
	}
	var client string
	var issued, due int64
	var paid sql.NullInt64
	var amount int64
	if err := q.Each(ctx, `SELECT client_id, issued, due, paid, amount FROM invoices WHERE `+filter, func(r Row) error {
		if err := r.Scan(&client, &issued, &due, &paid, &amount); err != nil {
			return err
		}
		if l := by[client]; l != nil {
			p := cartera.Date(0)
			if paid.Valid {
				p = cartera.DateFromUnixDay(paid.Int64)
			}
			l.AddInvoice(cartera.DateFromUnixDay(issued), cartera.DateFromUnixDay(due), p, amount)
		}
		return nil
	}, args...); err != nil {
		return nil, ledgerErr(err)
	}
	var day, hours, billable int64
	if err := q.Each(ctx, `SELECT client_id, day, CAST(sum(hours) AS BIGINT), CAST(sum(CASE WHEN billable THEN hours ELSE 0 END) AS BIGINT)
		FROM time_entries WHERE `+filter+` GROUP BY client_id, day`, func(r Row) error {
		if err := r.Scan(&client, &day, &hours, &billable); err != nil {
			return err
		}
		if l := by[client]; l != nil {
			l.AddDay(cartera.DateFromUnixDay(day), cartera.Hours(hours), cartera.Hours(billable))
		}
		return nil
	}, args...); err != nil {
		return nil, ledgerErr(err)
	}
	var kind string
	var percent int64
	if err := q.Each(ctx, `SELECT client_id, day, kind, amount, hours, percent FROM concessions WHERE `+filter, func(r Row) error {
		if err := r.Scan(&client, &day, &kind, &amount, &hours, &percent); err != nil {
			return err
		}
		if l := by[client]; l != nil {
			l.AddConcession(cartera.DateFromUnixDay(day), cartera.ConcessionKind(kind), amount, cartera.Hours(hours), cartera.BasisPoints(percent))
		}
		return nil
	}, args...); err != nil {
		return nil, ledgerErr(err)
	}
	var in cartera.IncidentFact
	var at, severity int64
	if err := q.Each(ctx, `SELECT client_id, id, at, kind, severity, coalesce(contact_id, '') FROM incidents WHERE `+filter, func(r Row) error {
		if err := r.Scan(&client, &in.ID, &at, &kind, &severity, &in.ContactID); err != nil {
			return err
		}
		if l := by[client]; l != nil {
			in.At, in.Kind, in.Severity = time.Unix(at, 0).UTC(), cartera.IncidentKind(kind), int(severity)
			l.AddIncident(in)
		}
		return nil
	}, args...); err != nil {
		return nil, ledgerErr(err)
	}
	for _, l := range out {
		if err := l.Finish(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ledgerErr reports a stored number too large for Go's integers (written by
// hand in the database) as figures out of range, like an overflowing sum.
func ledgerErr(err error) error {
	if err != nil && (strings.Contains(err.Error(), "out of range") || strings.Contains(err.Error(), "overflow")) &&
		!errors.Is(err, cartera.ErrFiguresOutOfRange) {
		return errors.Join(cartera.ErrFiguresOutOfRange, err)
	}
	return err
}

// saveLedgers stores the ledgers built for ids.
func saveLedgers(ctx context.Context, q Q, ids []string, ledgers []*cartera.Ledger) error {
	const perStatement = 200
	var buf []byte
	for start := 0; start < len(ids); start += perStatement {
		end := min(start+perStatement, len(ids))
		args := make([]any, 0, 2*(end-start))
		for i := start; i < end; i++ {
			data, err := ledgers[i].AppendBinary(buf[:0])
			if err != nil {
				return err
			}
			args = append(args, ids[i], slices.Clone(data))
			buf = data
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?), ", end-start), ", ")
		if _, err := q.Exec(ctx, strings.Replace(saveLedgerSQL, "%s", values, 1), args...); err != nil {
			return err
		}
	}
	return nil
}

// FactsKey identifies a facts query, the validity of a facts cache entry;
// it names the version of the figures' encoding and of the chunks' own
// layout, so that a cache written by another build is simply not found.
func FactsKey(q cartera.FactsQuery) string {
	return fmt.Sprintf("v%d.%d/%d/%d/%d/%d/%d/%d/%d", cartera.FactsVersion, chunkLayout,
		q.AsOf, q.From, q.IncidentsFrom, q.Mid, q.MaxDaysLate, q.GraceDays, q.MaxDiscount)
}
