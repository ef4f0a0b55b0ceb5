package cartera

import (
	"fmt"
	"strings"
)

// Message is user-facing text kept as data: a catalog key and the facts it
// mentions. Package i18n renders it in Spanish or English; nothing in the
// engine builds sentences by concatenation. Reasons, breaches and error
// messages are all Messages.
type Message struct {
	Key  string `json:"code"`
	Args []Arg  `json:"-"`
}

// Arg is one named fact of a Message. Value is one of: int, int64, string,
// Money, Date, Hours, BasisPoints, Tenths, time.Time, IncidentKind, Verdict,
// a []string of names, or a nested Message.
type Arg struct {
	Name  string
	Value any
}

// M builds a Message from a key and alternating names and values:
// M("late_payments", "n", 3, "of", 4).
func M(key string, kv ...any) Message {
	m := Message{Key: key}
	for i := 0; i+1 < len(kv); i += 2 {
		name, _ := kv[i].(string)
		m.Args = append(m.Args, Arg{Name: name, Value: kv[i+1]})
	}
	return m
}

// Get returns the value of the named argument.
func (m Message) Get(name string) (any, bool) {
	for _, a := range m.Args {
		if a.Name == name {
			return a.Value, true
		}
	}
	return nil, false
}

// String renders the message for logs, not for users: key{name=value …}.
func (m Message) String() string {
	var b strings.Builder
	b.WriteString(m.Key)
	if len(m.Args) > 0 {
		b.WriteByte('{')
		for i, a := range m.Args {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%s=%v", a.Name, a.Value)
		}
		b.WriteByte('}')
	}
	return b.String()
}
