package report_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
)

// The pipeline in JSON is in percent and comes back to the same basis
// points; decimals to the hundredth of a point survive the trip.
func TestPipelineJSONRoundTrip(t *testing.T) {
	t.Parallel()
	pl := cartera.DefaultPipeline()
	pl.Version = 3
	pl.Stages[0].Prior = 1250
	pl.CapAnyNo = 1
	pl.Floors[cartera.SignalPurchaseOrder] = 8875
	pl.CategoryProbability[cartera.CategoryBestCase] = 4550
	out := report.PipelineOut(pl)
	if out.Stages[0].Prior != 12.5 || out.CapAnyNo != 0.01 || out.Floors[cartera.SignalPurchaseOrder] != 88.75 ||
		out.CategoryProbability[cartera.CategoryBestCase] != 45.5 || out.CapNeedUnknown != 30 {
		t.Errorf("percent: %+v", out)
	}
	b, err := json.Marshal(report.PipelineConfigOut{Pipeline: out})
	if err != nil {
		t.Fatal(err)
	}
	back, err := report.DecodePipeline(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, pl) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, pl)
	}
}

// A file gives only what it changes: the rest keeps its default, a map
// given replaces the default's whole, and a percent rounds to the
// hundredth of a point.
func TestDecodePipelinePartial(t *testing.T) {
	t.Parallel()
	pl, err := report.DecodePipeline([]byte(`{"cap_need_unknown": 35.555, "floors": {"purchase_order": 80}}`))
	if err != nil {
		t.Fatal(err)
	}
	def := cartera.DefaultPipeline()
	if pl.CapNeedUnknown != 3556 || len(pl.Floors) != 1 || pl.Floors[cartera.SignalPurchaseOrder] != 8000 ||
		!reflect.DeepEqual(pl.Stages, def.Stages) || !reflect.DeepEqual(pl.Evidence, def.Evidence) ||
		!reflect.DeepEqual(pl.CategoryProbability, def.CategoryProbability) {
		t.Errorf("partial: %+v", pl)
	}
	if err := pl.Validate(); err != nil {
		t.Error(err)
	}
	// Basis points where percent is meant are out of range.
	pl, err = report.DecodePipeline([]byte(`{"cap_any_no": 500}`))
	if err != nil || pl.Validate() == nil {
		t.Errorf("500 %% accepted: %v", err)
	}
}

// A pipeline file or API body saved before calibration_horizon was
// removed still loads; the value is ignored and never printed again.
func TestDecodePipelineIgnoresCalibrationHorizon(t *testing.T) {
	t.Parallel()
	pl, err := report.DecodePipeline([]byte(`{"pipeline": {"shrinkage": 12, "calibration_horizon": 7}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := cartera.DefaultPipeline()
	want.Shrinkage = 12
	if !reflect.DeepEqual(pl, want) {
		t.Errorf("got %+v", pl)
	}
	b, _ := json.Marshal(report.PipelineOut(pl))
	if bytes.Contains(b, []byte("calibration_horizon")) {
		t.Errorf("still printed: %s", b)
	}
}
