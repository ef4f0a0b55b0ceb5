package cartera

import (
	"encoding/json"
	"fmt"
)

// Pipeline configures the sales pipeline and the grounded forecast: the
// stages in order with their prior win rates and how long a deal may go
// unchecked in each, and the model's documented parameters
// (docs/forecast.md).
type Pipeline struct {
	// Version counts the saves of the stored pipeline (0: the defaults); a
	// save names the version it was read at, as with the policy.
	Version int64         `json:"version"`
	Stages  []StageConfig `json:"stages"`
	// Shrinkage is how many closed deals the prior of a stage is worth: a
	// learned rate is (wins + Shrinkage × prior) / (deals + Shrinkage).
	Shrinkage int `json:"shrinkage"`
	// CategoryProbability turns a forecast category into a claimed
	// probability when the seller gave no number.
	CategoryProbability map[ForecastCategory]BasisPoints `json:"category_probability"`
	// Caps limit the grounded probability while qualification is unknown
	// (or negative).
	CapNeedUnknown     BasisPoints `json:"cap_need_unknown"`
	CapCapacityUnknown BasisPoints `json:"cap_capacity_unknown"`
	CapDecisionUnknown BasisPoints `json:"cap_decision_unknown"`
	CapAnyNo           BasisPoints `json:"cap_any_no"`
	// SilenceDays without any sign from the prospect lower confidence.
	SilenceDays int `json:"silence_days"`
	// EvidenceHalfLife is how fast a signal's weight fades, in days.
	EvidenceHalfLife int `json:"evidence_half_life"`
	// calibration_horizon, stored by versions before the backtest's
	// monthly cut-offs, is no longer a field: decoding ignores it.

	// Evidence is the likelihood ratio of each kind of signal, in
	// hundredths (150: the odds of winning × 1.5), at full strength; it
	// fades with EvidenceHalfLife.
	Evidence map[SignalKind]int `json:"evidence"`
	// Floors are the least probability verified evidence gives.
	Floors map[SignalKind]BasisPoints `json:"floors"`
	// NoReplyStep days of unanswered outreach multiply the odds by
	// NoReplyFactor (hundredths), up to four times.
	NoReplyStep   int `json:"no_reply_step"`
	NoReplyFactor int `json:"no_reply_factor"`
	// SilenceFactor multiplies the odds for each SilenceDays without a sign
	// from the prospect, up to three times.
	SilenceFactor int `json:"silence_factor"`
	// StaleFactor multiplies the odds of a deal unchecked for longer than
	// its stage's MaxAge; SlippedFactor those of an open deal whose
	// expected close date has passed.
	StaleFactor   int `json:"stale_factor"`
	SlippedFactor int `json:"slipped_factor"`
}

// StageOf returns a stage's configuration.
func (p Pipeline) StageOf(s Stage) (StageConfig, bool) {
	if i := p.Index(s); i >= 0 {
		return p.Stages[i], true
	}
	return StageConfig{}, false
}

// StageConfig is one stage of the pipeline.
type StageConfig struct {
	ID Stage `json:"id"`
	// Name shows the stage; empty uses the catalog's name for the id.
	Name string `json:"name"`
	// Prior is the win rate assumed before the user's own closed deals say
	// otherwise.
	Prior BasisPoints `json:"prior"`
	// MaxAge is how many days a deal in this stage may go without news
	// before it needs a fresh status check.
	MaxAge int `json:"max_age"`
}

// DefaultPipeline returns the documented defaults.
func DefaultPipeline() Pipeline {
	return Pipeline{
		Stages: []StageConfig{
			{ID: "lead", Prior: 1000, MaxAge: 30},
			{ID: "qualified", Prior: 2500, MaxAge: 21},
			{ID: "proposal", Prior: 4000, MaxAge: 14},
			{ID: "negotiation", Prior: 6000, MaxAge: 10},
		},
		Shrinkage: 10,
		CategoryProbability: map[ForecastCategory]BasisPoints{
			CategoryCommit: 9000, CategoryBestCase: 5000, CategoryPipeline: 2000,
		},
		CapNeedUnknown:     3000,
		CapCapacityUnknown: 4000,
		CapDecisionUnknown: 5000,
		CapAnyNo:           500,
		SilenceDays:        30,
		EvidenceHalfLife:   90,
		Evidence: map[SignalKind]int{
			SignalVerbalIntent: 110, SignalMeetingHeld: 130, SignalProposalRequested: 150,
			SignalBudgetConfirmed: 180, SignalDecisionMakerMet: 180,
			SignalPostponed: 60, SignalCompetitorMentioned: 75, SignalChampionLeft: 40,
		},
		Floors: map[SignalKind]BasisPoints{
			SignalPurchaseOrder: 9000, SignalContractSigned: 9500, SignalPaymentReceived: 9900,
		},
		NoReplyStep:   14,
		NoReplyFactor: 75,
		SilenceFactor: 70,
		StaleFactor:   85,
		SlippedFactor: 70,
	}
}

// Has reports whether a stage exists.
func (p Pipeline) Has(s Stage) bool { return p.Index(s) >= 0 }

// Index returns a stage's position, or -1.
func (p Pipeline) Index(s Stage) int {
	for i, st := range p.Stages {
		if st.ID == s {
			return i
		}
	}
	return -1
}

// StageIDs lists the stage ids in order.
func (p Pipeline) StageIDs() []string {
	out := make([]string, len(p.Stages))
	for i, s := range p.Stages {
		out[i] = string(s.ID)
	}
	return out
}

// Validate checks the configuration.
func (p Pipeline) Validate() error {
	if len(p.Stages) == 0 || len(p.Stages) > 20 {
		return FieldError("stages", "pipeline.stages")
	}
	seen := map[Stage]bool{}
	for _, s := range p.Stages {
		if s.ID == "" || seen[s.ID] || validID("stages", string(s.ID)) != nil {
			return FieldError("stages", "pipeline.stages")
		}
		seen[s.ID] = true
		if s.Prior <= 0 || s.Prior >= 10000 || s.MaxAge < 1 || s.MaxAge > 365 {
			return FieldError("stages", "pipeline.stage_values", "stage", string(s.ID))
		}
	}
	for _, b := range []BasisPoints{p.CapNeedUnknown, p.CapCapacityUnknown, p.CapDecisionUnknown, p.CapAnyNo} {
		if b <= 0 || b > 10000 {
			return FieldError("caps", "policy.range", "min", "0", "max", "100")
		}
	}
	if p.Shrinkage < 0 || p.Shrinkage > 1000 || p.SilenceDays < 1 || p.EvidenceHalfLife < 1 || p.NoReplyStep < 1 {
		return FieldError("shrinkage", "pipeline.values")
	}
	for k, v := range p.Evidence {
		if !k.Valid() || k.Verified() || v < 1 || v > 1000 {
			return FieldError("evidence", "pipeline.values")
		}
	}
	for _, v := range p.CategoryProbability {
		if v < 0 || v > 10000 {
			return FieldError("category_probability", "policy.range", "min", "0", "max", "100")
		}
	}
	for k, v := range p.Floors {
		if !k.Verified() || v < 1 || v > 10000 {
			return FieldError("floors", "pipeline.values")
		}
	}
	for _, f := range []int{p.NoReplyFactor, p.SilenceFactor, p.StaleFactor, p.SlippedFactor} {
		if f < 1 || f > 100 {
			return FieldError("factors", "pipeline.values")
		}
	}
	return nil
}

// UnmarshalPipeline decodes a stored pipeline on top of the defaults.
func UnmarshalPipeline(b []byte) (Pipeline, error) {
	p := DefaultPipeline()
	if len(b) == 0 {
		return p, nil
	}
	// Maps decode into the defaults key by key; start them afresh so that
	// a stored map replaces them whole.
	var probe struct {
		Evidence map[SignalKind]int         `json:"evidence"`
		Floors   map[SignalKind]BasisPoints `json:"floors"`
	}
	if err := json.Unmarshal(b, &probe); err == nil {
		if probe.Evidence != nil {
			p.Evidence = nil
		}
		if probe.Floors != nil {
			p.Floors = nil
		}
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("decode pipeline: %w", err)
	}
	return p, nil
}

// Marshal encodes the pipeline for storage.
func (p Pipeline) Marshal() ([]byte, error) { return json.Marshal(p) }
