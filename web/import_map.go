package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/report"
)

// The mapping step: for a file cartera does not recognise (or any file,
// on request) — a CSV file or a sheet of a spreadsheet (.xlsx; the form
// offers the workbook's other sheets) — a form says which column feeds
// which deal field and what
// each stage label of the file is; the first rows are shown as they will
// be imported; then the real import runs with that mapping, all or
// nothing. The form is plain HTML: every step is a POST of the whole form,
// and the file waits on the server (see stash).

const (
	mapPreviewRows = 10 // rows shown as they will be imported
	mapSampleRows  = 3  // sample values shown per column
	mapMaxStages   = 60 // distinct stage labels offered
)

type mapPage struct {
	ID, File string
	// Sheet is the sheet of a spreadsheet the columns come from, and
	// Sheets the workbook's sheets (empty for a CSV file).
	Sheet  string
	Sheets []string
	// SheetChanged: the person chose another sheet; its columns are
	// proposed afresh and nothing is imported before they are seen.
	SheetChanged bool
	// Entity and Vendor say what the file was recognised as (empty when
	// not), Why why it was not, NotDeals that it is another kind of file.
	Entity   cartera.Entity
	Vendor   string
	Why      string
	NotDeals bool
	Columns  []mapColumn
	Targets  []option
	// StageHeader is the column the stages come from; Stages its distinct
	// values; MoreStages that there were more than shown.
	StageHeader  string
	Stages       []mapStage
	MoreStages   bool
	StageTargets []option
	// The mapping's other settings, as the form shows them.
	DateOrder, Decimal, Scale, IDPrefix, Name, Extra string
	From                                             string // the saved mapping the form started from
	Saved                                            []string
	// JSON is the mapping the form makes, as a mapping file; MapProblems
	// are its mistakes, at their line and column in it.
	JSON        string
	JSONLines   []string
	MapProblems []ProblemItem
	// Rows are the first rows as they will be imported; Bad counts those
	// with problems.
	Rows []mapRow
	Bad  int
	// Problems and More are what a refused import found.
	Problems []ProblemItem
	More     int
	// Ready: the mapping is complete and the preview ran. Changed: the
	// stage labels changed since the form was shown (another column is
	// the stage now), so nothing was imported yet.
	Ready, Changed bool
	Flash          string
}

type option struct{ Value, Label string }

type mapColumn struct {
	N       int // 0-based, the form field col.N
	Index   int // 1-based, as a spreadsheet counts
	Header  string
	Target  string
	Samples []string
}

type mapStage struct {
	N      int
	Label  string
	Count  int
	Target string
}

type mapRow struct {
	Line                                                   int
	Name, Company, Stage, Value, Owner, Created, Close, Pr string
	Problems                                               []ProblemItem
}

// importMapShow is the first view of the step: the form filled in from a
// saved mapping (?mapping=NAME), from what the file was recognised as, or
// from suggestions; with the preview when that is already complete.
func (s *Server) importMapShow(w http.ResponseWriter, r *http.Request) error {
	it, err := s.uploads.get(stashKey(rc(r)), r.PathValue("id"))
	if err != nil {
		return err
	}
	var base *csvio.Mapping
	from := r.URL.Query().Get("mapping")
	if from != "" {
		if base, _, err = csvio.SavedMapping(r.Context(), s.st, from); err != nil && cartera.ErrorCode(err) != cartera.ENOTFOUND {
			var pe *csvio.ProblemsError
			if !errors.As(err, &pe) {
				return err
			}
		}
		if base == nil {
			from = ""
		}
	}
	d, err := s.mapView(r, it, mapInput{base: base, from: from, sheet: strings.TrimSpace(r.URL.Query().Get("sheet"))})
	if err != nil {
		return err
	}
	return s.page(w, r, "import_map", "import", d)
}

// importMapSubmit takes the whole form: preview, import, save or discard.
func (s *Server) importMapSubmit(w http.ResponseWriter, r *http.Request) error {
	key := stashKey(rc(r))
	it, err := s.uploads.get(key, r.PathValue("id"))
	if err != nil {
		return err
	}
	action := r.PostFormValue("action")
	if action == "discard" {
		s.uploads.remove(key, it.id)
		http.Redirect(w, r, "/import", http.StatusSeeOther)
		return nil
	}
	in := mapInput{form: true, from: r.PostFormValue("from"), sheet: strings.TrimSpace(r.PostFormValue("sheet"))}
	if in.sheet != strings.TrimSpace(r.PostFormValue("shown_sheet")) {
		// Another sheet chosen: its columns are new, so the form starts
		// over from suggestions, and nothing is imported before the person
		// has seen them.
		in.form, in.sheetChanged = false, true
	}
	d, err := s.mapView(r, it, in)
	if err != nil {
		return err
	}
	c := rc(r)
	switch action {
	case "save":
		name := strings.TrimSpace(r.PostFormValue("name"))
		if len(d.MapProblems) > 0 {
			break
		}
		pl, err := s.pipelineConfig(r)
		if err != nil {
			return err
		}
		s.mappingsMu.Lock()
		_, err = csvio.SaveMapping(r.Context(), s.st, pl, name, mapJSON(d, name))
		s.mappingsMu.Unlock()
		var pe *csvio.ProblemsError
		switch {
		case errors.As(err, &pe):
			d.MapProblems = problemItems(pe, c.p.Msg)
		case cartera.ErrorCode(err) == cartera.EINVALID:
			d.MapProblems = []ProblemItem{{Field: "name", Detail: c.p.Msg(cartera.ErrorMessage(err))}}
		case err != nil:
			return err
		default:
			d.Flash, d.From, d.Name = c.p.T("import.mapping_saved", "name", name), name, name
			if d.Saved, err = csvio.SavedMappingNames(r.Context(), s.st); err != nil {
				return err
			}
		}
	case "import":
		if !d.Ready {
			break // the form changed under the person: show it before importing
		}
		m, err := csvio.LoadMapping(mapName(d)+".json", []byte(d.JSON))
		if err != nil {
			return err // checked by mapView already
		}
		start := time.Now()
		rep, err := s.runImport(r, []csvio.Source{it.source()}, false, m, d.Sheet)
		var pe *csvio.ProblemsError
		if errors.As(err, &pe) {
			s.metrics.imports("rejected", 0)
			d.Problems, d.More = problemItems(pe, c.p.Msg), pe.More
			break
		}
		if err != nil {
			return err
		}
		s.metrics.imports("committed", rep.Rows)
		s.uploads.remove(key, it.id)
		data, err := s.importData(r, "")
		if err != nil {
			return err
		}
		data.Report, data.Took, data.Mapped = rep, time.Since(start).Round(10*time.Millisecond).String(), m.Name
		return s.page(w, r, "import", "import", data)
	}
	if len(d.MapProblems) > 0 || len(d.Problems) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return s.page(w, r, "import_map", "import", d)
}

// mapInput is where the form's values come from: a saved mapping (first
// view), or the submitted form.
type mapInput struct {
	base *csvio.Mapping
	from string
	form bool
	// sheet is the spreadsheet's sheet to read ("" for the first), and
	// sheetChanged says the form showed another one.
	sheet        string
	sheetChanged bool
}

// mapView builds the step's page: the file's columns with their targets,
// the stage labels with theirs, the mapping as JSON and, when it is
// complete, the first rows as they will be imported.
func (s *Server) mapView(r *http.Request, it *stashed, in mapInput) (*mapPage, error) {
	c := rc(r)
	o, err := s.importOptions(r)
	if err != nil {
		return nil, err
	}
	o.Sheet = in.sheet
	pl, err := s.pipelineConfig(r)
	if err != nil {
		return nil, err
	}
	src := it.source()
	smp, err := csvio.Inspect(src, mapSampleRows, o)
	var pe *csvio.ProblemsError
	if errors.As(err, &pe) {
		return nil, cartera.NewError(cartera.EINVALID, "import.map_unreadable", "reason", c.p.Msg(pe.Problems[0].Msg))
	}
	if err != nil {
		return nil, err
	}
	d := &mapPage{ID: it.id, File: it.name, Entity: smp.Entity, Vendor: smp.Mapping, From: in.from, Sheet: smp.Sheet, Sheets: smp.Sheets}
	if smp.Problem != nil {
		d.Why = c.p.Msg(smp.Problem.Msg)
	}
	d.NotDeals = (smp.Format != "csv" && smp.Format != "xlsx") || (smp.Entity != "" && smp.Entity != cartera.EntityDeals)
	if d.Saved, err = csvio.SavedMappingNames(r.Context(), s.st); err != nil {
		return nil, err
	}
	if d.NotDeals {
		return d, nil
	}
	for _, t := range csvio.Targets() {
		d.Targets = append(d.Targets, option{t, c.p.T("target." + t)})
	}
	for _, st := range pl.Stages {
		d.StageTargets = append(d.StageTargets, option{string(st.ID), report.StageName(pl, st.ID, c.p)})
	}
	d.StageTargets = append(d.StageTargets, option{"won", c.p.T("web.map_stage_won")}, option{"lost", c.p.T("web.map_stage_lost")})

	// What the form starts from: the saved mapping, or the built-in one
	// that recognised the file.
	base := in.base
	if base == nil && smp.Mapping != "" {
		base = csvio.Builtin(smp.Mapping)
	}
	if base != nil {
		bd := base.Draft()
		d.DateOrder, d.Decimal, d.Scale, d.IDPrefix = bd.DateOrder, bd.Decimal, bd.ProbabilityScale, bd.IDPrefix
		d.Extra = extraJSON(bd)
	}
	if in.base != nil {
		d.Name = in.from
	}
	f := r.PostForm
	if in.form {
		d.DateOrder, d.Decimal, d.Scale = f.Get("date_order"), f.Get("decimal"), f.Get("probability_scale")
		d.IDPrefix, d.Name, d.Extra = f.Get("id_prefix"), strings.TrimSpace(f.Get("name")), f.Get("extra")
	}

	// Columns and their targets.
	stageCol := -1
	for i, h := range smp.Header {
		col := mapColumn{N: i, Index: i + 1, Header: h}
		switch {
		case in.form:
			col.Target = strings.TrimSpace(f.Get("col." + strconv.Itoa(i)))
		case in.base != nil:
			col.Target = in.base.TargetOf(h)
		case i < len(smp.Targets):
			col.Target = smp.Targets[i]
		}
		for _, row := range smp.Rows {
			if i < len(row) && strings.TrimSpace(row[i]) != "" {
				col.Samples = append(col.Samples, row[i])
			}
		}
		if col.Target == "stage" && stageCol < 0 {
			stageCol, d.StageHeader = i, h
		}
		d.Columns = append(d.Columns, col)
	}

	// The stage labels of the whole file, each with its target: as
	// submitted, else as the base mapping says, else a suggestion. A label
	// the form did not show (the stage column changed) makes the form not
	// ready: the person sees the new labels before anything is imported.
	changed := false
	if stageCol >= 0 {
		vals, more, err := csvio.ColumnValues(src, o, stageCol, mapMaxStages)
		if err != nil {
			return nil, err
		}
		d.MoreStages = more
		submitted := map[string]string{}
		if in.form {
			for i := 0; ; i++ {
				label, ok := f["label."+strconv.Itoa(i)]
				if !ok || len(label) == 0 {
					break
				}
				submitted[stageKey(label[0])] = strings.TrimSpace(f.Get("stage." + strconv.Itoa(i)))
			}
		}
		for i, v := range vals {
			st := mapStage{N: i, Label: v.Text, Count: v.Count}
			t, ok := submitted[stageKey(v.Text)]
			switch {
			case ok:
				st.Target = t
			case base != nil:
				if bt, known := base.StageOf(v.Text); known {
					st.Target = bt
				} else {
					st.Target = csvio.SuggestStage(v.Text, pl)
				}
				changed = changed || in.form
			default:
				st.Target = csvio.SuggestStage(v.Text, pl)
				changed = changed || in.form
			}
			d.Stages = append(d.Stages, st)
		}
	}

	d.Changed, d.SheetChanged = changed || in.sheetChanged, in.sheetChanged

	// The mapping as a file, checked as a --map file would be.
	name := mapName(d)
	text := mapJSON(d, name)
	d.JSON = string(text)
	d.JSONLines = strings.Split(strings.TrimSuffix(d.JSON, "\n"), "\n")
	m, err := csvio.LoadMapping(name+".json", text)
	if err == nil {
		err = m.CheckPipeline(pl)
	}
	if errors.As(err, &pe) {
		d.MapProblems = problemItems(pe, c.p.Msg)
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	res, err := csvio.Preview(r.Context(), s.st, src, m, mapPreviewRows, o)
	if errors.As(err, &pe) {
		d.MapProblems = problemItems(pe, c.p.Msg)
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	for _, row := range res.Rows {
		mr := mapRow{Line: row.Line}
		if x, ok := row.Record.(cartera.Deal); ok {
			mr = dealRow(row.Line, x, pl, c)
		}
		for _, p := range row.Problems {
			mr.Problems = append(mr.Problems, ProblemItem{File: p.File, Line: p.Line, Column: p.Column, Detail: c.p.Msg(p.Msg)})
		}
		if len(mr.Problems) > 0 {
			d.Bad++
		}
		d.Rows = append(d.Rows, mr)
	}
	d.Ready = !d.Changed
	return d, nil
}

// stageKey matches a label as submitted with the file's: spacing and
// case aside.
func stageKey(s string) string { return cartera.Fold(strings.Join(strings.Fields(s), " ")) }

// dealRow is a deal as the preview shows it.
func dealRow(line int, x cartera.Deal, pl cartera.Pipeline, c *reqCtx) mapRow {
	row := mapRow{Line: line, Name: x.Name(), Owner: x.Owner, Value: c.p.Money(x.Value)}
	if x.ClientID != "" {
		row.Company = c.p.T("web.map_client", "id", x.ClientID)
	} else if x.Prospect != "" {
		row.Company = c.p.T("web.map_prospect", "name", x.Prospect)
	}
	row.Stage = report.StageName(pl, x.Stage, c.p)
	if x.Outcome == cartera.OutcomeWon || x.Outcome == cartera.OutcomeLost {
		row.Stage = c.p.T("outcome." + string(x.Outcome)) // a closed deal: its stage says little
	}
	if x.Created != 0 {
		row.Created = c.p.Date(x.Created)
	}
	if x.Closed != 0 {
		row.Close = c.p.Date(x.Closed)
	} else if x.ExpectedClose != 0 {
		row.Close = c.p.Date(x.ExpectedClose)
	}
	if x.Claimed > 0 {
		row.Pr = c.p.Percent(x.Claimed)
	}
	return row
}

// mapName is the name the mapping is known by in reports: the name typed
// to save it, the saved one it came from, or the file's.
func mapName(d *mapPage) string {
	for _, n := range []string{d.Name, d.From} {
		if csvio.CheckMappingName(n) == nil {
			return n
		}
	}
	name := strings.TrimSuffix(strings.TrimSuffix(d.File, ".csv"), ".xlsx")
	if csvio.CheckMappingName(name) == nil {
		return name
	}
	return "mapa"
}

// mapJSON writes the form as a mapping file.
func mapJSON(d *mapPage, name string) []byte {
	dr := csvio.Draft{Name: name, DateOrder: d.DateOrder, Decimal: d.Decimal, ProbabilityScale: d.Scale, IDPrefix: d.IDPrefix}
	for _, c := range d.Columns {
		dr.Columns = append(dr.Columns, csvio.Entry{From: c.Header, To: c.Target})
	}
	for _, st := range d.Stages {
		dr.Stages = append(dr.Stages, csvio.Entry{From: st.Label, To: st.Target})
	}
	applyExtra(&dr, d.Extra)
	return dr.JSON()
}

// mapExtra carries, through the form, the parts of a mapping the form
// does not show: entity prefixes, outcome and category spellings (of a
// vendor's export or a saved mapping).
type mapExtra struct {
	Prefixes   []string          `json:"prefixes,omitempty"`
	Outcomes   map[string]string `json:"outcomes,omitempty"`
	Categories map[string]string `json:"categories,omitempty"`
}

func extraJSON(d csvio.Draft) string {
	x := mapExtra{Prefixes: d.Prefixes, Outcomes: d.Outcomes, Categories: d.Categories}
	if len(x.Prefixes) == 0 && len(x.Outcomes) == 0 && len(x.Categories) == 0 {
		return ""
	}
	b, _ := json.Marshal(x)
	return string(b)
}

// applyExtra adds the hidden parts back; text that is not what extraJSON
// wrote is ignored (the mapping is checked whole afterwards anyway).
func applyExtra(dr *csvio.Draft, text string) {
	var x mapExtra
	if text == "" || json.Unmarshal([]byte(text), &x) != nil {
		return
	}
	dr.Prefixes, dr.Outcomes, dr.Categories = x.Prefixes, x.Outcomes, x.Categories
}
