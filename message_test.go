package cartera

import (
	"reflect"
	"testing"
	"time"
)

// A stored message comes back with every argument of the same type and
// value, nested messages included, so it renders as it would have at once.
func TestStoredMessageRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	inner := M("inner", "n", 1, "who", "Ana")
	m := M("every.type", "i", 3, "i64", int64(4), "f", 1.5, "yes", true, "s", "texto", "none", nil,
		"money", Money{Amount: 12345, Currency: "EUR"}, "day", DateOf(2026, 11, 2), "at", at, "h", Hours(250),
		"bp", BasisPoints(1500), "t", Tenths(33), "x", Multiplier(75), "w", Hundredths(-28), "label", Label("kind.insult"),
		"signal", SignalKind("meeting_held"), "stage", Stage("proposal"), "kind", KindInsult, "verdict", VerdictEnd,
		"names", []string{"A", "B"}, "why", inner, "currency", Currency("USD"))
	text, err := EncodeMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeMessage(text)
	if err != nil {
		t.Fatal(err)
	}
	// A type the codec does not know comes back as its text.
	m.Args[len(m.Args)-1].Value = "USD"
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip of %s\n got %#v\nwant %#v", text, got, m)
	}
	if m, err := DecodeMessage(""); err != nil || m.Key != "" || m.Args != nil {
		t.Errorf("empty text: %v %v", m, err)
	}
	if text, err := EncodeMessage(Message{}); err != nil || text != "" {
		t.Errorf("no message: %q %v", text, err)
	}
	for _, bad := range []string{"{", `{"key":"k","args":[["n","int"]]}`, `{"key":"k","args":[["n","weird",1]]}`,
		`{"key":"k","args":[["n","date","yesterday"]]}`} {
		if _, err := DecodeMessage(bad); err == nil {
			t.Errorf("%q decoded without an error", bad)
		}
	}
}
