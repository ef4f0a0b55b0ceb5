package report_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
)

// The API's client rows carry the stored first reason rendered in both
// languages, under the keys they always had.
func TestClientRowsRenderTheReasonInBothLanguages(t *testing.T) {
	t.Parallel()
	rows := []cartera.ClientRow{
		{Client: cartera.Client{ID: "C-1", Name: "Uno"}, Summary: cartera.Summary{ClientID: "C-1", Verdict: cartera.VerdictUnassessed,
			Reason: cartera.M("client.figures_out_of_range", "id", "C-1", "max", cartera.Money{Amount: cartera.MaxAmount, Currency: "EUR"})}},
		{Client: cartera.Client{ID: "C-2", Name: "Dos"}},
	}
	out := report.ClientRows(rows, nil)
	if s := out[0].Summary; s.ReasonES == "" || s.ReasonEN == "" || s.ReasonES == s.ReasonEN ||
		strings.Contains(s.ReasonES+s.ReasonEN, "client.figures_out_of_range") || !strings.Contains(s.ReasonEN, "C-1") {
		t.Errorf("reasons %q / %q", s.ReasonES, s.ReasonEN)
	}
	if s := out[1].Summary; s.ReasonES != "" || s.ReasonEN != "" {
		t.Errorf("a client without a summary has reasons %q / %q", s.ReasonES, s.ReasonEN)
	}
	b, err := json.Marshal(out[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"client":{`, `"summary":{"client_id":"C-1"`, `"reason_es":`, `"reason_en":`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("%s lacks %s", b, key)
		}
	}
	if empty := report.ClientRows(nil, nil); empty == nil {
		t.Error("no rows must be an empty list, not null")
	}
}
