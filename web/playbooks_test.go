package web

import (
	"bytes"
	"encoding/json"
	"github.com/cartera/cartera"
	"github.com/cartera/cartera/ical/icaltest"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera/report"
)

// The playbooks in the web app and the API: scripts, the guided incident
// flow, lost-deal plans, lessons, win/loss, the agenda and its calendar
// feed, referrals and holidays.

func TestScriptPageShowsEachArchetypeWithCopyableText(t *testing.T) {
	f := newFixture(t)
	es, en := f.signIn("owner"), f.english("manager")
	res, body := es.get("/clients/C-001/script")
	if res.StatusCode != 200 {
		t.Fatalf("script page: %d", res.StatusCode)
	}
	for _, want := range []string{"Guion para Talleres Ruiz", "Paga tarde", "Por qué encaja", "Di mejor:", `data-copy="script-late_payer-text"`,
		`id="script-late_payer-text"`, "Copiar guion"} {
		if !strings.Contains(body, want) {
			t.Errorf("Spanish script page lacks %q", want)
		}
	}
	if strings.Contains(body, "{{") || strings.Contains(body, "<no value>") {
		t.Errorf("a placeholder is left on the page")
	}
	// The copy button's text is the plain script, lines and all.
	copyText := regexp.MustCompile(`(?s)<pre class="copy-source" id="script-late_payer-text" hidden>(.*?)</pre>`).FindStringSubmatch(body)
	if copyText == nil || !strings.Contains(copyText[1], "✗ Tentación:") || !strings.Contains(copyText[1], "✓ Di mejor:") ||
		!strings.Contains(copyText[1], "Talleres Ruiz") || strings.Contains(copyText[1], "<") {
		t.Errorf("copy text: %q", copyText)
	}
	_, body = en.get("/clients/C-003/script")
	for _, want := range []string{"Script for Panadería Hermanos Gil", "Say instead:", "Boundaries: a message ready to send",
		`id="script-boundaries-text"`, `<blockquote class="msg">`} {
		if !strings.Contains(body, want) {
			t.Errorf("English script page lacks %q", want)
		}
	}
	// A client that fits nothing: said so, and why, archetype by archetype.
	_, body = es.get("/clients/C-006/script")
	if !strings.Contains(body, "No hay guion para este cliente") || !strings.Contains(body, "Paga razonablemente") {
		t.Errorf("no-match page does not explain why")
	}
	// An archetype the client does not fit is refused with the reason.
	res, body = es.get("/clients/C-001/script?archetype=yeller")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `role="alert"`) {
		t.Errorf("unmatched archetype: %d", res.StatusCode)
	}
	// A seller only reaches their own clients.
	seller := f.signIn("seller")
	if res, _ := seller.get("/clients/C-004/script"); res.StatusCode != http.StatusNotFound {
		t.Errorf("someone else's client: %d", res.StatusCode)
	}
}

func TestScriptAPIFormats(t *testing.T) {
	f := newFixture(t)
	res, body := f.api("owner", "GET", "/api/v1/clients/C-005/script", "")
	var doc report.ScriptOut
	if res.StatusCode != 200 || json.Unmarshal([]byte(body), &doc) != nil || len(doc.Sections) != 1 ||
		doc.Sections[0].Archetype != "non_listener" || len(doc.Boundaries) == 0 {
		t.Fatalf("json: %d %s", res.StatusCode, body)
	}
	res, body = f.api("owner", "GET", "/api/v1/clients/C-001/script?format=markdown", "", "Accept-Language", "en")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/markdown") || !strings.Contains(body, "##") {
		t.Errorf("markdown: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	res, body = f.api("owner", "GET", "/api/v1/clients/C-001/script?format=text", "")
	if res.StatusCode != 200 || !strings.Contains(body, "Di mejor:") {
		t.Errorf("text: %d %s", res.StatusCode, body)
	}
	// Nothing fits: JSON says so with the reasons; text is a problem.
	res, body = f.api("owner", "GET", "/api/v1/clients/C-006/script", "")
	if res.StatusCode != 200 || !strings.Contains(body, `"no_match":true`) || !strings.Contains(body, `"why_not"`) {
		t.Errorf("no match json: %d %s", res.StatusCode, body)
	}
	for _, lang := range []string{"es", "en"} {
		res, body = f.api("owner", "GET", "/api/v1/clients/C-006/script?format=text", "", "Accept-Language", lang)
		p := problemOf(t, res, body)
		if res.StatusCode != 422 || !strings.Contains(p.Detail, map[string]string{"es": "No hay guion", "en": "There is no script"}[lang]) {
			t.Errorf("no match text (%s): %d %+v", lang, res.StatusCode, p)
		}
	}
	res, body = f.api("owner", "GET", "/api/v1/clients/C-001/script?format=pdf", "")
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "format" {
		t.Errorf("bad format: %d %+v", res.StatusCode, p)
	}
	res, body = f.api("owner", "GET", "/api/v1/clients/C-001/script?archetype=ogre", "")
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "archetype" {
		t.Errorf("bad archetype: %d %+v", res.StatusCode, p)
	}
	if res, _ := f.api("seller", "GET", "/api/v1/clients/C-004/script", ""); res.StatusCode != 404 {
		t.Errorf("seller on another's client: %d", res.StatusCode)
	}
}

// incidentCount is how many incidents a client has.
func (f *fixture) incidentCount(clientID string) int {
	f.t.Helper()
	n := 0
	for after := ""; ; {
		xs, next, err := f.st.ListIncidents(bg, cartera.RecordQuery{ClientID: clientID, After: after, Limit: 500})
		if err != nil {
			f.t.Fatal(err)
		}
		n += len(xs)
		if next == "" {
			return n
		}
		after = next
	}
}

func TestGuidedIncidentFlowOneStepPerScreen(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("seller")
	csrf := b.csrf("/clients/C-001/incidents/new")
	res := b.post("/clients/C-001/incidents", url.Values{"csrf": {csrf}, "kind": {"insult"}, "severity": {"3"}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/clients/C-001/incidents/I-") {
		t.Fatalf("log: %d %s", res.StatusCode, loc)
	}
	_, body := b.get(loc)
	if !regexp.MustCompile(`coste relacional (bajo|medio|alto)`).MatchString(body) {
		t.Errorf("the standing does not name the relational level")
	}
	for _, want := range []string{"Incidente registrado", "Paso 1 de", `id="verdict"`, `data-step="separate"`} {
		if !strings.Contains(body, want) {
			t.Errorf("first step lacks %q", want)
		}
	}
	path := strings.TrimSuffix(loc, "?ok=incident")
	// The redirect question: yes leads to steering, no to leaving politely.
	_, body = b.get(path + "?step=redirect")
	if !strings.Contains(body, `data-step="proceed"`) || !strings.Contains(body, `data-step="close"`) {
		t.Errorf("redirect step lacks its two answers")
	}
	_, body = b.get(path + "?step=close")
	if !strings.Contains(body, `data-step="end"`) {
		t.Errorf("the last step does not end the flow")
	}
	if res, _ := b.get(path + "?step=nope"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown step: %d", res.StatusCode)
	}
	en := f.english("owner")
	if _, body := en.get(path + "?step=reins"); !strings.Contains(body, "Take the reins back") {
		t.Errorf("English step")
	}
	// Someone else's client, or an incident of another client, is not found.
	other := f.signIn("other")
	if res, _ := other.get(path); res.StatusCode != http.StatusNotFound {
		t.Errorf("another seller's client: %d", res.StatusCode)
	}
	if res, _ := f.signIn("owner").get(strings.Replace(path, "C-001", "C-004", 1)); res.StatusCode != http.StatusNotFound {
		t.Errorf("incident under the wrong client: %d", res.StatusCode)
	}
}

func TestNotListeningPlansTheFollowUpAroundHolidays(t *testing.T) {
	f := newFixture(t)
	// Wednesday 25 November; Thursday is made a holiday: two working days
	// later is Monday.
	for _, h := range []cartera.Holiday{{Day: cartera.DateOf(2026, time.November, 26), Name: "Fiesta local"},
		{Day: cartera.DateOf(2026, time.December, 8), Name: "Inmaculada"}} {
		if err := f.st.SaveHoliday(bg, h); err != nil {
			t.Fatal(err)
		}
	}
	res, body := f.api("owner", "POST", "/api/v1/clients/C-005/incidents", `{"kind":"not_listening","severity":3,"note":"Ignora el alcance"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("log: %d %s", res.StatusCode, body)
	}
	var out report.IncidentOut
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Listen == nil {
		t.Fatalf("%v %s", err, body)
	}
	if got := out.Listen.FollowUp.Due.String(); got != "2026-11-30" {
		t.Errorf("follow-up on %s, want Monday 2026-11-30", got)
	}
	if out.Listen.Lean.Text == "" || out.Listen.Interlocutor.Reason.Text == "" || out.Listen.Offer.Month.String() != "2026-11-01" {
		t.Errorf("plan incomplete: %+v", out.Listen)
	}
	if _, err := f.st.Task(bg, out.Listen.FollowUp.ID); err != nil {
		t.Errorf("follow-up not on the agenda: %v", err)
	}
	// The page shows the same plan.
	b := f.signIn("owner")
	_, page := b.get("/clients/C-005/incidents/" + out.Incident.ID)
	for _, want := range []string{"Segunda conversación", "30 nov 2026", `id="offer"`, `id="interlocutor"`, `id="framing"`} {
		if !strings.Contains(page, want) {
			t.Errorf("listen page lacks %q", want)
		}
	}
	// A follow-up on a holiday is refused, and nothing is written.
	before := f.incidentCount("C-005")
	for _, lang := range []string{"es", "en"} {
		res, body = f.api("owner", "POST", "/api/v1/clients/C-005/incidents", `{"kind":"not_listening","severity":3,"follow_up":"2026-12-08"}`,
			"Accept-Language", lang)
		p := problemOf(t, res, body)
		if res.StatusCode != 422 || p.Field != "follow_up" || !strings.Contains(p.Detail, map[string]string{"es": "festivo", "en": "holiday"}[lang]) {
			t.Errorf("holiday follow-up (%s): %d %+v", lang, res.StatusCode, p)
		}
	}
	if n := f.incidentCount("C-005"); n != before {
		t.Errorf("a refused incident was written: %d → %d", before, n)
	}
	// Bad input on the form keeps the values and writes nothing.
	csrf := b.csrf("/clients/C-005/incidents/new")
	res2, html := b.postBody("/clients/C-005/incidents", url.Values{"csrf": {csrf}, "kind": {"not_listening"}, "severity": {"3"},
		"follow_up": {"2026-11-29"}, "note": {"domingo"}})
	if res2.StatusCode != 422 || !strings.Contains(html, "domingo") || f.incidentCount("C-005") != before {
		t.Errorf("a Sunday follow-up: %d", res2.StatusCode)
	}
	// Unknown kinds and sellers on other clients are refused.
	res, body = f.api("owner", "POST", "/api/v1/clients/C-005/incidents", `{"kind":"rudeness","severity":3}`)
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "kind" {
		t.Errorf("bad kind: %d %+v", res.StatusCode, p)
	}
	if res, _ := f.api("seller", "POST", "/api/v1/clients/C-004/incidents", `{"kind":"insult","severity":3}`); res.StatusCode != 404 {
		t.Errorf("seller on another's client: %d", res.StatusCode)
	}
	res, body = f.api("seller", "POST", "/api/v1/clients/C-001/incidents", `{"kind":"yelling","severity":5}`)
	if res.StatusCode != 201 || !strings.Contains(body, `"guide"`) || !strings.Contains(body, `"level":"leave"`) {
		t.Errorf("yelling flow: %d %s", res.StatusCode, body)
	}
}

func TestClosingAsLostOnTheWebStartsThePlan(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("seller")
	d := f.someDeal("Lucía Ferrer")
	csrf := b.csrf(dealURL(d.ID))
	res := b.post(dealURL(d.ID)+"/close", url.Values{"csrf": {csrf}, "outcome": {"lost"}, "lost_reason": {"precio"},
		"competitor": {"Agencia Norte"}, "version": {itoa64(d.Version)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close as lost: %d", res.StatusCode)
	}
	tasks, err := f.st.Tasks(bg, cartera.TaskQuery{DealID: d.ID})
	if err != nil || len(tasks) != 4 {
		t.Fatalf("the plan has %d tasks (%v), want 4", len(tasks), err)
	}
	_, body := b.get(dealURL(d.ID))
	if !strings.Contains(body, `href="/deals/`+d.ID+`/plan"`) {
		t.Errorf("the lost deal does not link to its plan")
	}
	_, body = b.get(planURL(d.ID))
	for _, want := range []string{"Plan tras el «no»", "Recuperarse", "Llamada tras el «no»", "Puesta en común", "Volver a empezar",
		"¿El «no» es definitivo?", "Próximos clientes a trabajar"} {
		if !strings.Contains(body, want) {
			t.Errorf("plan page lacks %q", want)
		}
	}
	// The checklist is recorded, and the call's task is done.
	csrf = b.csrf(planURL(d.ID))
	res = b.post(planURL(d.ID)+"/reconnect", url.Values{"csrf": {csrf}, "really_no": {"yes"}, "respected": {"yes"},
		"competitor_won": {"yes"}, "competitor": {"Agencia Norte"}, "suggestions": {"Llamar antes de enviar el presupuesto"},
		"door_open": {"yes"}, "date": {"2026-11-25"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reconnect: %d", res.StatusCode)
	}
	rec, err := f.st.Reconnect(bg, d.ID)
	if err != nil || rec.ReallyNo != cartera.Yes || !rec.Respected || !rec.DoorOpen || rec.Suggestions != "Llamar antes de enviar el presupuesto" {
		t.Errorf("answers: %+v %v", rec, err)
	}
	// The debrief: lessons with topics and changes, searchable after.
	res = b.post(planURL(d.ID)+"/debrief", url.Values{"csrf": {csrf}, "happened": {"El cliente eligió el precio más bajo"},
		"better": {"Entender antes su presupuesto"}, "lesson": {"presupuesto: Preguntar por la gestión del presupuesto", ""},
		"change": {"Pregunta de presupuesto en la primera reunión", ""}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("debrief: %d", res.StatusCode)
	}
	hits, _ := f.st.SearchLessons(bg, cartera.LessonQuery{Text: "gestion"})
	if len(hits) == 0 || hits[0].Topic != "presupuesto" || hits[0].Change == "" {
		t.Errorf("lesson not stored as typed: %+v", hits)
	}
	_, body = b.get(planURL(d.ID))
	if !strings.Contains(body, "Pregunta de presupuesto en la primera reunión") || !strings.Contains(body, "Llamar antes de enviar") {
		t.Errorf("the plan does not show the answers and the change")
	}
	// Another seller cannot reach it.
	if res, _ := f.signIn("other").get(planURL(d.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("another seller's plan: %d", res.StatusCode)
	}
}

func TestChecklistOfADealNotLostIsRefused(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("seller")
	d := f.someDeal("Lucía Ferrer")
	res, body := b.get(planURL(d.ID))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "no está perdida") {
		t.Errorf("plan of an open deal: %d", res.StatusCode)
	}
	csrf := b.csrf(dealURL(d.ID))
	res, body = b.postBody(planURL(d.ID)+"/reconnect", url.Values{"csrf": {csrf}, "really_no": {"yes"}, "suggestions": {"nada"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "no está perdida") {
		t.Errorf("checklist on an open deal: %d", res.StatusCode)
	}
	if _, err := f.st.Reconnect(bg, d.ID); cartera.ErrorCode(err) != cartera.ENOTFOUND {
		t.Errorf("something was written: %v", err)
	}
	for _, lang := range []string{"es", "en"} {
		res, body = f.api("seller", "PUT", "/api/v1/deals/"+d.ID+"/reconnect", `{"really_no":"yes"}`, "Accept-Language", lang)
		p := problemOf(t, res, body)
		if res.StatusCode != 422 || !strings.Contains(p.Detail, map[string]string{"es": "no está perdida", "en": "not lost"}[lang]) {
			t.Errorf("API checklist on an open deal (%s): %d %+v", lang, res.StatusCode, p)
		}
	}
	if got, _ := f.st.Deal(bg, d.ID); got.Outcome != cartera.OutcomeOpen {
		t.Errorf("the deal changed: %s", got.Outcome)
	}
}

func TestLostPlanAPI(t *testing.T) {
	f := newFixture(t)
	d := f.someDeal("Lucía Ferrer")
	base := "/api/v1/deals/" + d.ID
	// A stale version is a conflict, and the deal stays open.
	res, body := f.api("seller", "POST", base+"/lost", `{"reason":"precio"}`, "If-Match", `"999"`)
	if p := problemOf(t, res, body); res.StatusCode != http.StatusConflict || p.Current == nil {
		t.Errorf("stale lost: %d %s", res.StatusCode, body)
	}
	if res, _ := f.api("other", "POST", base+"/lost", `{}`); res.StatusCode != 404 {
		t.Errorf("another seller's deal: %d", res.StatusCode)
	}
	res, body = f.api("seller", "POST", base+"/lost", `{"reason":"precio","competitor":"Grupo Cima"}`)
	var plan report.PlanOut
	if res.StatusCode != 200 || json.Unmarshal([]byte(body), &plan) != nil || len(plan.Tasks) != 4 || len(plan.Checklist) != 6 ||
		plan.Deal.Outcome != cartera.OutcomeLost {
		t.Fatalf("lost: %d %s", res.StatusCode, body)
	}
	for _, pr := range plan.Restart.Prospects {
		if pr.Owner != "Lucía Ferrer" {
			t.Errorf("a seller's plan proposes %s's deal %s", pr.Owner, pr.DealID)
		}
	}
	if res, _ := f.api("seller", "POST", base+"/lost", `{}`); res.StatusCode != http.StatusConflict {
		t.Errorf("losing a lost deal again: %d", res.StatusCode)
	}
	if res, body := f.api("seller", "GET", base+"/plan", ""); res.StatusCode != 200 || !strings.Contains(body, `"debrief_prompts"`) {
		t.Errorf("plan: %d", res.StatusCode)
	}
	res, body = f.api("seller", "PUT", base+"/reconnect", `{"really_no":"yes","respected":true,"competitor_won":"yes","door_open":true}`)
	if res.StatusCode != 200 || res.Header.Get("ETag") != `"1"` {
		t.Fatalf("reconnect: %d %s", res.StatusCode, body)
	}
	// Changing the answers needs the version read.
	if res, _ := f.api("seller", "PUT", base+"/reconnect", `{"really_no":"no"}`); res.StatusCode != http.StatusPreconditionRequired {
		t.Errorf("reconnect without version: %d", res.StatusCode)
	}
	if res, _ := f.api("seller", "PUT", base+"/reconnect", `{"really_no":"no","version":7}`); res.StatusCode != http.StatusConflict {
		t.Errorf("reconnect with a stale version: %d", res.StatusCode)
	}
	res, body = f.api("seller", "PUT", base+"/debrief", `{"happened":"Precio","lessons":[{"topic":"precio","text":"Anclar el valor antes","change":"Caso de éxito en la propuesta"}]}`)
	if res.StatusCode != 200 || !strings.Contains(body, "Caso de éxito en la propuesta") {
		t.Errorf("debrief: %d %s", res.StatusCode, body)
	}
	res, body = f.api("seller", "PUT", base+"/debrief", `{"version":1}`)
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "happened" {
		t.Errorf("empty debrief: %d %+v", res.StatusCode, p)
	}
	if db, _ := f.st.Debrief(bg, d.ID); len(db.Lessons) != 1 {
		t.Errorf("a refused debrief changed the lessons: %+v", db)
	}
}

// loseWithLesson closes a seller's open deal as lost through the API and
// saves a debrief with one lesson.
func (f *fixture) loseWithLesson(role, seller, competitor, lesson string) cartera.Deal {
	f.t.Helper()
	d := f.someDeal(seller)
	base := "/api/v1/deals/" + d.ID
	if res, body := f.api(role, "POST", base+"/lost", `{"reason":"Precio","competitor":"`+competitor+`"}`); res.StatusCode != 200 {
		f.t.Fatalf("lost: %d %s", res.StatusCode, body)
	}
	if res, body := f.api(role, "PUT", base+"/debrief", `{"happened":"Se fue por precio","lessons":[{"topic":"presupuesto","text":"`+lesson+`"}]}`); res.StatusCode != 200 {
		f.t.Fatalf("debrief: %d %s", res.StatusCode, body)
	}
	return d
}

func TestLessonsSearchIgnoresAccentsAndMarksMatches(t *testing.T) {
	f := newFixture(t)
	f.loseWithLesson("seller", "Lucía Ferrer", "Agencia Norte", "Preguntar por la gestión del presupuesto al principio")
	f.loseWithLesson("owner", "Carmen Ortega", "Grupo Cima", "Follow up the demo within two days")
	b := f.signIn("owner")
	_, body := b.get("/lessons?q=GESTION")
	if !strings.Contains(body, "<mark>gestión</mark>") || strings.Contains(body, "Follow up") {
		t.Errorf("accent-insensitive search with highlight:\n%s", body[strings.Index(body, "<main"):])
	}
	_, body = f.english("manager").get("/lessons?q=follow+dem")
	if !strings.Contains(body, "<mark>Follow</mark> up the <mark>dem</mark>o") || !strings.Contains(body, "Lessons learned") {
		t.Errorf("English search with prefixes")
	}
	// Hostile input is text, never query syntax, and escaped on the page.
	if res, body := b.get(`/lessons?q=%22%3Cscript%3E+OR+*`); res.StatusCode != 200 || strings.Contains(body, "<script>") {
		t.Errorf("hostile search: %d", res.StatusCode)
	}
	res, body := f.api("owner", "GET", "/api/v1/lessons?q=gestion", "")
	if res.StatusCode != 200 || !strings.Contains(body, "gestión del presupuesto") {
		t.Errorf("api: %d %s", res.StatusCode, body)
	}
	// A seller finds only the lessons of their own deals.
	if _, body := f.api("other", "GET", "/api/v1/lessons?q=gestion", ""); strings.Contains(body, "gestión") {
		t.Errorf("another seller's lessons leak: %s", body)
	}
	if res, body := f.api("owner", "GET", "/api/v1/lessons?limit=0", ""); res.StatusCode != 422 || problemOf(t, res, body).Field != "limit" {
		t.Errorf("bad limit: %d", res.StatusCode)
	}
}

func TestWinLossPageAndAPI(t *testing.T) {
	f := newFixture(t)
	f.loseWithLesson("seller", "Lucía Ferrer", "Agencia Norte", "Anclar el valor antes del precio")
	b := f.signIn("owner")
	res, body := b.get("/winloss?period=month")
	if res.StatusCode != 200 {
		t.Fatalf("page: %d", res.StatusCode)
	}
	for _, want := range []string{"Ganadas y perdidas", "Quién nos gana", "Agencia Norte", "Motivos de pérdida", `class="chart hbars winloss"`,
		`id="sellers"`} {
		if !strings.Contains(body, want) {
			t.Errorf("win/loss page lacks %q", want)
		}
	}
	_, body = f.signIn("seller").get("/winloss")
	if strings.Contains(body, `id="sellers"`) {
		t.Errorf("a seller sees the per-seller table")
	}
	res, body = f.api("owner", "GET", "/api/v1/winloss?period=year", "")
	var wl struct {
		Competitors []struct {
			Label string `json:"label"`
			Deals int    `json:"deals"`
		} `json:"competitors"`
		Lost int `json:"lost"`
	}
	if res.StatusCode != 200 || json.Unmarshal([]byte(body), &wl) != nil || wl.Lost == 0 {
		t.Fatalf("api: %d %s", res.StatusCode, body)
	}
	found := false
	for _, c := range wl.Competitors {
		found = found || (c.Label == "Agencia Norte" && c.Deals >= 1)
	}
	if !found {
		t.Errorf("the competitor who won is not counted: %+v", wl.Competitors)
	}
	// Another seller's analysis does not count Lucía's loss, whatever
	// seller they ask for.
	if _, body := f.api("other", "GET", "/api/v1/winloss?seller=Lucía+Ferrer", ""); strings.Contains(body, "Agencia Norte") {
		t.Errorf("a seller sees another seller's losses: %s", body)
	}
	for q, field := range map[string]string{"period=decade": "period", "from=2026-12-01&to=2026-01-01": "from", "to=mañana": "to"} {
		for _, lang := range []string{"es", "en"} {
			res, body := f.api("owner", "GET", "/api/v1/winloss?"+q, "", "Accept-Language", lang)
			if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != field || p.Detail == "" {
				t.Errorf("%s (%s): %d %+v", q, lang, res.StatusCode, p)
			}
		}
	}
	if res, _ := b.get("/winloss?period=decade"); res.StatusCode != 422 {
		t.Errorf("bad period on the page: %d", res.StatusCode)
	}
}

func TestAgendaPageAndTaskButtons(t *testing.T) {
	f := newFixture(t)
	d := f.loseWithLesson("seller", "Lucía Ferrer", "Agencia Norte", "Llamar antes")
	b := f.signIn("seller")
	_, body := b.get("/agenda?view=today")
	recover := "recover:" + d.ID
	if !strings.Contains(body, `id="t-`+recover+`"`) || !strings.Contains(body, "Recuperarte del «no»") {
		t.Fatalf("today's agenda lacks the recover task")
	}
	if _, body := f.signIn("other").get("/agenda"); strings.Contains(body, recover) {
		t.Errorf("another seller sees Lucía's tasks")
	}
	if _, body := f.signIn("owner").get("/agenda?owner=Carmen+Ortega"); strings.Contains(body, recover) {
		t.Errorf("the owner filter does not filter")
	}
	if _, body := f.signIn("manager").get("/agenda?view=week"); !strings.Contains(body, recover) {
		t.Errorf("a manager does not see the team's tasks")
	}
	csrf := b.csrf("/agenda")
	res := b.post("/agenda/tasks/"+recover+"/done", url.Values{"csrf": {csrf}, "back": {"/agenda?view=today"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/agenda?view=today&ok=task_done") {
		t.Fatalf("done: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if tk, _ := f.st.Task(bg, recover); tk.Status != cartera.TaskDone {
		t.Errorf("task is %s", tk.Status)
	}
	res = b.post("/agenda/tasks/"+recover+"/reopen", url.Values{"csrf": {csrf}})
	if tk, _ := f.st.Task(bg, recover); res.StatusCode != http.StatusSeeOther || tk.Status != cartera.TaskOpen {
		t.Errorf("reopen: %d %s", res.StatusCode, tk.Status)
	}
	// Snoozing onto a holiday is refused with the engine's reason.
	if err := f.st.SaveHoliday(bg, cartera.Holiday{Day: cartera.DateOf(2026, time.December, 8), Name: "Inmaculada"}); err != nil {
		t.Fatal(err)
	}
	res, body = b.postBody("/agenda/tasks/"+recover+"/snooze", url.Values{"csrf": {csrf}, "until": {"2026-12-08"}})
	if tk, _ := f.st.Task(bg, recover); res.StatusCode != 422 || !strings.Contains(body, "festivo") || tk.Status != cartera.TaskOpen {
		t.Errorf("snooze on a holiday: %d %s", res.StatusCode, tk.Status)
	}
	res = b.post("/agenda/tasks/"+recover+"/snooze", url.Values{"csrf": {csrf}, "until": {"2026-12-09"}})
	if tk, _ := f.st.Task(bg, recover); res.StatusCode != http.StatusSeeOther || tk.Status != cartera.TaskSnoozed {
		t.Errorf("snooze: %d %s", res.StatusCode, tk.Status)
	}
	// Without the CSRF token nothing happens.
	if res := b.post("/agenda/tasks/"+recover+"/reopen", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("no csrf: %d", res.StatusCode)
	}
}

func TestAgendaAPIAndTaskVersions(t *testing.T) {
	f := newFixture(t)
	d := f.loseWithLesson("seller", "Lucía Ferrer", "Agencia Norte", "Llamar antes")
	res, body := f.api("seller", "GET", "/api/v1/agenda?view=today", "")
	var a report.AgendaOut
	if res.StatusCode != 200 || json.Unmarshal([]byte(body), &a) != nil || len(a.Items) == 0 {
		t.Fatalf("agenda: %d %s", res.StatusCode, body)
	}
	id := "recover:" + d.ID
	path := "/api/v1/tasks/" + id
	if res, _ := f.api("other", "POST", path+"/done", ""); res.StatusCode != 404 {
		t.Errorf("another seller's task: %d", res.StatusCode)
	}
	res, body = f.api("seller", "POST", path+"/done", "", "If-Match", `"42"`)
	if p := problemOf(t, res, body); res.StatusCode != http.StatusConflict || p.Current == nil {
		t.Errorf("stale version: %d %s", res.StatusCode, body)
	}
	res, body = f.api("seller", "POST", path+"/done", "")
	if res.StatusCode != 200 || !strings.Contains(body, `"status":"done"`) || res.Header.Get("ETag") == "" {
		t.Errorf("done: %d %s", res.StatusCode, body)
	}
	if res, body := f.api("seller", "POST", path+"/reopen", `{}`); res.StatusCode != 200 || !strings.Contains(body, `"status":"open"`) {
		t.Errorf("reopen: %d %s", res.StatusCode, body)
	}
	res, body = f.api("seller", "POST", path+"/snooze", `{"until":"2026-11-28"}`, "Accept-Language", "en")
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "until" || !strings.Contains(p.Detail, "Saturday") {
		t.Errorf("snooze to a Saturday: %d %+v", res.StatusCode, p)
	}
	if res, _ := f.api("seller", "GET", "/api/v1/agenda?view=someday", ""); res.StatusCode != 422 {
		t.Errorf("bad view: %d", res.StatusCode)
	}
	if res, body := f.api("owner", "POST", "/api/v1/tasks/touch_ground:"+d.ID+"/done", ""); res.StatusCode != 422 ||
		problemOf(t, res, body).Code != cartera.EINVALID {
		t.Errorf("derived task: %d %s", res.StatusCode, body)
	}
}

func TestCalendarFeedRoundTripsAndWrongTokensLearnNothing(t *testing.T) {
	f := newFixture(t)
	d := f.loseWithLesson("seller", "Lucía Ferrer", "Agencia Norte", "Llamar antes")
	f.loseWithLesson("owner", "Carmen Ortega", "Grupo Cima", "Otra cosa")
	b := f.signIn("seller")
	csrf := b.csrf("/agenda")
	res, body := b.postBody("/agenda/calendar", url.Values{"csrf": {csrf}})
	m := regexp.MustCompile(`http://cartera\.test(/calendar/cal_[A-Za-z0-9_-]+\.ics)`).FindStringSubmatch(body)
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("no subscription address shown: %d", res.StatusCode)
	}
	feed := m[1]
	var logs bytes.Buffer
	f.srv.log = slog.New(slog.NewTextHandler(&logs, nil))
	anon := f.browser()
	res, ics := anon.get(feed)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	root, err := icaltest.Parse(ics)
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, ics)
	}
	uids := map[string]bool{}
	for _, c := range root.Subs {
		uids[c.Text("UID")] = true
		if c.Name != "VEVENT" || c.Text("SUMMARY") == "" {
			t.Errorf("entry %s: %s %q", c.Text("UID"), c.Name, c.Text("SUMMARY"))
		}
	}
	if !uids["reconnect:"+d.ID+"@cartera"] {
		t.Errorf("the feed lacks the seller's call: %v", uids)
	}
	for uid := range uids {
		if strings.Contains(uid, "Carmen") {
			t.Errorf("another seller's task in the feed: %s", uid)
		}
	}
	if strings.Contains(logs.String(), "cal_") || !strings.Contains(logs.String(), "/calendar/{file}") {
		t.Errorf("the access log shows the secret path:\n%s", logs.String())
	}
	// Wrong, malformed and revoked tokens all get the same bare 404.
	wrong := []string{"/calendar/cal_guess.ics", "/calendar/" + strings.TrimSuffix(strings.TrimPrefix(feed, "/calendar/"), ".ics"),
		"/calendar/..%2Fetc.ics", "/calendar/cal_" + strings.Repeat("x", 200) + ".ics"}
	res = b.post("/agenda/calendar/delete", url.Values{"csrf": {csrf}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	for _, p := range append(wrong, feed) {
		res, body := anon.get(p)
		if res.StatusCode != 404 || body != "404\n" {
			t.Errorf("%s: %d %q", p, res.StatusCode, body)
		}
	}
	// The API makes addresses too.
	res, body = f.api("manager", "POST", "/api/v1/calendar-token", "")
	if res.StatusCode != 201 || !strings.Contains(body, "/calendar/cal_") {
		t.Errorf("api token: %d %s", res.StatusCode, body)
	}
}

func TestReferralsNeedContactData(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"es", "en"} {
		res, body := f.api("manager", "POST", "/api/v1/referrals", `{"service":"Diseño web","name":"Estudio Alba"}`, "Accept-Language", lang)
		if p := problemOf(t, res, body); res.StatusCode != 422 || p.Detail == "" {
			t.Errorf("referral without contact (%s): %d %+v", lang, res.StatusCode, p)
		}
	}
	if _, body := f.api("seller", "GET", "/api/v1/referrals", ""); strings.Contains(body, "Estudio Alba") {
		t.Errorf("a refused referral was saved")
	}
	res, body := f.api("manager", "POST", "/api/v1/referrals", `{"service":"Diseño web","name":"Estudio Alba","email":"hola@alba.example"}`)
	if res.StatusCode != 201 {
		t.Fatalf("referral: %d %s", res.StatusCode, body)
	}
	var ref cartera.Referral
	json.Unmarshal([]byte(body), &ref)
	if _, body := f.api("seller", "GET", "/api/v1/referrals", ""); !strings.Contains(body, "hola@alba.example") {
		t.Errorf("the list lacks the referral: %s", body)
	}
	if res, _ := f.api("seller", "POST", "/api/v1/referrals", `{"service":"x","name":"y","email":"a@b.example"}`); res.StatusCode != 403 {
		t.Errorf("a seller adds referrals: %d", res.StatusCode)
	}
	if res, _ := f.api("manager", "DELETE", "/api/v1/referrals/"+ref.ID, "", "If-Match", `"9"`); res.StatusCode != http.StatusConflict {
		t.Errorf("stale delete: %d", res.StatusCode)
	}
	if res, _ := f.api("manager", "DELETE", "/api/v1/referrals/"+ref.ID, ""); res.StatusCode != 204 {
		t.Errorf("delete: %d", res.StatusCode)
	}
	// The settings form keeps what was typed and says what is missing.
	b := f.signIn("owner")
	csrf := b.csrf("/settings")
	res, html := b.postBody("/settings/referrals", url.Values{"csrf": {csrf}, "service": {"Fotografía"}, "name": {"Luz Norte"}})
	if res.StatusCode != 422 || !strings.Contains(html, `id="referrals-error"`) || !strings.Contains(html, "Luz Norte") {
		t.Errorf("settings form without contact: %d", res.StatusCode)
	}
	res = b.post("/settings/referrals", url.Values{"csrf": {csrf}, "service": {"Fotografía"}, "name": {"Luz Norte"}, "phone": {"+34 600 000 000"}})
	if _, html := b.get("/settings"); res.StatusCode != http.StatusSeeOther || !strings.Contains(html, "Luz Norte") {
		t.Errorf("settings form: %d", res.StatusCode)
	}
}

func TestHolidaysMoveAndRefuseFollowUps(t *testing.T) {
	f := newFixture(t)
	res, body := f.api("owner", "POST", "/api/v1/holidays", `{"date":"2026-11-27","name":"Fiesta local"}`)
	if res.StatusCode != 201 {
		t.Fatalf("holiday: %d %s", res.StatusCode, body)
	}
	if _, body := f.api("seller", "GET", "/api/v1/holidays", ""); !strings.Contains(body, "2026-11-27") {
		t.Errorf("list: %s", body)
	}
	// Two working days after Wednesday skip the Friday holiday.
	res, body = f.api("owner", "POST", "/api/v1/clients/C-005/incidents", `{"kind":"not_listening","severity":2}`)
	if res.StatusCode != 201 || !strings.Contains(body, `"due":"2026-11-30"`) {
		t.Errorf("follow-up around the holiday: %d %s", res.StatusCode, body)
	}
	// Choosing the holiday itself is refused, and nothing is written.
	before := f.incidentCount("C-005")
	res, body = f.api("owner", "POST", "/api/v1/clients/C-005/incidents", `{"kind":"not_listening","severity":2,"follow_up":"2026-11-27"}`)
	if p := problemOf(t, res, body); res.StatusCode != 422 || p.Field != "follow_up" || f.incidentCount("C-005") != before {
		t.Errorf("follow-up on the holiday: %d %+v", res.StatusCode, p)
	}
	if res, _ := f.api("owner", "POST", "/api/v1/holidays", `{"name":"sin día"}`); res.StatusCode != 422 {
		t.Errorf("holiday without a day: %d", res.StatusCode)
	}
	b := f.signIn("manager")
	csrf := b.csrf("/settings")
	if res := b.post("/settings/holidays/2026-11-27/delete", url.Values{"csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("delete from settings: %d", res.StatusCode)
	}
	if res, _ := f.api("owner", "DELETE", "/api/v1/holidays/2026-11-27", ""); res.StatusCode != 404 {
		t.Errorf("deleting a deleted holiday: %d", res.StatusCode)
	}
	if res, _ := f.api("seller", "POST", "/api/v1/holidays", `{"date":"2026-12-24"}`); res.StatusCode != 403 {
		t.Errorf("a seller adds holidays: %d", res.StatusCode)
	}
}

func TestPlanTaskButtonsComeBackToThePlan(t *testing.T) {
	f := newFixture(t)
	d := f.loseWithLesson("seller", "Lucía Ferrer", "Agencia Norte", "Llamar antes")
	b := f.signIn("seller")
	_, body := b.get(planURL(d.ID))
	if !strings.Contains(body, `data-task="recover"`) {
		t.Fatalf("the plan has no task buttons")
	}
	csrf := b.csrf(planURL(d.ID))
	res := b.post("/agenda/tasks/recover:"+d.ID+"/done", url.Values{"csrf": {csrf}, "back": {planURL(d.ID) + "#tasks"}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, planURL(d.ID)) {
		t.Errorf("done from the plan: %d %s", res.StatusCode, loc)
	}
	// Elsewhere is not a place to go back to.
	res = b.post("/agenda/tasks/recover:"+d.ID+"/reopen", url.Values{"csrf": {csrf}, "back": {"//evil.example/agenda"}})
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/agenda?") {
		t.Errorf("open redirect: %s", loc)
	}
	res = b.post("/agenda/tasks/recover:"+d.ID+"/done", url.Values{"csrf": {csrf}, "version": {"99"}, "back": {planURL(d.ID)}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("stale version from the plan: %d", res.StatusCode)
	}
}
