package web

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

//go:embed openapi_schemas.json
var schemasJSON []byte

// queryDocs describes every query parameter the API uses.
var queryDocs = map[string]map[string]any{
	"q":         {"description": "Search text, case and accents ignored: part of a name or an exact id (clients); words or their starts (lessons).", "schema": map[string]any{"type": "string"}},
	"owner":     {"description": "Only this owner's clients, or tasks (ignored for sellers, who only see their own).", "schema": map[string]any{"type": "string"}},
	"verdict":   {"description": "Only this verdict.", "schema": map[string]any{"type": "string", "enum": []string{"end", "renegotiate", "boundaries", "keep"}}},
	"breached":  {"description": "Only clients that crossed a red line.", "schema": map[string]any{"type": "boolean"}},
	"sort":      {"description": "Order.", "schema": map[string]any{"type": "string", "enum": []string{"urgency", "name", "margin", "revenue", "relational"}}},
	"dir":       {"description": "asc (default) or desc.", "schema": map[string]any{"type": "string", "enum": []string{"asc", "desc"}}},
	"limit":     {"description": "Page size.", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 500}},
	"cursor":    {"description": "next_cursor of the previous page.", "schema": map[string]any{"type": "string"}},
	"client":    {"description": "Only this client's records.", "schema": map[string]any{"type": "string"}},
	"as_of":     {"description": "Assess as of this day (default: today).", "schema": map[string]any{"type": "string", "format": "date"}},
	"dry_run":   {"description": "Validate only, write nothing.", "schema": map[string]any{"type": "boolean"}},
	"rows":      {"description": "How many rows to preview (default 20).", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 200}},
	"seller":    {"description": "Only this seller's deals (ignored for sellers, who only see their own).", "schema": map[string]any{"type": "string"}},
	"stage":     {"description": "Only deals in this stage of the pipeline.", "schema": map[string]any{"type": "string"}},
	"outcome":   {"description": "Only open, won or lost deals.", "schema": map[string]any{"type": "string", "enum": []string{"open", "won", "lost"}}},
	"stale":     {"description": "Only the open deals nobody has checked within their stage's limit, most overdue first (limit defaults to 50).", "schema": map[string]any{"type": "boolean"}},
	"from":      {"description": "First day (default: a year before to).", "schema": map[string]any{"type": "string", "format": "date"}},
	"to":        {"description": "Last day (default: today).", "schema": map[string]any{"type": "string", "format": "date"}},
	"view":      {"description": "today (late and due today), week (the next 7 days), overdue, done (with finished tasks); default: the next 14 days.", "schema": map[string]any{"type": "string", "enum": []string{"today", "week", "overdue", "done"}}},
	"archetype": {"description": "Only this archetype's script (the client must fit it).", "schema": map[string]any{"type": "string", "enum": []string{"late_payer", "diva", "family_friend", "yeller", "non_listener"}}},
	"format":    {"description": "json (default), text or markdown.", "schema": map[string]any{"type": "string", "enum": []string{"json", "text", "markdown"}}},
	"period":    {"description": "Forecast: 2026-Q4, 2026-11, 2026-H2 or 2026 (default: the current quarter). Win/loss: month, quarter (default) or year, the size of each bucket.", "schema": map[string]any{"type": "string", "examples": []string{"2026-Q4"}}},
}

// openAPI builds the OpenAPI 3.1 document from the route table: every API
// route is documented because the document is made from the routes.
func (s *Server) openAPI() []byte {
	s.openAPIOnce.Do(func() {
		var schemas map[string]any
		if err := json.Unmarshal(schemasJSON, &schemas); err != nil {
			panic("web: openapi_schemas.json: " + err.Error()) // a build defect, caught by the tests
		}
		for _, name := range []string{"Contact", "Invoice", "TimeEntry", "Concession", "Incident"} {
			schemas[name+"List"] = map[string]any{"type": "object", "required": []string{"items", "next_cursor"}, "properties": map[string]any{
				"items": map[string]any{"type": "array", "items": ref(name)}, "next_cursor": map[string]any{"type": "string"}}}
		}
		paths := map[string]map[string]any{}
		for _, rt := range s.routes {
			if rt.doc == nil {
				continue
			}
			paths[rt.pattern] = mergeOp(paths[rt.pattern], strings.ToLower(rt.method), operation(rt))
		}
		doc := map[string]any{
			"openapi": "3.1.0",
			"info": map[string]any{
				"title": "cartera API", "version": "1",
				"description": "Everything the cartera web app does. Authenticate with an API key (Authorization: Bearer crt_…) " +
					"created in Settings, or with the browser session plus an X-CSRF-Token header. Errors are application/problem+json " +
					"(RFC 9457). Lists page with a cursor. Updates carry the version they read (If-Match or the version field): a stale " +
					"one gets 409 with the current record, a missing one 428. Texts follow Accept-Language (Spanish by default).",
			},
			"servers": []any{map[string]any{"url": s.cfg.BaseURL}},
			"paths":   paths,
			"components": map[string]any{
				"schemas": schemas,
				"securitySchemes": map[string]any{
					"apiKey":  map[string]any{"type": "http", "scheme": "bearer", "description": "An API key from Settings."},
					"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
				},
			},
			"security": []any{map[string]any{"apiKey": []any{}}, map[string]any{"session": []any{}}},
		}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			panic(err)
		}
		s.openAPIDoc = b
	})
	return s.openAPIDoc
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func mergeOp(m map[string]any, method string, op map[string]any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	m[method] = op
	return m
}

func jsonContent(schema string) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": ref(schema)}}
}

func problemResponse(desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
}

func operation(rt *route) map[string]any {
	d := rt.doc
	op := map[string]any{"operationId": d.id, "summary": d.summary, "tags": []string{d.tag}}
	var params []any
	for _, seg := range strings.Split(rt.pattern, "/") {
		if strings.HasPrefix(seg, "{") {
			name := strings.Trim(seg, "{}")
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
	}
	for _, q := range d.query {
		p := map[string]any{"name": q, "in": "query", "required": false}
		for k, v := range queryDocs[q] {
			p[k] = v
		}
		params = append(params, p)
	}
	if (d.versioned || d.mayMatch) && rt.method != http.MethodGet {
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": false,
			"description": "The version being updated (the ETag of a GET).", "schema": map[string]any{"type": "string"}})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if d.body != "" {
		content := jsonContent(d.body)
		if strings.HasSuffix(d.body, "Upload") {
			content = map[string]any{"multipart/form-data": map[string]any{"schema": ref("Upload")}}
		}
		op["requestBody"] = map[string]any{"required": true, "content": content}
	}
	ok := map[string]any{"description": http.StatusText(d.status)}
	if d.resp != "" {
		ok["content"] = jsonContent(d.resp)
	}
	if d.versioned && rt.method == http.MethodGet {
		ok["headers"] = map[string]any{"ETag": map[string]any{"description": "The record's version.", "schema": map[string]any{"type": "string"}}}
	}
	responses := map[string]any{strconv.Itoa(d.status): ok}
	responses["401"] = problemResponse("Not signed in")
	if rt.perm >= permManager {
		responses["403"] = problemResponse("Not allowed for this role")
	}
	if strings.Contains(rt.pattern, "{") {
		responses["404"] = problemResponse("Not found, or not yours")
	}
	if d.body != "" || len(d.query) > 0 {
		responses["422"] = problemResponse("Invalid input; field names the culprit")
	}
	if d.mayMatch {
		responses["409"] = problemResponse("Changed by someone else since the version you sent; current holds the stored record")
	}
	if d.versioned && rt.method != http.MethodGet {
		responses["409"] = problemResponse("Changed by someone else since you read it; current holds the stored record")
		responses["428"] = problemResponse("Updating an existing record needs its version")
	}
	op["responses"] = responses
	return op
}

func (s *Server) openAPIShow(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(s.openAPI())
	return err
}
