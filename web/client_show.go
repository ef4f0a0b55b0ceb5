package web

import (
	"fmt"
	"net/http"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
	"github.com/cartera/cartera/review"
)

type clientPage struct {
	Client   cartera.Client
	A        *assess.Assessment
	From     cartera.Date // the first day of the window
	Contacts []cartera.Contact
	Timeline []cartera.TimelineItem
	// Sparks are revenue, hours and friction (incidents × severity) per
	// month.
	Sparks []sparkline
	Months int
}

// clientShow is a client's page: verdict and every reason, money,
// payments, relationship, red lines, contacts and history.
func (s *Server) clientShow(w http.ResponseWriter, r *http.Request) error {
	c := rc(r)
	cl, err := s.clientFor(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	asOf := s.today(r.Context())
	a, err := review.One(r.Context(), s.st, asOf, cl.ID)
	if err != nil {
		return err
	}
	contacts, err := s.st.Contacts(r.Context(), cl.ID)
	if err != nil {
		return err
	}
	timeline, err := s.st.Timeline(r.Context(), cl.ID, 60)
	if err != nil {
		return err
	}
	months, err := s.st.Monthly(r.Context(), cl.ID, asOf.AddMonths(-23), asOf)
	if err != nil {
		return err
	}
	var rev, hours, friction []float64
	var revT, hoursT, frictionT []string
	for _, m := range months {
		month := c.p.Month(m.Month)
		rev = append(rev, float64(m.Revenue))
		revT = append(revT, fmt.Sprintf("%s: %s", month, c.p.Money(cartera.Money{Amount: m.Revenue, Currency: cl.Currency})))
		hours = append(hours, float64(m.Hours))
		hoursT = append(hoursT, fmt.Sprintf("%s: %s", month, c.p.Hours(m.Hours)))
		friction = append(friction, float64(m.Incidents*m.MaxSeverity))
		frictionT = append(frictionT, fmt.Sprintf("%s: %s", month, c.p.T("client.month_incidents", "n", m.Incidents, "worst", m.MaxSeverity)))
	}
	return s.page(w, r, "client", "clients", clientPage{
		Client: cl, A: a, From: a.From.AddDays(1), Contacts: contacts, Timeline: timeline, Months: len(months),
		Sparks: []sparkline{
			newSparkline(rev, revT, c.p.T("client.spark_revenue")),
			newSparkline(hours, hoursT, c.p.T("client.spark_hours")),
			newSparkline(friction, frictionT, c.p.T("client.spark_incidents")),
		},
	})
}
