package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
)

// The pipeline as a whole over the API: the board, the forecast for a
// period, the calibration of closed deals, and the configuration. The
// first three stream every deal once per store generation and are answered
// from caches in between (Server.pipes for the results, Server.responses
// for the encoded answers, with an ETag).

// apiBoard is the board: per stage, in the pipeline's order, the open
// deals' count, sums per currency (value, claimed and grounded) and learned
// rate, with the largest deals as cards; and the deals to check.
func (s *Server) apiBoard(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	seller := sellerFilter(r)
	key := fmt.Sprintf("board|%s|%s|%s", s.asOf(r), c.lang, cartera.Fold(seller))
	return s.cachedJSON(w, r, key, func() (any, error) {
		b, err := s.board(r, seller)
		if err != nil {
			return nil, err
		}
		pl, err := s.pipelineConfig(r)
		if err != nil {
			return nil, err
		}
		return report.BoardJSON(b, pl, c.p), nil
	})
}

// apiForecast is claimed against grounded for a period, per currency and
// seller, with the deals carrying the gap.
func (s *Server) apiForecast(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	period, err := s.period(r)
	if err != nil {
		return err
	}
	seller := sellerFilter(r)
	key := fmt.Sprintf("forecast|%s|%s|%s|%s", s.asOf(r), c.lang, cartera.Fold(seller), period.Label)
	return s.cachedJSON(w, r, key, func() (any, error) {
		f, err := s.forecastFor(r, period, seller)
		if err != nil {
			return nil, err
		}
		return report.ForecastJSON(f, c.p), nil
	})
}

// apiCalibration scores claimed and grounded probabilities on closed
// deals, overall and per seller: the shape of `cartera calibration
// --format json`.
func (s *Server) apiCalibration(w http.ResponseWriter, r *http.Request) error {
	seller := sellerFilter(r)
	return s.cachedJSON(w, r, "calibration|"+cartera.Fold(seller), func() (any, error) {
		return s.calibration(r, seller)
	})
}

// apiBacktest is the rolling-origin evaluation of every method, overall
// and per seller: the shape of `cartera backtest --format json`. It reads
// every seller's deals, so it is for owners and managers.
func (s *Server) apiBacktest(w http.ResponseWriter, r *http.Request) error {
	return s.cachedJSON(w, r, "backtest|"+s.asOf(r).String(), func() (any, error) {
		return s.backtest(r)
	})
}

func (s *Server) apiPipelineGet(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.st.Pipeline(r.Context())
	if err != nil {
		return err
	}
	etag(w, pl.Version)
	return writeJSON(w, http.StatusOK, report.PipelineOut(pl))
}

// apiPipelinePut replaces the pipeline, given the version it was read at;
// fields left out keep their defaults, and probabilities are in percent
// (report.PipelineJSON). Removing a stage that open deals are in is a
// conflict.
func (s *Server) apiPipelinePut(w http.ResponseWriter, r *http.Request) error {
	in := report.PipelineIn()
	if err := decode(w, r, &in); err != nil {
		return err
	}
	pl := in.Pipeline()
	v, err := ifMatch(r, pl.Version)
	if err != nil {
		return err
	}
	pl.Version = v
	// A conflict shows the stored pipeline in percent, as GET does.
	current := func(ctx context.Context) (report.PipelineJSON, error) {
		p, err := s.st.Pipeline(ctx)
		return report.PipelineOut(p), err
	}
	err = saveShared(s, r, v, current, func(p report.PipelineJSON) int64 { return p.Version },
		func() error { return s.st.SavePipeline(r.Context(), pl) })
	if err != nil {
		return err
	}
	saved, err := s.st.Pipeline(r.Context())
	if err != nil {
		return err
	}
	etag(w, saved.Version)
	return writeJSON(w, http.StatusOK, report.PipelineOut(saved))
}
