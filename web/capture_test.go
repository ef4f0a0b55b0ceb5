package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

// A calendar uploaded on the import page becomes meeting signals, with a
// dry run first; the unmatched attendee is listed on /matches, and a rule
// made there takes it off.
func TestImportPageTakesACalendar(t *testing.T) {
	f := newFixture(t)
	// A client of the demo with an open deal and a contact with an address.
	var contacts []cartera.Contact
	deals, _, _ := f.st.ListDeals(bg, cartera.DealQuery{Outcome: cartera.OutcomeOpen, Limit: 200})
	for _, d := range deals {
		if d.ClientID == "" || d.Created > cartera.DateOf(2026, 11, 1) {
			continue
		}
		if cs, _ := f.st.Contacts(bg, d.ClientID); len(cs) > 0 && cs[0].Email != "" {
			contacts = cs
			break
		}
	}
	if len(contacts) == 0 {
		t.Fatal("no client of the demo has an open deal and a contact with an e-mail")
	}
	ics := strings.Join([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:web-1@test",
		"DTSTART:20261120T100000Z", "DTEND:20261120T110000Z", "SUMMARY:Revisión", "ORGANIZER:mailto:" + f.users["manager"].Email,
		"ATTENDEE;PARTSTAT=ACCEPTED:mailto:" + contacts[0].Email, "ATTENDEE;CN=Desconocida:mailto:nadie@fuera.example",
		"END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
	m := f.signIn("manager")
	csrf := m.csrf("/import")
	res, page := m.pageUpload(csrf, map[string]string{"agenda.ics": ics}, map[string]string{"dry_run": "1"})
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "agenda.ics → calendario (ics): 1 leídos, 1 con clientes") ||
		!strings.Contains(page, "se crearían") {
		t.Fatalf("dry run: %d\n%s", res.StatusCode, page)
	}
	before, _ := f.st.Counts(bg)
	res, page = m.pageUpload(csrf, map[string]string{"agenda.ics": ics}, nil)
	after, _ := f.st.Counts(bg)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "creados:") || after[cartera.EntitySignals] <= before[cartera.EntitySignals] {
		t.Fatalf("import: %d signals %d → %d\n%s", res.StatusCode, before[cartera.EntitySignals], after[cartera.EntitySignals], page)
	}
	_, page = m.get("/matches")
	if !strings.Contains(page, "nadie@fuera.example") || !strings.Contains(page, "Desconocida") {
		t.Fatalf("/matches lacks the unmatched attendee:\n%s", page)
	}
	res = m.post("/matches", url.Values{"csrf": {csrf}, "kind": {"email"}, "value": {"nadie@fuera.example"}, "role": {"ignore"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save rule: %d", res.StatusCode)
	}
	if un, _ := f.st.UnmatchedItems(bg); len(un) != 0 {
		t.Fatalf("still unmatched: %+v", un)
	}
	res, page = m.postBody("/matches", url.Values{"csrf": {csrf}, "kind": {"domain"}, "value": {"x.example"}, "role": {"client"}, "client_id": {"NOPE"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "NOPE") {
		t.Fatalf("a rule for a client that does not exist: %d", res.StatusCode)
	}
}

// A seller sees and answers only their own clients' candidates; another
// client's is not found, as the client would be.
func TestCandidatesAreAnsweredPerClient(t *testing.T) {
	f := newFixture(t)
	tx, err := f.st.BeginImport(bg)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 22, 15, 0, 0, time.UTC)
	for _, c := range []string{"C-001", "C-004"} {
		if err := tx.PutCandidates(bg, []cartera.Candidate{{ID: "cand-" + c, ClientID: c, At: at, Kind: cartera.KindOutOfHours,
			Reason: cartera.M("candidate.protected_hours"), Subject: "Asunto de " + c}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(bg); err != nil {
		t.Fatal(err)
	}
	s := f.signIn("seller")
	csrf := s.csrf("/settings")
	_, page := s.get("/candidates")
	if !strings.Contains(page, "Asunto de C-001") || strings.Contains(page, "Asunto de C-004") {
		t.Fatalf("the seller's queue:\n%s", page)
	}
	res, _ := s.postBody("/candidates/cand-C-004/confirm", url.Values{"csrf": {csrf}, "severity": {"2"}})
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("another seller's candidate: %d", res.StatusCode)
	}
	res, _ = s.postBody("/candidates/cand-C-004/dismiss", url.Values{"csrf": {csrf}})
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("dismissing another seller's candidate: %d", res.StatusCode)
	}
	res = s.post("/candidates/cand-C-001/confirm", url.Values{"csrf": {csrf}, "severity": {"3"}, "version": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	in, err := f.st.Incident(bg, "inc-cand-C-001")
	if err != nil || in.Severity != 3 || in.Kind != cartera.KindOutOfHours {
		t.Fatalf("incident: %+v %v", in, err)
	}
	if c, _ := f.st.Candidate(bg, "cand-C-004"); c.Status != cartera.CandidatePending {
		t.Fatalf("C-004's candidate: %+v", c)
	}
	// The owner answers any.
	o := f.signIn("owner")
	res = o.post("/candidates/cand-C-004/dismiss", url.Values{"csrf": {o.csrf("/settings")}})
	if c, _ := f.st.Candidate(bg, "cand-C-004"); res.StatusCode != http.StatusSeeOther || c.Status != cartera.CandidateDismissed || c.Subject != "" {
		t.Fatalf("owner dismiss: %d %+v", res.StatusCode, c)
	}
}
