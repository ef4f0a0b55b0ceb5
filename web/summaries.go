package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/review"
)

// The client list and the dashboard read each client's stored summary.
// A summary is valid for one key (the day and the policy) and is dropped
// when its client's records change, so a new day, a policy change or a
// large import leaves the whole portfolio to assess again: seconds at
// 100,000 clients. Nobody waits for that. A request that finds more than
// Config.RefreshInline clients stale answers at once from the summaries
// stored (the previous day's, or those the import did not touch), marks
// its answer as being updated (a note on the page, "updating": true in
// the API), and the assessment runs once, in the background; the answers
// after it show the new figures. A handful of stale clients — an edit, a
// small portfolio — is assessed while the visitor waits, as before: it
// takes milliseconds.
//
// The scheduler (tick) keeps this ahead of the visitors: every minute it
// starts the refresh if anything is stale, and in the last
// Config.PrepareAhead before midnight in the policy's time zone it
// assesses the next day's summaries, to be saved the moment that day
// begins. An import or a policy change from the web starts the refresh at
// once (kick).

// refreshJob is the refresh of one summary key at one generation: done is
// closed once the stored summaries are current (at once when they were,
// or when they were few enough to assess inline).
type refreshJob struct {
	done chan struct{}
	err  error
}

// prepared are the next day's summaries, assessed before midnight at a
// generation.
type prepared struct {
	gen int64
	p   *review.Prepared
}

// background is the summaries' background work.
type background struct {
	// run serialises the background refreshes and preparations: two
	// portfolio-wide assessments never run at once.
	run sync.Mutex
	// wg counts the goroutines started, for tests and shutdown.
	wg sync.WaitGroup

	mu        sync.Mutex
	next      *prepared
	preparing cartera.Date // the day being prepared, if any
	refitted  cartera.Date // the last day the scheduled refit ran (or found nothing changed)
}

// summaries makes sure the stored summaries are those of key at gen, or
// are being brought there, and says which: updating is true while the
// stored ones are older.
func (s *Server) summaries(ctx context.Context, gen int64, asOf cartera.Date, key string) (updating bool, err error) {
	j, err := s.refreshed.do(ctx, gen, key, func(ctx context.Context) (*refreshJob, error) {
		stale, _, err := s.st.CountStaleSummaries(ctx, key)
		if err != nil {
			return nil, err
		}
		j := &refreshJob{done: make(chan struct{})}
		if stale > s.cfg.RefreshInline {
			s.bg.wg.Add(1)
			go s.refreshInBackground(ctx, gen, key, asOf, j)
			return j, nil
		}
		if stale > 0 {
			if _, err := review.Refresh(ctx, s.st, asOf); err != nil {
				return nil, err
			}
		}
		close(j.done)
		return j, nil
	})
	if err != nil {
		return false, err
	}
	select {
	case <-j.done:
		return j.err != nil, nil
	default:
		return true, nil
	}
}

// refreshInBackground brings the summaries to key: from the next day's
// summaries prepared before midnight when nothing was written since, else
// by assessing the stale clients. A failure is logged and forgotten, so
// that the next request tries again.
func (s *Server) refreshInBackground(ctx context.Context, gen int64, key string, asOf cartera.Date, j *refreshJob) {
	defer s.bg.wg.Done()
	s.bg.run.Lock()
	defer s.bg.run.Unlock()
	start, how := time.Now(), "assessed"
	if p := s.takePrepared(ctx, gen, key); p != nil {
		how = "prepared before midnight"
		j.err = p.Save(ctx, s.st)
	} else {
		_, j.err = review.Refresh(ctx, s.st, asOf)
	}
	if j.err != nil {
		s.log.Error("refreshing summaries", "as_of", asOf.String(), "err", j.err)
		s.refreshed.dropIf(gen, key, func(v *refreshJob) bool { return v == j })
		close(j.done)
		return
	}
	close(j.done)
	s.log.Info("summaries refreshed", "as_of", asOf.String(), "from", how, "took", time.Since(start).Round(time.Millisecond).String())
	// The first dashboard after the refresh is ready too.
	if _, _, err := s.dashboard(ctx, nil); err != nil {
		s.log.Error("building the dashboard", "err", err)
	}
}

// takePrepared returns the prepared summaries for key if nothing was
// written since they were assessed, and forgets them either way once their
// day has come.
func (s *Server) takePrepared(ctx context.Context, gen int64, key string) *review.Prepared {
	s.bg.mu.Lock()
	n := s.bg.next
	if n != nil && n.p.Key == key {
		s.bg.next = nil
	}
	s.bg.mu.Unlock()
	if n == nil || n.p.Key != key || n.gen != gen {
		return nil
	}
	if now, err := s.st.Generation(ctx); err != nil || now != gen {
		return nil
	}
	return n.p
}

// tick is one step of the scheduler, which ListenAndServe runs every
// minute and tests run with a fake clock: it starts the refresh of
// today's summaries if they are stale, and within PrepareAhead of
// midnight in the policy's time zone it starts preparing tomorrow's.
func (s *Server) tick(ctx context.Context) error {
	gen, pol, err := s.state(ctx)
	if err != nil {
		return err
	}
	now := s.cfg.Now().In(pol.Location())
	today := cartera.DateFromTime(now)
	if _, err := s.summaries(ctx, gen, today, s.summaryKey(ctx, gen, today, pol)); err != nil {
		return err
	}
	midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, now.Location())
	if midnight.Sub(now) <= s.cfg.PrepareAhead {
		s.prepare(ctx, gen, today, review.SummaryKey(today.AddDays(1), pol))
	}
	return nil
}

// prepare starts, in the background, the night's work before the day
// after today begins, unless it is done or under way for this generation:
// first the forecast's scheduled refit (once a night, and only when the
// deals, signals or stage histories changed since the last fit:
// review.RefitIfChanged), then the
// assessment of tomorrow's summaries — in that order, so that the refit's
// write does not make what was prepared unusable.
func (s *Server) prepare(ctx context.Context, gen int64, today cartera.Date, key string) {
	day := today.AddDays(1)
	s.bg.mu.Lock()
	defer s.bg.mu.Unlock()
	if s.bg.preparing == day || (s.bg.next != nil && s.bg.next.gen == gen && s.bg.next.p.Key == key) {
		return
	}
	s.bg.preparing = day
	s.bg.wg.Add(1)
	go func() {
		defer s.bg.wg.Done()
		s.bg.run.Lock()
		defer s.bg.run.Unlock()
		s.refitNightly(ctx, today)
		// The preparation is good for the store as it is now, the refit's
		// write included.
		if g, err := s.st.Generation(ctx); err == nil {
			gen = g
		}
		p, err := review.Prepare(ctx, s.st, day)
		s.bg.mu.Lock()
		defer s.bg.mu.Unlock()
		s.bg.preparing = 0
		if err != nil {
			s.log.Error("preparing tomorrow's summaries", "as_of", day.String(), "err", err)
			return
		}
		s.bg.next = &prepared{gen: gen, p: p}
		s.log.Info("tomorrow's summaries prepared", "as_of", day.String(), "clients", len(p.Rows))
	}()
}

// refitNightly is the scheduled refit, run by prepare once per day: the
// backtest's decision is made again, as of today, when the deals, signals
// or stage histories changed since it was last made. A failure is logged; tomorrow night tries
// again. The caller holds bg.run.
func (s *Server) refitNightly(ctx context.Context, today cartera.Date) {
	s.bg.mu.Lock()
	done := s.bg.refitted == today
	s.bg.mu.Unlock()
	if done {
		return
	}
	start := time.Now()
	ran, err := review.RefitIfChanged(ctx, s.st, today)
	if err != nil {
		s.log.Error("refitting the forecast", "as_of", today.String(), "err", err)
		return
	}
	s.bg.mu.Lock()
	s.bg.refitted = today
	s.bg.mu.Unlock()
	if ran {
		s.log.Info("forecast refitted", "as_of", today.String(), "took", time.Since(start).Round(time.Millisecond).String())
	}
}

// refitAfterImport makes the backtest's decision again after a web import
// that brought deals, signals or stage history, when one is stored
// (review.RefitIfFitted), in the background: at a million deals the
// replay takes minutes.
func (s *Server) refitAfterImport(r *http.Request) {
	ctx := context.WithoutCancel(r.Context())
	today := s.asOf(r)
	s.bg.wg.Add(1)
	go func() {
		defer s.bg.wg.Done()
		s.bg.run.Lock()
		defer s.bg.run.Unlock()
		start := time.Now()
		ran, err := review.RefitIfFitted(ctx, s.st, today)
		if err != nil {
			s.log.Error("refitting the forecast after an import", "as_of", today.String(), "err", err)
			return
		}
		if ran {
			s.log.Info("forecast refitted after an import", "as_of", today.String(),
				"took", time.Since(start).Round(time.Millisecond).String())
		}
	}()
}

// kick starts bringing the summaries up to date after a write that makes
// many of them stale (an import, a policy change), so that the visitors
// after it find the new figures sooner.
func (s *Server) kick(r *http.Request) {
	ctx := context.WithoutCancel(r.Context())
	s.bg.wg.Add(1)
	go func() {
		defer s.bg.wg.Done()
		if err := s.tick(ctx); err != nil {
			s.log.Error("refreshing summaries", "err", err)
		}
	}()
}

// ensureSummaries is summaries for a request: it returns the request's
// day and marks the request as answered from summaries being updated.
func (s *Server) ensureSummaries(r *http.Request) (cartera.Date, error) {
	c := rc(r)
	asOf := cartera.DateFromTime(s.cfg.Now().In(c.pol.Location()))
	updating, err := s.summaries(r.Context(), c.gen, asOf, s.summaryKey(r.Context(), c.gen, asOf, c.pol))
	if err != nil {
		return 0, err
	}
	c.updating = c.updating || updating
	return asOf, nil
}
