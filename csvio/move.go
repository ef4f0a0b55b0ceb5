package csvio

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/cartera/cartera"
)

// MoveReport says what a move copied and how it was checked.
type MoveReport struct {
	// Rows are the records moved per entity.
	Rows map[cartera.Entity]int64
	// Archive is how many accounts, settings and playbook items moved.
	Archive int
	// Verified is set when an export of both stores matched byte for byte
	// and both archives were equal.
	Verified bool
}

// Move copies everything a store holds into another, empty one: the
// records through this package's own export and import (JSON lines, so
// nothing is lost to a format), and the archive (accounts, settings,
// playbook work) in the same import transaction, so the destination gets
// all of it or none. It then exports the destination and compares it with
// the source's export, file by file and byte by byte, and compares both
// archives. work is a folder for the exports; it is emptied afterwards.
//
// Writers should be stopped during a move: a record written to the source
// meanwhile is not moved, and the check then reports the difference.
func Move(ctx context.Context, src, dst cartera.Store, work string) (*MoveReport, error) {
	if err := checkEmpty(ctx, dst); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(work, 0o700); err != nil {
		return nil, cartera.NewError(cartera.EINVALID, "export.cannot_write", "path", work, "reason", err.Error())
	}
	from, to := filepath.Join(work, "from"), filepath.Join(work, "to")
	defer os.RemoveAll(from)
	defer os.RemoveAll(to)

	exported, err := Export(ctx, src, from, FormatJSON, Style{})
	if err != nil {
		return nil, err
	}
	archive, err := src.Archive(ctx)
	if err != nil {
		return nil, err
	}
	pipeline, err := src.Pipeline(ctx)
	if err != nil {
		return nil, err
	}
	var srcs []Source
	rep := &MoveReport{Rows: map[cartera.Entity]int64{}, Archive: archive.Len()}
	for _, f := range exported.Files {
		srcs = append(srcs, FileSource(f.Path))
		rep.Rows[f.Entity] = f.Rows
	}
	_, err = Import(ctx, dst, srcs, Options{
		Location: time.UTC,
		// What the source accepted is not judged again against today:
		// a portfolio anchored in the future moves as it is.
		Now:          time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		Pipeline:     &pipeline,
		BeforeCommit: func(ctx context.Context, tx cartera.ImportTx) error { return tx.PutArchive(ctx, archive) },
	})
	if err != nil {
		return nil, err
	}

	// The check: the same export, the same archive.
	again, err := Export(ctx, dst, to, FormatJSON, Style{})
	if err != nil {
		return rep, err
	}
	for i, f := range exported.Files {
		a, errA := os.ReadFile(f.Path)
		b, errB := os.ReadFile(again.Files[i].Path)
		if errA != nil || errB != nil {
			return rep, fmt.Errorf("move check: %v %v", errA, errB)
		}
		if !bytes.Equal(a, b) {
			return rep, cartera.NewError(cartera.EINTERNAL, "move.differs", "entity", f.Entity)
		}
	}
	moved, err := dst.Archive(ctx)
	if err != nil {
		return rep, err
	}
	if !reflect.DeepEqual(archive, moved) {
		return rep, cartera.NewError(cartera.EINTERNAL, "move.differs", "entity", "archive")
	}
	rep.Verified = true
	return rep, nil
}

// checkEmpty refuses a destination that holds records or accounts: a move
// never merges.
func checkEmpty(ctx context.Context, dst cartera.Store) error {
	n, err := dst.Counts(ctx)
	if err != nil {
		return err
	}
	var total int64
	for _, c := range n {
		total += c
	}
	users, err := dst.CountUsers(ctx)
	if err != nil {
		return err
	}
	if total > 0 || users > 0 {
		return cartera.NewError(cartera.ECONFLICT, "move.not_empty", "records", total, "users", users)
	}
	return nil
}
