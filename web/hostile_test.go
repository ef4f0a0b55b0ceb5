package web

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cartera/cartera"
)

// hostileValues are what an attacker types into a field, a filter or a
// path: markup, SQL, path traversal, control bytes, invalid UTF-8 and sheer
// length.
var hostileValues = []string{
	`<script>alert("x")</script><img src=x onerror=alert(1)>`,
	`' OR '1'='1`,
	`'); DROP TABLE clients; --`,
	`1; DELETE FROM deals WHERE 1=1`,
	`../../../../etc/passwd`,
	`..\..\windows\win.ini`,
	"\x00\x01\x1b[31m",
	"\xff\xfe invalid utf-8",
	`%s%n%x{{.}}${7*7}`,
	strings.Repeat("Ñ", 5000),
}

// filterNames are every query parameter a page or an endpoint reads.
var filterNames = []string{"q", "owner", "seller", "stage", "sort", "order", "verdict", "cursor", "after", "limit",
	"period", "by", "format", "horizon", "as_of", "asof", "lang", "archetype", "outcome", "stale", "client_id",
	"deal_id", "kind", "from", "to", "day", "view", "status", "mapping", "vendor", "page", "per_page"}

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

// Every GET route in the route table, pages and API alike, is called with
// hostile values in each path parameter and in every filter: no answer is
// a server error, no payload comes back as markup, and nothing is written
// or dropped. New routes are covered as soon as they are in the table.
func TestEveryGETRouteSurvivesHostileInput(t *testing.T) {
	f := newFixture(t)
	before, err := f.st.Counts(bg)
	if err != nil {
		t.Fatal(err)
	}
	owner := f.signIn("owner")
	routes := 0
	statuses := map[int]int{}
	for _, rt := range f.srv.routeTable() {
		if rt.method != "GET" {
			continue
		}
		routes++
		for _, v := range hostileValues {
			path := strings.ReplaceAll(rt.pattern, "{$}", "")
			path = pathParam.ReplaceAllLiteralString(path, url.PathEscape(v))
			q := url.Values{}
			for _, name := range filterNames {
				q.Set(name, v)
			}
			target := path + "?" + q.Encode()
			var res *http.Response
			var body string
			if rt.api {
				res, body = f.api("owner", "GET", target, "")
			} else {
				res, body = owner.get(target)
			}
			statuses[res.StatusCode]++
			if res.StatusCode >= 500 {
				t.Errorf("%s %s with %.20q: %d %.200s", rt.method, rt.pattern, v, res.StatusCode, body)
			}
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
				t.Errorf("%s with a script payload: rendered as markup", rt.pattern)
			}
			if strings.Contains(body, "root:x:0:0") {
				t.Errorf("%s with a traversal payload: served a system file", rt.pattern)
			}
		}
	}
	t.Logf("%d GET routes, answers by status: %v", routes, statuses)
	if statuses[http.StatusOK] == 0 {
		t.Errorf("no route answered 200: the payloads never reached a query")
	}
	if routes < 20 {
		t.Fatalf("only %d GET routes found: is the route table read right?", routes)
	}
	after, err := f.st.Counts(bg)
	if err != nil {
		t.Fatalf("the database must still answer: %v", err)
	}
	for _, e := range cartera.Entities {
		if after[e] != before[e] {
			t.Errorf("%s: %d records before, %d after reading with hostile filters", e, before[e], after[e])
		}
	}
}

// Malformed uploads get a 4xx answer in the API's problem format and write
// nothing: broken multipart bodies, wrong content types, binary files,
// hostile file names.
func TestMalformedUploadsAreRefused(t *testing.T) {
	f := newFixture(t)
	before, _ := f.st.Counts(bg)
	good, goodCT := multipartBody(t, map[string]string{"facturas.csv": "id;cliente;emitida;vence;importe\n"})
	goodBody := good.String()
	binary, binaryCT := multipartBody(t, map[string]string{"facturas.csv": "\x00\x01PK\x03\x04\xff\xfe\x00garbage"})
	traversal, traversalCT := multipartBody(t, map[string]string{"../../../../tmp/x.csv": "nonsense\n1", "..\\..\\x.csv": "a;b\n"})
	none, noneCT := multipartBody(t, map[string]string{})
	for _, tc := range []struct {
		name, contentType, body string
	}{
		{"not multipart", "application/json", `{"files":["x"]}`},
		{"no content type", "", goodBody},
		{"boundary missing", "multipart/form-data", goodBody},
		{"wrong boundary", "multipart/form-data; boundary=nope", goodBody},
		{"truncated", goodCT, goodBody[:len(goodBody)/2]},
		{"empty body", goodCT, ""},
		{"no files", noneCT, none.String()},
		{"binary file", binaryCT, binary.String()},
		{"traversal in file names", traversalCT, traversal.String()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/import", strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			req.Header.Set("Authorization", "Bearer "+f.tokens["owner"])
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Errorf("status %d, want a 4xx: %.300s", res.StatusCode, b)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("content type %q, want problem+json", ct)
			}
			if strings.Contains(string(b), "/tmp/") || strings.Contains(string(b), "..") {
				t.Errorf("the answer echoes a path: %.300s", b)
			}
		})
	}
	after, _ := f.st.Counts(bg)
	for _, e := range cartera.Entities {
		if after[e] != before[e] {
			t.Errorf("%s: %d before, %d after malformed uploads", e, before[e], after[e])
		}
	}
}
