package review

import (
	"context"
	"errors"
	"runtime"
	"sort"
	"sync/atomic"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
)

// One client whose stored amounts are beyond cartera's bounds (written
// before they were enforced, or by hand in the database) makes its sums
// overflow, and the store answers cartera.ErrFiguresOutOfRange for the
// whole query. A review must not stop there: the other clients are
// assessed as usual, and that client is reported with an explanation.

// eachFacts streams the facts of the clients q selects, as st.Facts does,
// each with its assessment by x,
// except that clients whose figures are out of range do not stop the
// others: they are found by splitting the query and passed to bad, in no
// particular order, once each.
func eachFacts(ctx context.Context, st cartera.Store, q cartera.FactsQuery, x judgeFunc, fn assessedFunc,
	bad func(id string) error) error {
	done, err := facts(ctx, st, q, x, fn)
	if !errors.Is(err, cartera.ErrFiguresOutOfRange) {
		return err
	}
	ids := q.ClientIDs
	if ids == nil {
		if err := st.ClientKeys(ctx, func(id string, _ cartera.Currency) error {
			ids = append(ids, id)
			return nil
		}); err != nil {
			return err
		}
	}
	rest := remaining(ids, done)
	for len(rest) > 0 {
		n := min(len(rest), 500) // a query names at most 500 clients
		if err := splitFacts(ctx, st, q, x, rest[:n], fn, bad); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// splitFacts streams the facts of ids, halving the query around the
// clients whose figures are out of range.
func splitFacts(ctx context.Context, st cartera.Store, q cartera.FactsQuery, x judgeFunc, ids []string, fn assessedFunc,
	bad func(id string) error) error {
	if len(ids) == 0 {
		return nil
	}
	q.ClientIDs = ids
	done, err := facts(ctx, st, q, x, fn)
	if !errors.Is(err, cartera.ErrFiguresOutOfRange) {
		return err
	}
	rest := remaining(ids, done)
	if len(rest) == 1 {
		return bad(rest[0])
	}
	half := len(rest) / 2
	if err := splitFacts(ctx, st, q, x, rest[:half], fn, bad); err != nil {
		return err
	}
	return splitFacts(ctx, st, q, x, rest[half:], fn, bad)
}

// facts runs st.Facts, assessing each client with x, and returns the
// clients fn was called for.
//
// The store reads on the calling goroutine; the assessments run on as many
// goroutines as there are processors; fn is called on one more, one client
// after another in the store's order. On two cores the reading and the
// judging overlap. The store reuses its ClientFacts, so each is copied into
// one of a few recycled ones before it is handed over.
func facts(ctx context.Context, st cartera.Store, q cartera.FactsQuery, x judgeFunc, fn assessedFunc) ([]string, error) {
	const depth = 64
	type item struct {
		f    cartera.ClientFacts
		a    assess.Assessment
		done chan struct{}
	}
	ordered := make(chan *item, depth)
	jobs := make(chan *item, depth)
	free := make(chan *item, 2*depth+4)
	workers := max(runtime.GOMAXPROCS(0), 1)
	for range workers {
		go func() {
			for it := range jobs {
				it.a = x(&it.f)
				close(it.done)
			}
		}()
	}
	var failed atomic.Bool
	var fnErr error
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for it := range ordered {
			<-it.done
			if fnErr == nil {
				if fnErr = fn(&it.f, &it.a); fnErr != nil {
					failed.Store(true)
				}
			}
			select {
			case free <- it:
			default:
			}
		}
	}()
	var done []string
	err := st.Facts(ctx, q, func(f *cartera.ClientFacts) error {
		if failed.Load() {
			return errStopped
		}
		var it *item
		select {
		case it = <-free:
		default:
			it = new(item)
		}
		months, incidents := append(it.f.FreeHoursMonth[:0], f.FreeHoursMonth...), append(it.f.Incidents[:0], f.Incidents...)
		discounts, late := append(it.f.DiscountsOverAt[:0], f.DiscountsOverAt...), append(it.f.LateOver[:0], f.LateOver...)
		it.f = *f
		it.f.FreeHoursMonth, it.f.Incidents = months, incidents
		it.f.DiscountsOverAt, it.f.LateOver = discounts, late
		it.a, it.done = assess.Assessment{}, make(chan struct{})
		ordered <- it
		jobs <- it
		done = append(done, f.Client.ID)
		return nil
	})
	close(jobs)
	close(ordered)
	<-finished
	if fnErr != nil {
		return done, fnErr
	}
	return done, err
}

// judgeFunc assesses one client: an Assessor's Assess, or its Judge when
// what would change the verdict is not needed.
type judgeFunc func(*cartera.ClientFacts) assess.Assessment

// assessedFunc receives a client's facts and assessment.
type assessedFunc func(f *cartera.ClientFacts, a *assess.Assessment) error

// errStopped ends a store's stream when fn failed; fn's error is reported.
var errStopped = errors.New("review: stopped")

// remaining returns the ids not in done, sorted.
func remaining(ids, done []string) []string {
	seen := make(map[string]bool, len(done))
	for _, id := range done {
		seen[id] = true
	}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			out = append(out, id)
			seen[id] = true
		}
	}
	sort.Strings(out)
	return out
}

// OutOfRange is the error for a client whose figures cannot be computed,
// saying what to do about it.
func OutOfRange(id string, cur cartera.Currency) error {
	return cartera.NewError(cartera.ECONFLICT, "client.figures_out_of_range", "id", id,
		"max", cartera.Money{Amount: cartera.MaxAmount, Currency: cur})
}

// unassessed is the summary of a client whose figures cannot be computed:
// no verdict, and the reason why.
func unassessed(ctx context.Context, st cartera.Store, id string) (cartera.Summary, error) {
	cl, err := st.Client(ctx, id)
	if err != nil {
		return cartera.Summary{}, err
	}
	return cartera.Summary{ClientID: id, Verdict: cartera.VerdictUnassessed, Currency: cl.Currency,
		Reason: cartera.ErrorMessage(OutOfRange(id, cl.Currency))}, nil
}
