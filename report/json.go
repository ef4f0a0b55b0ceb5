package report

import (
	"encoding/json"
	"io"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/i18n"
)

// The JSON shape of a review is documented in docs/review-json.md and kept
// stable: fields may be added, never renamed or removed. Every message
// (reason, breach, finding) carries its code, its facts and its text in the
// requested language, so scripts can rely on codes and people can read the
// text.

// MessageJSON is a message as data and as text.
type MessageJSON struct {
	Code  string         `json:"code"`
	Facts map[string]any `json:"facts"`
	Text  string         `json:"text"`
}

// Message converts a message for JSON output.
func Message(m cartera.Message, p *i18n.Printer) MessageJSON {
	out := MessageJSON{Code: m.Key, Facts: map[string]any{}, Text: p.Msg(m)}
	for _, a := range m.Args {
		out.Facts[a.Name] = factValue(a.Value)
	}
	return out
}

// factValue gives each fact a plain JSON form: money as {amount,
// currency} in minor units, dates as ISO strings, percentages and hours as
// numbers.
func factValue(v any) any {
	switch x := v.(type) {
	case cartera.Date:
		return x.String()
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case cartera.Hours:
		return float64(x) / 100
	case cartera.BasisPoints:
		return float64(x) / 100
	case cartera.Tenths:
		return float64(x) / 10
	case cartera.IncidentKind:
		return string(x)
	case cartera.Verdict:
		return string(x)
	case cartera.SignalKind:
		return string(x)
	case cartera.Stage:
		return string(x)
	case cartera.Multiplier:
		return float64(x) / 100
	case cartera.Message:
		facts := map[string]any{}
		for _, a := range x.Args {
			facts[a.Name] = factValue(a.Value)
		}
		return map[string]any{"code": x.Key, "facts": facts}
	}
	return v
}

// ClientJSON is one assessed client.
type ClientJSON struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Owner        string            `json:"owner"`
	FamilyFriend bool              `json:"family_friend"`
	Currency     cartera.Currency  `json:"currency"`
	Verdict      cartera.Verdict   `json:"verdict"`
	VerdictText  string            `json:"verdict_text"`
	Reasons      []MessageJSON     `json:"reasons"`
	Breaches     []MessageJSON     `json:"breaches"`
	Watch        []MessageJSON     `json:"watch"`
	Change       []MessageJSON     `json:"change"`
	Economic     assess.Economic   `json:"economic"`
	Payment      assess.Payment    `json:"payment"`
	Relational   RelationalJSON    `json:"relational"`
	Contacts     []cartera.Contact `json:"contacts,omitempty"`
}

// RelationalJSON is the relational figures with escalation as messages.
type RelationalJSON struct {
	assess.Relational
	Escalation []MessageJSON `json:"escalation"`
}

// Client converts an assessment for JSON output.
func Client(a *assess.Assessment, p *i18n.Printer) ClientJSON {
	c := ClientJSON{
		ID: a.Client.ID, Name: a.Client.Name, Owner: a.Client.Owner, FamilyFriend: a.Client.FamilyFriend,
		Currency: a.Client.Currency, Verdict: a.Verdict, VerdictText: p.T("verdict." + string(a.Verdict)),
		Reasons: []MessageJSON{}, Breaches: []MessageJSON{}, Watch: []MessageJSON{}, Change: []MessageJSON{},
		Economic: a.Economic, Payment: a.Payment, Relational: RelationalJSON{Relational: a.Relational, Escalation: []MessageJSON{}},
	}
	for _, r := range a.Reasons {
		c.Reasons = append(c.Reasons, Message(r, p))
	}
	for _, b := range a.Breaches {
		c.Breaches = append(c.Breaches, Message(b, p))
	}
	for _, m := range a.Watch {
		c.Watch = append(c.Watch, Message(m, p))
	}
	for _, m := range a.Change {
		c.Change = append(c.Change, Message(m, p))
	}
	for _, m := range a.Relational.Escalation {
		c.Relational.Escalation = append(c.Relational.Escalation, Message(m, p))
	}
	return c
}

// PortfolioJSON is the summary part of a review.
type PortfolioJSON struct {
	*assess.Portfolio
	Finding MessageJSON `json:"finding"`
}

// Header is what precedes the clients in a streamed review.
type Header struct {
	Version int            `json:"version"`
	AsOf    cartera.Date   `json:"as_of"`
	From    cartera.Date   `json:"from"`
	Lang    i18n.Lang      `json:"lang"`
	Policy  cartera.Policy `json:"policy"`
}

// StreamJSON writes a review as one JSON object, streaming the clients so
// that 100,000 of them never sit in memory together: header fields first,
// then "clients", then "portfolio" (only known at the end).
type StreamJSON struct {
	w     io.Writer
	p     *i18n.Printer
	enc   *json.Encoder
	first bool
	err   error
}

// NewStreamJSON starts the object.
func NewStreamJSON(w io.Writer, p *i18n.Printer, h Header) *StreamJSON {
	s := &StreamJSON{w: w, p: p, enc: json.NewEncoder(w), first: true}
	h.Version = 1
	b, err := json.Marshal(h)
	if err != nil {
		s.err = err
		return s
	}
	// Open the header object and leave it open for the clients.
	s.write(string(b[:len(b)-1]) + `,"clients":[`)
	return s
}

func (s *StreamJSON) write(str string) {
	if s.err == nil {
		_, s.err = io.WriteString(s.w, str)
	}
}

// Client appends one client.
func (s *StreamJSON) Client(a *assess.Assessment) error {
	if !s.first {
		s.write(",")
	}
	s.first = false
	if s.err == nil {
		b, err := json.Marshal(Client(a, s.p))
		if err != nil {
			return err
		}
		s.write(string(b))
	}
	return s.err
}

// Close writes the portfolio and closes the object.
func (s *StreamJSON) Close(pf *assess.Portfolio) error {
	s.write(`],"portfolio":`)
	if s.err == nil {
		s.err = s.enc.Encode(PortfolioJSON{Portfolio: pf, Finding: Message(pf.Attention.Finding, s.p)})
	}
	s.write("}\n")
	return s.err
}
