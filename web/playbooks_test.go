package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cartera/cartera/review"
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
	var doc review.ScriptOut
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
