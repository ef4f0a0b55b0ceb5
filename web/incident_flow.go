package web

import (
	"net/http"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// flowPage is one screen of the guided flow after an incident: the step
// to read now, big buttons to the next ones, and where the client stands.
type flowPage struct {
	Client   cartera.Client
	Incident cartera.Incident
	Contact  string
	After    *assess.Assessment
	Guide    *report.GuideOut
	Step     *report.StepOut
	// Number is the step's position (from 1), Next the step after one
	// without choices ("" at the end).
	Number, Total int
	Next          string
	NextAdvice    string
	Listen        *report.ListenOut
	// Was is the verdict before the incident, when logging it changed it
	// (from ?was=, only a known verdict different from today's).
	Was cartera.Verdict
}

// incidentShow is the guided flow of a logged incident, one step per
// screen (?step=), with plain links: it works without JavaScript and with
// one thumb. For a client who would not listen it shows the plan instead:
// the follow-up already on the agenda, the offer within the red lines, a
// different interlocutor, and the keep-or-hold framing.
func (s *Server) incidentShow(w http.ResponseWriter, r *http.Request) error {
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	id := r.PathValue("incident")
	res, err := review.IncidentGuidance(r.Context(), s.st, id, s.asOf(r))
	if cartera.ErrorCode(err) == cartera.ENOTFOUND || (err == nil && res.Incident.ClientID != cl.ID) {
		return cartera.NewError(cartera.ENOTFOUND, "record.not_found", "id", id)
	}
	if err != nil {
		return err
	}
	p := rc(r).p
	data := flowPage{Client: cl, Incident: res.Incident, After: res.After}
	for _, v := range cartera.Verdicts {
		if string(v) == r.URL.Query().Get("was") && v != res.After.Verdict {
			data.Was = v
		}
	}
	if res.Incident.ContactID != "" {
		if ct, err := s.st.Contact(r.Context(), res.Incident.ContactID); err == nil {
			data.Contact = ct.Name
		}
	}
	if res.Guide != nil {
		g := report.GuideJSON(res.Guide, p)
		data.Guide, data.Total = &g, len(g.Steps)
		want := r.URL.Query().Get("step")
		if want == "" {
			want = g.Start
		}
		for i := range g.Steps {
			if g.Steps[i].ID == want {
				data.Step, data.Number = &g.Steps[i], i+1
				if i+1 < len(g.Steps) {
					data.Next = g.Steps[i+1].ID
				}
			}
		}
		if data.Step == nil {
			return cartera.FieldError("step", "web.flow_bad_step", "value", want)
		}
	}
	if res.Next != nil {
		data.NextAdvice = p.Msg(*res.Next)
	}
	if res.Listen != nil {
		l := report.ListenJSON(res.Listen, p)
		data.Listen = &l
	}
	return s.page(w, r, "incident_flow", "clients", data)
}

// incidentFlowInput is the body of POST /api/v1/clients/{id}/incidents.
type incidentFlowInput struct {
	ID        string               `json:"id"`
	Kind      cartera.IncidentKind `json:"kind"`
	Severity  int                  `json:"severity"`
	ContactID string               `json:"contact_id"`
	Note      string               `json:"note"`
	At        *time.Time           `json:"at"`
	FollowUp  cartera.Date         `json:"follow_up"`
}

// apiIncidentFlow logs an incident as the guided flow does and answers
// what to do next, as cartera incident --format json.
func (s *Server) apiIncidentFlow(w http.ResponseWriter, r *http.Request) error {
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	var in incidentFlowInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	at := s.cfg.Now().UTC().Truncate(time.Second)
	if in.At != nil {
		at = in.At.UTC()
	}
	res, err := review.LogIncident(r.Context(), s.st, review.IncidentInput{ID: in.ID, ClientID: cl.ID, ContactID: in.ContactID,
		Kind: in.Kind, Severity: in.Severity, Note: in.Note, At: at, AsOf: s.asOf(r), FollowUp: in.FollowUp})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, report.IncidentJSON(res, rc(r).p))
}
