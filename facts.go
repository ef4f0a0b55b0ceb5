package cartera

import "time"

// ErrFiguresOutOfRange is what FactsStore.Facts returns (wrapped) when a
// client's figures cannot be summed: a stored amount is beyond the bounds
// Validate enforces (written before they were, or by hand in the
// database). Package review finds the client and explains it, so that the
// other clients are assessed as usual.
var ErrFiguresOutOfRange = NewError(ECONFLICT, "facts.out_of_range")

// FactsQuery asks a Store for the figures of each client over a window. The
// window runs from From (exclusive) to AsOf (inclusive).
type FactsQuery struct {
	AsOf Date
	From Date
	// IncidentsFrom is how far back incidents are loaded: their weight fades
	// with age, so a longer look-back than the economic window is used.
	IncidentsFrom Date
	// Mid is the last day of the window's earlier half: invoices due up to
	// it are compared, in ClientFacts.Delay, with those due after it. Zero
	// puts every invoice in the recent half (no comparison).
	Mid Date
	// MaxDaysLate and MaxDiscount are the policy's red lines, counted in the
	// database so that raw rows never need to reach Go.
	MaxDaysLate int
	GraceDays   int
	MaxDiscount BasisPoints
	// ClientIDs restricts the query; nil means every client.
	ClientIDs []string
}

// ClientFacts are the aggregated figures of one client over a window: the
// whole input of the assessment engine. Amounts are in the client's currency
// minor units.
type ClientFacts struct {
	Client Client

	Revenue        int64 // invoices issued in the window
	InvoicesIssued int

	Hours         Hours // all hours logged in the window
	BillableHours Hours

	Discounts     int64       // amount given away as discounts
	DiscountCount int         // discounts given
	DiscountsOver int         // discounts above the policy maximum
	MaxDiscount   BasisPoints // largest discount percentage recorded or derived
	// LastDiscountOver is the day of the latest discount above the maximum.
	LastDiscountOver Date
	// DiscountsOverAt are the discounts above the maximum, oldest first:
	// each one's day and percentage (basis points).
	DiscountsOverAt []DayValue
	// DiscountsDerived counts the discounts whose percentage was derived
	// from the amounts (none was recorded).
	DiscountsDerived int
	FreeHours        Hours
	FreeHoursMonth   []MonthHours // free hours per month, months with any

	// Payment behaviour, over invoices due in the window.
	InvoicesDue   int
	LateInvoices  int // paid more than GraceDays after the due date, or unpaid and that late
	OverLimit     int // more than MaxDaysLate days late
	DaysLateSum   int // over the late invoices
	WorstDaysLate int
	// LastOverLimit is the due date of the latest invoice over MaxDaysLate.
	LastOverLimit Date
	// LateOver are the invoices over MaxDaysLate, by due date: each one's
	// due date and days late.
	LateOver []DayValue
	// Delay is how long the invoices due in each half of the window took
	// to be paid: Delay[0] those due in (From, Mid], Delay[1] in (Mid,
	// AsOf]. An invoice paid by its due date counts 0 days; one unpaid,
	// the days since it was due.
	Delay [2]DelayHalf
	// Overdue is what is unpaid past its due date, whenever it was issued.
	Overdue       int64
	OverdueCount  int
	OldestOverdue Date

	// Incidents since IncidentsFrom, oldest first.
	Incidents []IncidentFact
}

// DayValue is a day and a figure measured on it.
type DayValue struct {
	Day   Date  `json:"day"`
	Value int64 `json:"value"`
}

// DelayHalf sums the delay of the invoices due in one half of the window.
type DelayHalf struct {
	Invoices int `json:"invoices"`
	Days     int `json:"days"` // days after the due date, summed
}

// AvgDays is the average delay in whole days, rounded half up.
func (h DelayHalf) AvgDays() int {
	if h.Invoices == 0 {
		return 0
	}
	return (2*h.Days + h.Invoices) / (2 * h.Invoices)
}

// MonthHours is a month (its first day) and an amount of hours.
type MonthHours struct {
	Month Date  `json:"month"`
	Hours Hours `json:"hours"`
}

// IncidentFact is what the engine needs of an incident.
type IncidentFact struct {
	ID        string       `json:"id"`
	At        time.Time    `json:"at"`
	Kind      IncidentKind `json:"kind"`
	Severity  int          `json:"severity"`
	ContactID string       `json:"contact_id,omitempty"`
}
