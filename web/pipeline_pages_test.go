package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
)

// english signs a browser in as a role and switches it to English.
func (f *fixture) english(role string) *client {
	f.t.Helper()
	b := f.signIn(role)
	if res := b.post("/lang", url.Values{"csrf": {b.csrf("/settings")}, "lang": {"en"}, "next": {"/settings"}}); res.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("switching to English: %d", res.StatusCode)
	}
	return b
}

func TestPipelinePagesInBothLanguages(t *testing.T) {
	f := newFixture(t)
	es, en := f.signIn("owner"), f.english("manager")
	tests := []struct {
		path   string
		es, en []string
	}{
		{"/pipeline", []string{"Ventas en curso", "Contacto inicial", "negociación", "sin comprobar", "Comprobar cómo está ahora",
			"Declarado", "Fundado", "Portal de clientes", "declarado →", `class="probbars"`},
			[]string{"Sales pipeline", "negotiation", "unchecked", "Check where it stands now", "Claimed", "Grounded", "claimed →"}},
		{"/pipeline/deals/O-0002", []string{"Portal de clientes", "declarado a 5\u00a0% fundado", "Punto de partida", "Pruebas · 5",
			"Segundo correo sin contestar", "Cualificación", "Registrar una señal", "Cerrar la oportunidad", "Cambiar de etapa", "Fisioterapia Moreno"},
			[]string{"From 90% claimed to 5% grounded", "Evidence · 5", "Qualification", "Record a signal", "Close the deal"}},
		{"/pipeline/new", []string{"Nueva oportunidad", "Probabilidad que le das", "Cualificación"}, []string{"New deal", "Probability you give it"}},
		{"/forecast?period=2026-Q4", []string{"Previsión de ventas · T4 2026", "Ilusión", "Ya ganado", "Declarado frente a fundado, por vendedor",
			`role="img"`, "<desc", "Andrés Molina", "Las que más ilusión cargan", "Calibración: 220 evaluaciones de oportunidades ya cerradas",
			"Fiabilidad", "calibración perfecta", "Todo el equipo"},
			[]string{"Sales forecast · Q4 2026", "Illusion", "Already won", "Claimed against grounded, by seller", "Reliability", "perfect calibration"}},
		{"/backtest", []string{"Backtest: ¿de qué número fiarse?", "Corte a corte", "1 feb 2025", "Usa", "tasa base"},
			[]string{"Backtest: which number to trust", "Cut-off by cut-off", "Feb 1, 2025", "Uses", "base rate"}},
		{"/dashboard", []string{"Ventas de T4 2026: lo que hay y lo que se cuenta", "es ilusión", `href="/pipeline"`}, []string{"is illusion"}},
	}
	for _, tc := range tests {
		for lang, b := range map[string]*client{"es": es, "en": en} {
			res, body := b.get(tc.path)
			if res.StatusCode != 200 {
				t.Errorf("%s %s: %d", lang, tc.path, res.StatusCode)
				continue
			}
			want := tc.es
			if lang == "en" {
				want = tc.en
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s %s lacks %q", lang, tc.path, w)
				}
			}
		}
	}
	if res, _ := es.get("/forecast?period=2026-Q9"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad period: %d", res.StatusCode)
	}
	if res, _ := es.get("/pipeline/deals/ghost"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown deal: %d", res.StatusCode)
	}
	// The navigation leads to both pages.
	_, body := es.get("/clients")
	if !strings.Contains(body, `href="/pipeline"`) || !strings.Contains(body, `href="/forecast"`) {
		t.Errorf("the navigation lacks the pipeline or the forecast")
	}
}

func TestSellersSeeOnlyTheirDealsOnThePages(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("seller")
	for _, path := range []string{"/pipeline", "/pipeline?seller=Carmen+Ortega", "/forecast?period=2026", "/dashboard"} {
		res, body := b.get(path)
		if res.StatusCode != 200 || strings.Contains(body, "Andrés Molina") || strings.Contains(body, "Carmen Ortega") {
			t.Errorf("%s: %d, shows another seller", path, res.StatusCode)
		}
	}
	if res, _ := b.get("/pipeline/deals/O-0002"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another seller's deal: %d", res.StatusCode)
	}
	res := b.post("/pipeline/deals/O-0002/close", url.Values{"csrf": {b.csrf("/pipeline")}, "outcome": {"lost"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("closing another seller's deal: %d", res.StatusCode)
	}
	if d, _ := f.st.Deal(bg, "O-0002"); d.Outcome != cartera.OutcomeOpen {
		t.Errorf("the deal was closed")
	}
	_, body := f.signIn("manager").get("/pipeline")
	if !strings.Contains(body, `<option value="Carmen Ortega"`) {
		t.Errorf("managers filter by seller")
	}
}

// On the page, as in the API: "won" without proof is refused with the
// store's explanation in the form, the deal stays open, and the page
// offers to record the verbal yes as a signal; with a signed contract
// recorded, it closes.
func TestClosingAsWonFromTheDealPage(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("seller")
	deal := f.someDeal("Lucía Ferrer")
	path := dealURL(deal.ID)
	csrf := b.csrf(path)
	res, body := b.postBody(path+"/close", url.Values{"csrf": {csrf}, "outcome": {"won"}, "date": {"2026-11-25"},
		"version": {itoa64(deal.Version)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="close-error"`) ||
		!strings.Contains(body, "no se puede dar por ganada sin una prueba") || !strings.Contains(body, "?kind=verbal_intent#signal") {
		t.Fatalf("won without proof: %d", res.StatusCode)
	}
	if d, _ := f.st.Deal(bg, deal.ID); d.Outcome != cartera.OutcomeOpen {
		t.Fatalf("the refused close changed the deal")
	}
	if !strings.Contains(body, `>abierta<`) {
		t.Errorf("the page must show the deal still open")
	}
	// The offer preselects the verbal intent.
	if _, body = b.get(path + "?kind=verbal_intent"); !strings.Contains(body, `value="verbal_intent" required checked`) {
		t.Errorf("verbal intent not preselected")
	}
	// A signal with an error comes back with its values.
	res, body = b.postBody(path+"/signals", url.Values{"csrf": {csrf}, "kind": {"contract_signed"}, "date": {"2027-01-10"},
		"note": {"guardada"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="signal-error"`) || !strings.Contains(body, "guardada") {
		t.Errorf("future signal: %d", res.StatusCode)
	}
	res = b.post(path+"/signals", url.Values{"csrf": {csrf}, "kind": {"contract_signed"}, "date": {"2026-11-24"}, "source": {"document"},
		"note": {"Firmado por la gerente"}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "ok=signal") {
		t.Fatalf("contract: %d", res.StatusCode)
	}
	_, body = b.get(path)
	if !strings.Contains(body, "Contrato firmado") || !strings.Contains(body, "Firmado por la gerente") {
		t.Errorf("the evidence shows the contract")
	}
	res = b.post(path+"/close", url.Values{"csrf": {csrf}, "outcome": {"won"}, "date": {"2026-11-25"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("won with a contract: %d", res.StatusCode)
	}
	if d, _ := f.st.Deal(bg, deal.ID); d.Outcome != cartera.OutcomeWon || d.Closed.String() != "2026-11-25" {
		t.Errorf("closed deal: %+v", d)
	}
	_, body = b.get(path)
	if !strings.Contains(body, "ganada") || strings.Contains(body, `action="`+path+`/close"`) {
		t.Errorf("a won deal shows its outcome and no close form")
	}
	// Without the CSRF value nothing happens.
	if res := b.post(path+"/signals", url.Values{"kind": {"meeting_held"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("signal without csrf: %d", res.StatusCode)
	}
}

func TestCreatingAndMovingADealFromThePages(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("seller")
	csrf := b.csrf("/pipeline/new?client=C-001")
	form := url.Values{"csrf": {csrf}, "title": {"Tienda online"}, "client_id": {"C-001"}, "value": {"12.500,50"}, "stage": {"qualified"},
		"expected_close": {"2027-01-31"}, "claimed": {"140"}, "category": {"best_case"}, "need": {"yes"}, "capacity": {"unknown"},
		"decision_maker": {"no"}}
	res, body := b.postBody("/pipeline/deals", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="claimed" name="claimed" type="text" inputmode="decimal" value="140" aria-invalid="true"`) ||
		!strings.Contains(body, "Tienda online") {
		t.Fatalf("probability 140: %d", res.StatusCode)
	}
	form.Set("claimed", "alta")
	if res, _ := b.postBody("/pipeline/deals", form); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("probability in words: %d", res.StatusCode)
	}
	form.Set("claimed", "62,5")
	res = b.post("/pipeline/deals", form)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/pipeline/deals/D-") {
		t.Fatalf("create: %d %s", res.StatusCode, loc)
	}
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/pipeline/deals/")
	d, err := f.st.Deal(bg, id)
	if err != nil || d.Owner != "Lucía Ferrer" || d.Value.Amount != 1250050 || d.Value.Currency != "EUR" || d.Claimed != 6250 ||
		d.Stage != "qualified" || d.Qualification.DecisionMaker != cartera.No {
		t.Fatalf("stored: %+v %v", d, err)
	}
	res = b.post(dealURL(id)+"/stage", url.Values{"csrf": {csrf}, "stage": {"proposal"}, "version": {itoa64(d.Version)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", res.StatusCode)
	}
	if d, _ := f.st.Deal(bg, id); d.Stage != "proposal" {
		t.Errorf("moved to %s", d.Stage)
	}
	// Moving with the version read before someone else's change: the form
	// says so (409) and the deal keeps the other change.
	res, body = b.postBody(dealURL(id)+"/stage", url.Values{"csrf": {csrf}, "stage": {"negotiation"}, "version": {itoa64(d.Version)}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, `role="alert"`) {
		t.Errorf("stale move: %d", res.StatusCode)
	}
	res, _ = b.postBody(dealURL(id)+"/stage", url.Values{"csrf": {csrf}, "stage": {"signed"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown stage: %d", res.StatusCode)
	}
	// The currency must be the client's.
	form.Set("currency", "USD")
	if res, body := b.postBody("/pipeline/deals", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="currency" name="currency" type="text" maxlength="3" value="USD" aria-invalid="true"`) {
		t.Errorf("currency mismatch: %d", res.StatusCode)
	}
}

func TestHostileDealTextIsEscaped(t *testing.T) {
	f := newFixture(t)
	xss := `<script>alert("x")</script>`
	body, _ := json.Marshal(map[string]any{"id": "evil", "title": xss, "owner": xss, "prospect": xss, "lost_reason": xss,
		"value": map[string]any{"amount": 100, "currency": "EUR"}, "expected_close": "2026-12-01"})
	if res, b := f.api("owner", "POST", "/api/v1/deals", string(body)); res.StatusCode != 201 {
		t.Fatalf("create: %d %s", res.StatusCode, b)
	}
	sig, _ := json.Marshal(map[string]any{"kind": "meeting_held", "note": xss})
	f.api("owner", "POST", "/api/v1/deals/evil/signals", string(sig))
	b := f.signIn("owner")
	for _, p := range []string{"/pipeline", "/pipeline/deals/evil", "/forecast", "/pipeline?seller=" + url.QueryEscape(xss)} {
		res, html := b.get(p)
		if res.StatusCode != 200 || strings.Contains(html, "<script>alert") {
			t.Errorf("%s: %d, payload rendered as markup", p, res.StatusCode)
		}
	}
}

// Every message key a template names literally must be in both catalogs:
// the i18n tests check the keys in Go code, this checks the templates.
func TestTemplateKeysExist(t *testing.T) {
	t.Parallel()
	keyRe := regexp.MustCompile(`\bT "([a-z0-9_]+(?:\.[a-z0-9_]+)+)"`)
	files, _ := filepath.Glob("templates/*.html")
	es, en := i18n.New(i18n.ES, nil), i18n.New(i18n.EN, nil)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			n++
			if !es.Has(m[1]) || !en.Has(m[1]) {
				t.Errorf("%s uses %s, missing from a catalog", f, m[1])
			}
		}
	}
	if n < 100 {
		t.Errorf("found only %d keys: the scan is broken", n)
	}
}

// An open deal without an expected close date is left out of every
// period: the forecast page and the API say so and name the column to map.
func TestForecastHintsUndatedDeals(t *testing.T) {
	f := newFixture(t)
	res, body := f.api("owner", "POST", "/api/v1/deals", `{"title":"Sin fecha","client_id":"C-001","owner":"Lucía Ferrer",
		"value":{"amount":1200000,"currency":"EUR"},"stage":"proposal"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	res, body = f.api("owner", "GET", "/api/v1/forecast?period=2026-Q4", "")
	var fc report.ForecastOut
	if json.Unmarshal([]byte(body), &fc); res.StatusCode != 200 || fc.Undated != 1 || len(fc.Hints) != 1 ||
		fc.Hints[0].Code != "forecast.undated_hint" || !strings.Contains(fc.Hints[0].Text, "cierre_previsto") {
		t.Errorf("forecast: %d undated %d hints %+v", res.StatusCode, fc.Undated, fc.Hints)
	}
	_, page := f.signIn("owner").get("/forecast?period=2026-Q4")
	if !strings.Contains(page, "1 oportunidad abierta no tiene fecha de cierre prevista") || !strings.Contains(page, "cierre_previsto (expected_close)") {
		t.Errorf("the page gives no hint")
	}
}
