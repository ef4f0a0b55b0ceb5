package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

// plan returns the four tasks of a lost-deal plan (as package playbook
// would compute them) for deal id, owned by owner.
func plan(id, owner string, from cartera.Date) []cartera.Task {
	var out []cartera.Task
	for i, k := range []cartera.TaskKind{cartera.TaskRecover, cartera.TaskReconnect, cartera.TaskDebrief, cartera.TaskRestart} {
		out = append(out, cartera.Task{ID: string(k) + ":" + id, Kind: k, DealID: id, Owner: owner, Due: from.AddDays(i),
			Status: cartera.TaskOpen, Created: from})
	}
	return out
}

func ids(ts []cartera.Task) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

func testMarkLost(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	d1, _ := st.Deal(ctx, "D1")
	lost := d1
	lost.Outcome, lost.Closed, lost.LostReason, lost.Competitor = cartera.OutcomeLost, d(2026, 11, 20), "precio", ""

	// A bad task refuses everything: the deal stays open.
	bad := plan("D1", "Lucía", d(2026, 11, 20))
	bad[2].Kind = "coffee"
	if _, err := st.MarkLost(ctx, lost, bad); code(err) != cartera.EINVALID {
		t.Errorf("bad task: %v", err)
	}
	other := plan("D2", "Lucía", d(2026, 11, 20))
	if _, err := st.MarkLost(ctx, lost, other); code(err) != cartera.EINVALID {
		t.Errorf("a task of another deal: %v", err)
	}
	if got, _ := st.Deal(ctx, "D1"); got.Outcome != cartera.OutcomeOpen || got.Version != d1.Version {
		t.Fatalf("a refused plan changed the deal: %+v", got)
	}
	if ts, _ := st.Tasks(ctx, cartera.TaskQuery{DealID: "D1"}); len(ts) != 0 {
		t.Fatalf("a refused plan left tasks: %v", ids(ts))
	}

	saved, err := st.MarkLost(ctx, lost, plan("D1", "Lucía", d(2026, 11, 20)))
	if err != nil || saved.Outcome != cartera.OutcomeLost || saved.Closed != d(2026, 11, 20) || saved.LostReason != "precio" ||
		saved.Version != d1.Version+1 {
		t.Fatalf("mark lost: %+v %v", saved, err)
	}
	ts, err := st.Tasks(ctx, cartera.TaskQuery{DealID: "D1"})
	if err != nil || len(ts) != 4 || ts[0].Kind != cartera.TaskRecover || ts[3].Due != d(2026, 11, 23) || ts[1].Version != 1 {
		t.Fatalf("plan: %+v %v", ts, err)
	}
	// Once lost, a deal cannot be lost again, and an unknown one not at all.
	if _, err := st.MarkLost(ctx, saved, nil); code(err) != cartera.ECONFLICT {
		t.Errorf("lost twice: %v", err)
	}
	ghost := lost
	ghost.ID = "nope"
	if _, err := st.MarkLost(ctx, ghost, nil); code(err) != cartera.ENOTFOUND {
		t.Errorf("unknown deal: %v", err)
	}
	// A deal that must be lost.
	open := d1
	open.ID = "D2"
	if _, err := st.MarkLost(ctx, open, nil); code(err) != cartera.EINVALID {
		t.Errorf("an outcome other than lost: %v", err)
	}

	// Deleting the deal takes its plan with it.
	if err := st.Delete(ctx, cartera.EntityDeals, "D1", 0); err != nil {
		t.Fatal(err)
	}
	if ts, _ := st.Tasks(ctx, cartera.TaskQuery{}); len(ts) != 0 {
		t.Errorf("tasks outlive their deal: %v", ids(ts))
	}
}

func testTasks(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	day := d(2026, 11, 25)
	tasks := append(plan("D4", "Andrés", day),
		cartera.Task{ID: "f1", Kind: cartera.TaskFollowUp, ClientID: "C1", Owner: "Lucía", Due: day.AddDays(2),
			Status: cartera.TaskOpen, Created: day},
		cartera.Task{ID: "b1", Kind: cartera.TaskBoundaryReview, ClientID: "C2", Owner: "ANDRÉS", Due: day.AddDays(30),
			Status: cartera.TaskOpen, Created: day})
	if err := st.SaveTasks(ctx, tasks); err != nil {
		t.Fatal(err)
	}
	// Replacing a plan is idempotent.
	if err := st.SaveTasks(ctx, tasks); err != nil {
		t.Fatal(err)
	}
	all, err := st.Tasks(ctx, cartera.TaskQuery{})
	want := []string{"recover:D4", "reconnect:D4", "debrief:D4", "f1", "restart:D4", "b1"}
	if err != nil || len(all) != len(want) {
		t.Fatalf("tasks %v %v", ids(all), err)
	}
	for i := range want {
		if all[i].ID != want[i] {
			t.Fatalf("by day then id: %v, want %v", ids(all), want)
		}
	}
	if ts, _ := st.Tasks(ctx, cartera.TaskQuery{Owner: "andres", Through: day.AddDays(2)}); len(ts) != 3 {
		t.Errorf("Andrés's tasks through the 27th, owner folded: %v", ids(ts))
	}
	if ts, _ := st.Tasks(ctx, cartera.TaskQuery{ClientID: "C1"}); len(ts) != 1 || ts[0].ID != "f1" {
		t.Errorf("by client: %v", ids(ts))
	}

	// Single saves check versions; snoozing moves the agenda day.
	f1, err := st.Task(ctx, "f1")
	if err != nil || f1.Version != 2 {
		t.Fatalf("f1: %+v %v", f1, err)
	}
	f1.Status, f1.SnoozedUntil = cartera.TaskSnoozed, day.AddDays(40)
	f1, err = st.SaveTask(ctx, f1)
	if err != nil || f1.Version != 3 || f1.Day() != day.AddDays(40) {
		t.Fatalf("snooze: %+v %v", f1, err)
	}
	if ts, _ := st.Tasks(ctx, cartera.TaskQuery{Through: day.AddDays(30)}); len(ts) != 5 {
		t.Errorf("a snoozed task leaves the agenda until its snooze ends: %v", ids(ts))
	}
	f1.Version = 1
	if _, err := st.SaveTask(ctx, f1); code(err) != cartera.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	f1.Version = 3
	f1.Status, f1.SnoozedUntil, f1.DoneOn = cartera.TaskDone, 0, day
	if _, err := st.SaveTask(ctx, f1); err != nil {
		t.Fatal(err)
	}
	if ts, _ := st.Tasks(ctx, cartera.TaskQuery{Pending: true}); len(ts) != 5 {
		t.Errorf("pending: %v", ids(ts))
	}
	if _, err := st.Task(ctx, "nope"); code(err) != cartera.ENOTFOUND {
		t.Errorf("unknown task: %v", err)
	}
	refs := []struct {
		name  string
		task  cartera.Task
		field string
	}{
		{"unknown deal", cartera.Task{ID: "x", Kind: cartera.TaskReconnect, DealID: "nope", Due: day, Status: cartera.TaskOpen, Created: day}, "deal_id"},
		{"unknown client", cartera.Task{ID: "x", Kind: cartera.TaskFollowUp, ClientID: "nope", Due: day, Status: cartera.TaskOpen, Created: day}, "client_id"},
		{"derived kind", cartera.Task{ID: "x", Kind: cartera.TaskTouchGround, DealID: "D1", Due: day, Status: cartera.TaskOpen, Created: day}, "kind"},
		{"done without a day", cartera.Task{ID: "x", Kind: cartera.TaskFollowUp, ClientID: "C1", Due: day, Status: cartera.TaskDone, Created: day}, "done_on"},
	}
	for _, r := range refs {
		if _, err := st.SaveTask(ctx, r.task); code(err) != cartera.EINVALID || field(err) != r.field {
			t.Errorf("%s: %v", r.name, err)
		}
	}
	// A client with tasks cannot be deleted.
	if err := st.Delete(ctx, cartera.EntityClients, "C2", 0); code(err) != cartera.ECONFLICT {
		t.Errorf("delete a client with tasks: %v", err)
	}
}

func testReconnect(t *testing.T, st cartera.Store) {
	f := NewFixture()
	f.Deals = append(f.Deals, cartera.Deal{ID: "D5", Prospect: "Hotel Sol", Owner: "Lucía", Value: eur(100000), Stage: "lead",
		Created: d(2026, 9, 1), Closed: d(2026, 11, 2), Outcome: cartera.OutcomeLost, LostReason: "sin presupuesto"})
	Load(t, st, f)
	if err := st.SaveTasks(ctx, plan("D5", "Lucía", d(2026, 11, 2))); err != nil {
		t.Fatal(err)
	}
	r := cartera.Reconnect{DealID: "D1", Day: d(2026, 11, 3), ReallyNo: cartera.Yes, Respected: true,
		CompetitorWon: cartera.Yes, Competitor: "Estudio Pixel", Suggestions: "más rapidez en la propuesta", DoorOpen: true}
	if _, err := st.CompleteReconnect(ctx, r); code(err) != cartera.EINVALID || field(err) != "deal_id" {
		t.Errorf("a checklist for an open deal: %v", err)
	}
	if _, err := st.Reconnect(ctx, "D1"); code(err) != cartera.ENOTFOUND {
		t.Errorf("the refused checklist was saved: %v", err)
	}
	r.DealID = "D5"
	got, err := st.CompleteReconnect(ctx, r)
	if err != nil || got.Version != 1 || got.Competitor != "Estudio Pixel" || !got.DoorOpen || got.ReallyNo != cartera.Yes {
		t.Fatalf("reconnect: %+v %v", got, err)
	}
	if task, _ := st.Task(ctx, "reconnect:D5"); task.Status != cartera.TaskDone || task.DoneOn != d(2026, 11, 3) {
		t.Errorf("the call's task is done: %+v", task)
	}
	if task, _ := st.Task(ctx, "debrief:D5"); task.Status != cartera.TaskOpen {
		t.Errorf("only the call's task: %+v", task)
	}
	if deal, _ := st.Deal(ctx, "D5"); deal.Competitor != "Estudio Pixel" {
		t.Errorf("the competitor who won goes on the deal: %q", deal.Competitor)
	}
	// A deal that already names its competitor keeps it.
	if _, err := st.CompleteReconnect(ctx, cartera.Reconnect{DealID: "D4", Day: d(2026, 7, 3), Competitor: "Otra"}); err != nil {
		t.Fatal(err)
	}
	if deal, _ := st.Deal(ctx, "D4"); deal.Competitor != "Acme" {
		t.Errorf("competitor overwritten: %q", deal.Competitor)
	}
	if got, _ := st.Reconnect(ctx, "D4"); got.CompetitorWon != cartera.Yes || got.ReallyNo != cartera.Unknown {
		t.Errorf("answers default sensibly: %+v", got)
	}
	bad := []struct {
		name string
		edit func(*cartera.Reconnect)
	}{
		{"no competitor won, yet one named", func(r *cartera.Reconnect) { r.CompetitorWon = cartera.No }},
		{"a call without a day", func(r *cartera.Reconnect) { r.Day = 0 }},
		{"a bad answer", func(r *cartera.Reconnect) { r.ReallyNo = "quizá" }},
		{"an old version", func(r *cartera.Reconnect) { r.Version = 7 }},
	}
	for _, b := range bad {
		x := r
		b.edit(&x)
		if _, err := st.CompleteReconnect(ctx, x); err == nil {
			t.Errorf("%s: accepted", b.name)
		}
	}
	if got, _ := st.Reconnect(ctx, "D5"); got.Version != 1 {
		t.Errorf("refused saves changed the answers: %+v", got)
	}
}

// lessonsFixture debriefs two lost deals, one in Spanish and one in
// English, by two sellers.
func lessonsFixture(t *testing.T, st cartera.Store) {
	t.Helper()
	f := NewFixture()
	f.Deals = append(f.Deals,
		cartera.Deal{ID: "D5", Prospect: "Hotel Sol", Owner: "Lucía", Value: eur(100000), Stage: "lead",
			Created: d(2026, 9, 1), Closed: d(2026, 11, 2), Outcome: cartera.OutcomeLost, LostReason: "Precio"},
		cartera.Deal{ID: "D6", Title: "Boston rebrand", Owner: "Lucía", Value: cartera.Money{Amount: 800000, Currency: "USD"},
			Stage: "proposal", Created: d(2026, 8, 1), Closed: d(2026, 10, 15), Outcome: cartera.OutcomeLost,
			LostReason: "no budget", Competitor: "Acme"})
	Load(t, st, f)
	for _, db := range []cartera.Debrief{
		{DealID: "D4", Day: d(2026, 7, 3), Happened: "Propuesta enviada tarde", Better: "Preguntar antes por el presupuesto",
			Lessons: []cartera.Lesson{
				{Topic: "Presupuesto", Text: "Confirmar el presupuesto en la primera reunión", Change: "Añadir la pregunta al guion de la primera llamada"},
				{Topic: "seguimiento", Text: "Mejorar la gestión del seguimiento tras enviar la propuesta"},
			}},
		{DealID: "D5", Day: d(2026, 11, 4), Happened: "Eligieron por precio",
			Lessons: []cartera.Lesson{{Topic: "presupuesto", Text: "Hablar de precio antes de la demostración"}}},
		{DealID: "D6", Day: d(2026, 10, 20), Happened: "Budget cut",
			Lessons: []cartera.Lesson{{Topic: "follow-up", Text: "Schedule the follow-up call before leaving the first meeting"}}},
	} {
		if _, err := st.SaveDebrief(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
}

func hitIDs(hs []cartera.LessonHit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.DealID+":"+h.Text)
	}
	return out
}

func testDebrief(t *testing.T, st cartera.Store) {
	lessonsFixture(t, st)
	if err := st.SaveTasks(ctx, plan("D4", "Andrés", d(2026, 7, 1))); err != nil {
		t.Fatal(err)
	}
	// Refused: an open deal, an empty debrief, an empty lesson.
	if _, err := st.SaveDebrief(ctx, cartera.Debrief{DealID: "D1", Day: d(2026, 11, 1), Happened: "x"}); code(err) != cartera.EINVALID {
		t.Errorf("a debrief of an open deal: %v", err)
	}
	if _, err := st.SaveDebrief(ctx, cartera.Debrief{DealID: "D4", Day: d(2026, 11, 1)}); code(err) != cartera.EINVALID {
		t.Errorf("an empty debrief: %v", err)
	}
	if _, err := st.SaveDebrief(ctx, cartera.Debrief{DealID: "D4", Day: d(2026, 11, 1), Happened: "x",
		Lessons: []cartera.Lesson{{Text: "  "}}}); code(err) != cartera.EINVALID {
		t.Errorf("an empty lesson: %v", err)
	}
	db, err := st.Debrief(ctx, "D4")
	if err != nil || db.Version != 1 || len(db.Lessons) != 2 || db.Lessons[0].Owner != "Andrés" || db.Lessons[0].Day != d(2026, 7, 3) ||
		db.Lessons[0].Change == "" {
		t.Fatalf("debrief: %+v %v", db, err)
	}
	if _, err := st.Debrief(ctx, "D1"); code(err) != cartera.ENOTFOUND {
		t.Errorf("no debrief: %v", err)
	}
	// Saving the debrief again replaces its lessons; the debrief task is done.
	db.Lessons = db.Lessons[:1]
	db.Lessons[0].Text = "Confirmar el presupuesto con quien decide"
	if db, err = st.SaveDebrief(ctx, db); err != nil || db.Version != 2 || len(db.Lessons) != 1 {
		t.Fatalf("replace: %+v %v", db, err)
	}
	if hits, _ := st.SearchLessons(ctx, cartera.LessonQuery{Text: "seguimiento"}); len(hits) != 0 {
		t.Errorf("a replaced lesson is still found: %v", hitIDs(hits))
	}
	if task, _ := st.Task(ctx, "debrief:D4"); task.Status != cartera.TaskDone {
		t.Errorf("the debrief task: %+v", task)
	}
	// Lessons outlive nobody: a deal with a debrief is not deleted.
	if err := st.Delete(ctx, cartera.EntityDeals, "D4", 0); code(err) != cartera.ECONFLICT {
		t.Errorf("delete a debriefed deal: %v", err)
	}
}

func testSearchLessons(t *testing.T, st cartera.Store) {
	lessonsFixture(t, st)
	tests := []struct {
		name, text, owner string
		want              []string // deal ids, best first
	}{
		{"without the accent", "gestion", "", []string{"D4"}},
		{"with accents and capitals the text lacks", "SEGUIMIÉNTO", "", []string{"D4"}},
		{"a word's beginning, in the text or the topic, best first", "presupuest", "", []string{"D4", "D5"}},
		{"every word must appear", "presupuesto reunion", "", []string{"D4"}},
		{"in English", "follow", "", []string{"D6"}},
		{"English, two words", "meeting schedule", "", []string{"D6"}},
		{"the procedure change is searched too", "guion llamada", "", []string{"D4"}},
		{"one seller's lessons, folded", "precio", "LUCIA", []string{"D5"}},
		{"nothing", "contrato", "", nil},
		{"operators and quotes are plain words", `gestión" OR *`, "", nil},
		{"a hyphen is a separator", "follow-up", "", []string{"D6"}},
	}
	for _, tc := range tests {
		hits, err := st.SearchLessons(ctx, cartera.LessonQuery{Text: tc.text, Owner: tc.owner})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.DealID)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, hitIDs(hits), tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.name, hitIDs(hits), tc.want)
			}
		}
	}
	hits, err := st.SearchLessons(ctx, cartera.LessonQuery{Text: "gestion"})
	if err != nil || len(hits) != 1 || hits[0].Deal != "Gestoría Ríos" || hits[0].Owner != "Andrés" || hits[0].Topic != "seguimiento" {
		t.Errorf("a hit names its deal: %+v %v", hits, err)
	}
	if _, err := st.SearchLessons(ctx, cartera.LessonQuery{Text: `"*" - (`}); code(err) != cartera.EINVALID {
		t.Errorf("a search without words: %v", err)
	}
	latest, err := st.SearchLessons(ctx, cartera.LessonQuery{Limit: 2})
	if err != nil || len(latest) != 2 || latest[0].DealID != "D5" || latest[1].DealID != "D6" {
		t.Errorf("without text, the latest: %v %v", hitIDs(latest), err)
	}
}

func testWinLoss(t *testing.T, st cartera.Store) {
	lessonsFixture(t, st)
	f, err := st.WinLoss(ctx, cartera.WinLossQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// D3 won in June (USD), D4 lost in July, D6 lost in October (USD), D5
	// lost in November.
	want := []cartera.WinLossRow{
		{Month: d(2026, 6, 1), Owner: "Lucía", Outcome: cartera.OutcomeWon, Deals: 1, Value: cartera.Money{Amount: 900000, Currency: "USD"}},
		{Month: d(2026, 7, 1), Owner: "Andrés", Outcome: cartera.OutcomeLost, Reason: "precio", Competitor: "Acme", Deals: 1, Value: eur(450000)},
		{Month: d(2026, 10, 1), Owner: "Lucía", Outcome: cartera.OutcomeLost, Reason: "no budget", Competitor: "Acme", Deals: 1,
			Value: cartera.Money{Amount: 800000, Currency: "USD"}},
		{Month: d(2026, 11, 1), Owner: "Lucía", Outcome: cartera.OutcomeLost, Reason: "Precio", Deals: 1, Value: eur(100000)},
	}
	if len(f.Rows) != len(want) {
		t.Fatalf("rows %+v", f.Rows)
	}
	for i := range want {
		if f.Rows[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, f.Rows[i], want[i])
		}
	}
	// "Presupuesto" came back on two deals, whatever the case.
	if len(f.Topics) != 3 || f.Topics[0].Deals != 2 || f.Topics[0].Lessons != 2 || f.Topics[0].Topic != "presupuesto" ||
		f.Topics[0].Text != "Hablar de precio antes de la demostración" || f.Topics[0].Last != d(2026, 11, 4) {
		t.Errorf("topics %+v", f.Topics)
	}
	only, err := st.WinLoss(ctx, cartera.WinLossQuery{From: d(2026, 7, 1), To: d(2026, 10, 31), Owner: "lucia"})
	if err != nil || len(only.Rows) != 1 || only.Rows[0].Month != d(2026, 10, 1) || len(only.Topics) != 1 {
		t.Errorf("filtered: %+v %v", only, err)
	}
}

func testReferrals(t *testing.T, st cartera.Store) {
	r, err := st.SaveReferral(ctx, cartera.Referral{ID: "R1", Service: " Diseño web ", Name: "Estudio Norte", Email: "hola@norte.es"})
	if err != nil || r.Version != 1 || r.Service != "Diseño web" {
		t.Fatalf("save: %+v %v", r, err)
	}
	bad := []struct {
		name  string
		r     cartera.Referral
		field string
	}{
		{"no way to reach them", cartera.Referral{ID: "R2", Service: "SEO", Name: "Nadie"}, "email"},
		{"no service", cartera.Referral{ID: "R2", Name: "X", Phone: "600"}, "service"},
		{"a bad e-mail", cartera.Referral{ID: "R2", Service: "SEO", Name: "X", Email: "no-es-correo"}, "email"},
		{"a bad address", cartera.Referral{ID: "R2", Service: "SEO", Name: "X", URL: "javascript:alert(1)"}, "url"},
		{"a bad phone", cartera.Referral{ID: "R2", Service: "SEO", Name: "X", Phone: "llámame"}, "phone"},
	}
	for _, b := range bad {
		if _, err := st.SaveReferral(ctx, b.r); code(err) != cartera.EINVALID || field(err) != b.field {
			t.Errorf("%s: %v", b.name, err)
		}
	}
	if _, err := st.SaveReferral(ctx, cartera.Referral{ID: "R0", Service: "SEO", Name: "Buscadores", Phone: "+34 600 000 000",
		URL: "https://buscadores.example"}); err != nil {
		t.Fatal(err)
	}
	list, err := st.Referrals(ctx)
	if err != nil || len(list) != 2 || list[0].ID != "R1" {
		t.Errorf("by service: %+v %v", list, err)
	}
	r.Contact = "Marta"
	if r, err = st.SaveReferral(ctx, r); err != nil || r.Version != 2 || r.Contact != "Marta" {
		t.Fatalf("update: %+v %v", r, err)
	}
	if err := st.DeleteReferral(ctx, "R1", 1); code(err) != cartera.ECONFLICT {
		t.Errorf("stale delete: %v", err)
	}
	if err := st.DeleteReferral(ctx, "R1", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Referral(ctx, "R1"); code(err) != cartera.ENOTFOUND {
		t.Errorf("deleted: %v", err)
	}
	if err := st.DeleteReferral(ctx, "R1", 0); code(err) != cartera.ENOTFOUND {
		t.Errorf("delete twice: %v", err)
	}
}

func testHolidays(t *testing.T, st cartera.Store) {
	for _, h := range []cartera.Holiday{{Day: d(2026, 12, 25), Name: "Navidad"}, {Day: d(2026, 12, 8), Name: "Inmaculada"},
		{Day: d(2026, 12, 25), Name: "Natividad"}} {
		if err := st.SaveHoliday(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	hs, err := st.Holidays(ctx)
	if err != nil || len(hs) != 2 || hs[0].Day != d(2026, 12, 8) || hs[1].Name != "Natividad" {
		t.Fatalf("holidays %+v %v", hs, err)
	}
	if err := st.DeleteHoliday(ctx, d(2026, 12, 8)); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteHoliday(ctx, d(2026, 12, 8)); code(err) != cartera.ENOTFOUND {
		t.Errorf("delete twice: %v", err)
	}
	if err := st.SaveHoliday(ctx, cartera.Holiday{}); code(err) != cartera.EINVALID {
		t.Errorf("no day: %v", err)
	}
}

func testCalendarTokens(t *testing.T, st cartera.Store) {
	u, err := st.CreateUser(ctx, cartera.User{Email: "lucia@example.com", Name: "Lucía", Role: cartera.RoleSeller, PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetCalendarToken(ctx, u.ID, "hash1"); err != nil {
		t.Fatal(err)
	}
	if got, err := st.CalendarUser(ctx, "hash1"); err != nil || got.ID != u.ID {
		t.Fatalf("resolve: %+v %v", got, err)
	}
	// A new token replaces the old one.
	if err := st.SetCalendarToken(ctx, u.ID, "hash2"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CalendarUser(ctx, "hash1"); code(err) != cartera.EUNAUTHORIZED {
		t.Errorf("the old token still works: %v", err)
	}
	// A disabled user's calendar stops.
	u, _ = st.User(ctx, u.ID)
	u.Disabled = true
	if _, err := st.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CalendarUser(ctx, "hash2"); code(err) != cartera.EUNAUTHORIZED {
		t.Errorf("disabled user: %v", err)
	}
	if err := st.DeleteCalendarToken(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCalendarToken(ctx, 9999, "hash3"); code(err) != cartera.ENOTFOUND {
		t.Errorf("unknown user: %v", err)
	}
}

func testLogIncident(t *testing.T, st cartera.Store) {
	Load(t, st, NewFixture())
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	in := cartera.Incident{ID: "I9", ClientID: "C1", ContactID: "P2", At: at, Kind: cartera.KindNotListening, Severity: 3}
	follow := cartera.Task{ID: "follow_up:C1:I9", Kind: cartera.TaskFollowUp, ClientID: "C1", Owner: "Lucía",
		Due: d(2026, 11, 26), Status: cartera.TaskOpen, Created: d(2026, 11, 24)}
	// A bad task refuses the incident too.
	badTask := follow
	badTask.Due = 0
	if _, err := st.LogIncident(ctx, in, []cartera.Task{badTask}); code(err) != cartera.EINVALID {
		t.Errorf("bad follow-up: %v", err)
	}
	wrongContact := in
	wrongContact.ContactID = "P9"
	if _, err := st.LogIncident(ctx, wrongContact, []cartera.Task{follow}); code(err) != cartera.EINVALID {
		t.Errorf("unknown contact: %v", err)
	}
	if _, err := st.Incident(ctx, "I9"); code(err) != cartera.ENOTFOUND {
		t.Fatalf("a refused incident was saved: %v", err)
	}
	if _, err := st.Task(ctx, follow.ID); code(err) != cartera.ENOTFOUND {
		t.Fatalf("a refused follow-up was saved: %v", err)
	}
	q := cartera.FactsQuery{AsOf: AsOf, From: AsOf.AddMonths(-12), IncidentsFrom: AsOf.AddMonths(-24)}
	before := allFacts(t, st, q)["C1"]
	got, err := st.LogIncident(ctx, in, []cartera.Task{follow})
	if err != nil || got.Version != 1 {
		t.Fatalf("log: %+v %v", got, err)
	}
	if task, err := st.Task(ctx, follow.ID); err != nil || task.Due != d(2026, 11, 26) {
		t.Errorf("follow-up: %+v %v", task, err)
	}
	// The assessment sees it at once.
	if after := allFacts(t, st, q)["C1"]; len(after.Incidents) != len(before.Incidents)+1 {
		t.Errorf("facts: %d incidents, before %d", len(after.Incidents), len(before.Incidents))
	}
}

func testSearchDecomposedAccents(t *testing.T, st cartera.Store) {
	lessonsFixture(t, st)
	// "gestión" typed with a combining accent (NFD), and a very long search.
	hits, err := st.SearchLessons(ctx, cartera.LessonQuery{Text: "gestio\u0301n"})
	if err != nil || len(hits) != 1 || hits[0].DealID != "D4" {
		t.Errorf("decomposed accent: %v %v", hitIDs(hits), err)
	}
	long := strings.Repeat("presupuesto ", 500)
	if _, err := st.SearchLessons(ctx, cartera.LessonQuery{Text: long}); err != nil {
		t.Errorf("a long search: %v", err)
	}
}
