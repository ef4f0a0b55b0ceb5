package report

import (
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

// ClientRowOut is a row of the client list in the API: the client and its
// summary, whose first reason is rendered in both languages (the shape
// the API has always had).
type ClientRowOut struct {
	Client  cartera.Client `json:"client"`
	Summary SummaryOut     `json:"summary"`
}

// SummaryOut is a summary with its first reason as text.
type SummaryOut struct {
	cartera.Summary
	ReasonES string `json:"reason_es"`
	ReasonEN string `json:"reason_en"`
}

// ClientRows renders the rows of the client list for the API; dates and
// times in the reasons are shown in loc.
func ClientRows(rows []cartera.ClientRow, loc *time.Location) []ClientRowOut {
	es, en := i18n.New(i18n.ES, loc), i18n.New(i18n.EN, loc)
	out := make([]ClientRowOut, len(rows))
	for i, r := range rows {
		out[i] = ClientRowOut{Client: r.Client, Summary: SummaryOut{Summary: r.Summary,
			ReasonES: es.Msg(r.Summary.Reason), ReasonEN: en.Msg(r.Summary.Reason)}}
	}
	return out
}
