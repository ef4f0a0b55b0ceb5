package web

import (
	"html/template"
	"net/http"
	"strings"
	"unicode"

	"github.com/cartera/cartera"
)

// lessonsPage is the lessons search.
type lessonsPage struct {
	Q       string
	Seller  string
	Sellers []string // the people to choose from
	Hits    []lessonView
}

// lessonView is a lesson with the search's words marked.
type lessonView struct {
	cartera.LessonHit
	TextHTML, TopicHTML, ChangeHTML template.HTML
}

// lessonSearch runs the search a page or the API asked for: every word,
// as a word or its start, ignoring case and accents; a seller searches
// their own deals' lessons, others may pick a seller.
func (s *Server) lessonSearch(r *http.Request) ([]cartera.LessonHit, error) {
	limit, err := limitParam(r)
	if err != nil {
		return nil, err
	}
	hits, err := s.st.SearchLessons(r.Context(), cartera.LessonQuery{Text: r.URL.Query().Get("q"), Owner: sellerFilter(r), Limit: limit})
	if hits == nil {
		hits = []cartera.LessonHit{}
	}
	return hits, err
}

// lessonsShow is the lessons page: /lessons?q=gestion finds "gestión".
func (s *Server) lessonsShow(w http.ResponseWriter, r *http.Request) error {
	hits, err := s.lessonSearch(r)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	words := cartera.SearchWords(q)
	data := lessonsPage{Q: q, Seller: sellerFilter(r)}
	if data.Sellers, err = s.dealSellers(r); err != nil {
		return err
	}
	for _, h := range hits {
		data.Hits = append(data.Hits, lessonView{LessonHit: h, TextHTML: highlight(h.Text, words), TopicHTML: highlight(h.Topic, words),
			ChangeHTML: highlight(h.Change, words)})
	}
	return s.page(w, r, "lessons", "lessons", data)
}

// apiLessons answers the lessons found, best first.
func (s *Server) apiLessons(w http.ResponseWriter, r *http.Request) error {
	hits, err := s.lessonSearch(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": hits})
}

// highlight escapes text and marks with <mark> every word that starts
// with one of the search words, compared as the store compares them
// (case and accents ignored): "gestion" marks "Gestión".
func highlight(text string, words []string) template.HTML {
	if len(words) == 0 || text == "" {
		return template.HTML(template.HTMLEscapeString(text))
	}
	keys := make([]string, 0, len(words))
	for _, w := range words {
		if k := cartera.Fold(w); k != "" {
			keys = append(keys, k)
		}
	}
	rs := []rune(text)
	folded := make([]string, len(rs))
	for i, r := range rs {
		folded[i] = cartera.Fold(string(r))
	}
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) }
	var b strings.Builder
	for i := 0; i < len(rs); {
		end := -1
		if isWord(rs[i]) && (i == 0 || !isWord(rs[i-1])) {
			for _, k := range keys {
				acc, j := "", i
				for j < len(rs) && len(acc) < len(k) {
					acc += folded[j]
					j++
				}
				if strings.HasPrefix(acc, k) && j > end {
					end = j
				}
			}
		}
		if end > i {
			b.WriteString("<mark>" + template.HTMLEscapeString(string(rs[i:end])) + "</mark>")
			i = end
			continue
		}
		b.WriteString(template.HTMLEscapeString(string(rs[i])))
		i++
	}
	return template.HTML(b.String())
}
