package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// The "slower payments" thresholds are settings like any other: shown with
// their label and default on the settings page, saved from its form, and
// refused, with the field named, when out of range.
func TestSlowerPaymentSettingsFromThePage(t *testing.T) {
	f := newFixture(t)
	o := f.signIn("owner")
	_, page := o.get("/settings")
	for _, want := range []string{"Pagos más lentos (días)", `name="slower_days" type="text" value="7"`,
		`name="slower_min_invoices" type="text" value="3"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the settings page lacks %q", want)
		}
	}
	pol, _ := f.st.Policy(bg)
	version := strconv.FormatInt(pol.Version, 10)
	res, body := o.postBody("/settings/policy", url.Values{"csrf": {o.csrf("/settings")}, "version": {version}, "slower_min_invoices": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="pol-slower_min_invoices-err"`) {
		t.Errorf("slower_min_invoices=1: %d, want 422 with the field's error", res.StatusCode)
	}
	if res := o.post("/settings/policy", url.Values{"csrf": {o.csrf("/settings")}, "version": {version},
		"slower_days": {"10"}, "slower_min_invoices": {"4"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if p, _ := f.st.Policy(bg); p.SlowerDays != 10 || p.SlowerMinInvoices != 4 {
		t.Errorf("stored %d days, %d invoices; want 10 and 4", p.SlowerDays, p.SlowerMinInvoices)
	}
}

// What would change a verdict reaches the client page and the API with the
// breach's trend, and a client whose abuse comes from one person shows the
// script for changing the interlocutor.
func TestClientPageSaysWhatWouldChangeIt(t *testing.T) {
	f := newFixture(t)
	o := f.signIn("owner")
	_, page := o.get("/clients/C-003") // Panadería Hermanos Gil: free hours over the line, rising
	if !strings.Contains(page, `id="change"`) || !strings.Contains(page, "Horas regaladas al mes, en aumento: pasa a «Mantener» el 31 ago 2027") {
		t.Errorf("the client page lacks the rising line's claim")
	}
	_, body := f.api("owner", "GET", "/api/v1/clients/C-003/assessment", "")
	if !strings.Contains(body, `"change.rising_quiet"`) || !strings.Contains(body, `"2027-08-31"`) {
		t.Errorf("the API lacks the rising line's claim: %.600s", body)
	}
	_, page = o.get("/clients/C-045") // Gimnasio Vértice: the yelling all comes from one contact
	for _, want := range []string{`id="script-title"`, "Guion: cambiar de interlocutor", "Javier Guerrero"} {
		if !strings.Contains(page, want) {
			t.Errorf("Gimnasio Vértice's page lacks %q", want)
		}
	}
}
