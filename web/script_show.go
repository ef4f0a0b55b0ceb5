package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// scriptPage is a client's scripts laid out for reading and copying.
type scriptPage struct {
	Client     cartera.Client
	Doc        *report.ScriptDoc
	Archetype  string
	Archetypes []playbook.Archetype
	Sections   []scriptView
	Boundaries *scriptView
	Error      string
}

// scriptView is one script with its plain text for the copy button.
type scriptView struct {
	ID        string
	Archetype playbook.Archetype
	Why       []cartera.Message
	Blocks    []playbook.Block
	Text      string
}

// loadScript builds a client's scripts in the user's language: what the
// page and the API share. The archetype comes from ?archetype= (spelt
// with dashes or underscores).
func (s *Server) loadScript(r *http.Request) (cartera.Client, *report.ScriptDoc, error) {
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return cl, nil, err
	}
	a := playbook.Archetype(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(r.URL.Query().Get("archetype"))), "-", "_"))
	plan, err := review.Script(r.Context(), s.st, review.ScriptOptions{ClientID: cl.ID, AsOf: s.asOf(r), Archetype: a})
	if err != nil {
		return cl, nil, err
	}
	doc, err := report.Script(plan, rc(r).p)
	return cl, doc, err
}

// scriptShow is the scripts page: per matched archetype the facts that
// triggered it, the tempted and the better lines, likely answers, the
// boundaries message and the providers to recommend; or, when nothing
// matches, why not.
func (s *Server) scriptShow(w http.ResponseWriter, r *http.Request) error {
	cl, doc, err := s.loadScript(r)
	data := scriptPage{Client: cl, Archetype: r.URL.Query().Get("archetype"), Archetypes: playbook.Archetypes}
	if err != nil {
		msg, _, code, ok := formError(r, err)
		if !ok || cl.ID == "" {
			return err
		}
		data.Error = msg
		w.WriteHeader(code)
		return s.page(w, r, "script", "clients", data)
	}
	p := rc(r).p
	data.Doc = doc
	for _, sec := range doc.Sections {
		data.Sections = append(data.Sections, scriptView{ID: "script-" + string(sec.Archetype), Archetype: sec.Archetype,
			Why: sec.Reasons, Blocks: sec.Blocks, Text: report.ScriptText(sec.Blocks, p)})
	}
	if len(doc.Boundaries) > 0 {
		data.Boundaries = &scriptView{ID: "script-boundaries", Blocks: doc.Boundaries, Text: report.ScriptText(doc.Boundaries, p)}
	}
	return s.page(w, r, "script", "clients", data)
}

// apiScript answers a client's scripts as JSON (by default), plain text or
// Markdown. A client that fits no archetype gets no_match with the reasons
// in JSON; as text or Markdown, a 422 problem that says why.
func (s *Server) apiScript(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	switch format {
	case "", "json", "text", "markdown", "md":
	default:
		return cartera.FieldError("format", "api.bad_format", "value", format, "allowed", "json, text, markdown")
	}
	_, doc, err := s.loadScript(r)
	if err != nil {
		return err
	}
	p := rc(r).p
	if format == "" || format == "json" {
		return writeJSON(w, http.StatusOK, report.ScriptJSON(doc, p))
	}
	var b bytes.Buffer
	if doc.NoMatch {
		if err := report.WriteNoMatch(&b, doc, p, report.TextOptions{Width: 1 << 16}); err != nil {
			return err
		}
		return &cartera.Error{Code: cartera.EINVALID, Field: "archetype", Msg: cartera.M("api.no_script", "why", strings.TrimSpace(b.String()))}
	}
	ct := "text/plain; charset=utf-8"
	if format == "text" {
		err = report.WriteScript(&b, doc, p, report.TextOptions{})
	} else {
		ct = "text/markdown; charset=utf-8"
		err = report.WriteScriptMarkdown(&b, doc, p)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-store")
	_, err = b.WriteTo(w)
	return err
}
