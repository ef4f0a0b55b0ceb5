package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cartera/cartera"
)

// opDoc describes an API operation for the OpenAPI document.
type opDoc struct {
	id, summary, tag string
	query            []string // query parameter names (documented in openapi.go)
	body             string   // request schema, "" for none
	resp             string   // response schema, "" for no content
	status           int      // success status
	versioned        bool     // accepts If-Match and returns an ETag
	// mayMatch: accepts If-Match (409 when stale) but does not require it,
	// as an action on a record rather than a replacement of it.
	mayMatch bool
}

func (s *Server) apiRoutes() []*route {
	api := func(method, pattern string, p perm, h handlerFunc, d opDoc) *route {
		if d.status == 0 {
			d.status = http.StatusOK
		}
		return &route{method: method, pattern: pattern, perm: p, api: true, h: h, doc: &d}
	}
	rs := []*route{
		api("GET", "/api/v1/me", permUser, s.apiMe, opDoc{id: "getMe", summary: "The signed-in user", tag: "users", resp: "User"}),
		api("GET", "/api/v1/clients", permUser, s.apiClientList, opDoc{id: "listClients", summary: "Clients with their assessment summaries, paged",
			tag: "clients", query: []string{"q", "owner", "verdict", "breached", "sort", "dir", "limit", "cursor"}, resp: "ClientPage"}),
		api("POST", "/api/v1/clients", permManager, s.apiClientCreate, opDoc{id: "createClient", summary: "Create a client",
			tag: "clients", body: "Client", resp: "Client", status: http.StatusCreated}),
		api("GET", "/api/v1/clients/{id}", permUser, s.apiClientGet, opDoc{id: "getClient", summary: "A client", tag: "clients", resp: "Client", versioned: true}),
		api("PUT", "/api/v1/clients/{id}", permUser, s.apiClientPut, opDoc{id: "putClient", summary: "Create or update a client",
			tag: "clients", body: "Client", resp: "Client", versioned: true}),
		api("DELETE", "/api/v1/clients/{id}", permManager, s.apiClientDelete, opDoc{id: "deleteClient",
			summary: "Delete a client without records", tag: "clients", status: http.StatusNoContent, versioned: true}),
		api("GET", "/api/v1/clients/{id}/assessment", permUser, s.apiAssessment, opDoc{id: "getAssessment",
			summary: "A client's assessment: verdict, reasons, figures, red lines", tag: "assessments", query: []string{"as_of"}, resp: "Assessment"}),
		api("GET", "/api/v1/clients/{id}/timeline", permUser, s.apiTimeline, opDoc{id: "getTimeline",
			summary: "A client's records, newest first", tag: "clients", query: []string{"limit"}, resp: "Timeline"}),
		api("GET", "/api/v1/clients/{id}/script", permUser, s.apiScript, opDoc{id: "getScript",
			summary: "A client's scripts in the caller's language: per matched archetype the facts that triggered it and the script's blocks, the boundaries message, matching referrals; no_match with why_not when nothing fits (as text or markdown, a 422 that says why)",
			tag:     "playbooks", query: []string{"archetype", "format"}, resp: "Script"}),
		api("POST", "/api/v1/clients/{id}/incidents", permUser, s.apiIncidentFlow, opDoc{id: "logIncidentFlow",
			summary: "Log an incident as the guided flow does (a not_listening one with its follow-up, all or nothing) and get what to do next: the steps, or the follow-up, the offer within the red lines, a different interlocutor and the framing",
			tag:     "playbooks", body: "IncidentInput", resp: "IncidentFlow", status: http.StatusCreated}),
		api("POST", "/api/v1/clients/{id}/decisions", permUser, s.apiDecisionCreate, opDoc{id: "recordDecision",
			summary: "Record the decision taken on the client's verdict today: agree, or another verdict and why",
			tag:     "assessments", body: "DecisionInput", resp: "Decision", status: http.StatusCreated}),
		api("GET", "/api/v1/decisions", permManager, s.apiDecisions, opDoc{id: "getDecisions",
			summary: "Decisions against the policy, and the threshold change that would align repeated overrides (never applied)",
			tag:     "assessments", resp: "Alignment"}),
		api("GET", "/api/v1/assessments", permUser, s.apiAssessments, opDoc{id: "getPortfolio",
			summary: "The portfolio: totals, verdicts, attention, what to do today", tag: "assessments", resp: "Portfolio"}),
		api("GET", "/api/v1/policy", permUser, s.apiPolicyGet, opDoc{id: "getPolicy", summary: "Red lines and thresholds", tag: "policy", resp: "Policy",
			versioned: true}),
		api("PUT", "/api/v1/policy", permOwner, s.apiPolicyPut, opDoc{id: "putPolicy", summary: "Change red lines and thresholds (If-Match or the version read; 428 without once saved, 409 when stale)",
			tag: "policy", body: "Policy", resp: "Policy", versioned: true}),
		api("POST", "/api/v1/import", permManager, s.apiImport, opDoc{id: "importFiles",
			summary: "Import CSV or JSON-lines files, all or nothing; with a column mapping (JSON in the field or file part mapping, or a saved one named in mapping_name) tried first on each CSV file",
			tag:     "import", query: []string{"dry_run"}, body: "Upload", resp: "ImportReport"}),
		api("POST", "/api/v1/import/preview", permManager, s.apiImportPreview, opDoc{id: "previewImport",
			summary: "How one file would be imported, writing nothing: what it is recognised as, which column feeds which field, its first rows as records or per-cell problems; a file nothing recognises comes back with recognised false and suggested targets",
			tag:     "import", query: []string{"rows"}, body: "PreviewUpload", resp: "Preview"}),
		api("GET", "/api/v1/mappings", permManager, s.apiMappingList, opDoc{id: "listMappings",
			summary: "Saved column mappings", tag: "import", resp: "MappingList"}),
		api("GET", "/api/v1/mappings/{name}", permManager, s.apiMappingGet, opDoc{id: "getMapping",
			summary: "A saved column mapping, as its mapping file (the JSON of cartera import --map)", tag: "import", resp: "Mapping", versioned: true}),
		api("PUT", "/api/v1/mappings/{name}", permManager, s.apiMappingPut, opDoc{id: "putMapping",
			summary: "Save a column mapping under a name; a mistake is a 422 listing each problem at its line and column in the body; replacing a saved one needs If-Match with its ETag (428 without, 409 when someone saved it since)",
			tag:     "import", body: "Mapping", resp: "Mapping", versioned: true}),
		api("DELETE", "/api/v1/mappings/{name}", permManager, s.apiMappingDelete, opDoc{id: "deleteMapping",
			summary: "Delete a saved column mapping", tag: "import", status: http.StatusNoContent}),
		api("GET", "/api/v1/users", permOwner, s.apiUsers, opDoc{id: "listUsers", summary: "Users", tag: "users", resp: "UserList"}),
		api("POST", "/api/v1/users", permOwner, s.apiUserCreate, opDoc{id: "createUser", summary: "Create a user",
			tag: "users", body: "UserInput", resp: "User", status: http.StatusCreated}),
		api("GET", "/api/v1/users/{id}", permOwner, s.apiUserGet, opDoc{id: "getUser", summary: "A user", tag: "users", resp: "User", versioned: true}),
		api("PUT", "/api/v1/users/{id}", permOwner, s.apiUserPut, opDoc{id: "putUser", summary: "Change a user",
			tag: "users", body: "UserInput", resp: "User", versioned: true}),
		api("DELETE", "/api/v1/sessions", permUser, s.apiSignOut, opDoc{id: "signOutEverywhere",
			summary: "Sign out everywhere: end every session, revoke every API key (the one used for this call too) and the calendar address",
			tag:     "users", status: http.StatusNoContent}),
		api("GET", "/api/v1/tokens", permUser, s.apiTokens, opDoc{id: "listTokens", summary: "Your API keys", tag: "users", resp: "TokenList"}),
		api("POST", "/api/v1/tokens", permUser, s.apiTokenCreate, opDoc{id: "createToken",
			summary: "Create an API key; the key is shown only in this response", tag: "users", body: "TokenInput", resp: "NewToken", status: http.StatusCreated}),
		api("DELETE", "/api/v1/tokens/{id}", permUser, s.apiTokenDelete, opDoc{id: "deleteToken", summary: "Revoke an API key",
			tag: "users", status: http.StatusNoContent}),

		api("GET", "/api/v1/deals", permUser, s.apiDealList, opDoc{id: "listDeals",
			summary: "Deals grounded in their evidence, paged; with stale=true, the open deals needing a status check, most overdue first",
			tag:     "pipeline", query: []string{"seller", "stage", "outcome", "client", "stale", "limit", "cursor"}, resp: "DealPage"}),
		api("POST", "/api/v1/deals", permUser, s.apiDealCreate, opDoc{id: "createDeal", summary: "Create a deal",
			tag: "pipeline", body: "Deal", resp: "Deal", status: http.StatusCreated}),
		api("GET", "/api/v1/deals/{id}", permUser, s.apiDealGet, opDoc{id: "getDeal", summary: "A deal", tag: "pipeline", resp: "Deal", versioned: true}),
		api("PUT", "/api/v1/deals/{id}", permUser, s.apiDealPut, opDoc{id: "putDeal",
			summary: "Create or replace a deal (marking it won needs a verified signal)", tag: "pipeline", body: "Deal", resp: "Deal", versioned: true}),
		api("DELETE", "/api/v1/deals/{id}", permManager, s.apiDealDelete, opDoc{id: "deleteDeal",
			summary: "Delete a deal and its signals", tag: "pipeline", status: http.StatusNoContent, versioned: true}),
		api("GET", "/api/v1/deals/{id}/assessment", permUser, s.apiDealAssessment, opDoc{id: "getDealAssessment",
			summary: "A deal grounded: every step from the claimed to the grounded probability, and its evidence", tag: "pipeline", resp: "DealAssessment"}),
		api("POST", "/api/v1/deals/{id}/close", permUser, s.apiDealClose, opDoc{id: "closeDeal",
			summary: "Close a deal as won or lost; won is refused (422 on outcome) without a purchase order, signed contract or payment",
			tag:     "pipeline", body: "CloseInput", resp: "Deal", mayMatch: true}),
		api("POST", "/api/v1/deals/{id}/lost", permUser, s.apiDealLost, opDoc{id: "markDealLost",
			summary: "Close an open deal as lost and start its plan after the no (recover, reconnect, debrief, start again), in one write; answers the plan",
			tag:     "playbooks", body: "LostInput", resp: "Plan", mayMatch: true}),
		api("GET", "/api/v1/deals/{id}/plan", permUser, s.apiPlan, opDoc{id: "getPlan",
			summary: "A lost deal's plan: dated tasks, the reconnect checklist and its answers, the debrief, procedure changes and next prospects; 422 for a deal that is not lost",
			tag:     "playbooks", resp: "Plan"}),
		api("PUT", "/api/v1/deals/{id}/reconnect", permUser, s.apiReconnect, opDoc{id: "putReconnect",
			summary: "Record the reconnect call's answers (refused, nothing written, for a deal that is not lost); a competitor who won is recorded on the deal",
			tag:     "playbooks", body: "Reconnect", resp: "Plan", versioned: true}),
		api("PUT", "/api/v1/deals/{id}/debrief", permUser, s.apiDebrief, opDoc{id: "putDebrief",
			summary: "Save the team's blameless debrief and its lessons (replacing earlier ones)", tag: "playbooks", body: "Debrief", resp: "Plan", versioned: true}),
		api("GET", "/api/v1/lessons", permUser, s.apiLessons, opDoc{id: "searchLessons",
			summary: "Lessons from debriefs, best match first: every word of q as a word or its start, case and accents ignored (gestion finds gestión); empty q lists the most recent; a seller's own deals only",
			tag:     "playbooks", query: []string{"q", "seller", "limit"}, resp: "LessonList"}),
		api("GET", "/api/v1/winloss", permUser, s.apiWinLoss, opDoc{id: "getWinLoss",
			summary: "Win/loss over time (the last twelve months by default): won and lost per period, lost reasons, competitors who win and how often, sellers, recurring lesson topics",
			tag:     "playbooks", query: []string{"period", "from", "to", "seller"}, resp: "WinLoss"}),
		api("GET", "/api/v1/agenda", permUser, s.apiAgenda, opDoc{id: "getAgenda",
			summary: "Every task due, late first: lost-deal plans, follow-ups, boundary reviews and status checks of stale deals (derived); a seller's own, or one owner's with owner",
			tag:     "playbooks", query: []string{"view", "owner"}, resp: "Agenda"}),
		api("POST", "/api/v1/tasks/{id}/done", permUser, s.apiTaskAction("done"), opDoc{id: "completeTask",
			summary: "Mark a task done today (the body may be empty)", tag: "playbooks", body: "TaskAction", resp: "Task", mayMatch: true}),
		api("POST", "/api/v1/tasks/{id}/snooze", permUser, s.apiTaskAction("snooze"), opDoc{id: "snoozeTask",
			summary: "Move a task to a later working day (a weekend or a configured holiday is refused)", tag: "playbooks", body: "SnoozeInput", resp: "Task", mayMatch: true}),
		api("POST", "/api/v1/tasks/{id}/reopen", permUser, s.apiTaskAction("reopen"), opDoc{id: "reopenTask",
			summary: "Put a done or snoozed task back on its due day (the body may be empty)", tag: "playbooks", body: "TaskAction", resp: "Task", mayMatch: true}),
		api("POST", "/api/v1/calendar-token", permUser, s.apiCalendarCreate, opDoc{id: "createCalendarToken",
			summary: "Make (or replace) your secret iCalendar subscription address; it is shown only in this response", tag: "playbooks",
			resp: "CalendarToken", status: http.StatusCreated}),
		api("DELETE", "/api/v1/calendar-token", permUser, s.apiCalendarDelete, opDoc{id: "deleteCalendarToken",
			summary: "Revoke your iCalendar subscription address", tag: "playbooks", status: http.StatusNoContent}),
		api("GET", "/api/v1/matches", permManager, s.apiMatches, opDoc{id: "getMatchTable",
			summary: "The match table: its rules, and the identifiers captured data carried that nothing matched", tag: "capture", resp: "MatchTable"}),
		api("PUT", "/api/v1/matches", permManager, s.apiMatchPut, opDoc{id: "putMatchRule",
			summary: "Add or change a rule (its value is normalised); the client must exist, the contact and deal be the client's", tag: "capture",
			body: "MatchRule", resp: "MatchRule"}),
		api("DELETE", "/api/v1/matches/{kind}/{value}", permManager, s.apiMatchDelete, opDoc{id: "deleteMatchRule",
			summary: "Remove a rule", tag: "capture", status: http.StatusNoContent, mayMatch: true}),
		api("GET", "/api/v1/candidates", permUser, s.apiCandidates, opDoc{id: "listCandidates",
			summary: "Candidate incidents waiting for review (a seller's own clients' only)", tag: "capture", resp: "CandidateList"}),
		api("POST", "/api/v1/candidates/{id}/confirm", permUser, s.apiCandidateConfirm, opDoc{id: "confirmCandidate",
			summary: "Confirm a candidate: it becomes an incident of the given severity", tag: "capture", body: "CandidateInput", resp: "Candidate", mayMatch: true}),
		api("POST", "/api/v1/candidates/{id}/dismiss", permUser, s.apiCandidateDismiss, opDoc{id: "dismissCandidate",
			summary: "Dismiss a candidate: its subject and excerpt are erased", tag: "capture", resp: "Candidate", mayMatch: true}),
		api("GET", "/api/v1/referrals", permUser, s.apiReferrals, opDoc{id: "listReferrals",
			summary: "The providers you recommend, by service then name", tag: "playbooks", resp: "ReferralList"}),
		api("POST", "/api/v1/referrals", permManager, s.apiReferralCreate, opDoc{id: "createReferral",
			summary: "Add a provider to recommend; one of email, phone or url is required (422 otherwise, nothing saved)", tag: "playbooks",
			body: "Referral", resp: "Referral", status: http.StatusCreated}),
		api("DELETE", "/api/v1/referrals/{id}", permManager, s.apiReferralDelete, opDoc{id: "deleteReferral",
			summary: "Remove a referral", tag: "playbooks", status: http.StatusNoContent, mayMatch: true}),
		api("GET", "/api/v1/holidays", permUser, s.apiHolidays, opDoc{id: "listHolidays",
			summary: "The holidays no follow-up, call or snooze may fall on", tag: "playbooks", resp: "HolidayList"}),
		api("POST", "/api/v1/holidays", permManager, s.apiHolidayCreate, opDoc{id: "createHoliday",
			summary: "Add (or rename) a holiday", tag: "playbooks", body: "Holiday", resp: "Holiday", status: http.StatusCreated}),
		api("DELETE", "/api/v1/holidays/{date}", permManager, s.apiHolidayDelete, opDoc{id: "deleteHoliday",
			summary: "Remove a holiday", tag: "playbooks", status: http.StatusNoContent}),
		api("GET", "/api/v1/deals/{id}/signals", permUser, s.apiSignalList, opDoc{id: "listSignals",
			summary: "A deal's signals, newest first", tag: "pipeline", resp: "SignalList"}),
		api("POST", "/api/v1/deals/{id}/signals", permUser, s.apiSignalCreate, opDoc{id: "createSignal",
			summary: "Record a signal on a deal", tag: "pipeline", body: "Signal", resp: "Signal", status: http.StatusCreated}),
		api("DELETE", "/api/v1/deals/{id}/signals/{signal}", permUser, s.apiSignalDelete, opDoc{id: "deleteSignal",
			summary: "Delete a signal (not the only proof of a won deal)", tag: "pipeline", status: http.StatusNoContent, versioned: true}),
		api("GET", "/api/v1/pipeline/board", permUser, s.apiBoard, opDoc{id: "getBoard",
			summary: "The pipeline board: per stage, counts, sums claimed and grounded, learned rate and the largest deals; deals to check",
			tag:     "pipeline", query: []string{"seller"}, resp: "Board"}),
		api("GET", "/api/v1/forecast", permUser, s.apiForecast, opDoc{id: "getForecast",
			summary: "Claimed against grounded for a period, per currency and seller, with the deals carrying the gap",
			tag:     "pipeline", query: []string{"period", "seller"}, resp: "Forecast"}),
		api("GET", "/api/v1/calibration", permUser, s.apiCalibration, opDoc{id: "getCalibration",
			summary: "How well claimed and grounded probabilities predicted closed deals, per seller", tag: "pipeline",
			query: []string{"seller"}, resp: "Calibration"}),
		api("GET", "/api/v1/backtest", permManager, s.apiBacktest, opDoc{id: "getBacktest",
			summary: "Rolling-origin backtest: Brier, log loss and reliability of grounded, fitted, expert, claimed, base rate and seller rate, overall and per seller, and which to trust",
			tag:     "pipeline", resp: "Backtest"}),
		api("GET", "/api/v1/pipeline", permUser, s.apiPipelineGet, opDoc{id: "getPipeline",
			summary: "The pipeline's stages and the grounded model's parameters", tag: "pipeline", resp: "Pipeline", versioned: true}),
		api("PUT", "/api/v1/pipeline", permOwner, s.apiPipelinePut, opDoc{id: "putPipeline",
			summary: "Change the pipeline's stages and parameters (If-Match or the version read; 428 without once saved, 409 when stale)",
			tag:     "pipeline", body: "Pipeline", resp: "Pipeline", versioned: true}),
	}
	rs = append(rs, recordRoutes(s, api, recordSpec[cartera.Contact]{
		entity: cartera.EntityContacts, path: "contacts", schema: "Contact", prefix: "P",
		get: s.st.Contact, list: s.st.ListContacts, save: s.st.SaveContact,
		id: func(x *cartera.Contact) *string { return &x.ID }, client: func(x *cartera.Contact) string { return x.ClientID },
		version: func(x *cartera.Contact) *int64 { return &x.Version },
	})...)
	rs = append(rs, recordRoutes(s, api, recordSpec[cartera.Invoice]{
		entity: cartera.EntityInvoices, path: "invoices", schema: "Invoice", prefix: "F",
		get: s.st.Invoice, list: s.st.ListInvoices, save: s.st.SaveInvoice,
		id: func(x *cartera.Invoice) *string { return &x.ID }, client: func(x *cartera.Invoice) string { return x.ClientID },
		version: func(x *cartera.Invoice) *int64 { return &x.Version },
	})...)
	rs = append(rs, recordRoutes(s, api, recordSpec[cartera.TimeEntry]{
		entity: cartera.EntityTime, path: "time-entries", schema: "TimeEntry", prefix: "H",
		get: s.st.TimeEntry, list: s.st.ListTimeEntries, save: s.st.SaveTimeEntry,
		id: func(x *cartera.TimeEntry) *string { return &x.ID }, client: func(x *cartera.TimeEntry) string { return x.ClientID },
		version: func(x *cartera.TimeEntry) *int64 { return &x.Version },
	})...)
	rs = append(rs, recordRoutes(s, api, recordSpec[cartera.Concession]{
		entity: cartera.EntityConcessions, path: "concessions", schema: "Concession", prefix: "K",
		get: s.st.Concession, list: s.st.ListConcessions, save: s.st.SaveConcession,
		id: func(x *cartera.Concession) *string { return &x.ID }, client: func(x *cartera.Concession) string { return x.ClientID },
		version: func(x *cartera.Concession) *int64 { return &x.Version },
	})...)
	rs = append(rs, recordRoutes(s, api, recordSpec[cartera.Incident]{
		entity: cartera.EntityIncidents, path: "incidents", schema: "Incident", prefix: "I",
		get: s.st.Incident, list: s.st.ListIncidents, save: s.st.SaveIncident,
		id: func(x *cartera.Incident) *string { return &x.ID }, client: func(x *cartera.Incident) string { return x.ClientID },
		version: func(x *cartera.Incident) *int64 { return &x.Version },
	})...)
	return rs
}

// maxJSON caps a JSON request body.
const maxJSON = 1 << 20

// decode reads a JSON body strictly: unknown fields, trailing data and
// wrong types are errors naming the field.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("api.want_json")}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSON))
	if err != nil {
		return jsonError(err)
	}
	// The JSON decoder would replace invalid UTF-8 with U+FFFD and store
	// something nobody typed: it is refused instead.
	if !utf8.Valid(body) {
		return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("api.bad_utf8")}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("api.trailing_json")}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("api.trailing_json")}
	}
	normalizeStrings(v)
	return nil
}

// jsonError explains a decoding failure.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big):
		return &cartera.Error{Code: cartera.ETOOLARGE, Msg: cartera.M("api.too_large", "max", maxJSON>>10)}
	case errors.As(err, &syn):
		return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("api.bad_json", "offset", syn.Offset)}
	case errors.As(err, &typ):
		return &cartera.Error{Code: cartera.EINVALID, Field: typ.Field, Msg: cartera.M("api.bad_type", "field", typ.Field, "want", typ.Type.String())}
	case errors.Is(err, io.EOF):
		return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("api.empty_body")}
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &cartera.Error{Code: cartera.EINVALID, Field: f, Msg: cartera.M("api.unknown_field", "field", f)}
	}
	var te *cartera.Error
	if errors.As(err, &te) {
		return te
	}
	return &cartera.Error{Code: cartera.EBADREQUEST, Msg: cartera.M("api.bad_json", "offset", int64(0))}
}

// ifMatch reads the version a write is based on, from If-Match ("3" or
// W/"3") or, failing that, the body's version; 0 when neither. "0" is the
// ETag of a shared setting never saved (its defaults).
func ifMatch(r *http.Request, body int64) (int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return body, nil
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 0 {
		return 0, cartera.FieldError("If-Match", "api.bad_if_match")
	}
	return v, nil
}

func etag(w http.ResponseWriter, version int64) {
	w.Header().Set("ETag", fmt.Sprintf(`"%d"`, version))
}

// errPrecondition asks for a version before overwriting a record.
var errPrecondition = &cartera.Error{Code: cartera.EPRECONDITION, Msg: cartera.M("api.need_version")}

// listBody is every paged list.
type listBody[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func limitParam(r *http.Request) (int, error) {
	l := r.URL.Query().Get("limit")
	if l == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 || n > 500 {
		return 0, cartera.FieldError("limit", "list.bad_limit")
	}
	return n, nil
}
