package web

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/review"
)

// The sales pipeline in the web app: what the board, the forecast, the
// deal pages and the pipeline API share — who may see and write which
// deal, and the results built from every deal, cached per generation.

// boardCards is how many deals each board column shows (the largest);
// boardChecks how many deals needing a status check the board lists. The
// deal list (API) pages through all of them.
const (
	boardCards  = 25
	boardChecks = 30
	carriersTop = 10
)

// sellerFilter is the seller a pipeline view is restricted to: a seller's
// own name, always; for owners and managers the ?seller= filter, if any.
func sellerFilter(r *http.Request) string {
	if o := rc(r).owner(); o != "" {
		return o
	}
	return strings.TrimSpace(r.URL.Query().Get("seller"))
}

// asOf is today in the policy's time zone, from the request's snapshot.
func (s *Server) asOf(r *http.Request) cartera.Date {
	return cartera.DateFromTime(s.cfg.Now().In(rc(r).pol.Location()))
}

// prepareDeal fills what a new or replaced deal may leave out: the day it
// was created (today, or as stored), the first stage, and the currency
// (the client's, or the policy's); a seller's deal without a seller is
// theirs.
func (s *Server) prepareDeal(r *http.Request, d *cartera.Deal, old *cartera.Deal) error {
	ctx := r.Context()
	if d.Created.IsZero() {
		d.Created = s.asOf(r)
		if old != nil {
			d.Created = old.Created
		}
	}
	if d.Outcome == "" {
		d.Outcome = cartera.OutcomeOpen
	}
	if d.Stage == "" {
		pl, err := s.pipelineConfig(r)
		if err != nil {
			return err
		}
		d.Stage = pl.Stages[0].ID
	}
	if d.Value.Currency == "" {
		d.Value.Currency = rc(r).pol.Currency
		if d.ClientID != "" {
			if cl, err := s.st.Client(ctx, d.ClientID); err == nil {
				d.Value.Currency = cl.Currency
			}
		}
	}
	if u := rc(r).user; u.Role == cartera.RoleSeller && strings.TrimSpace(d.Owner) == "" {
		d.Owner = u.Name
	}
	return nil
}

// saveDeal replaces a deal the user has loaded, at the version they read
// (0: the loaded one): the deal guard checks it is still theirs, and that
// what it becomes is too (access.go).
func (s *Server) saveDeal(r *http.Request, d cartera.Deal, loaded int64) (cartera.Deal, error) {
	v := d.Version
	if v == 0 {
		v = loaded
	}
	return s.dealGuard().replace(r, d.ID, d, v)
}

// closeDeal marks a deal won or lost on a day. The store refuses "won"
// without a purchase order, signed contract or payment on the deal: the
// error names the field "outcome" and says what to record instead.
// d is the deal as loaded; version is the one the caller read (0: none).
func (s *Server) closeDeal(r *http.Request, d cartera.Deal, version int64, outcome cartera.Outcome, day cartera.Date, reason, competitor string) (cartera.Deal, error) {
	if outcome != cartera.OutcomeWon && outcome != cartera.OutcomeLost {
		return d, cartera.FieldError("outcome", "deal.close_outcome", "value", string(outcome))
	}
	if day.IsZero() {
		day = s.asOf(r)
	}
	if outcome == cartera.OutcomeLost {
		// The same path as cartera lost: the deal and its plan after the
		// "no", in one write.
		v, err := s.markLost(r, d, version, day, reason, competitor)
		if err != nil {
			return d, err
		}
		return v.Deal, nil
	}
	loaded := d.Version
	d.Version = version
	d.Outcome, d.Closed = outcome, day
	d.LostReason, d.Competitor = "", ""
	return s.saveDeal(r, d, loaded)
}

// newRecordID makes an id for a record created from the web.
func newRecordID(prefix string) string {
	return prefix + "-" + hex.EncodeToString(randomBytes(5))
}

// dealURL is a deal's page.
func dealURL(id string) string { return "/pipeline/deals/" + url.PathEscape(id) }

// cached runs build through Server.pipes for the request's generation:
// what the pipeline pages, the agenda and the API build from every deal —
// the learned model, the board, forecasts, the calibration — is built once
// per generation, and concurrent requests wait for that one build instead
// of each streaming every deal.
func cached[T any](s *Server, r *http.Request, key string, build func(context.Context) (T, error)) (T, error) {
	v, err := s.pipes.do(r.Context(), rc(r).gen, key, func(ctx context.Context) (any, error) { return build(ctx) })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

// pipelineConfig is the stored pipeline configuration.
func (s *Server) pipelineConfig(r *http.Request) (cartera.Pipeline, error) {
	return cached(s, r, "pipeline", func(ctx context.Context) (cartera.Pipeline, error) { return s.st.Pipeline(ctx) })
}

// pipelineModel is the grounded model with the stage rates learned from
// the deals closed by asOf.
func (s *Server) pipelineModel(r *http.Request, asOf cartera.Date) (*forecast.Model, error) {
	return cached(s, r, "model|"+asOf.String(), func(ctx context.Context) (*forecast.Model, error) {
		return review.ModelAsOf(ctx, s.st, asOf)
	})
}

// board is the board of a seller's open deals ("" for everyone), today.
func (s *Server) board(r *http.Request, seller string) (*review.BoardResult, error) {
	asOf := s.asOf(r)
	key := fmt.Sprintf("board|%s|%s", asOf, cartera.Fold(seller))
	return cached(s, r, key, func(ctx context.Context) (*review.BoardResult, error) {
		return review.Board(ctx, s.st, asOf, seller, boardCards, boardChecks)
	})
}

// forecastFor is claimed against grounded for a period and seller.
func (s *Server) forecastFor(r *http.Request, period forecast.Period, seller string) (*forecast.Forecast, error) {
	asOf := s.asOf(r)
	key := fmt.Sprintf("forecast|%s|%s|%s|%s|%s", period.Label, period.From, period.To, asOf, cartera.Fold(seller))
	return cached(s, r, key, func(ctx context.Context) (*forecast.Forecast, error) {
		return review.Forecast(ctx, s.st, review.ForecastOptions{Period: period, AsOf: asOf, Owner: seller, Carriers: carriersTop})
	})
}

// calibration scores claimed and grounded probabilities on closed deals.
func (s *Server) calibration(r *http.Request, seller string) (*forecast.Calibration, error) {
	asOf := s.asOf(r)
	return cached(s, r, "calibration|"+asOf.String()+"|"+cartera.Fold(seller), func(ctx context.Context) (*forecast.Calibration, error) {
		return review.Calibrate(ctx, s.st, seller, asOf)
	})
}

// dealSellers lists the sellers named on deals, for the seller filter
// (nil for a seller, who only sees their own).
func (s *Server) dealSellers(r *http.Request) ([]string, error) {
	if rc(r).owner() != "" {
		return nil, nil
	}
	return cached(s, r, "sellers", func(ctx context.Context) ([]string, error) { return s.st.DealOwners(ctx) })
}

// period reads ?period= (2026-Q4, 2026-11, 2026-H2, 2026); empty is the
// current quarter.
func (s *Server) period(r *http.Request) (forecast.Period, error) {
	return forecast.ParsePeriod(r.URL.Query().Get("period"), s.asOf(r))
}

// backtest replays the history at monthly cut-offs, as of the request's
// day (docs/forecast.md), and stores its decision for live forecasts as
// `cartera backtest` does (review.Refit; the same decision already stored
// is not written again).
func (s *Server) backtest(r *http.Request) (*forecast.Backtest, error) {
	asOf := s.asOf(r)
	return cached(s, r, "backtest|"+asOf.String(), func(ctx context.Context) (*forecast.Backtest, error) {
		return review.Refit(ctx, s.st, asOf)
	})
}
