package web

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/review"
)

// The scheduled refit: before midnight, next to tomorrow's summaries, the
// backtest's decision is made as of today when the deals changed since it
// was last made — the first night (none stored yet), not a night without
// changes, again the night after a deal closed. The clock is the test's.
func TestServeRefitsNightlyWhenDealsChanged(t *testing.T) {
	f := newFixture(t)
	zone := demoZone(t, f)
	clock := &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, zone)}
	srv, _, _ := warmServer(t, f, clock)
	tick := func(day, h, m int) {
		t.Helper()
		clock.set(time.Date(2026, 11, day, h, m, 0, 0, zone))
		if err := srv.tick(bg); err != nil {
			t.Fatal(err)
		}
		srv.bg.wg.Wait()
	}
	fit := func() (cartera.Date, string) {
		t.Helper()
		snap, ok, err := review.LoadFit(bg, f.st)
		if err != nil || !ok {
			return 0, ""
		}
		return snap.AsOf, snap.Deals
	}
	tick(25, 12, 0) // midday: no refit
	if day, _ := fit(); day != 0 {
		t.Fatalf("refitted at midday (%s)", day)
	}
	tick(25, 23, 50)
	day, stamp := fit()
	if want, _ := review.DealsStamp(bg, f.st); day != cartera.DateOf(2026, 11, 25) || stamp != want {
		t.Fatalf("the first night: fit as of %s with stamp %q, want 2026-11-25 and %q", day, stamp, want)
	}
	tick(25, 23, 55) // once a night
	tick(26, 23, 50) // nothing changed since
	if d, _ := fit(); d != day {
		t.Errorf("refitted without a change: as of %s", d)
	}
	d, err := f.st.Deal(bg, "O-0002")
	if err != nil {
		t.Fatal(err)
	}
	d.Outcome, d.Closed = cartera.OutcomeLost, cartera.DateOf(2026, 11, 25) // the store's day
	if _, err := f.st.SaveDeal(bg, d); err != nil {
		t.Fatal(err)
	}
	tick(27, 23, 50)
	if d, s := fit(); d != cartera.DateOf(2026, 11, 27) || s == stamp {
		t.Errorf("after a deal closed: fit as of %s (stamp %q, was %q)", d, s, stamp)
	}
}

// The web's backtest stores its decision as `cartera backtest` does, and
// a web import that brings deals makes it again.
func TestWebBacktestAndImportStoreTheDecision(t *testing.T) {
	f := newFixture(t)
	res, body := f.api("owner", "GET", "/api/v1/backtest", "")
	if res.StatusCode != 200 {
		t.Fatalf("backtest: %d %s", res.StatusCode, body)
	}
	// The answer breaks the replay down by cut-off, as the CLI does.
	var bt struct {
		Cutoffs  []cartera.Date `json:"cutoffs"`
		ByCutoff []struct {
			Cutoff   cartera.Date `json:"cutoff"`
			Scored   int          `json:"scored"`
			Grounded *float64     `json:"grounded"`
			Base     *float64     `json:"base"`
			Uses     string       `json:"grounded_uses"`
		} `json:"by_cutoff"`
	}
	if err := json.Unmarshal([]byte(body), &bt); err != nil || len(bt.ByCutoff) == 0 || len(bt.ByCutoff) != len(bt.Cutoffs) {
		t.Fatalf("by cut-off: %v %+v", err, bt)
	}
	for i, c := range bt.ByCutoff {
		if c.Cutoff != bt.Cutoffs[i] || c.Scored > 0 && (c.Grounded == nil || c.Base == nil) || c.Uses == "" {
			t.Errorf("cut-off %d: %+v", i, c)
		}
	}
	snap, ok, err := review.LoadFit(bg, f.st)
	stamp, _ := review.DealsStamp(bg, f.st)
	if err != nil || !ok || snap.AsOf != cartera.DateOf(2026, 11, 25) || snap.Deals != stamp {
		t.Fatalf("stored: %v %+v %v", ok, snap, err)
	}
	// An import without deals leaves the decision alone.
	gen, _ := f.st.Generation(bg)
	upload := func(name, content string) {
		t.Helper()
		body, ct := multipartBody(t, map[string]string{name: content})
		req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/import", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+f.tokens["manager"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("import %s: %d %s", name, res.StatusCode, b)
		}
		f.srv.bg.wg.Wait()
	}
	upload("facturas.csv", "id;cliente;emitida;vence;importe\nF-X1;C-001;05/01/2026;04/02/2026;1.210,00\n")
	if after, _, _ := review.LoadFit(bg, f.st); after.Deals != stamp {
		t.Errorf("an import of invoices refitted: %+v", after)
	}
	upload("oportunidades.csv", "id;prospecto;importe;etapa;creada;cerrada;resultado\nO-W1;Acme;1.000,00;proposal;01/10/2026;20/11/2026;perdida\n")
	after, _, _ := review.LoadFit(bg, f.st)
	now, _ := review.DealsStamp(bg, f.st)
	if after.Deals != now || now == stamp {
		t.Errorf("an import of deals did not refit: stored %q, deals %q (before %q)", after.Deals, now, stamp)
	}
	if g, _ := f.st.Generation(bg); g == gen {
		t.Errorf("nothing was written")
	}
}

// The nightly refit follows signals and stage histories too: a night after
// a signal was recorded, and a night after a CRM's stage history was
// imported, the decision is made again; a night with neither is quiet.
// The clock is the test's.
func TestServeRefitsNightlyWhenSignalsOrStagesChanged(t *testing.T) {
	f := newFixture(t)
	zone := demoZone(t, f)
	clock := &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, zone)}
	srv, _, _ := warmServer(t, f, clock)
	night := func(day int) (cartera.Date, string) {
		t.Helper()
		clock.set(time.Date(2026, 11, day, 23, 50, 0, 0, zone))
		if err := srv.tick(bg); err != nil {
			t.Fatal(err)
		}
		srv.bg.wg.Wait()
		snap, ok, err := review.LoadFit(bg, f.st)
		if err != nil || !ok {
			t.Fatalf("no decision stored: %v", err)
		}
		return snap.AsOf, snap.Deals
	}
	_, first := night(25)
	if day, _ := night(26); day != cartera.DateOf(2026, 11, 25) {
		t.Fatalf("refitted without a change: as of %s", day)
	}
	if _, err := f.st.SaveSignal(bg, cartera.Signal{ID: "S-NEW", DealID: "O-0002", Kind: cartera.SignalMeetingHeld,
		Day: cartera.DateOf(2026, 11, 25)}); err != nil {
		t.Fatal(err)
	}
	day, afterSignal := night(27)
	if day != cartera.DateOf(2026, 11, 27) || afterSignal == first {
		t.Fatalf("after a signal: fit as of %s (stamp %q, was %q)", day, afterSignal, first)
	}
	d, err := f.st.Deal(bg, "O-0002")
	if err != nil {
		t.Fatal(err)
	}
	history := "oportunidad;fecha;etapa\nO-0002;" + d.Created.String() + ";lead\n"
	if _, err := csvio.Import(bg, f.st, []csvio.Source{csvio.BytesSource("etapas.csv", []byte(history))},
		csvio.Options{Location: zone, Now: clock.now(), Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	if day, s := night(28); day != cartera.DateOf(2026, 11, 28) || s == afterSignal {
		t.Errorf("after a stage history: fit as of %s (stamp %q, was %q)", day, s, afterSignal)
	}
}
