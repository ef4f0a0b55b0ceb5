package review

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
)

// Refitting: the backtest's decision (docs/forecast.md, "Live deals follow
// the backtest") is made again when what it learned from changes — after
// `cartera backtest`, after an import that brings deals, signals or stage
// history, from the web's backtest, and every night in `cartera serve`
// when the deals, their signals or their stage histories changed since the
// last fit. Each stored decision carries the stamp of what it was made on,
// so the nightly check costs one pass over deals, signals and stage moves
// (ids and versions, no model) and the replay runs only when something
// changed.

// DealsStamp fingerprints what the backtest learns from: how many deals
// there are, and an FNV-1a hash of every deal's id with its version, every
// signal's id with its version, and every stage move (a version grows with
// every change to a record, an import's included; a stage move is its
// deal, day, stage and order). Equal stamps: the same deals, signals and
// stage histories.
func DealsStamp(ctx context.Context, st cartera.Store) (string, error) {
	h := fnv.New64a()
	n := 0
	var buf []byte
	write := func(kind byte, id string, v int64, more ...string) {
		buf = append(buf[:0], kind)
		buf = append(buf, id...)
		buf = append(buf, 0)
		buf = strconv.AppendInt(buf, v, 10)
		for _, x := range more {
			buf = append(buf, 0)
			buf = append(buf, x...)
		}
		buf = append(buf, 0)
		_, _ = h.Write(buf)
	}
	err := st.EachDeal(ctx, func(d cartera.Deal) error {
		n++
		write('d', d.ID, d.Version)
		return nil
	})
	if err != nil {
		return "", err
	}
	if err := st.EachSignal(ctx, func(s cartera.Signal) error {
		write('s', s.ID, s.Version)
		return nil
	}); err != nil {
		return "", err
	}
	if err := st.EachStageMove(ctx, func(m cartera.StageMove) error {
		write('m', m.DealID, m.Seq, m.Day.String(), string(m.Stage))
		return nil
	}); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%016x", n, h.Sum64()), nil
}

// Refit replays the history as of day and stores its decision for live
// forecasts with the stamp (DealsStamp), taken before the replay: a change
// meanwhile makes the next check refit again.
func Refit(ctx context.Context, st cartera.Store, day cartera.Date) (*forecast.Backtest, error) {
	stamp, err := DealsStamp(ctx, st)
	if err != nil {
		return nil, err
	}
	bt, err := Backtest(ctx, st, day)
	if err != nil {
		return nil, err
	}
	return bt, saveFit(ctx, st, bt.Snapshot(day), stamp)
}

// RefitIfFitted refits when a decision is stored, as after an import that
// brought deals: live forecasts then follow the outcomes just imported.
// Without one nothing runs (a backtest makes the first), so a first bulk
// import pays nothing.
func RefitIfFitted(ctx context.Context, st cartera.Store, day cartera.Date) (bool, error) {
	if _, ok, err := LoadFit(ctx, st); err != nil || !ok {
		return false, err
	}
	_, err := Refit(ctx, st, day)
	return err == nil, err
}

// RefitIfChanged is the scheduled refit: it runs when the deals, their
// signals or their stage histories changed since the stored decision was
// made (a decision stored before stamps
// were kept counts as changed), or when none is stored and there are
// deals. It says whether it ran.
func RefitIfChanged(ctx context.Context, st cartera.Store, day cartera.Date) (bool, error) {
	snap, ok, err := LoadFit(ctx, st)
	if err != nil {
		return false, err
	}
	stamp, err := DealsStamp(ctx, st)
	if err != nil {
		return false, err
	}
	if ok && snap.Deals == stamp || !ok && stamp[:2] == "0:" {
		return false, nil
	}
	if ok && snap.AsOf > day {
		return false, nil // a decision learned later (a backtest --as-of ahead) is not replaced by an older one
	}
	bt, err := Backtest(ctx, st, day)
	if err != nil {
		return false, err
	}
	return true, saveFit(ctx, st, bt.Snapshot(day), stamp)
}

// saveFit stores a decision with the deals' stamp, unless the same one is
// stored already: a write would move the store's generation and make
// every cached page (the backtest's included) be built again.
func saveFit(ctx context.Context, st cartera.Store, snap forecast.Snapshot, stamp string) error {
	snap.Deals = stamp
	b, err := json.Marshal(snap)
	if err != nil {
		return err
	}
	if cur, err := st.Setting(ctx, fitKey); err == nil && cur == string(b) {
		return nil
	}
	return st.PutSetting(ctx, fitKey, string(b))
}
