package main_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartera/cartera/ical/icaltest"
)

func TestScriptCommand(t *testing.T) {
	t.Parallel()
	r := runBin(t, nil, "script", "Talleres", "--demo", "--as-of", "2026-11-25")
	if r.code != 0 || !strings.Contains(r.stdout, "Paga tarde — Talleres Ruiz") || !strings.Contains(r.stdout, "Di mejor:") {
		t.Fatalf("script: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "script", "C-002", "--demo", "--as-of", "2026-11-25", "--lang", "en", "--format", "markdown")
	if r.code != 0 || !strings.Contains(r.stdout, "| Tempted to say: | Say instead: | Why: |") || strings.Contains(r.stdout, "{{") {
		t.Fatalf("markdown: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "script", "Costa Dorada", "--demo", "--as-of", "2026-11-25", "--format", "json")
	var doc struct {
		Client   struct{ ID, Name string }
		Sections []struct {
			Archetype string
			Blocks    []struct{ Kind, Text string }
		}
		Boundaries []struct{ Kind, Text string }
		Referrals  []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || r.code != 0 {
		t.Fatalf("json: exit %d %v\n%s", r.code, err, r.stdout)
	}
	if len(doc.Sections) != 1 || doc.Sections[0].Archetype != "non_listener" || len(doc.Boundaries) == 0 || len(doc.Referrals) == 0 {
		t.Errorf("json script: %+v", doc)
	}
	// No archetype: the reasons go to standard error and the exit is 1.
	r = runBin(t, nil, "script", "Clínica Dental", "--demo", "--as-of", "2026-11-25")
	if r.code != 1 || !strings.Contains(r.stderr, "no encaja en ningún arquetipo") || !strings.Contains(r.stderr, "Paga razonablemente") {
		t.Errorf("no archetype: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, bad := range [][]string{
		{"script", "C-999", "--demo"},
		{"script", "Talleres", "--demo", "--archetype", "diva"},
		{"script", "Talleres", "--demo", "--archetype", "villano"},
		{"script", "Talleres", "--demo", "--format", "pdf"},
		{"script", "--demo"},
		{"script", "Talleres", "--demo", "--sent"},
	} {
		if r := runBin(t, nil, bad...); r.code == 0 || r.stderr == "" || strings.Contains(r.stderr, "panic") {
			t.Errorf("%v: exit %d %q", bad, r.code, r.stderr)
		}
	}
	r = runBin(t, nil, "script", "Hostal Las Dunas", "--demo", "--as-of", "2026-11-25", "--sent")
	if r.code != 0 || !strings.Contains(r.stdout, "Revisión de límites apuntada para el 28 dic 2026") {
		t.Errorf("sent: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestIncidentCommand(t *testing.T) {
	t.Parallel()
	r := runBin(t, nil, "incident", "Grupo Cárnico", "--kind", "insult", "--severity", "4", "--contact", "Andrés Méndez",
		"--demo", "--as-of", "2026-11-25", "--at", "10:30", "--lang", "en")
	if r.code != 0 || !strings.Contains(r.stdout, "Logged: Insults, severity 4") || !strings.Contains(r.stdout, "CLOSE POLITELY AND LEAVE") {
		t.Fatalf("insult: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "incident", "Costa Dorada", "--kind", "not_listening", "--severity", "3", "--demo",
		"--as-of", "2026-11-25", "--at", "10:30", "--format", "json")
	var res struct {
		Listen struct {
			FollowUp struct{ Due string } `json:"follow_up"`
			Offer    struct {
				DiscountRoom float64 `json:"discount_room"`
			} `json:"offer"`
			Interlocutor struct {
				Contact *struct{ Name string } `json:"contact"`
			} `json:"interlocutor"`
		} `json:"listen"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 {
		t.Fatalf("not listening: exit %d %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if res.Listen.FollowUp.Due != "2026-11-27" || res.Listen.Interlocutor.Contact == nil {
		t.Errorf("listen plan %+v", res.Listen)
	}
	for _, bad := range [][]string{
		{"incident", "Costa Dorada", "--kind", "not_listening", "--severity", "3", "--follow-up", "2026-12-08", "--as-of", "2026-11-25"},
		{"incident", "Costa Dorada", "--kind", "not_listening", "--severity", "3", "--follow-up", "2026-11-28", "--as-of", "2026-11-25"},
		{"incident", "Costa Dorada", "--kind", "grito", "--severity", "3"},
		{"incident", "Costa Dorada", "--kind", "insult", "--severity", "9"},
		{"incident", "Costa Dorada", "--kind", "insult", "--severity", "2", "--contact", "Nadie"},
		{"incident", "Costa Dorada", "--kind", "insult", "--severity", "2", "--at", "mañana"},
	} {
		if r := runBin(t, nil, append(bad, "--demo")...); r.code == 0 || r.stderr == "" || strings.Contains(r.stderr, "panic") {
			t.Errorf("%v: exit %d %q", bad, r.code, r.stderr)
		}
	}
}

// A lost deal's plan from the command line, on a database of its own: the
// plan skips a holiday, a checklist for an open deal is refused, the
// answers and lessons are recorded, lessons are found without accents and
// the agenda comes out as iCalendar.
func TestLostDealFromTheCommandLine(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "c.db")
	must := func(args ...string) string {
		t.Helper()
		r := runBin(t, nil, append(args, "--db", db)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		return r.stdout
	}
	refused := func(want string, args ...string) {
		t.Helper()
		r := runBin(t, nil, append(args, "--db", db)...)
		if r.code == 0 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "panic") {
			t.Errorf("%v: exit %d, want %q in\n%s", args, r.code, want, r.stderr)
		}
	}
	must("deal", "add", "--id", "D-1", "--title", "Web nueva", "--prospect", "Hotel Sol", "--seller", "Lucía", "--value", "9000",
		"--stage", "proposal", "--as-of", "2026-11-10")
	must("deal", "add", "--id", "D-2", "--title", "Tienda", "--prospect", "Bar Luna", "--seller", "Lucía", "--value", "4000",
		"--stage", "lead", "--as-of", "2026-11-10")
	must("holidays", "add", "2026-11-19", "--name", "Fiesta local")
	refused("no está perdida", "reconnect", "D-1", "--really-no", "yes", "--as-of", "2026-11-18")

	var plan struct {
		Deal  struct{ Outcome, Competitor string }
		Tasks []struct{ ID, Kind, Due, Status string }
	}
	out := must("lost", "D-1", "--reason", "precio", "--competitor", "Estudio Pixel", "--as-of", "2026-11-18", "--format", "json")
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	// Wednesday the 18th; Thursday is the holiday; then Friday, Monday, Tuesday.
	want := map[string]string{"recover": "2026-11-18", "reconnect": "2026-11-20", "debrief": "2026-11-23", "restart": "2026-11-24"}
	if plan.Deal.Outcome != "lost" || len(plan.Tasks) != 4 {
		t.Fatalf("plan %+v", plan)
	}
	for _, task := range plan.Tasks {
		if want[task.Kind] != task.Due {
			t.Errorf("%s due %s, want %s", task.Kind, task.Due, want[task.Kind])
		}
	}
	refused("ya está cerrada", "lost", "D-1", "--reason", "precio", "--as-of", "2026-11-18")
	refused("no está perdida", "plan", "D-2")
	refused("no existe", "lost", "D-9", "--as-of", "2026-11-18")

	out = must("reconnect", "D-1", "--really-no", "sí", "--respected", "sí", "--competitor-won", "sí", "--competitor", "Estudio Pixel",
		"--suggestions", "Responder antes", "--door-open", "sí", "--as-of", "2026-11-20", "--lang", "en")
	if !strings.Contains(out, "Is the \"no\" final? yes") || !strings.Contains(out, "Who? Estudio Pixel") {
		t.Errorf("reconnect:\n%s", out)
	}
	out = must("debrief", "D-1", "--happened", "El precio pesó más que el plazo", "--lesson", "precio: Enseñar antes el retorno",
		"--change", "Añadir el retorno a la primera reunión", "--lesson", "Mejorar la gestión del seguimiento", "--as-of", "2026-11-23")
	if !strings.Contains(out, "Puesta en común guardada con 2 lecciones") || !strings.Contains(out, "Añadir el retorno a la primera reunión") {
		t.Errorf("debrief:\n%s", out)
	}
	refused("Cada --change va con una --lesson", "debrief", "D-1", "--change", "x")
	out = must("lessons", "search", "GESTION")
	if !strings.Contains(out, "1 lección para «GESTION»") || !strings.Contains(out, "gestión del seguimiento") {
		t.Errorf("search:\n%s", out)
	}
	refused("Escribe alguna palabra", "lessons", "search", `"*"`)
	var wl struct{ Lost, Won int }
	if err := json.Unmarshal([]byte(must("winloss", "--as-of", "2026-11-23", "--format", "json")), &wl); err != nil || wl.Lost != 1 {
		t.Errorf("winloss %+v %v", wl, err)
	}

	must("holidays", "add", "2026-12-08", "--name", "Inmaculada")
	refused("es festivo", "agenda", "snooze", "restart:D-1", "--until", "2026-12-08", "--as-of", "2026-11-23")
	out = must("agenda", "snooze", "restart:D-1", "--until", "2026-12-09", "--as-of", "2026-11-23")
	refused("comprobación calculada", "agenda", "done", "touch_ground:D-2", "--as-of", "2026-11-23")
	ics := must("agenda", "--as-of", "2026-11-23", "--days", "30", "--format", "ics")
	root, err := icaltest.Parse(ics)
	if err != nil {
		t.Fatalf("%v\n%s", err, ics)
	}
	var uids []string
	for _, c := range root.Subs {
		uids = append(uids, c.Text("UID"))
	}
	if !strings.Contains(strings.Join(uids, " "), "restart:D-1@cartera") || strings.Contains(strings.Join(uids, " "), "reconnect:D-1") {
		t.Errorf("calendar entries %v", uids)
	}
	todo := must("agenda", "--as-of", "2026-11-23", "--days", "30", "--format", "ics", "--todo")
	if _, err := icaltest.Parse(todo); err != nil || !strings.Contains(todo, "STATUS:COMPLETED") {
		t.Errorf("todo calendar: %v\n%s", err, todo)
	}

	refused("necesita un correo, un teléfono o una web", "referrals", "add", "--service", "diseño web", "--name", "Nadie")
	must("referrals", "add", "--service", "diseño web", "--name", "Estudio Alba", "--email", "hola@alba.example")
	if out := must("referrals", "--service", "Diseño"); !strings.Contains(out, "Estudio Alba") {
		t.Errorf("referrals:\n%s", out)
	}
}

// The demo anchors on any day, even one after the machine's clock: its
// calls and debriefs are judged against the demo's day, not the clock.
func TestDemoPlaybooksOnAFutureDay(t *testing.T) {
	t.Parallel()
	r := runBin(t, nil, "agenda", "--demo", "--as-of", "2027-03-10", "--format", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"as_of": "2027-03-10"`) {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}
