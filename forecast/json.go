package forecast

import (
	"encoding/json"
	"math"

	"github.com/cartera/cartera"
)

// JSON speaks in percentages everywhere (62.5 is 62.5 %), as the rest of
// cartera's JSON does; basis points stay inside the program.

func pctOf(b cartera.BasisPoints) float64 { return float64(b) / 100 }

// MarshalJSON writes a rate with its prior and rate in percent.
func (r Rate) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Stage   cartera.Stage `json:"stage"`
		Prior   float64       `json:"prior"`
		Reached int           `json:"reached"`
		Won     int           `json:"won"`
		Rate    float64       `json:"rate"`
	}{r.Stage, pctOf(r.Prior), r.Reached, r.Won, pctOf(r.Rate)})
}

// MarshalJSON writes a reliability band in percent.
func (b Band) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Lo        float64 `json:"from"`
		Hi        float64 `json:"to"`
		Deals     int     `json:"deals"`
		Won       int     `json:"won"`
		Predicted float64 `json:"predicted"`
		Actual    float64 `json:"actual"`
	}{pctOf(b.Lo), pctOf(b.Hi), b.Deals, b.Won, pctOf(b.Predicted), pctOf(b.Actual)})
}

// MarshalJSON writes a calibration score in percent; Brier scores are
// percentages of a unit too (25 is what always saying 50 % earns).
func (s Score) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Seller        string  `json:"seller,omitempty"`
		Deals         int     `json:"deals"`
		Won           int     `json:"won"`
		WinRate       float64 `json:"win_rate"`
		ClaimedMean   float64 `json:"claimed_mean"`
		GroundedMean  float64 `json:"grounded_mean"`
		Optimism      float64 `json:"optimism"`
		ClaimedBrier  float64 `json:"claimed_brier"`
		GroundedBrier float64 `json:"grounded_brier"`
		ClaimedBands  []Band  `json:"claimed_bands"`
		GroundedBands []Band  `json:"grounded_bands"`
	}{s.Seller, s.Deals, s.Won, pctOf(s.WinRate), pctOf(s.ClaimedMean), pctOf(s.GroundedMean), pctOf(s.Optimism),
		pctOf(s.ClaimedBrier), pctOf(s.GroundedBrier), s.ClaimedBands, s.GroundedBands})
}

func bpOf(pct float64) cartera.BasisPoints { return cartera.BasisPoints(math.Round(pct * 100)) }

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Rate) UnmarshalJSON(b []byte) error {
	var x struct {
		Stage   cartera.Stage `json:"stage"`
		Prior   float64       `json:"prior"`
		Reached int           `json:"reached"`
		Won     int           `json:"won"`
		Rate    float64       `json:"rate"`
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*r = Rate{Stage: x.Stage, Prior: bpOf(x.Prior), Reached: x.Reached, Won: x.Won, Rate: bpOf(x.Rate)}
	return nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (bd *Band) UnmarshalJSON(b []byte) error {
	var x struct {
		Lo        float64 `json:"from"`
		Hi        float64 `json:"to"`
		Deals     int     `json:"deals"`
		Won       int     `json:"won"`
		Predicted float64 `json:"predicted"`
		Actual    float64 `json:"actual"`
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*bd = Band{Lo: bpOf(x.Lo), Hi: bpOf(x.Hi), Deals: x.Deals, Won: x.Won, Predicted: bpOf(x.Predicted), Actual: bpOf(x.Actual)}
	return nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Score) UnmarshalJSON(b []byte) error {
	var x struct {
		Seller        string  `json:"seller,omitempty"`
		Deals         int     `json:"deals"`
		Won           int     `json:"won"`
		WinRate       float64 `json:"win_rate"`
		ClaimedMean   float64 `json:"claimed_mean"`
		GroundedMean  float64 `json:"grounded_mean"`
		Optimism      float64 `json:"optimism"`
		ClaimedBrier  float64 `json:"claimed_brier"`
		GroundedBrier float64 `json:"grounded_brier"`
		ClaimedBands  []Band  `json:"claimed_bands"`
		GroundedBands []Band  `json:"grounded_bands"`
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*s = Score{Seller: x.Seller, Deals: x.Deals, Won: x.Won, WinRate: bpOf(x.WinRate), ClaimedMean: bpOf(x.ClaimedMean),
		GroundedMean: bpOf(x.GroundedMean), Optimism: bpOf(x.Optimism), ClaimedBrier: bpOf(x.ClaimedBrier),
		GroundedBrier: bpOf(x.GroundedBrier), ClaimedBands: x.ClaimedBands, GroundedBands: x.GroundedBands}
	return nil
}
