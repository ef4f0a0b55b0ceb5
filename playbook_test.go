package cartera

import (
	"reflect"
	"testing"
)

func TestSearchWords(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"gestión del seguimiento":  {"gestión", "del", "seguimiento"},
		`"*" AND (`:                {"AND"},
		"follow-up, 48h":           {"follow", "up", "48h"},
		"gestio\u0301n":            {"gestio\u0301n"},
		"  ":                       nil,
		"l'agenda · año—siguiente": {"l", "agenda", "año", "siguiente"},
	}
	for in, want := range tests {
		if got := SearchWords(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestPlaybookRecordsValidate(t *testing.T) {
	t.Parallel()
	day := DateOf(2026, 11, 25)
	okTask := Task{ID: "t", Kind: TaskReconnect, DealID: "D1", Due: day, Status: TaskOpen, Created: day}
	tasks := []struct {
		name  string
		edit  func(*Task)
		field string
	}{
		{"valid", func(*Task) {}, ""},
		{"unknown kind", func(t *Task) { t.Kind = "nap" }, "kind"},
		{"a deal task without a deal", func(t *Task) { t.DealID = "" }, "deal_id"},
		{"a client task without a client", func(t *Task) { t.Kind = TaskFollowUp }, "client_id"},
		{"no due day", func(t *Task) { t.Due = 0 }, "due"},
		{"snoozed without an end", func(t *Task) { t.Status = TaskSnoozed }, "snoozed_until"},
		{"an end without a snooze", func(t *Task) { t.SnoozedUntil = day }, "snoozed_until"},
		{"a bad status", func(t *Task) { t.Status = "later" }, "status"},
		{"a control character in the id", func(t *Task) { t.ID = "a\x00b" }, "id"},
	}
	for _, tc := range tasks {
		x := okTask
		tc.edit(&x)
		if got := fieldOf(x.Validate()); got != tc.field {
			t.Errorf("task %s: field %q, want %q", tc.name, got, tc.field)
		}
	}
	refs := []struct {
		name  string
		r     Referral
		field string
	}{
		{"an e-mail is enough", Referral{ID: "r", Service: "SEO", Name: "X", Email: "a@b.es"}, ""},
		{"a phone is enough", Referral{ID: "r", Service: "SEO", Name: "X", Phone: "+34 (91) 000-00.00"}, ""},
		{"a web address is enough", Referral{ID: "r", Service: "SEO", Name: "X", URL: "https://x.example"}, ""},
		{"nothing to reach them by", Referral{ID: "r", Service: "SEO", Name: "X"}, "email"},
		{"spaces are nothing", Referral{ID: "r", Service: "SEO", Name: "X", Email: "  "}, "email"},
		{"an ftp address", Referral{ID: "r", Service: "SEO", Name: "X", URL: "ftp://x.example"}, "url"},
		{"no name", Referral{ID: "r", Service: "SEO", Email: "a@b.es"}, "name"},
	}
	for _, tc := range refs {
		if got := fieldOf(tc.r.Validate()); got != tc.field {
			t.Errorf("referral %s: field %q, want %q", tc.name, got, tc.field)
		}
	}
	if fieldOf(Debrief{DealID: "D", Day: day}.Validate(day)) != "happened" {
		t.Error("an empty debrief")
	}
	if fieldOf(Debrief{DealID: "D", Day: day, Lessons: []Lesson{{Text: "x", Topic: string(make([]byte, 201))}}}.Validate(day)) != "topic" {
		t.Error("a long topic")
	}
	if fieldOf(Reconnect{DealID: "D", Day: day, ReallyNo: Yes, CompetitorWon: No, Competitor: "Acme"}.Validate(day)) != "competitor" {
		t.Error("a competitor when nobody won")
	}
}

func fieldOf(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Field
	}
	if err != nil {
		return "?"
	}
	return ""
}
