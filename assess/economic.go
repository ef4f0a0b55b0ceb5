package assess

import "github.com/cartera/cartera"

// Economic is what a client is worth in money over the window.
type Economic struct {
	Revenue     cartera.Money `json:"revenue"`
	HoursCost   cartera.Money `json:"hours_cost"`
	Concessions cartera.Money `json:"concessions"`
	CostToServe cartera.Money `json:"cost_to_serve"`
	Margin      cartera.Money `json:"margin"`
	// MarginPct is Margin over Revenue; meaningful only when HasRevenue.
	MarginPct     cartera.BasisPoints `json:"margin_pct"`
	HasRevenue    bool                `json:"has_revenue"`
	Hours         cartera.Hours       `json:"hours"`
	BillableHours cartera.Hours       `json:"billable_hours"`
	FreeHours     cartera.Hours       `json:"free_hours"`
	// EffectiveRate is revenue per hour logged (zero without hours).
	EffectiveRate cartera.Money `json:"effective_rate"`
	// CostPerHour is the policy's internal cost in the client's currency.
	CostPerHour cartera.Money `json:"cost_per_hour"`
	// CostKnown is false when the policy has no hourly cost in the client's
	// currency: margins are then revenue minus concessions only.
	CostKnown bool `json:"cost_known"`
}

func economic(f *cartera.ClientFacts, p cartera.Policy) Economic {
	cur := f.Client.Currency
	e := Economic{
		Revenue:       cartera.Money{Amount: f.Revenue, Currency: cur},
		Concessions:   cartera.Money{Amount: f.Discounts, Currency: cur},
		Hours:         f.Hours,
		BillableHours: f.BillableHours,
		FreeHours:     f.FreeHours,
		HasRevenue:    f.Revenue > 0,
	}
	rate, ok := p.CostPerHour(cur)
	e.CostKnown = ok
	e.CostPerHour = cartera.Money{Amount: rate.Amount, Currency: cur}
	// Hours are in hundredths: cost = rate × hours / 100.
	e.HoursCost = cartera.Money{Amount: rate.ForHours(f.Hours).Amount, Currency: cur}
	e.CostToServe = e.HoursCost.Add(e.Concessions)
	e.Margin = e.Revenue.Sub(e.CostToServe)
	if e.HasRevenue {
		e.MarginPct = cartera.Ratio(e.Margin.Amount, e.Revenue.Amount)
	}
	if f.Hours > 0 {
		e.EffectiveRate = cartera.Money{Amount: cartera.MulDivRound(f.Revenue, 100, int64(f.Hours)), Currency: cur}
	}
	return e
}

// Payment is how a client pays, over invoices due in the window.
type Payment struct {
	InvoicesDue   int                 `json:"invoices_due"`
	Late          int                 `json:"late"`
	OverLimit     int                 `json:"over_limit"`
	AvgDaysLate   int                 `json:"avg_days_late"`
	WorstDaysLate int                 `json:"worst_days_late"`
	LateShare     cartera.BasisPoints `json:"late_share"`
	OverdueAmount cartera.Money       `json:"overdue"`
	OverdueCount  int                 `json:"overdue_count"`
	OldestOverdue cartera.Date        `json:"oldest_overdue"`
	// Risk is the collection risk.
	Risk Level `json:"risk"`
}

// overActive is false when the only invoices over the line are one old
// crossing that has faded (see Breach): it then no longer raises the risk.
func payment(f *cartera.ClientFacts, p cartera.Policy, asOf cartera.Date, overActive bool) Payment {
	pm := Payment{
		InvoicesDue:   f.InvoicesDue,
		Late:          f.LateInvoices,
		OverLimit:     f.OverLimit,
		WorstDaysLate: f.WorstDaysLate,
		OverdueAmount: cartera.Money{Amount: f.Overdue, Currency: f.Client.Currency},
		OverdueCount:  f.OverdueCount,
		OldestOverdue: f.OldestOverdue,
		Risk:          LevelLow,
	}
	if f.LateInvoices > 0 {
		pm.AvgDaysLate = int(cartera.MulDivRound(int64(f.DaysLateSum), 1, int64(f.LateInvoices)))
	}
	pm.LateShare = cartera.Ratio(int64(f.LateInvoices), int64(f.InvoicesDue))
	overShare := cartera.Ratio(int64(f.OverLimit), int64(f.InvoicesDue))
	// An overdue amount matters when it is old and large against what the
	// client brings in.
	oldOverdue := f.OverdueCount > 0 && !f.OldestOverdue.IsZero() &&
		cartera.DaysBetween(f.OldestOverdue, asOf) > p.MaxDaysLate
	overdueShare := cartera.BasisPoints(0)
	if f.Revenue > 0 {
		overdueShare = cartera.Ratio(f.Overdue, f.Revenue)
	}
	switch {
	case f.InvoicesDue >= 2 && overShare >= p.LateShareHigh,
		oldOverdue && (f.Revenue == 0 || overdueShare >= p.OverdueHigh):
		pm.Risk = LevelHigh
	case f.InvoicesDue > 0 && pm.LateShare >= p.LateShareWarn,
		f.OverLimit > 0 && overActive, oldOverdue:
		pm.Risk = LevelMedium
	}
	return pm
}
