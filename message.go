package cartera

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
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

// A stored Message (a client summary's first reason) is JSON that keeps
// each argument's type, so that it renders later exactly as it would have
// at once: {"key":"k","args":[["n","int",3],["due","date","2026-11-02"]]}.
// An argument of a type not listed here is stored as its fmt.Sprint text,
// which is also what a printer makes of such a value.

type storedMessage struct {
	Key  string   `json:"key"`
	Args [][3]any `json:"args,omitempty"`
}

// EncodeMessage is m as stored text; DecodeMessage reads it back. The
// zero Message (no reason) is the empty text.
func EncodeMessage(m Message) (string, error) {
	if m.Key == "" && len(m.Args) == 0 {
		return "", nil
	}
	b, err := json.Marshal(storedOf(m))
	return string(b), err
}

func storedOf(m Message) storedMessage {
	s := storedMessage{Key: m.Key}
	for _, a := range m.Args {
		kind, v := "text", any(fmt.Sprint(a.Value))
		switch x := a.Value.(type) {
		case int:
			kind, v = "int", x
		case int64:
			kind, v = "int64", x
		case float64:
			kind, v = "float", x
		case bool:
			kind, v = "bool", x
		case string:
			kind, v = "string", x
		case nil:
			kind, v = "nil", nil
		case Money:
			kind, v = "money", x
		case Date:
			kind, v = "date", x
		case time.Time:
			kind, v = "time", x.UTC()
		case Hours:
			kind, v = "hours", x
		case BasisPoints:
			kind, v = "bp", x
		case Tenths:
			kind, v = "tenths", x
		case Multiplier:
			kind, v = "multiplier", x
		case Hundredths:
			kind, v = "hundredths", x
		case Label:
			kind, v = "label", x
		case SignalKind:
			kind, v = "signal", x
		case Stage:
			kind, v = "stage", x
		case IncidentKind:
			kind, v = "incident", x
		case Verdict:
			kind, v = "verdict", x
		case []string:
			kind, v = "list", x
		case Message:
			kind, v = "message", storedOf(x)
		}
		s.Args = append(s.Args, [3]any{a.Name, kind, v})
	}
	return s
}

// DecodeMessage reads what EncodeMessage wrote.
func DecodeMessage(text string) (Message, error) {
	if text == "" {
		return Message{}, nil
	}
	var s struct {
		Key  string              `json:"key"`
		Args [][]json.RawMessage `json:"args"`
	}
	if err := json.Unmarshal([]byte(text), &s); err != nil {
		return Message{}, fmt.Errorf("stored message: %w", err)
	}
	m := Message{Key: s.Key}
	for _, raw := range s.Args {
		var name, kind string
		if len(raw) != 3 || json.Unmarshal(raw[0], &name) != nil || json.Unmarshal(raw[1], &kind) != nil {
			return Message{}, fmt.Errorf("stored message %s: bad argument", s.Key)
		}
		v, err := decodeArg(kind, raw[2])
		if err != nil {
			return Message{}, fmt.Errorf("stored message %s: argument %s: %w", s.Key, name, err)
		}
		m.Args = append(m.Args, Arg{Name: name, Value: v})
	}
	return m, nil
}

func decodeArg(kind string, raw json.RawMessage) (any, error) {
	switch kind {
	case "int":
		return decodeAs[int](raw)
	case "int64":
		return decodeAs[int64](raw)
	case "float":
		return decodeAs[float64](raw)
	case "bool":
		return decodeAs[bool](raw)
	case "nil":
		return nil, nil
	case "text", "string":
		return decodeAs[string](raw)
	case "money":
		return decodeAs[Money](raw)
	case "date":
		return decodeAs[Date](raw)
	case "time":
		return decodeAs[time.Time](raw)
	case "hours":
		return decodeAs[Hours](raw)
	case "bp":
		return decodeAs[BasisPoints](raw)
	case "tenths":
		return decodeAs[Tenths](raw)
	case "multiplier":
		return decodeAs[Multiplier](raw)
	case "hundredths":
		return decodeAs[Hundredths](raw)
	case "label":
		return decodeAs[Label](raw)
	case "signal":
		return decodeAs[SignalKind](raw)
	case "stage":
		return decodeAs[Stage](raw)
	case "incident":
		return decodeAs[IncidentKind](raw)
	case "verdict":
		return decodeAs[Verdict](raw)
	case "list":
		return decodeAs[[]string](raw)
	case "message":
		return DecodeMessage(string(raw))
	}
	return nil, fmt.Errorf("unknown kind %q", kind)
}

func decodeAs[T any](raw json.RawMessage) (any, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
}
