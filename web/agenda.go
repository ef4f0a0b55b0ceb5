package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// The agenda on the web and in the API, its task actions, and the
// per-user iCalendar subscription.

// agendaViews are the agenda page's tabs.
var agendaViews = []string{"today", "week", "overdue", "done"}

// agendaPage is the agenda with its filters and the calendar section.
type agendaPage struct {
	View  string
	Views []string
	Owner string
	// People are whose tasks can be shown: the sellers on deals and the
	// owners of clients.
	People []string
	A      report.AgendaOut
	Groups []agendaGroup
	// CalendarURL is shown once, right after the address is made.
	CalendarURL string
	Error       string
}

type agendaGroup struct {
	Key   string
	Items []report.AgendaItemOut
}

// agendaOwner is whose tasks a view shows: a seller's own, always; for
// owners and managers the ?owner= filter, if any.
func agendaOwner(r *http.Request) string {
	if o := rc(r).owner(); o != "" {
		return o
	}
	return strings.TrimSpace(r.URL.Query().Get("owner"))
}

// loadAgenda builds the agenda a request asks for (?view=today|week|
// overdue|done, ?days= for the API): what the page and the API share.
func (s *Server) loadAgenda(r *http.Request, view string) (*playbook.Agenda, error) {
	o := review.AgendaOptions{Owner: agendaOwner(r), AgendaOptions: playbook.AgendaOptions{AsOf: s.asOf(r), Days: 14}}
	switch view {
	case "today", "overdue":
		o.Today = true
	case "week":
		o.Days = 7
	case "done":
		o.Done = true
	case "":
	default:
		return nil, cartera.FieldError("view", "web.agenda_bad_view", "value", view)
	}
	return s.agenda(r, o)
}

// agenda builds an agenda once per store generation and options: the
// page, the API and calendar apps polling the feed read every open deal
// to find the stale ones, which at a million deals takes seconds.
func (s *Server) agenda(r *http.Request, o review.AgendaOptions) (*playbook.Agenda, error) {
	key := fmt.Sprintf("agenda|%s|%s|%t|%t|%d", cartera.Fold(o.Owner), o.AsOf, o.Today, o.Done, o.Days)
	return cached(s, r, key, func(ctx context.Context) (*playbook.Agenda, error) { return review.Agenda(ctx, s.st, o) })
}

// agendaShow is the agenda page: late first, then today and later, with
// done, snooze and reopen buttons; the derived status checks link to
// their deal.
func (s *Server) agendaShow(w http.ResponseWriter, r *http.Request) error {
	return s.agendaView(w, r, http.StatusOK, "", "")
}

func (s *Server) agendaView(w http.ResponseWriter, r *http.Request, code int, errMsg, calURL string) error {
	view := r.URL.Query().Get("view")
	if view == "" {
		view = "week"
	}
	a, err := s.loadAgenda(r, view)
	if err != nil {
		return err
	}
	out := report.AgendaJSON(a, rc(r).p)
	data := agendaPage{View: view, Views: agendaViews, Owner: agendaOwner(r), A: out, Error: errMsg, CalendarURL: calURL}
	if rc(r).owner() == "" {
		sellers, err := s.dealSellers(r)
		if err != nil {
			return err
		}
		owners, err := s.st.Owners(r.Context())
		if err != nil {
			return err
		}
		data.People = mergeNames(sellers, owners)
	}
	groups := map[string]*agendaGroup{}
	order := []string{"agenda.late", "agenda.today", "agenda.later", "agenda.done"}
	for _, k := range order {
		groups[k] = &agendaGroup{Key: k}
	}
	for _, it := range out.Items {
		k := "agenda.later"
		switch {
		case it.Status == cartera.TaskDone:
			k = "agenda.done"
		case it.Late > 0:
			k = "agenda.late"
		case it.Day == out.AsOf:
			k = "agenda.today"
		}
		if view == "overdue" && k != "agenda.late" || view == "done" && k != "agenda.done" {
			continue
		}
		groups[k].Items = append(groups[k].Items, it)
	}
	for _, k := range order {
		if len(groups[k].Items) > 0 {
			data.Groups = append(data.Groups, *groups[k])
		}
	}
	if code != http.StatusOK {
		w.WriteHeader(code)
	}
	return s.page(w, r, "agenda", "agenda", data)
}

// taskAction runs done, snooze or reopen on a task, after checking the
// version the caller read (0: none sent).
func (s *Server) taskAction(r *http.Request, action, id string, version int64, until cartera.Date) (cartera.Task, error) {
	t, err := s.taskFor(r, id)
	if err != nil {
		return t, err
	}
	if version != 0 && version != t.Version {
		return t, &conflictError{err: cartera.NewError(cartera.ECONFLICT, "record.stale", "id", id, "version", version, "current", t.Version),
			current: t}
	}
	switch action {
	case "done":
		return review.CompleteTask(r.Context(), s.st, id, s.asOf(r))
	case "snooze":
		if until.IsZero() {
			return t, cartera.FieldError("until", "value.required")
		}
		return review.SnoozeTask(r.Context(), s.st, id, until, s.asOf(r))
	case "reopen":
		return review.ReopenTask(r.Context(), s.st, id)
	}
	return t, cartera.NewError(cartera.ENOTFOUND, "page.not_found")
}

// taskSubmit is the agenda's buttons: POST /agenda/tasks/{id}/{action}.
func (s *Server) taskSubmit(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		until, err := formDate("until", r.PostFormValue("until"))
		if err == nil {
			_, err = s.taskAction(r, action, r.PathValue("id"), formVersion(r), until)
		}
		// Back to the agenda or to the plan the button was on; nowhere else.
		back := r.PostFormValue("back")
		if !(strings.HasPrefix(back, "/agenda") || strings.HasPrefix(back, "/deals/")) || strings.Contains(back, "//") {
			back = "/agenda"
		}
		if err != nil {
			msg, _, code, ok := formError(r, err)
			if !ok {
				return err
			}
			if rest, ok := strings.CutPrefix(back, "/deals/"); ok {
				id, _, _ := strings.Cut(rest, "/")
				if id, err := url.PathUnescape(id); err == nil {
					r.SetPathValue("id", id)
				}
				return s.planView(w, r, code, func(p *planPage) { p.Error, p.Form = msg, "tasks" })
			}
			if u, perr := url.Parse(back); perr == nil {
				r.URL.RawQuery = u.RawQuery
			}
			return s.agendaView(w, r, code, msg, "")
		}
		sep := "?"
		if strings.Contains(back, "?") {
			sep = "&"
		}
		http.Redirect(w, r, back+sep+"ok=task_"+action, http.StatusSeeOther)
		return nil
	}
}

// apiAgenda answers the agenda, as cartera agenda --format json.
func (s *Server) apiAgenda(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadAgenda(r, r.URL.Query().Get("view"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, report.AgendaJSON(a, rc(r).p))
}

// taskInput is the body of the task actions.
type taskInput struct {
	Until   cartera.Date `json:"until"`
	Version int64        `json:"version"`
}

// apiTaskAction is POST /api/v1/tasks/{id}/done|snooze|reopen.
func (s *Server) apiTaskAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in taskInput
		if r.ContentLength != 0 {
			if err := decode(w, r, &in); err != nil {
				return err
			}
		}
		v, err := ifMatch(r, in.Version)
		if err != nil {
			return err
		}
		t, err := s.taskAction(r, action, r.PathValue("id"), v, in.Until)
		if err != nil {
			return err
		}
		etag(w, t.Version)
		return writeJSON(w, http.StatusOK, t)
	}
}

// calendarURL is a subscription address.
func (s *Server) calendarURL(token string) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + "/calendar/" + token + ".ics"
}

// calendarCreate makes (or replaces) the user's secret calendar address
// and shows it once.
func (s *Server) calendarCreate(w http.ResponseWriter, r *http.Request) error {
	token, err := review.NewCalendarToken(r.Context(), s.st, rc(r).user.ID)
	if err != nil {
		return err
	}
	return s.agendaView(w, r, http.StatusOK, "", s.calendarURL(token))
}

// calendarDelete revokes the user's calendar address.
func (s *Server) calendarDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.st.DeleteCalendarToken(r.Context(), rc(r).user.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/agenda?ok=calendar_revoked#calendar", http.StatusSeeOther)
	return nil
}

// apiCalendarCreate makes (or replaces) the caller's calendar address.
func (s *Server) apiCalendarCreate(w http.ResponseWriter, r *http.Request) error {
	token, err := review.NewCalendarToken(r.Context(), s.st, rc(r).user.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]string{"url": s.calendarURL(token)})
}

// apiCalendarDelete revokes the caller's calendar address.
func (s *Server) apiCalendarDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.st.DeleteCalendarToken(r.Context(), rc(r).user.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// calendarFeed serves /calendar/<token>.ics to calendar apps: no session,
// the secret token is the key, looked up by its hash. Whatever is wrong
// with it — unknown, revoked, a disabled user, a malformed name — the
// answer is the same bare 404, which tells a guesser nothing.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) error {
	notFound := func() error {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotFound)
		_, err := w.Write([]byte("404\n"))
		return err
	}
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || !strings.HasPrefix(token, "cal_") || len(token) > 100 {
		return notFound()
	}
	u, err := s.st.CalendarUser(r.Context(), review.CalendarTokenHash(token))
	if err != nil {
		if code := cartera.ErrorCode(err); code == cartera.ENOTFOUND || code == cartera.EUNAUTHORIZED {
			return notFound()
		}
		return err
	}
	pol := rc(r).pol
	lang := i18n.ES
	if u.Lang == string(i18n.EN) {
		lang = i18n.EN
	}
	p := i18n.New(lang, pol.Location())
	o := review.AgendaOptions{AgendaOptions: playbook.AgendaOptions{AsOf: s.asOf(r), Days: 60}}
	if u.Role == cartera.RoleSeller {
		o.Owner = u.Name
	}
	a, err := s.agenda(r, o)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	stamp := s.cfg.Now().UTC().Truncate(time.Second)
	if err := report.WriteAgendaICS(&b, a, p, report.ICSOptions{Stamp: stamp, Name: p.T("agenda.calendar_name")}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, err = b.WriteTo(w)
	return err
}

// mergeNames joins lists of people's names, sorted, each once (folded:
// "lucía" and "Lucía" are one person).
func mergeNames(lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lists {
		for _, n := range l {
			if k := cartera.Fold(n); n != "" && !seen[k] {
				seen[k] = true
				out = append(out, n)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return cartera.Fold(out[i]) < cartera.Fold(out[j]) })
	return out
}
