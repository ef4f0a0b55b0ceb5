package web

import (
	"net/http"

	"github.com/cartera/cartera"
)

// perm is who may call a route. It is checked in one place (wrap), before
// any handler runs; a seller's access to a given client is checked by the
// one function every handler loads clients with (clientFor).
type perm int

const (
	permPublic  perm = iota // anyone, signed in or not
	permUser                // any signed-in user
	permManager             // owners and managers
	permOwner               // owners only
)

// allows reports whether a user (nil when anonymous) passes.
func (p perm) allows(u *cartera.User) bool {
	switch p {
	case permPublic:
		return true
	case permUser:
		return u != nil
	case permManager:
		return u != nil && (u.Role == cartera.RoleOwner || u.Role == cartera.RoleManager)
	case permOwner:
		return u != nil && u.Role == cartera.RoleOwner
	}
	return false
}

// handlerFunc is a handler that returns its error; wrap renders it as an
// HTML page or a problem+json document depending on the route.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one entry of the route table.
type route struct {
	method, pattern string
	perm            perm
	api             bool // JSON in and out, errors as problem+json
	h               handlerFunc
	doc             *opDoc // the OpenAPI description of an API route
	// secretPath marks a route whose path carries a secret (the calendar
	// feed's token): access logs show the pattern instead.
	secretPath bool
}

// logPath is the path the logs show: the pattern when the path carries a
// secret.
func (rt *route) logPath(r *http.Request) string {
	if rt.secretPath {
		return rt.pattern
	}
	return r.URL.Path
}

// routeTable lists every route of the app: pages, operations, API.
func (s *Server) routeTable() []*route {
	page := func(method, pattern string, p perm, h handlerFunc) *route {
		return &route{method: method, pattern: pattern, perm: p, h: h}
	}
	rs := []*route{
		page("GET", "/{$}", permPublic, s.home),
		page("GET", "/setup", permPublic, s.setupShow),
		page("POST", "/setup", permPublic, s.setupSubmit),
		page("GET", "/login", permPublic, s.loginShow),
		page("POST", "/login", permPublic, s.loginSubmit),
		page("POST", "/logout", permUser, s.logout),
		page("POST", "/lang", permPublic, s.langUpdate),
		page("GET", "/dashboard", permUser, s.dashboardShow),
		page("GET", "/clients", permUser, s.clientList),
		page("GET", "/clients/{id}", permUser, s.clientShow),
		page("GET", "/clients/{id}/script", permUser, s.scriptShow),
		page("GET", "/clients/{id}/incidents/new", permUser, s.incidentNew),
		page("POST", "/clients/{id}/incidents", permUser, s.incidentCreate),
		page("GET", "/clients/{id}/incidents/{incident}", permUser, s.incidentShow),
		page("POST", "/clients/{id}/decisions", permUser, s.decisionCreate),
		page("GET", "/decisions", permManager, s.decisionsShow),
		page("GET", "/pipeline", permUser, s.pipelineBoard),
		page("GET", "/pipeline/new", permUser, s.dealNew),
		page("POST", "/pipeline/deals", permUser, s.dealCreate),
		page("GET", "/pipeline/deals/{id}", permUser, s.dealShow),
		page("POST", "/pipeline/deals/{id}/signals", permUser, s.dealSignalCreate),
		page("POST", "/pipeline/deals/{id}/stage", permUser, s.dealMove),
		page("POST", "/pipeline/deals/{id}/close", permUser, s.dealCloseSubmit),
		page("GET", "/deals/{id}/plan", permUser, s.planShow),
		page("POST", "/deals/{id}/plan/reconnect", permUser, s.reconnectSubmit),
		page("POST", "/deals/{id}/plan/debrief", permUser, s.debriefSubmit),
		page("GET", "/lessons", permUser, s.lessonsShow),
		page("GET", "/winloss", permUser, s.winlossShow),
		page("GET", "/agenda", permUser, s.agendaShow),
		page("POST", "/agenda/tasks/{id}/done", permUser, s.taskSubmit("done")),
		page("POST", "/agenda/tasks/{id}/snooze", permUser, s.taskSubmit("snooze")),
		page("POST", "/agenda/tasks/{id}/reopen", permUser, s.taskSubmit("reopen")),
		page("POST", "/agenda/calendar", permUser, s.calendarCreate),
		page("POST", "/agenda/calendar/delete", permUser, s.calendarDelete),
		{method: "GET", pattern: "/calendar/{file}", perm: permPublic, h: s.calendarFeed, secretPath: true},
		page("GET", "/forecast", permUser, s.forecastShow),
		page("GET", "/backtest", permManager, s.backtestShow),
		page("GET", "/import", permManager, s.importShow),
		page("POST", "/import", permManager, s.importSubmit),
		page("GET", "/import/progress/{id}", permManager, s.importProgress),
		page("GET", "/import/map/{id}", permManager, s.importMapShow),
		page("POST", "/import/map/{id}", permManager, s.importMapSubmit),
		page("POST", "/import/mappings/{name}/delete", permManager, s.mappingDelete),
		page("GET", "/matches", permManager, s.matchesShow),
		page("POST", "/matches", permManager, s.matchSave),
		page("POST", "/matches/delete", permManager, s.matchDelete),
		page("GET", "/candidates", permUser, s.candidatesShow),
		page("POST", "/candidates/{id}/confirm", permUser, s.candidateConfirm),
		page("POST", "/candidates/{id}/dismiss", permUser, s.candidateDismiss),
		page("GET", "/settings", permUser, s.settingsShow),
		page("POST", "/settings/policy", permOwner, s.policyUpdate),
		page("POST", "/settings/account", permUser, s.accountUpdate),
		page("POST", "/settings/users", permOwner, s.userCreate),
		page("POST", "/settings/users/{id}", permOwner, s.userUpdate),
		page("POST", "/settings/signout", permUser, s.signOutSubmit),
		page("POST", "/settings/tokens", permUser, s.tokenCreate),
		page("POST", "/settings/tokens/{id}/delete", permUser, s.tokenDelete),
		page("POST", "/settings/referrals", permManager, s.referralCreate),
		page("POST", "/settings/referrals/{id}/delete", permManager, s.referralDelete),
		page("POST", "/settings/holidays", permManager, s.holidayCreate),
		page("POST", "/settings/holidays/{date}/delete", permManager, s.holidayDelete),
		page("GET", "/docs", permPublic, s.docsIndex),
		page("GET", "/docs/{name}", permPublic, s.docShow),
		page("GET", "/healthz", permPublic, s.healthz),
		page("GET", "/metrics", permPublic, s.metricsShow),
		page("GET", "/api/openapi.json", permPublic, s.openAPIShow),
	}
	return append(rs, s.apiRoutes()...)
}
