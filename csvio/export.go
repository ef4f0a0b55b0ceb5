package csvio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cartera/cartera"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// Style says how exported CSV looks. Spanish exports are what Excel in a
// Spanish locale opens directly (semicolons, decimal comma, a UTF-8 BOM);
// English ones are plain RFC 4180 with a decimal point.
type Style struct {
	Spanish bool
}

var kindES = map[cartera.IncidentKind]string{
	cartera.KindInsult: "insulto", cartera.KindBelittling: "menosprecio", cartera.KindYelling: "gritos",
	cartera.KindThreat: "amenaza", cartera.KindCompetitorTaunt: "competencia", cartera.KindOutOfHours: "fuera_de_horario",
	cartera.KindScopeCreep: "fuera_de_alcance", cartera.KindNotListening: "no_escucha", cartera.KindPaymentExcuse: "excusa_pago",
}

// ExportResult lists the files written.
type ExportResult struct {
	Files []ExportedFile `json:"files"`
}

// ExportedFile is one written file.
type ExportedFile struct {
	Path   string         `json:"path"`
	Entity cartera.Entity `json:"entity"`
	Rows   int64          `json:"rows"`
}

// FileName is the name an entity's file gets in a format and style:
// facturas.csv in Spanish CSV, invoices.csv in English, invoices.jsonl in
// JSON lines.
func FileName(e cartera.Entity, format string, style Style) string {
	if format == FormatJSON {
		return string(e) + ".jsonl"
	}
	if style.Spanish {
		return schemaOf(e).fileES + ".csv"
	}
	return string(e) + ".csv"
}

// Export writes every entity of the store into dir, one file each, in a
// form that Import reads back to the same data. Files are written under
// temporary names and renamed at the end, so a failed export leaves no half
// file behind.
func Export(ctx context.Context, st cartera.Store, dir, format string, style Style) (*ExportResult, error) {
	if format != FormatCSV && format != FormatJSON {
		return nil, cartera.NewError(cartera.EINVALID, "export.format", "value", format)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, cartera.NewError(cartera.EINVALID, "export.cannot_write", "path", dir, "reason", err.Error())
	}
	var tmps []*os.File
	defer func() {
		for _, f := range tmps {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w, err := NewWriter(func(e cartera.Entity) (io.Writer, error) {
		f, err := os.CreateTemp(dir, ".cartera-export-*")
		if err != nil {
			return nil, cartera.NewError(cartera.EINVALID, "export.cannot_write", "path", dir, "reason", err.Error())
		}
		tmps = append(tmps, f)
		return f, nil
	}, format, style)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(
		st.EachClient(ctx, w.Client), st.EachContact(ctx, w.Contact), st.EachInvoice(ctx, w.Invoice),
		st.EachTimeEntry(ctx, w.TimeEntry), st.EachConcession(ctx, w.Concession), st.EachIncident(ctx, w.Incident),
		st.EachDeal(ctx, w.Deal), st.EachSignal(ctx, w.Signal),
		w.Flush(),
	); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	res := &ExportResult{}
	for i, e := range cartera.Entities {
		path := filepath.Join(dir, FileName(e, format, style))
		if err := tmps[i].Sync(); err != nil {
			return nil, fmt.Errorf("export %s: %w", path, err)
		}
		if err := os.Rename(tmps[i].Name(), path); err != nil {
			return nil, fmt.Errorf("export %s: %w", path, err)
		}
		res.Files = append(res.Files, ExportedFile{Path: path, Entity: e, Rows: w.rows[i]})
	}
	return res, nil
}

// Writer writes records of every entity, each to its own file, in
// cartera's format. Export and the demo generator both write with it.
type Writer struct {
	out  []*rowWriter // by entity, in cartera.Entities order
	bufs []*bufio.Writer
	rows []int64
	f    formatter
}

// NewWriter opens one file per entity through open and writes the headers.
func NewWriter(open func(cartera.Entity) (io.Writer, error), format string, style Style) (*Writer, error) {
	w := &Writer{f: formatter{style: style, json: format == FormatJSON}, rows: make([]int64, len(cartera.Entities))}
	for _, e := range cartera.Entities {
		f, err := open(e)
		if err != nil {
			return nil, err
		}
		bw := bufio.NewWriterSize(f, 256<<10)
		rw := newRowWriter(bw, schemaOf(e), format, style)
		if err := rw.header(); err != nil {
			return nil, err
		}
		w.out = append(w.out, rw)
		w.bufs = append(w.bufs, bw)
	}
	return w, nil
}

func (w *Writer) write(e cartera.Entity, vals []string) error {
	for i, x := range cartera.Entities {
		if x == e {
			w.rows[i]++
			return w.out[i].row(vals)
		}
	}
	return fmt.Errorf("export: unknown entity %s", e)
}

// Client writes a client.
func (w *Writer) Client(c cartera.Client) error { return w.write(cartera.EntityClients, w.f.client(c)) }

// Contact writes a contact.
func (w *Writer) Contact(c cartera.Contact) error {
	return w.write(cartera.EntityContacts, w.f.contact(c))
}

// Invoice writes an invoice.
func (w *Writer) Invoice(v cartera.Invoice) error {
	return w.write(cartera.EntityInvoices, w.f.invoice(v))
}

// TimeEntry writes a time entry.
func (w *Writer) TimeEntry(e cartera.TimeEntry) error {
	return w.write(cartera.EntityTime, w.f.timeEntry(e))
}

// Concession writes a concession.
func (w *Writer) Concession(c cartera.Concession) error {
	return w.write(cartera.EntityConcessions, w.f.concession(c))
}

// Incident writes an incident.
func (w *Writer) Incident(in cartera.Incident) error {
	return w.write(cartera.EntityIncidents, w.f.incident(in))
}

// Deal writes a deal.
func (w *Writer) Deal(d cartera.Deal) error { return w.write(cartera.EntityDeals, w.f.deal(d)) }

// Signal writes a signal.
func (w *Writer) Signal(s cartera.Signal) error { return w.write(cartera.EntitySignals, w.f.signal(s)) }

// Rows returns how many records were written per entity.
func (w *Writer) Rows() cartera.Counts {
	out := cartera.Counts{}
	for i, e := range cartera.Entities {
		out[e] = w.rows[i]
	}
	return out
}

// Flush writes out everything buffered.
func (w *Writer) Flush() error {
	var errs []error
	for i, rw := range w.out {
		errs = append(errs, rw.flush(), w.bufs[i].Flush())
	}
	return errors.Join(errs...)
}

// Memory holds the files of a Writer in memory, for the demo.
type Memory struct {
	names []string
	bufs  []*bytes.Buffer
}

// NewMemoryWriter returns a Writer whose files stay in memory.
func NewMemoryWriter(format string, style Style) (*Writer, *Memory, error) {
	m := &Memory{}
	w, err := NewWriter(func(e cartera.Entity) (io.Writer, error) {
		b := &bytes.Buffer{}
		m.names = append(m.names, FileName(e, format, style))
		m.bufs = append(m.bufs, b)
		return b, nil
	}, format, style)
	return w, m, err
}

// Sources returns the files as import sources (call after Flush).
func (m *Memory) Sources() []Source {
	var out []Source
	for i, b := range m.bufs {
		out = append(out, BytesSource(m.names[i], b.Bytes()))
	}
	return out
}

// rowWriter writes rows as CSV or JSON lines.
type rowWriter struct {
	s     *schema
	json  bool
	style Style
	bw    *bufio.Writer
	cw    *csv.Writer
	obj   map[string]any
}

func newRowWriter(bw *bufio.Writer, s *schema, format string, style Style) *rowWriter {
	w := &rowWriter{s: s, json: format == FormatJSON, style: style, bw: bw}
	if !w.json {
		w.cw = csv.NewWriter(bw)
		if style.Spanish {
			w.cw.Comma = ';'
		}
	}
	return w
}

func (w *rowWriter) header() error {
	if w.json {
		return nil
	}
	if w.style.Spanish {
		w.bw.WriteString("\ufeff") // Excel needs the BOM to read UTF-8
	}
	h := make([]string, len(w.s.cols))
	for i, c := range w.s.cols {
		h[i] = c.key
		if w.style.Spanish {
			h[i] = c.es
		}
	}
	return w.cw.Write(h)
}

func (w *rowWriter) row(vals []string) error {
	if !w.json {
		return w.cw.Write(vals)
	}
	// Keys in schema order, so that files diff well.
	w.bw.WriteByte('{')
	for i, c := range w.s.cols {
		if i > 0 {
			w.bw.WriteByte(',')
		}
		k, _ := json.Marshal(c.key)
		w.bw.Write(k)
		w.bw.WriteByte(':')
		v, _ := json.Marshal(vals[i])
		w.bw.Write(v)
	}
	_, err := w.bw.WriteString("}\n")
	return err
}

func (w *rowWriter) flush() error {
	if w.cw != nil {
		w.cw.Flush()
		return w.cw.Error()
	}
	return nil
}

// formatter renders domain values as the text Import reads back.
type formatter struct {
	style Style
	json  bool
}

func (f formatter) dec(v int64, exp int) string {
	point := byte('.')
	if f.style.Spanish && !f.json {
		point = ','
	}
	return cartera.FormatDecimal(v, exp, point)
}

func (f formatter) money(m cartera.Money) string { return f.dec(m.Amount, m.Currency.Exponent()) }

func (f formatter) bool(b bool) string {
	switch {
	case f.json || !f.style.Spanish:
		return strconv.FormatBool(b)
	case b:
		return "sí"
	}
	return "no"
}

func (f formatter) client(c cartera.Client) []string {
	return []string{c.ID, c.Name, c.Owner, f.bool(c.FamilyFriend), string(c.Currency), c.Service,
		c.Since.String(), c.Email, c.Phone, c.Notes}
}

func (f formatter) contact(c cartera.Contact) []string {
	return []string{c.ID, c.ClientID, c.Name, c.Role, strconv.Itoa(int(c.Seniority)), c.Email, c.Phone}
}

func (f formatter) invoice(v cartera.Invoice) []string {
	return []string{v.ID, v.ClientID, v.Number, v.Issued.String(), v.Due.String(), v.Paid.String(),
		f.money(v.Amount), string(v.Amount.Currency)}
}

func (f formatter) timeEntry(e cartera.TimeEntry) []string {
	return []string{e.ID, e.ClientID, e.Day.String(), f.dec(int64(e.Hours), 2), f.bool(e.Billable), e.Note}
}

func (f formatter) concession(c cartera.Concession) []string {
	kind := string(c.Kind)
	if f.style.Spanish && !f.json {
		kind = map[cartera.ConcessionKind]string{cartera.ConcessionDiscount: "descuento", cartera.ConcessionFreeHours: "horas_gratis"}[c.Kind]
	}
	return []string{c.ID, c.ClientID, c.Day.String(), kind, f.money(c.Amount), f.dec(int64(c.Hours), 2),
		f.dec(int64(c.Percent), 2), string(c.Amount.Currency), c.Note}
}

func (f formatter) incident(in cartera.Incident) []string {
	kind := string(in.Kind)
	if f.style.Spanish && !f.json {
		kind = kindES[in.Kind]
	}
	return []string{in.ID, in.ClientID, in.ContactID, in.At.UTC().Format(time.RFC3339), kind,
		strconv.Itoa(in.Severity), in.Note}
}

func (f formatter) deal(d cartera.Deal) []string {
	claimed := ""
	if d.Claimed > 0 {
		claimed = f.dec(int64(d.Claimed), 2)
	}
	q := d.Qualification
	return []string{d.ID, d.ClientID, d.Prospect, d.Title, d.Owner, f.money(d.Value), string(d.Value.Currency),
		string(d.Stage), d.StageSince.String(), d.ExpectedClose.String(), claimed, categoryEnum.name(string(d.Category), f),
		d.Created.String(), d.Closed.String(), outcomeEnum.name(string(d.Outcome), f), d.LostReason, d.Competitor,
		answerEnum.name(string(q.Need), f), answerEnum.name(string(q.Capacity), f), answerEnum.name(string(q.DecisionMaker), f)}
}

func (f formatter) signal(s cartera.Signal) []string {
	days := ""
	if s.Days != 0 {
		days = strconv.Itoa(s.Days)
	}
	return []string{s.ID, s.DealID, signalEnum.name(string(s.Kind), f), s.Day.String(), sourceEnum.name(s.Source, f), days, s.Note}
}
