package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/report"
)

// dealDoc decodes a deal record from an API answer.
func dealDoc(t *testing.T, body string) report.DealRecordJSON {
	t.Helper()
	var d report.DealRecordJSON
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return d
}

// someDeal returns an open demo deal of a seller.
func (f *fixture) someDeal(seller string) cartera.Deal {
	f.t.Helper()
	ds, _, err := f.st.ListDeals(bg, cartera.DealQuery{Owner: seller, Outcome: cartera.OutcomeOpen, Limit: 1})
	if err != nil || len(ds) == 0 {
		f.t.Fatalf("no open deal of %s: %v", seller, err)
	}
	return ds[0]
}

func TestDealsCreateReadUpdateDelete(t *testing.T) {
	f := newFixture(t)
	res, body := f.api("owner", "POST", "/api/v1/deals", `{"title":"Web nueva","client_id":"C-001","owner":"Lucía Ferrer",
		"value":{"amount":1200000,"currency":"EUR"},"stage":"proposal","claimed":62.5,"expected_close":"2026-12-20",
		"qualification":{"need":"yes","capacity":"unknown","decision_maker":"yes"}}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	d := dealDoc(t, body)
	if d.ID == "" || d.Claimed != 62.5 || d.Outcome != cartera.OutcomeOpen || d.Created.String() != "2026-11-25" || d.Version != 1 ||
		res.Header.Get("ETag") != `"1"` {
		t.Fatalf("created deal: %+v (ETag %s)", d, res.Header.Get("ETag"))
	}
	path := "/api/v1/deals/" + d.ID
	res, body = f.api("owner", "GET", path, "")
	if res.StatusCode != 200 || res.Header.Get("ETag") != `"1"` || dealDoc(t, body).Title != "Web nueva" {
		t.Fatalf("get: %d %s", res.StatusCode, body)
	}
	// Replacing it needs the version read; a stale one gets the deal as
	// it now is.
	d.Stage, d.Claimed = "negotiation", 80
	b, _ := json.Marshal(d)
	res, body = f.api("manager", "PUT", path, string(b))
	if res.StatusCode != 200 || dealDoc(t, body).Stage != "negotiation" || dealDoc(t, body).Version != 2 {
		t.Fatalf("update: %d %s", res.StatusCode, body)
	}
	res, body = f.api("owner", "PUT", path, string(b))
	if p := problemOf(t, res, body); res.StatusCode != http.StatusConflict || !strings.Contains(body, `"negotiation"`) {
		t.Errorf("stale version: %d %+v", res.StatusCode, p)
	}
	d.Version = 0
	b, _ = json.Marshal(d)
	if res, body = f.api("owner", "PUT", path, string(b)); res.StatusCode != http.StatusPreconditionRequired {
		t.Errorf("no version: %d %s", res.StatusCode, body)
	}
	// The assessment explains the grounded probability.
	res, body = f.api("owner", "GET", path+"/assessment", "", "Accept-Language", "en")
	var det report.DealOut
	if json.Unmarshal([]byte(body), &det); res.StatusCode != 200 || det.Assessment.Claimed != 80 ||
		det.Assessment.Factors[0].Reason.Code != "forecast.f.base" || det.Client == nil || !strings.Contains(det.Assessment.Factors[0].Reason.Text, "negotiation") {
		t.Errorf("assessment: %d %s", res.StatusCode, body)
	}
	// Sellers may not delete deals; managers may, with the version.
	if res, _ = f.api("seller", "DELETE", path, ""); res.StatusCode != http.StatusForbidden {
		t.Errorf("seller delete: %d", res.StatusCode)
	}
	if res, _ = f.api("manager", "DELETE", path, "", "If-Match", `"1"`); res.StatusCode != http.StatusConflict {
		t.Errorf("stale delete: %d", res.StatusCode)
	}
	if res, _ = f.api("manager", "DELETE", path, "", "If-Match", `"2"`); res.StatusCode != http.StatusNoContent {
		t.Errorf("delete: %d", res.StatusCode)
	}
	if res, _ = f.api("owner", "GET", path, ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("deleted deal: %d", res.StatusCode)
	}
}

func TestDealInputIsCheckedFieldByField(t *testing.T) {
	f := newFixture(t)
	deal := f.someDeal("Lucía Ferrer")
	tests := []struct {
		name, method, path, body string
		status                   int
		field                    string
	}{
		{"probability over 100", "POST", "/api/v1/deals", `{"title":"X","value":{"amount":100,"currency":"EUR"},"claimed":140}`, 422, "claimed"},
		{"probability in words", "POST", "/api/v1/deals", `{"title":"X","value":{"amount":100,"currency":"EUR"},"claimed":"alta"}`, 422, "claimed"},
		{"negative probability", "POST", "/api/v1/deals", `{"title":"X","value":{"amount":100,"currency":"EUR"},"claimed":-5}`, 422, "claimed"},
		{"unknown stage", "POST", "/api/v1/deals", `{"title":"X","value":{"amount":100,"currency":"EUR"},"stage":"firmado"}`, 422, "stage"},
		{"no name", "POST", "/api/v1/deals", `{"value":{"amount":100,"currency":"EUR"}}`, 422, "title"},
		{"currency of another client", "POST", "/api/v1/deals", `{"title":"X","client_id":"C-001","value":{"amount":100,"currency":"USD"}}`, 422, "currency"},
		{"unknown client", "POST", "/api/v1/deals", `{"title":"X","client_id":"ghost","value":{"amount":100,"currency":"EUR"}}`, 422, "client_id"},
		{"won without evidence at creation", "POST", "/api/v1/deals",
			`{"title":"X","value":{"amount":100,"currency":"EUR"},"outcome":"won","closed":"2026-11-20","created":"2026-11-01"}`, 422, "outcome"},
		{"signal on an unknown deal", "POST", "/api/v1/deals/ghost/signals", `{"kind":"meeting_held"}`, 422, "deal_id"},
		{"signal of an unknown kind", "POST", "/api/v1/deals/" + deal.ID + "/signals", `{"kind":"gut_feeling"}`, 422, "kind"},
		{"signal in the future", "POST", "/api/v1/deals/" + deal.ID + "/signals", `{"kind":"meeting_held","date":"2027-03-01"}`, 422, "date"},
		{"closing as neither", "POST", "/api/v1/deals/" + deal.ID + "/close", `{"outcome":"maybe"}`, 422, "outcome"},
		{"unknown stage filter", "GET", "/api/v1/deals?stage=firmado", "", 422, "stage"},
		{"bad stale filter", "GET", "/api/v1/deals?stale=quizas", "", 422, "stale"},
		{"bad period", "GET", "/api/v1/forecast?period=2026-Q5", "", 422, "period"},
		{"a deal that does not exist", "GET", "/api/v1/deals/ghost", "", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := f.api("owner", tc.method, tc.path, tc.body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			if p := problemOf(t, res, body); p.Field != tc.field {
				t.Errorf("field %q, want %q: %s", p.Field, tc.field, p.Detail)
			}
		})
	}
	if n, _ := f.st.Counts(bg); n[cartera.EntityDeals] != 150 {
		t.Errorf("a refused deal was stored: %d deals", n[cartera.EntityDeals])
	}
}

// The heart of pipeline realism: a "yes" is not a sale. Closing as won
// without a purchase order, contract or payment is refused with the
// explanation, and the deal stays open; with a signed contract it closes.
func TestClosingWonNeedsEvidence(t *testing.T) {
	f := newFixture(t)
	deal := f.someDeal("Lucía Ferrer")
	path := "/api/v1/deals/" + deal.ID
	res, body := f.api("seller", "POST", path+"/signals", `{"kind":"verbal_intent","source":"call","note":"Dice que sí"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("verbal intent: %d %s", res.StatusCode, body)
	}
	res, body = f.api("seller", "POST", path+"/close", `{"outcome":"won"}`, "Accept-Language", "en")
	p := problemOf(t, res, body)
	if res.StatusCode != http.StatusUnprocessableEntity || p.Field != "outcome" || p.Code != "invalid" ||
		!strings.Contains(p.Detail, "without proof") || !strings.Contains(p.Detail, "verbal intent") {
		t.Fatalf("won without proof: %d %+v", res.StatusCode, p)
	}
	if _, body = f.api("seller", "GET", path, ""); dealDoc(t, body).Outcome != cartera.OutcomeOpen {
		t.Fatalf("the refusal changed the deal: %s", body)
	}
	res, body = f.api("seller", "POST", path+"/signals", `{"kind":"contract_signed","source":"document","date":"2026-11-24"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("contract: %d %s", res.StatusCode, body)
	}
	var contract cartera.Signal
	json.Unmarshal([]byte(body), &contract)
	res, body = f.api("seller", "POST", path+"/close", `{"outcome":"won","date":"2026-11-25"}`)
	if d := dealDoc(t, body); res.StatusCode != 200 || d.Outcome != cartera.OutcomeWon || d.Closed.String() != "2026-11-25" {
		t.Fatalf("won with a contract: %d %s", res.StatusCode, body)
	}
	// The only proof of a won deal cannot be deleted.
	res, body = f.api("seller", "DELETE", path+"/signals/"+contract.ID, "")
	if res.StatusCode != http.StatusConflict {
		t.Errorf("deleting the proof: %d %s", res.StatusCode, body)
	}
	res, body = f.api("seller", "GET", path+"/signals", "")
	var list struct{ Items []cartera.Signal }
	if json.Unmarshal([]byte(body), &list); res.StatusCode != 200 || len(list.Items) < 2 || list.Items[0].Day < list.Items[len(list.Items)-1].Day {
		t.Errorf("signals newest first: %d %s", res.StatusCode, body)
	}
	// Lost, with the reason; a stale version is a conflict.
	other := f.someDeal("Carmen Ortega")
	res, body = f.api("owner", "POST", "/api/v1/deals/"+other.ID+"/close", `{"outcome":"lost","lost_reason":"precio"}`,
		"If-Match", `"99"`)
	if p := problemOf(t, res, body); res.StatusCode != http.StatusConflict || p.Current == nil {
		t.Errorf("stale close: %d %s", res.StatusCode, body)
	}
	res, body = f.api("owner", "POST", "/api/v1/deals/"+other.ID+"/close", `{"outcome":"lost","lost_reason":"precio","competitor":"Acme"}`)
	if d := dealDoc(t, body); res.StatusCode != 200 || d.Outcome != cartera.OutcomeLost || d.Competitor != "Acme" {
		t.Errorf("lost: %d %s", res.StatusCode, body)
	}
}

func TestSellersSeeOnlyTheirDeals(t *testing.T) {
	f := newFixture(t)
	mine, theirs := f.someDeal("Lucía Ferrer"), f.someDeal("Carmen Ortega")
	for _, path := range []string{"/api/v1/deals/" + theirs.ID, "/api/v1/deals/" + theirs.ID + "/assessment",
		"/api/v1/deals/" + theirs.ID + "/signals"} {
		if res, _ := f.api("seller", "GET", path, ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
	if res, _ := f.api("seller", "GET", "/api/v1/deals/"+mine.ID, ""); res.StatusCode != 200 {
		t.Errorf("own deal: %d", res.StatusCode)
	}
	res, body := f.api("seller", "POST", "/api/v1/deals/"+theirs.ID+"/close", `{"outcome":"lost"}`)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("closing another's deal: %d", res.StatusCode)
	}
	if res, body = f.api("seller", "POST", "/api/v1/deals/"+theirs.ID+"/signals", `{"kind":"no_reply","days":20}`); res.StatusCode != 422 {
		t.Errorf("signal on another's deal: %d %s", res.StatusCode, body)
	}
	// Lists, the board, the forecast and the calibration only hold theirs,
	// whatever filter they ask for.
	for _, path := range []string{"/api/v1/deals?limit=500", "/api/v1/deals?seller=Carmen+Ortega", "/api/v1/deals?stale=true",
		"/api/v1/pipeline/board", "/api/v1/pipeline/board?seller=Carmen+Ortega", "/api/v1/forecast?period=2026", "/api/v1/calibration"} {
		res, body := f.api("seller", "GET", path, "")
		empty := strings.Contains(body, `"items":[]`)
		if res.StatusCode != 200 || strings.Contains(body, "Carmen Ortega") || strings.Contains(body, "Andrés Molina") ||
			!strings.Contains(body, "Lucía Ferrer") && !empty {
			t.Errorf("%s: %d, leaks other sellers or misses hers", path, res.StatusCode)
		}
	}
	// New deals are theirs; they cannot give one away.
	res, body = f.api("seller", "POST", "/api/v1/deals", `{"title":"Mía","value":{"amount":100,"currency":"EUR"}}`)
	if d := dealDoc(t, body); res.StatusCode != 201 || d.Owner != "Lucía Ferrer" {
		t.Errorf("seller's new deal: %d %s", res.StatusCode, body)
	}
	res, body = f.api("seller", "POST", "/api/v1/deals", `{"title":"Regalo","owner":"Carmen Ortega","value":{"amount":100,"currency":"EUR"}}`)
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "owner" {
		t.Errorf("giving a deal away: %d %+v", res.StatusCode, p)
	}
	res, body = f.api("seller", "POST", "/api/v1/deals", `{"title":"X","client_id":"C-004","value":{"amount":100,"currency":"EUR"}}`)
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "client_id" {
		t.Errorf("a deal on another's client: %d %+v", res.StatusCode, p)
	}
	// Owners and managers filter by seller.
	_, body = f.api("manager", "GET", "/api/v1/pipeline/board?seller=carmen+ortega", "")
	if strings.Contains(body, "Lucía Ferrer") || !strings.Contains(body, "Carmen Ortega") {
		t.Errorf("the manager's seller filter")
	}
}

func TestBoardForecastAndCalibration(t *testing.T) {
	f := newFixture(t)
	res, body := f.api("owner", "GET", "/api/v1/pipeline/board", "")
	var b report.BoardOut
	if err := json.Unmarshal([]byte(body), &b); err != nil || res.StatusCode != 200 {
		t.Fatalf("board: %d %v", res.StatusCode, err)
	}
	if len(b.Columns) != 4 || b.Columns[0].Stage != "lead" || b.Columns[3].Stage != "negotiation" || b.Columns[2].Name != "propuesta" {
		t.Fatalf("columns in the pipeline's order: %+v", b.Columns)
	}
	open, stale := 0, 0
	for _, c := range b.Columns {
		open += c.Deals
		stale += c.Stale
		if c.Deals == 0 || len(c.Sums) == 0 || c.Rate <= 0 || len(c.Cards) == 0 || len(c.Cards) > boardCards {
			t.Errorf("column %s: %+v", c.Stage, c)
		}
		for _, s := range c.Sums {
			if s.Grounded > s.Value || s.Claimed > s.Value {
				t.Errorf("column %s sums: %+v", c.Stage, s)
			}
		}
	}
	if stale != b.Stale || b.Checks.Total != b.Stale || len(b.Checks.Deals) == 0 || !b.Checks.Deals[0].Stale {
		t.Errorf("stale counts: %d columns, %d board, %+v", stale, b.Stale, b.Checks.Total)
	}
	// Repeated requests are answered from the cache, with an ETag; a write
	// makes a new board.
	etag := res.Header.Get("ETag")
	if res, _ := f.api("owner", "GET", "/api/v1/pipeline/board", "", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("unchanged board: %d", res.StatusCode)
	}
	deal := f.someDeal("Lucía Ferrer")
	f.api("owner", "POST", "/api/v1/deals/"+deal.ID+"/signals", `{"kind":"status_check","note":"Llamada"}`)
	if res, _ := f.api("owner", "GET", "/api/v1/pipeline/board", "", "If-None-Match", etag); res.StatusCode != 200 {
		t.Errorf("board after a write: %d", res.StatusCode)
	}
	// The stale list agrees with the board.
	res, body = f.api("owner", "GET", "/api/v1/deals?stale=true&limit=5", "")
	var page struct {
		Items []report.GroundedJSON
		Total int
	}
	if json.Unmarshal([]byte(body), &page); res.StatusCode != 200 || len(page.Items) != 5 || page.Total < 5 {
		t.Fatalf("stale deals: %d %s", res.StatusCode, body[:min(len(body), 200)])
	}
	for _, g := range page.Items {
		if !g.Stale || g.Deal.Outcome != cartera.OutcomeOpen {
			t.Errorf("not a deal to check: %+v", g.Deal.ID)
		}
	}
	// Paging through every deal.
	seen, cursor := 0, ""
	for i := 0; i < 10; i++ {
		res, body = f.api("owner", "GET", "/api/v1/deals?limit=40&cursor="+cursor, "")
		var p struct {
			Items      []report.GroundedJSON
			NextCursor string `json:"next_cursor"`
		}
		json.Unmarshal([]byte(body), &p)
		seen += len(p.Items)
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if seen != 150 {
		t.Errorf("paged through %d deals, want 150", seen)
	}
	// The forecast: claimed, grounded and the gap between them.
	res, body = f.api("owner", "GET", "/api/v1/forecast?period=2026-Q4", "")
	var fc report.ForecastOut
	if json.Unmarshal([]byte(body), &fc); res.StatusCode != 200 || len(fc.Totals) != 1 || fc.Totals[0].Gap <= 0 ||
		fc.Totals[0].Gap != fc.Totals[0].Claimed-fc.Totals[0].Grounded || len(fc.Sellers) != 4 || len(fc.Carriers) == 0 {
		t.Errorf("forecast: %d %s", res.StatusCode, body[:min(len(body), 300)])
	}
	res, body = f.api("owner", "GET", "/api/v1/calibration", "")
	var cal struct {
		Overall struct{ Deals, ClaimedBrier, GroundedBrier int } `json:"overall"`
		Sellers []struct{ Seller string }
	}
	if json.Unmarshal([]byte(body), &cal); res.StatusCode != 200 || cal.Overall.Deals == 0 || len(cal.Sellers) != 4 {
		t.Errorf("calibration: %d %s", res.StatusCode, body[:min(len(body), 300)])
	}
}

func TestPipelineConfiguration(t *testing.T) {
	f := newFixture(t)
	res, body := f.api("seller", "GET", "/api/v1/pipeline", "")
	var pl report.PipelineJSON
	if json.Unmarshal([]byte(body), &pl); res.StatusCode != 200 || len(pl.Stages) != 4 {
		t.Fatalf("pipeline: %d %s", res.StatusCode, body)
	}
	// Probabilities are in percent, as in every other JSON.
	if pl.Stages[1].Prior != 25 || pl.CapNeedUnknown != 30 || pl.Floors[cartera.SignalContractSigned] != 95 ||
		pl.CategoryProbability[cartera.CategoryCommit] != 90 {
		t.Errorf("not in percent: %s", body)
	}
	pl.Stages[2].MaxAge = 21
	pl.Stages[2].Prior = 42.5
	pl.CapAnyNo = 2.25
	b, _ := json.Marshal(pl)
	if res, _ := f.api("manager", "PUT", "/api/v1/pipeline", string(b)); res.StatusCode != http.StatusForbidden {
		t.Errorf("a manager changing the pipeline: %d", res.StatusCode)
	}
	res, body = f.api("owner", "PUT", "/api/v1/pipeline", string(b))
	if res.StatusCode != 200 {
		t.Errorf("owner: %d %s", res.StatusCode, body)
	}
	// The pipeline is versioned like a record: later changes name the
	// version they were read at.
	etag := res.Header.Get("ETag")
	// Stored in basis points; read back in percent as it was sent.
	got, _ := f.st.Pipeline(bg)
	if got.Stages[2].MaxAge != 21 || got.Stages[2].Prior != 4250 || got.CapAnyNo != 225 || got.Shrinkage != pl.Shrinkage ||
		got.CapNeedUnknown != 3000 || got.Floors[cartera.SignalPaymentReceived] != 9900 {
		t.Errorf("stored: %+v", got)
	}
	var back report.PipelineJSON
	if json.Unmarshal([]byte(body), &back); back.Stages[2].Prior != 42.5 || back.CapAnyNo != 2.25 || back.Version != got.Version {
		t.Errorf("answer: %s", body)
	}
	_, again := f.api("seller", "GET", "/api/v1/pipeline", "")
	if again != body {
		t.Errorf("GET after PUT differs:\n%s\n%s", again, body)
	}
	// Removing a stage with open deals in it is a conflict.
	res, body = f.api("owner", "PUT", "/api/v1/pipeline", `{"stages":[{"id":"lead","prior":10,"max_age":30},{"id":"proposal","prior":40,"max_age":14}]}`,
		"If-Match", etag)
	if p := problemOf(t, res, body); res.StatusCode != http.StatusConflict {
		t.Errorf("removing a stage in use: %d %+v", res.StatusCode, p)
	}
	res, body = f.api("owner", "PUT", "/api/v1/pipeline", `{"stages":[]}`, "If-Match", etag)
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "stages" {
		t.Errorf("no stages: %d %+v", res.StatusCode, p)
	}
	// A prior given in basis points, as the API used to take them, is
	// out of range: refused, never stored as 1000 %.
	res, body = f.api("owner", "PUT", "/api/v1/pipeline", `{"stages":[{"id":"lead","prior":1000,"max_age":30}]}`, "If-Match", etag)
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "stages" {
		t.Errorf("a prior in basis points: %d %+v", res.StatusCode, p)
	}
	res, body = f.api("owner", "PUT", "/api/v1/pipeline", `{"cap_any_no": 150}`, "If-Match", etag)
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "caps" {
		t.Errorf("a cap over 100 %%: %d %+v", res.StatusCode, p)
	}
	// A body saved before calibration_horizon was removed is accepted;
	// the value is ignored.
	res, body = f.api("owner", "PUT", "/api/v1/pipeline", `{"calibration_horizon": 7, "shrinkage": 12}`, "If-Match", etag)
	if got, _ := f.st.Pipeline(bg); res.StatusCode != 200 || got.Shrinkage != 12 || strings.Contains(body, "calibration_horizon") {
		t.Errorf("an old body: %d %s", res.StatusCode, body)
	}
	// A stale write's conflict shows the stored pipeline in percent.
	res, body = f.api("owner", "PUT", "/api/v1/pipeline", `{"shrinkage": 5}`, "If-Match", "0")
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, `"shrinkage": 12`) {
		t.Errorf("stale: %d %s", res.StatusCode, body)
	}
}
