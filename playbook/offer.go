package playbook

import (
	"github.com/cartera/cartera"
	"github.com/cartera/cartera/assess"
)

// Offer is the room left for an intermediate offer this month, inside the
// red lines, and what it would cost in margin.
//
// The discount room is the policy's maximum discount minus the discounts
// already given to the client this month (a discount recorded only as an
// amount counts as its share of a typical invoice). The free-hours room is
// MaxFreeHoursPerMonth minus the free hours already given this month.
// Neither goes below zero. The discount is priced on a typical invoice
// (revenue over invoices issued in the window), free hours at the internal
// hourly cost, and the margin after the offer is the average monthly
// margin minus both.
type Offer struct {
	// Month is the first day of the month the budget covers.
	Month cartera.Date `json:"month"`

	DiscountMax   cartera.BasisPoints `json:"discount_max"`
	DiscountGiven cartera.BasisPoints `json:"discount_given"`
	DiscountRoom  cartera.BasisPoints `json:"discount_room"`
	// DiscountBase is the typical invoice the discount applies to, and
	// DiscountCost the room applied to it.
	DiscountBase cartera.Money `json:"discount_base"`
	DiscountCost cartera.Money `json:"discount_cost"`

	FreeHoursMax   cartera.Hours `json:"free_hours_max"`
	FreeHoursGiven cartera.Hours `json:"free_hours_given"`
	FreeHoursRoom  cartera.Hours `json:"free_hours_room"`
	FreeHoursCost  cartera.Money `json:"free_hours_cost"`
	// CostKnown is false when the policy has no hourly cost in the
	// client's currency: free hours are then not priced.
	CostKnown bool `json:"cost_known"`

	TotalCost cartera.Money `json:"total_cost"`
	// Months is how many months the monthly averages divide by: the
	// policy's window, or fewer for a newer client.
	Months         int                 `json:"months"`
	MonthlyRevenue cartera.Money       `json:"monthly_revenue"`
	MonthlyMargin  cartera.Money       `json:"monthly_margin"`
	MarginAfter    cartera.Money       `json:"margin_after"`
	MarginPctAfter cartera.BasisPoints `json:"margin_pct_after"`
	// BelowMin is set when the offer would take the month's margin below
	// the policy's minimum.
	BelowMin bool `json:"below_min"`
	// Exhausted is set when nothing is left to offer this month.
	Exhausted bool `json:"exhausted"`
}

// IntermediateOffer computes the concession budget left this month for a
// client, given the concessions recorded for it (any dates: only those of
// asOf's month count). Without in.InvoicesIssued, the invoices due in the
// window stand in for the invoices issued.
func IntermediateOffer(in Input, concessions []cartera.Concession, p cartera.Policy) Offer {
	a := in.Assessment
	e := a.Economic
	cur := a.Client.Currency
	money := func(v int64) cartera.Money { return cartera.Money{Amount: v, Currency: cur} }
	o := Offer{Month: a.AsOf.Month(), DiscountMax: p.MaxDiscount, FreeHoursMax: p.MaxFreeHoursPerMonth,
		CostKnown: e.CostKnown}
	invoices := in.InvoicesIssued
	if invoices == 0 {
		invoices = a.Payment.InvoicesDue
	}
	if invoices > 0 {
		o.DiscountBase = money(cartera.MulDivRound(e.Revenue.Amount, 1, int64(invoices)))
	} else {
		o.DiscountBase = money(0)
	}
	for _, c := range concessions {
		if c.Day.Month() != o.Month || c.Day > a.AsOf || c.ClientID != a.Client.ID {
			continue
		}
		switch c.Kind {
		case cartera.ConcessionDiscount:
			switch {
			case c.Percent > 0:
				o.DiscountGiven += c.Percent
			case o.DiscountBase.Amount > 0:
				o.DiscountGiven += cartera.Ratio(c.Amount.Amount, o.DiscountBase.Amount)
			}
		case cartera.ConcessionFreeHours:
			o.FreeHoursGiven += c.Hours
		}
	}
	o.DiscountRoom = max(o.DiscountMax-o.DiscountGiven, 0)
	o.FreeHoursRoom = max(o.FreeHoursMax-o.FreeHoursGiven, 0)
	o.DiscountCost = money(cartera.MulDivRound(o.DiscountBase.Amount, int64(o.DiscountRoom), 10000))
	o.FreeHoursCost = money(0)
	if e.CostKnown {
		o.FreeHoursCost = money(e.CostPerHour.ForHours(o.FreeHoursRoom).Amount)
	}
	o.TotalCost = o.DiscountCost.Add(o.FreeHoursCost)
	o.Months = monthsCovered(a, p)
	o.MonthlyRevenue = money(cartera.MulDivRound(e.Revenue.Amount, 1, int64(o.Months)))
	o.MonthlyMargin = money(cartera.MulDivRound(e.Margin.Amount, 1, int64(o.Months)))
	o.MarginAfter = o.MonthlyMargin.Sub(o.TotalCost)
	o.MarginPctAfter = cartera.Ratio(o.MarginAfter.Amount, o.MonthlyRevenue.Amount)
	o.BelowMin = o.MonthlyRevenue.Amount > 0 && o.MarginPctAfter < p.MinMargin
	o.Exhausted = o.DiscountRoom == 0 && o.FreeHoursRoom == 0
	return o
}

// monthsCovered is the number of months the window covers for this client:
// the policy's window, or the months since the client started when that
// is more recent (at least one).
func monthsCovered(a *assess.Assessment, p cartera.Policy) int {
	months := max(p.WindowMonths, 1)
	if s := a.Client.Since; !s.IsZero() && s > a.From {
		sy, sm, _ := s.YMD()
		ay, am, _ := a.AsOf.YMD()
		months = max(min((ay-sy)*12+int(am-sm)+1, months), 1)
	}
	return months
}
