// Package sqlrow holds what the two SQL stores (sqlite and postgres) share:
// the column lists and row scanners of every record, and the reads and
// writes whose SQL is the same in both dialects. Queries are written once,
// with ? placeholders; each store hands this package a Q that runs them on
// its driver (the postgres one renumbers the placeholders, see Rebind).
//
// What differs stays in each store: migrations, the facts and their cache,
// bulk import (COPY against multi-row upserts), locking, full-text search
// and the mapping of driver errors.
package sqlrow

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/cartera/cartera"
)

// Row is one result row, or a statement's only row.
type Row interface{ Scan(dest ...any) error }

// Q runs statements written with ? placeholders on a pool, a connection or
// a transaction. A QueryRow that finds nothing reports sql.ErrNoRows (see
// NoRows) whatever the driver.
type Q interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Each calls fn for every row, stopping at its first error.
	Each(ctx context.Context, query string, fn func(Row) error, args ...any) error
}

// NoRows says whether err is a QueryRow that found nothing.
func NoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// Shared is the half of a store whose SQL is the same on both dialects.
// Each store embeds one, so that its methods are the store's own.
type Shared struct {
	read       Q
	write      func(ctx context.Context, fn func(Q) error) error
	bookkeep   Q
	now        cartera.Clock
	searchText bool
}

// Config is what a store gives its shared half.
type Config struct {
	// Read runs reads, outside any transaction.
	Read Q
	// Write runs fn in one write transaction that counts a generation.
	Write func(ctx context.Context, fn func(Q) error) error
	// Bookkeep runs one statement on the writer outside any transaction
	// and without counting a generation: notes such as a token's last use,
	// which change nothing a reader computes from.
	Bookkeep Q
	// Now is the store's clock.
	Now cartera.Clock
	// SearchText: lessons keep their words folded in a search_text column
	// (PostgreSQL, whose text search does not fold accents).
	SearchText bool
}

// NewShared builds the shared half of a store.
func NewShared(c Config) Shared {
	return Shared{read: c.Read, write: c.Write, bookkeep: c.Bookkeep, now: c.Now, searchText: c.SearchText}
}

// today is the latest calendar day anywhere by the store's clock.
func (sh Shared) today() cartera.Date { return cartera.LatestDay(sh.now()) }

// Rebind renumbers ? placeholders as $1, $2, … for PostgreSQL, leaving
// quoted strings and identifiers alone.
func Rebind(query string) string {
	if strings.IndexByte(query, '?') < 0 {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Placeholders returns n comma-separated ? placeholders.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// NullDay converts a Date to its stored form: days since 1970, or NULL.
func NullDay(d cartera.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.UnixDay()
}

// DayOf converts a stored nullable day back.
func DayOf(n *int64) cartera.Date {
	if n == nil {
		return 0
	}
	return cartera.DateFromUnixDay(*n)
}

// NullText stores an empty string as NULL (optional references).
func NullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}
