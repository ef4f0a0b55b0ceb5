package report

import (
	"encoding/json"
	"math"

	"github.com/cartera/cartera"
)

// PipelineJSON is the pipeline configuration as every JSON shows and
// takes it (`GET`/`PUT /api/v1/pipeline`, `cartera pipeline --format
// json` and `pipeline set`): priors, caps, floors and the probability of
// each forecast category in percent (12.5 is 12.5 %), like every other
// probability cartera prints. The store keeps basis points; a percent is
// rounded to the nearest hundredth of a point on the way in. Likelihood
// ratios and factors stay in hundredths (150: the odds × 1.5), as
// docs/forecast.md gives them.
type PipelineJSON struct {
	Version             int64                                `json:"version"`
	Stages              []StageJSON                          `json:"stages"`
	Shrinkage           int                                  `json:"shrinkage"`
	CategoryProbability map[cartera.ForecastCategory]float64 `json:"category_probability"`
	CapNeedUnknown      float64                              `json:"cap_need_unknown"`
	CapCapacityUnknown  float64                              `json:"cap_capacity_unknown"`
	CapDecisionUnknown  float64                              `json:"cap_decision_unknown"`
	CapAnyNo            float64                              `json:"cap_any_no"`
	SilenceDays         int                                  `json:"silence_days"`
	EvidenceHalfLife    int                                  `json:"evidence_half_life"`
	// CalibrationHorizon is accepted and ignored: pipelines saved before
	// calibration used the backtest's monthly cut-offs carry it.
	CalibrationHorizon *int                           `json:"calibration_horizon,omitempty"`
	Evidence           map[cartera.SignalKind]int     `json:"evidence"`
	Floors             map[cartera.SignalKind]float64 `json:"floors"`
	NoReplyStep        int                            `json:"no_reply_step"`
	NoReplyFactor      int                            `json:"no_reply_factor"`
	SilenceFactor      int                            `json:"silence_factor"`
	StaleFactor        int                            `json:"stale_factor"`
	SlippedFactor      int                            `json:"slipped_factor"`
}

// StageJSON is one stage, its prior in percent.
type StageJSON struct {
	ID     cartera.Stage `json:"id"`
	Name   string        `json:"name"`
	Prior  float64       `json:"prior"`
	MaxAge int           `json:"max_age"`
}

// PipelineOut converts a pipeline for JSON output.
func PipelineOut(pl cartera.Pipeline) PipelineJSON {
	out := PipelineJSON{
		Version: pl.Version, Stages: make([]StageJSON, len(pl.Stages)), Shrinkage: pl.Shrinkage,
		CategoryProbability: pctMap(pl.CategoryProbability),
		CapNeedUnknown:      pct(pl.CapNeedUnknown), CapCapacityUnknown: pct(pl.CapCapacityUnknown),
		CapDecisionUnknown: pct(pl.CapDecisionUnknown), CapAnyNo: pct(pl.CapAnyNo),
		SilenceDays: pl.SilenceDays, EvidenceHalfLife: pl.EvidenceHalfLife,
		Evidence: pl.Evidence, Floors: pctMap(pl.Floors),
		NoReplyStep: pl.NoReplyStep, NoReplyFactor: pl.NoReplyFactor, SilenceFactor: pl.SilenceFactor,
		StaleFactor: pl.StaleFactor, SlippedFactor: pl.SlippedFactor,
	}
	for i, s := range pl.Stages {
		out.Stages[i] = StageJSON{ID: s.ID, Name: s.Name, Prior: pct(s.Prior), MaxAge: s.MaxAge}
	}
	return out
}

// PipelineIn is what a pipeline sent in percent is decoded onto: the
// defaults, with the maps (evidence, floors, category_probability) left
// empty so that a map given replaces the default's whole; Pipeline fills
// those not given.
func PipelineIn() PipelineJSON {
	in := PipelineOut(cartera.DefaultPipeline())
	in.Evidence, in.Floors, in.CategoryProbability = nil, nil, nil
	return in
}

// Pipeline converts what a caller sent back to the stored form, a map
// not given taking its default. A percent out of range is left for
// Pipeline.Validate to refuse with its field.
func (j PipelineJSON) Pipeline() cartera.Pipeline {
	def := cartera.DefaultPipeline()
	pl := cartera.Pipeline{
		Version: j.Version, Stages: make([]cartera.StageConfig, len(j.Stages)), Shrinkage: j.Shrinkage,
		CategoryProbability: bpMap(j.CategoryProbability),
		CapNeedUnknown:      bp(j.CapNeedUnknown), CapCapacityUnknown: bp(j.CapCapacityUnknown),
		CapDecisionUnknown: bp(j.CapDecisionUnknown), CapAnyNo: bp(j.CapAnyNo),
		SilenceDays: j.SilenceDays, EvidenceHalfLife: j.EvidenceHalfLife,
		Evidence: j.Evidence, Floors: bpMap(j.Floors),
		NoReplyStep: j.NoReplyStep, NoReplyFactor: j.NoReplyFactor, SilenceFactor: j.SilenceFactor,
		StaleFactor: j.StaleFactor, SlippedFactor: j.SlippedFactor,
	}
	for i, s := range j.Stages {
		pl.Stages[i] = cartera.StageConfig{ID: s.ID, Name: s.Name, Prior: bp(s.Prior), MaxAge: s.MaxAge}
	}
	if pl.Evidence == nil {
		pl.Evidence = def.Evidence
	}
	if pl.Floors == nil {
		pl.Floors = def.Floors
	}
	if pl.CategoryProbability == nil {
		pl.CategoryProbability = def.CategoryProbability
	}
	return pl
}

// DecodePipeline reads a pipeline file in percent (what `cartera pipeline
// --format json` prints, or its "pipeline" alone) on top of the defaults.
func DecodePipeline(b []byte) (cartera.Pipeline, error) {
	var wrapped struct {
		Pipeline json.RawMessage `json:"pipeline"`
	}
	if json.Unmarshal(b, &wrapped) == nil && len(wrapped.Pipeline) > 0 {
		b = wrapped.Pipeline
	}
	in := PipelineIn()
	if err := json.Unmarshal(b, &in); err != nil {
		return cartera.Pipeline{}, err
	}
	return in.Pipeline(), nil
}

// bp turns a percent into basis points, to the nearest hundredth of a
// point; a value no basis point can hold becomes -1, which every check
// refuses.
func bp(pct float64) cartera.BasisPoints {
	v := math.Round(pct * 100)
	if math.IsNaN(v) || v < -1e9 || v > 1e9 {
		return -1
	}
	return cartera.BasisPoints(v)
}

func pctMap[K comparable](m map[K]cartera.BasisPoints) map[K]float64 {
	if m == nil {
		return nil
	}
	out := make(map[K]float64, len(m))
	for k, v := range m {
		out[k] = pct(v)
	}
	return out
}

func bpMap[K comparable](m map[K]float64) map[K]cartera.BasisPoints {
	if m == nil {
		return nil
	}
	out := make(map[K]cartera.BasisPoints, len(m))
	for k, v := range m {
		out[k] = bp(v)
	}
	return out
}
