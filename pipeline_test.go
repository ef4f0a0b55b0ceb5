package cartera_test

import (
	"reflect"
	"testing"

	"github.com/cartera/cartera"
)

// A pipeline stored before calibration used the backtest's cut-offs
// carries calibration_horizon: it still loads, the value ignored.
func TestUnmarshalPipelineFromAnOldStore(t *testing.T) {
	old := []byte(`{"version":4,"stages":[{"id":"lead","name":"","prior":1500,"max_age":30}],"shrinkage":10,` +
		`"cap_need_unknown":3000,"cap_capacity_unknown":4000,"cap_decision_unknown":5000,"cap_any_no":500,` +
		`"silence_days":30,"evidence_half_life":90,"calibration_horizon":7}`)
	p, err := cartera.UnmarshalPipeline(old)
	if err != nil {
		t.Fatal(err)
	}
	want := cartera.DefaultPipeline()
	want.Version = 4
	want.Stages = []cartera.StageConfig{{ID: "lead", Prior: 1500, MaxAge: 30}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %+v\nwant %+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if again, err := cartera.UnmarshalPipeline(b); err != nil || !reflect.DeepEqual(again, p) {
		t.Errorf("saved again: %+v %v", again, err)
	}
}
