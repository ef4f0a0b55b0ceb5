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
