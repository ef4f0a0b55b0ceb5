package web

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/cartera/cartera/docs"
)

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
		not       []string
	}{
		{"heading with an id for the table of contents", "## Your own mapping: `--map`\n",
			[]string{`<h2 id="your-own-mapping-map">Your own mapping: <code>--map</code></h2>`}, nil},
		{"text and code are escaped", "A <script>alert(1)</script> and `<b>`\n",
			[]string{"&lt;script&gt;", "<code>&lt;b&gt;</code>"}, []string{"<script>", "<b>"}},
		{"a link to another guide is served by the app", "See [forecast](forecast.md#signals) and [x](docs/scripts.md).\n",
			[]string{`<a href="/docs/forecast#signals">forecast</a>`, `<a href="/docs/scripts">x</a>`}, []string{".md"}},
		{"a link to a repository file is plain text", "[the files](../testdata/import/es)\n",
			[]string{"the files"}, []string{"<a", "testdata"}},
		{"a javascript link is never a link", "[x](javascript:alert(1))\n", nil, []string{"<a"}},
		{"tables scroll inside their box", "| a | b |\n| --- | --- |\n| 1 | 2 |\n",
			[]string{`<div class="table-scroll"><table>`, "<th>a</th>", "<td>2</td>"}, nil},
		{"lists", "- one\n- two\n\n1. first\n", []string{"<ul><li>one</li><li>two</li></ul>", "<ol><li>first</li></ol>"}, nil},
		{"fenced code keeps its lines", "```\na < b\n  c\n```\n", []string{"<pre class=\"doc-code\"><code>a &lt; b\n  c\n</code></pre>"}, nil},
	}
	for _, tc := range tests {
		got, _ := renderMarkdown(tc.src)
		for _, w := range tc.want {
			if !strings.Contains(string(got), w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(string(got), n) {
				t.Errorf("%s: %q has %q", tc.name, got, n)
			}
		}
	}
}

// Every guide the app lists is embedded, and none links to a repository
// file the binary does not serve.
func TestUserDocsAreEmbedded(t *testing.T) {
	for _, n := range userDocs {
		src, err := fs.ReadFile(docs.FS, n+".md")
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		body, _ := renderMarkdown(string(src))
		if strings.Contains(string(body), `href="docs/`) || strings.Contains(string(body), `.md"`) {
			t.Errorf("%s links to a file", n)
		}
	}
}
