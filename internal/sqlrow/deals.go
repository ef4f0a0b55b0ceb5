package sqlrow

import (
	"context"

	"github.com/cartera/cartera"
)

// EachStageMove streams every stage history, by deal, oldest first.
func (sh Shared) EachStageMove(ctx context.Context, fn func(cartera.StageMove) error) error {
	var m cartera.StageMove
	return sh.read.Each(ctx, `SELECT deal_id, day, stage, seq FROM deal_stages ORDER BY deal_id, day, seq, stage`, func(r Row) error {
		var day int64
		var st string
		if err := r.Scan(&m.DealID, &day, &st, &m.Seq); err != nil {
			return err
		}
		m.Day, m.Stage = cartera.DateFromUnixDay(day), cartera.Stage(st)
		return fn(m)
	})
}
