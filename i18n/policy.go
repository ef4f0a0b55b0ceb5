package i18n

import (
	"fmt"
	"strings"

	"github.com/cartera/cartera"
)

// PolicyValue renders one policy value as text that Policy.Set reads back,
// in the printer's language (percentages and hours localised).
func (p *Printer) PolicyValue(pol cartera.Policy, key string) string {
	switch key {
	case "max_discount":
		return p.Percent(pol.MaxDiscount)
	case "max_free_hours_per_month":
		return p.Hours(pol.MaxFreeHoursPerMonth)
	case "max_days_late":
		return fmt.Sprint(pol.MaxDaysLate)
	case "grace_days":
		return fmt.Sprint(pol.GraceDays)
	case "off_limits":
		return p.Slots(pol.OffLimits)
	case "min_margin":
		return p.Percent(pol.MinMargin)
	case "max_severity":
		return fmt.Sprint(pol.MaxSeverity)
	case "hourly_cost":
		var parts []string
		for _, m := range pol.HourlyCost {
			parts = append(parts, p.Money(m))
		}
		return strings.Join(parts, "; ")
	case "currency":
		return string(pol.Currency)
	case "window_months":
		return fmt.Sprint(pol.WindowMonths)
	case "late_share_warn":
		return p.Percent(pol.LateShareWarn)
	case "late_share_high":
		return p.Percent(pol.LateShareHigh)
	case "overdue_high":
		return p.Percent(pol.OverdueHigh)
	case "half_life_days":
		return fmt.Sprint(pol.HalfLifeDays)
	case "escalation_days":
		return fmt.Sprint(pol.EscalationDays)
	case "escalation_factor":
		return p.Decimal(int64(pol.EscalationFactor*100+0.5), 2)
	case "relational_medium":
		return p.Decimal(int64(pol.RelationalMedium*100+0.5), 2)
	case "relational_high":
		return p.Decimal(int64(pol.RelationalHigh*100+0.5), 2)
	case "time_zone":
		return pol.TimeZone
	case "contact_kinds":
		var parts []string
		for _, k := range pol.ContactKinds {
			parts = append(parts, string(k))
		}
		return strings.Join(parts, ", ")
	case "abuse_severity":
		return fmt.Sprint(pol.AbuseSeverity)
	case "abuse_repeat":
		return fmt.Sprint(pol.AbuseRepeat)
	case "abuse_window_days":
		return fmt.Sprint(pol.AbuseWindowDays)
	case "watch_notes":
		return fmt.Sprint(pol.WatchNotes)
	case "watch_repeat":
		return fmt.Sprint(pol.WatchRepeat)
	case "slower_days":
		return fmt.Sprint(pol.SlowerDays)
	case "slower_min_invoices":
		return fmt.Sprint(pol.SlowerMinInvoices)
	case "align_overrides":
		return fmt.Sprint(pol.AlignOverrides)
	}
	return ""
}
