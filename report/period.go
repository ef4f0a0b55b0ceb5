package report

import (
	"strconv"
	"strings"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/playbook"
)

// ForecastPeriod names a forecast period for people rather than for the
// address bar: "T4 2026" for 2026-Q4, "S2 2026" for 2026-H2, "nov 2026"
// for 2026-11, "2026" for a year; a label of any other shape as it is.
func ForecastPeriod(p *i18n.Printer, per forecast.Period) string {
	switch {
	case strings.Contains(per.Label, "-Q"):
		return periodName(p, "quarter", per.From)
	case strings.Contains(per.Label, "-H"):
		return periodName(p, "half", per.From)
	case len(per.Label) == 7:
		return periodName(p, "month", per.From)
	}
	return per.Label
}

// WinLossPeriod names the win/loss period that starts on start, as the
// command line and the web page both show it: "nov 2026", "T4 2026",
// "2026".
func WinLossPeriod(p *i18n.Printer, per playbook.Period, start cartera.Date) string {
	return periodName(p, string(per), start)
}

// periodName names the month, quarter, half or year that starts on start.
func periodName(p *i18n.Printer, unit string, start cartera.Date) string {
	y, m, _ := start.YMD()
	year := strconv.Itoa(y)
	switch unit {
	case "month":
		return p.Month(start)
	case "quarter":
		return p.T("winloss.quarter", "q", (int(m)-1)/3+1, "year", year)
	case "half":
		return p.T("web.half", "h", (int(m)-1)/6+1, "year", year)
	}
	return year
}
