package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A decision from the client page: agreeing is one click, overriding needs
// a reason, and /decisions lists it for owners and managers.
func TestDecisionsFromTheClientPage(t *testing.T) {
	f := newFixture(t)
	s := f.signIn("seller")
	csrf := s.csrf("/settings")
	_, page := s.get("/clients/C-001")
	if !strings.Contains(page, `name="decision"`) || !strings.Contains(page, "De acuerdo: ") {
		t.Fatalf("no decision form on the client page:\n%s", page)
	}
	if res := s.post("/clients/C-001/decisions", url.Values{"csrf": {csrf}, "decision": {"agree"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("agree: %d", res.StatusCode)
	}
	res, page := s.postBody("/clients/C-001/decisions", url.Values{"csrf": {csrf}, "decision": {"keep"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "di por qué") {
		t.Fatalf("an override without a reason: %d", res.StatusCode)
	}
	if res := s.post("/clients/C-001/decisions", url.Values{"csrf": {csrf}, "decision": {"keep"}, "reason": {"Nos paga en especie"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("override: %d", res.StatusCode)
	}
	if res, _ := s.get("/decisions"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a seller on /decisions: %d", res.StatusCode)
	}
	m := f.signIn("manager")
	_, page = m.get("/decisions")
	if !strings.Contains(page, "Nos paga en especie") {
		t.Errorf("/decisions does not list the override:\n%s", page)
	}
	_, body := f.api("owner", "GET", "/api/v1/decisions", "")
	if !strings.Contains(body, `"overridden":1`) {
		t.Errorf("API: %s", body)
	}
}
