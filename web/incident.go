package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/review"
)

type incidentPage struct {
	Client   cartera.Client
	Contacts []cartera.Contact
	Kinds    []cartera.IncidentKind
	// The form's values, kept when it comes back with an error.
	Kind      string
	Severity  int
	ContactID string
	Note      string
	At        string
	FollowUp  string
	Error     string
	Field     string
}

// incidentNew is the form to log an incident: big targets, few fields,
// usable with one thumb in the middle of a bad meeting.
func (s *Server) incidentNew(w http.ResponseWriter, r *http.Request) error {
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	contacts, err := s.st.Contacts(r.Context(), cl.ID)
	if err != nil {
		return err
	}
	return s.page(w, r, "incident", "clients", incidentPage{Client: cl, Contacts: contacts, Kinds: cartera.IncidentKinds,
		Kind: r.URL.Query().Get("kind"), Severity: 3, At: s.localNow(r).Format("2006-01-02T15:04")})
}

// localNow is the current time in the policy's zone.
func (s *Server) localNow(r *http.Request) time.Time {
	return s.cfg.Now().In(rc(r).p.Loc)
}

// incidentInput reads the incident form: what the page and the flow's
// API share is review.LogIncident; this only turns fields into input.
func (s *Server) incidentInput(r *http.Request, cl cartera.Client, f *incidentPage) (review.IncidentInput, error) {
	c := rc(r)
	in := review.IncidentInput{ClientID: cl.ID, ContactID: f.ContactID, Kind: cartera.IncidentKind(f.Kind), Severity: f.Severity,
		Note: f.Note, At: s.cfg.Now().UTC().Truncate(time.Minute), AsOf: s.asOf(r)}
	if f.At != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", f.At, c.p.Loc)
		if err != nil {
			return in, cartera.FieldError("at", "value.not_datetime", "value", f.At)
		}
		in.At = t.UTC()
	}
	if f.FollowUp != "" {
		d, err := formDate("follow_up", f.FollowUp)
		if err != nil {
			return in, err
		}
		in.FollowUp = d
	}
	return in, nil
}

// incidentCreate logs the incident through the same use case as the
// command line (the client's assessment takes it into account at once)
// and leads to the guided flow for it.
func (s *Server) incidentCreate(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := incidentPage{Client: cl, Kinds: cartera.IncidentKinds, Kind: r.PostFormValue("kind"),
		ContactID: r.PostFormValue("contact"), Note: strings.TrimSpace(r.PostFormValue("note")), At: r.PostFormValue("at"),
		FollowUp: r.PostFormValue("follow_up")}
	f.Severity, _ = strconv.Atoi(r.PostFormValue("severity"))
	in, err := s.incidentInput(r, cl, &f)
	var res *review.IncidentResult
	if err == nil {
		res, err = review.LogIncident(r.Context(), s.st, in)
	}
	if err != nil {
		if cartera.ErrorCode(err) != cartera.EINVALID {
			return err
		}
		f.Error, f.Field = c.p.Msg(cartera.ErrorMessage(err)), fieldOf(err)
		if f.Contacts, err = s.st.Contacts(r.Context(), cl.ID); err != nil {
			return err
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		return s.page(w, r, "incident", "clients", f)
	}
	next := incidentURL(cl.ID, res.Incident.ID) + "?ok=incident"
	if res.Before.Verdict != res.After.Verdict {
		next += "&was=" + url.QueryEscape(string(res.Before.Verdict)) // the flow's first screen says the verdict moved
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// incidentURL is the guided flow of a logged incident.
func incidentURL(clientID, incidentID string) string {
	return clientURL(clientID) + "/incidents/" + url.PathEscape(incidentID)
}
