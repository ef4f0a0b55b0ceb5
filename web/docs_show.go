package web

import (
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"regexp"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/docs"
)

// userDocs are the guides the app serves at /docs/NAME, in the order of
// the index; the developer notes (architecture, performance) stay in the
// repository.
var userDocs = []string{"assessment", "forecast", "playbooks", "scripts", "import", "web", "review-json", "operations", "security", "design"}

type docPage struct {
	Name  string
	Title string
	Body  template.HTML
	TOC   []docHeading
	Docs  []docLink
}

type docHeading struct{ ID, Text string }

type docLink struct{ Name, Title string }

// docsIndex lists the guides.
func (s *Server) docsIndex(w http.ResponseWriter, r *http.Request) error {
	var links []docLink
	for _, n := range userDocs {
		src, err := fs.ReadFile(docs.FS, n+".md")
		if err != nil {
			continue
		}
		links = append(links, docLink{Name: n, Title: docTitle(string(src))})
	}
	return s.page(w, r, "docs", "", docPage{Docs: links})
}

// docShow renders one guide from Markdown; everything in it is escaped.
func (s *Server) docShow(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	known := false
	for _, n := range userDocs {
		known = known || n == name
	}
	src, err := fs.ReadFile(docs.FS, name+".md")
	if !known || err != nil {
		return cartera.NewError(cartera.ENOTFOUND, "web.doc_not_found", "name", name)
	}
	body, toc := renderMarkdown(string(src))
	return s.page(w, r, "docs", "", docPage{Name: name, Title: docTitle(string(src)), Body: body, TOC: toc})
}

func docTitle(src string) string {
	first, _, _ := strings.Cut(src, "\n")
	return strings.TrimSpace(strings.TrimLeft(first, "# "))
}

var (
	mdHeading = regexp.MustCompile(`^(#{1,6})\s+(.*)$`)
	mdItem    = regexp.MustCompile(`^(\s*)([-*]|\d+\.)\s+(.*)$`)
	mdRule    = regexp.MustCompile(`^\|?\s*:?-{3,}`)
	mdLink    = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
	mdBold    = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	mdSlug    = regexp.MustCompile(`[^a-z0-9]+`)
)

// renderMarkdown turns the subset of Markdown the guides use (headings,
// paragraphs, lists, fenced code, tables, quotes, code spans, bold, links)
// into HTML. Every text is escaped first; links to other guides become
// /docs/NAME, links to repository files become plain text.
func renderMarkdown(src string) (template.HTML, []docHeading) {
	var b strings.Builder
	var toc []docHeading
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var para []string
	list := "" // "ul" or "ol" while a list is open
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + mdInline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if list != "" {
			b.WriteString("</li></" + list + ">\n")
			list = ""
		}
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "```"):
			flush()
			closeList()
			b.WriteString(`<pre class="doc-code"><code>`)
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				b.WriteString(html.EscapeString(lines[i]) + "\n")
			}
			b.WriteString("</code></pre>\n")
		case t == "":
			flush()
			// A blank line inside a list keeps it open when an item follows.
			if list != "" && (i+1 >= len(lines) || !mdItem.MatchString(lines[i+1])) {
				closeList()
			}
		case mdHeading.MatchString(t):
			flush()
			closeList()
			m := mdHeading.FindStringSubmatch(t)
			level := len(m[1])
			id := strings.Trim(mdSlug.ReplaceAllString(strings.ToLower(stripMarks(m[2])), "-"), "-")
			if level == 2 {
				toc = append(toc, docHeading{ID: id, Text: stripMarks(m[2])})
			}
			tag := "h" + string(rune('0'+min(level, 6)))
			b.WriteString("<" + tag + ` id="` + html.EscapeString(id) + `">` + mdInline(m[2]) + "</" + tag + ">\n")
		case strings.HasPrefix(t, "|") && i+1 < len(lines) && mdRule.MatchString(strings.TrimSpace(lines[i+1])):
			flush()
			closeList()
			b.WriteString(`<div class="table-scroll"><table><thead><tr>`)
			for _, c := range mdCells(t) {
				b.WriteString("<th>" + mdInline(c) + "</th>")
			}
			b.WriteString("</tr></thead><tbody>\n")
			for i += 2; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				b.WriteString("<tr>")
				for _, c := range mdCells(strings.TrimSpace(lines[i])) {
					b.WriteString("<td>" + mdInline(c) + "</td>")
				}
				b.WriteString("</tr>\n")
			}
			i--
			b.WriteString("</tbody></table></div>\n")
		case strings.HasPrefix(t, ">"):
			flush()
			closeList()
			b.WriteString("<blockquote><p>" + mdInline(strings.TrimSpace(strings.TrimPrefix(t, ">"))) + "</p></blockquote>\n")
		case mdItem.MatchString(l) && (list != "" || len(para) == 0):
			flush()
			m := mdItem.FindStringSubmatch(l)
			kind := "ul"
			if m[2] != "-" && m[2] != "*" {
				kind = "ol"
			}
			if list != kind {
				closeList()
				b.WriteString("<" + kind + "><li>")
				list = kind
			} else {
				b.WriteString("</li><li>")
			}
			b.WriteString(mdInline(m[3]))
		case list != "":
			b.WriteString(" " + mdInline(t))
		default:
			para = append(para, t)
		}
	}
	flush()
	closeList()
	return template.HTML(b.String()), toc
}

func mdCells(row string) []string {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	cells := strings.Split(row, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// stripMarks drops the code and bold marks of a heading, for its id.
func stripMarks(s string) string {
	return strings.NewReplacer("`", "", "**", "").Replace(s)
}

// mdInline renders code spans, bold and links of one line of text, which
// it escapes first.
func mdInline(s string) string {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, part := range parts {
		if i%2 == 1 && i < len(parts)-1 {
			b.WriteString("<code>" + html.EscapeString(part) + "</code>")
			continue
		}
		if i%2 == 1 {
			b.WriteString("`")
		}
		e := html.EscapeString(part)
		e = mdBold.ReplaceAllString(e, "<strong>$1</strong>")
		e = mdLink.ReplaceAllStringFunc(e, func(m string) string {
			sub := mdLink.FindStringSubmatch(m)
			text, href := sub[1], html.UnescapeString(sub[2])
			switch {
			case strings.HasPrefix(href, "https://") || strings.HasPrefix(href, "http://"):
				return `<a href="` + html.EscapeString(href) + `">` + text + "</a>"
			case strings.HasPrefix(href, "#"):
				return `<a href="` + html.EscapeString(href) + `">` + text + "</a>"
			}
			file, frag, _ := strings.Cut(strings.TrimPrefix(href, "docs/"), "#")
			if name, ok := strings.CutSuffix(file, ".md"); ok && !strings.Contains(name, "/") {
				for _, n := range userDocs {
					if n == name {
						if frag != "" {
							frag = "#" + frag
						}
						return `<a href="/docs/` + html.EscapeString(name+frag) + `">` + text + "</a>"
					}
				}
			}
			return text // a file of the repository: not served
		})
		b.WriteString(e)
	}
	return b.String()
}
