package capture_test

import (
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/capture"
	"github.com/cartera/cartera/csvio"
)

// writeModes are the ways an import writes mail: after reading, and as
// it reads (Options.WriteAsRead), in one batch or a message at a time.
// Every mail test runs in each, and must see the same.
var writeModes = []struct {
	name string
	opts func() capture.Options
}{
	{"after reading", opts},
	{"as read", func() capture.Options { o := opts(); o.WriteAsRead = true; return o }},
	{"as read, a message a batch", func() capture.Options { o := opts(); o.WriteAsRead = true; return capture.WithMailBatch(o, 1) }},
}

func TestMailboxBecomesSignsOfLifeUnansweredOutreachAndCandidates(t *testing.T) {
	t.Parallel()
	for _, mode := range writeModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			testMailbox(t, mode.opts)
		})
	}
}

func testMailbox(t *testing.T, opts func() capture.Options) {
	st := world(t)
	srcs := []capture.Source{capture.FileSource(fixture("correo.mbox")), capture.MaildirSource(fixture("maildir"))}
	rep, err := capture.Import(ctx, st, srcs, opts())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"D-001 no_reply 2026-11-18",       // the contract sent, a week without an answer
		"D-001 reply_received 2026-11-04", // Ramón answered
		"D-001 reply_received 2026-11-17",
		"D-002 no_reply 2026-11-16",
		"D-002 reply_received 2026-11-15",
		"D-003 no_reply 2026-11-12",
	}
	if got := signals(t, st); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("signals:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s := rep.Sources; len(s) != 2 || s[0].Items != 8 || s[0].Matched != 5 || s[0].Format != "mbox" || s[1].Items != 2 || s[1].Format != "maildir" {
		t.Fatalf("sources: %+v", s)
	}
	if len(rep.Unmatched) != 1 || rep.Unmatched[0].Value != "sara@panaderiamartin.es" {
		t.Fatalf("unmatched (the newsletter is not a correspondent): %+v", rep.Unmatched)
	}
	m := rep.Mail
	if m.Messages != 7 || len(m.NewCandidates) != 2 {
		t.Fatalf("mail report: %+v", m)
	}
	var c001 capture.ClientMail
	for _, c := range m.Clients {
		if c.ClientID == "C-001" {
			c001 = c
		}
	}
	if c001.LatencyRecent != 54 || c001.AnswersRecent != 1 || c001.UnansweredDays != 7 || c001.LastInbound.Day() != 17 {
		t.Fatalf("C-001 mail: %+v", c001)
	}
	// The candidates wait for review; nothing is recorded about Marta.
	if n := 0; st.EachIncident(ctx, func(cartera.Incident) error { n++; return nil }) == nil && n != 0 {
		t.Fatal("incidents were written without confirmation")
	}
	cands, err := st.Candidates(ctx, cartera.CandidateQuery{Status: cartera.CandidatePending})
	if err != nil || len(cands) != 2 {
		t.Fatalf("queue: %+v %v", cands, err)
	}
	kinds := map[cartera.IncidentKind]cartera.Candidate{}
	for _, c := range cands {
		kinds[c.Kind] = c
	}
	scope := kinds[cartera.KindScopeCreep]
	if p, _ := scope.Reason.Get("phrase"); p != "ya que estas" || !strings.Contains(scope.Excerpt, "Ya que estás con los banners") ||
		scope.Subject != "Campaña de Navidad" || scope.ContactID != "P-003" {
		t.Fatalf("scope candidate: %+v", scope)
	}
	if oh := kinds[cartera.KindOutOfHours]; oh.Excerpt != "" || oh.At.Hour() != 21 {
		t.Fatalf("protected-hours candidate: %+v", oh)
	}
	// Importing the same mail again changes nothing and suggests nothing
	// new; a dismissed candidate stays dismissed.
	if _, err := st.DismissCandidate(ctx, scope.ID, 0); err != nil {
		t.Fatal(err)
	}
	rep, err = capture.Import(ctx, st, srcs, opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changes) != 0 || len(rep.Mail.NewCandidates) != 0 {
		t.Fatalf("re-import: %+v %+v", rep.Changes, rep.Mail.NewCandidates)
	}
	if cands, _ = st.Candidates(ctx, cartera.CandidateQuery{Status: cartera.CandidatePending}); len(cands) != 1 {
		t.Fatalf("queue after re-import: %+v", cands)
	}
}

// Importing a mailbox again writes only what changed: here the match
// table now says Ramón's address is Elena's, and his messages move to her.
func TestMailReimportRewritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	for _, mode := range writeModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			testMailReimport(t, mode.opts)
		})
	}
}

func testMailReimport(t *testing.T, opts func() capture.Options) {
	st := world(t)
	src := []capture.Source{capture.FileSource(fixture("correo.mbox"))}
	if _, err := capture.Import(ctx, st, src, opts()); err != nil {
		t.Fatal(err)
	}
	contacts := func() map[string]int {
		n := map[string]int{}
		st.EachMailMessage(ctx, []string{"C-001", "C-002", "C-003"}, func(m cartera.MailMessage) error {
			n[m.ContactID]++
			return nil
		})
		return n
	}
	before := contacts()
	if before["P-001"] == 0 || before["P-002"] != 0 {
		t.Fatalf("before: %v", before)
	}
	if _, err := st.SaveMatchRule(ctx, cartera.MatchRule{Kind: cartera.MatchEmail, Value: "ramon@talleresruiz.es", Role: cartera.RoleClient,
		ClientID: "C-001", ContactID: "P-002"}); err != nil {
		t.Fatal(err)
	}
	if _, err := capture.Import(ctx, st, src, opts()); err != nil {
		t.Fatal(err)
	}
	after := contacts()
	if after["P-001"] != 0 || after["P-002"] != before["P-001"] || after["P-003"] != before["P-003"] {
		t.Fatalf("after: %v, before: %v", after, before)
	}
}

// A mailbox written as it is read is still all or nothing: a problem in
// another source of the run leaves no message and no candidate behind,
// and the store's writer is free again afterwards.
func TestMailWrittenAsReadIsAllOrNothing(t *testing.T) {
	t.Parallel()
	st := world(t)
	o := capture.WithMailBatch(opts(), 1)
	o.WriteAsRead = true
	bad := capture.BytesSource("x.ics", []byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\n"))
	_, err := capture.Import(ctx, st, []capture.Source{capture.FileSource(fixture("correo.mbox")), bad}, o)
	if _, ok := err.(*csvio.ProblemsError); !ok {
		t.Fatalf("want the calendar's problem, got %v", err)
	}
	n := 0
	if err := st.EachMailMessage(ctx, []string{"C-001", "C-002", "C-003"}, func(cartera.MailMessage) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	cands, err := st.Candidates(ctx, cartera.CandidateQuery{})
	if err != nil || n != 0 || len(cands) != 0 {
		t.Fatalf("after a failed run: %d messages, candidates %+v (%v)", n, cands, err)
	}
	if _, err := capture.Import(ctx, st, []capture.Source{capture.FileSource(fixture("correo.mbox"))}, o); err != nil {
		t.Fatalf("the next run: %v", err)
	}
	if cands, _ = st.Candidates(ctx, cartera.CandidateQuery{}); len(cands) != 2 {
		t.Fatalf("the next run's candidates: %+v", cands)
	}
}
