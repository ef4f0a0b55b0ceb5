package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
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

// incidentCreate logs the incident; the client's assessment is recomputed
// from it on the client page the browser is sent to.
func (s *Server) incidentCreate(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := incidentPage{Client: cl, Kinds: cartera.IncidentKinds, Kind: r.PostFormValue("kind"),
		ContactID: r.PostFormValue("contact"), Note: strings.TrimSpace(r.PostFormValue("note")), At: r.PostFormValue("at")}
	f.Severity, _ = strconv.Atoi(r.PostFormValue("severity"))
	in := cartera.Incident{ID: "web-" + newToken("")[:16], ClientID: cl.ID, ContactID: f.ContactID,
		Kind: cartera.IncidentKind(f.Kind), Severity: f.Severity, Note: f.Note}
	in.At = s.cfg.Now().UTC()
	if f.At != "" {
		t, perr := time.ParseInLocation("2006-01-02T15:04", f.At, c.p.Loc)
		if perr != nil {
			err = cartera.FieldError("at", "value.not_datetime", "value", f.At)
		}
		in.At = t.UTC()
	}
	if err == nil {
		_, err = s.st.SaveIncident(r.Context(), in)
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
	http.Redirect(w, r, clientURL(cl.ID)+"?ok=incident#verdict", http.StatusSeeOther)
	return nil
}
