package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/report"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds one template set per page, each the layout plus the page.
type pages struct {
	set map[string]*template.Template
}

// funcs are the template helpers that need no request state; everything
// language-dependent goes through the page's printer (.P).
var funcs = template.FuncMap{
	"verdictClass": func(v cartera.Verdict) string { return "v-" + string(v) },
	"proposalText": report.ProposalText,
	"decisionLine": report.DecisionLine,
	"lower":        strings.ToLower,
	"add":          func(a, b int) int { return a + b },
	"div100":       func(x float64) float64 { return x / 100 },
	"sub":          func(a, b int) int { return a - b },
	"periodName":   report.ForecastPeriod,
	// capital writes a heading's first letter in capitals ("Contacto
	// inicial"): catalog names are lower case for use inside sentences.
	"capital": func(s string) string {
		r, n := utf8.DecodeRuneInString(s)
		return string(unicode.ToUpper(r)) + s[n:]
	},
	"list": func(xs ...string) []string { return xs },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	},
	// dict passes several values to a nested template.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	"deref": func(u *cartera.User) cartera.User {
		if u == nil {
			return cartera.User{}
		}
		return *u
	},
}

func loadPages() (*pages, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{set: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		p.set[base] = t
	}
	return p, nil
}

// render executes a page into a buffer first, so that a template error
// never leaves half a page.
func (p *pages) render(w io.Writer, name string, data any) error {
	t, ok := p.set[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if hw, ok := w.(http.ResponseWriter); ok && hw.Header().Get("Content-Type") == "" {
		hw.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	_, err := buf.WriteTo(w)
	return err
}

// pageData is what every page template receives.
type pageData struct {
	P     *i18n.Printer
	Lang  i18n.Lang
	User  *cartera.User
	CSRF  string
	Nav   string // the active section
	Demo  bool
	Path  string
	Flash string
	Data  any
	// Updating says the figures shown are the last ones assessed while
	// the current ones are being assessed (web/summaries.go).
	Updating bool
	// Refresh, when positive, reloads the page every so many seconds (a
	// running import's progress).
	Refresh int
}

func (s *Server) pageData(r *http.Request, nav string, data any) pageData {
	c := rc(r)
	return pageData{P: c.p, Lang: c.lang, User: c.user, CSRF: c.csrf, Nav: nav, Demo: s.cfg.Demo, Path: r.URL.RequestURI(),
		Flash: r.URL.Query().Get("ok"), Data: data, Updating: c.updating}
}

// page renders a full page with status 200.
func (s *Server) page(w http.ResponseWriter, r *http.Request, name, nav string, data any) error {
	w.Header().Set("Cache-Control", "no-store")
	return s.pages.render(w, name, s.pageData(r, nav, data))
}

// static serves the embedded assets with long caching: their URLs carry
// the build's version.
func (s *Server) static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}
