package csvio

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/cartera/cartera"
)

// ReadStageHistory reads a deal's stage history from a CSV file with the
// columns deal_id, date and stage (Spanish: oportunidad, fecha, etapa), in
// any order: one row per stage a deal entered, on the day it did, as a CRM
// that keeps stage history exports it. Every deal must exist (known), every
// stage be one of the pipeline's, every date a day on or before today.
// Rows of one deal on the same day keep the file's order. Problems are
// reported as a *ProblemsError at file:line:column; nothing is returned
// unless the whole file is right.
func ReadStageHistory(r io.Reader, name string, p cartera.Pipeline, known func(id string) bool, today cartera.Date) ([]cartera.StageMove, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, &ProblemsError{Problems: []Problem{{File: name, Line: 1, Column: 1, Msg: cartera.M("import.empty_file")}}}
	}
	col := map[string]int{}
	for i, h := range head {
		switch headerKey(h) {
		case "deal_id", "oportunidad", "deal":
			col["deal_id"] = i
		case "date", "fecha", "day", "dia":
			col["date"] = i
		case "stage", "etapa":
			col["stage"] = i
		}
	}
	probs := &problems{max: 50}
	for _, c := range []string{"deal_id", "date", "stage"} {
		if _, ok := col[c]; !ok {
			probs.add(Problem{File: name, Line: 1, Column: 1, Msg: cartera.M("import.stages_missing_column", "column", c)})
		}
	}
	if probs.count() > 0 {
		return nil, &ProblemsError{Problems: probs.list}
	}
	var out []cartera.StageMove
	seq := map[string]int64{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			probs.add(Problem{File: name, Line: pe.Line, Column: max(pe.Column, 1), Msg: cartera.M("import.csv_quote")})
			break
		}
		if err != nil {
			return nil, err
		}
		val := func(c string) string {
			if i := col[c]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		bad := func(c string, m *cartera.Message) {
			probs.add(Problem{File: name, Line: line, Column: col[c] + 1, Msg: *m})
		}
		m := cartera.StageMove{DealID: val("deal_id"), Stage: cartera.Stage(val("stage"))}
		ok := true
		if m.DealID == "" || !known(m.DealID) {
			bad("deal_id", problem("signal.unknown_deal", "value", m.DealID))
			ok = false
		}
		if !p.Has(m.Stage) {
			bad("stage", problem("deal.unknown_stage", "value", string(m.Stage), "stages", p.StageIDs()))
			ok = false
		}
		d, msg := parseDate(val("date"))
		switch {
		case msg != nil:
			bad("date", msg)
			ok = false
		case d > today:
			bad("date", problem("value.future_date", "value", d))
			ok = false
		}
		if ok {
			m.Day = d
			seq[m.DealID]++
			m.Seq = seq[m.DealID]
			out = append(out, m)
		}
	}
	if probs.count() > 0 {
		return nil, &ProblemsError{Problems: probs.list, More: probs.more}
	}
	return out, nil
}
