// Package csvio reads and writes cartera's portable files: its own CSV
// format (one file per entity, recognised by the header row, in Spanish or
// English), the JSON-lines twin of that format, and the CSV exports of
// HubSpot, Pipedrive and Salesforce.
//
// Import is all-or-nothing: every file is validated and written inside one
// store transaction, and a single bad value anywhere rolls everything back.
// Each bad value is reported as file:line:column: reason, where column is
// the 1-based field number (the spreadsheet column).
package csvio

import (
	"strings"

	"github.com/cartera/cartera"
)

// column is one field of an entity's file.
type column struct {
	key      string   // canonical (English) name, used in JSON and errors
	es       string   // Spanish header, written on Spanish exports
	aliases  []string // other accepted headers, already folded
	required bool
}

// schema is the file layout of one entity.
type schema struct {
	entity cartera.Entity
	fileES string // export file name in Spanish
	cols   []column
}

func (s *schema) index(key string) int {
	for i, c := range s.cols {
		if c.key == key {
			return i
		}
	}
	return -1
}

var schemas = []*schema{
	{cartera.EntityClients, "clientes", []column{
		{key: "id", es: "id", required: true, aliases: []string{"codigo", "client_id", "id_cliente"}},
		{key: "name", es: "nombre", required: true, aliases: []string{"razon_social", "empresa", "company"}},
		{key: "owner", es: "responsable", aliases: []string{"comercial", "vendedor", "seller", "account_manager"}},
		{key: "family_friend", es: "familia_amistad", aliases: []string{"familia", "amistad", "family", "friend"}},
		{key: "currency", es: "moneda", aliases: []string{"divisa"}},
		{key: "service", es: "servicio", aliases: []string{"servicios"}},
		{key: "since", es: "cliente_desde", aliases: []string{"desde", "alta", "fecha_alta", "customer_since"}},
		{key: "email", es: "email", aliases: []string{"correo", "e_mail"}},
		{key: "phone", es: "telefono", aliases: []string{"tel", "movil"}},
		{key: "notes", es: "notas", aliases: []string{"observaciones", "note"}},
	}},
	{cartera.EntityContacts, "contactos", []column{
		{key: "id", es: "id", required: true, aliases: []string{"contact_id", "id_contacto"}},
		{key: "client_id", es: "cliente", required: true, aliases: []string{"id_cliente", "client"}},
		{key: "name", es: "nombre", required: true},
		{key: "role", es: "cargo", aliases: []string{"puesto", "title", "job_title"}},
		{key: "seniority", es: "nivel", aliases: []string{"jerarquia", "rango"}},
		{key: "email", es: "email", aliases: []string{"correo", "e_mail"}},
		{key: "phone", es: "telefono", aliases: []string{"tel", "movil"}},
	}},
	{cartera.EntityInvoices, "facturas", []column{
		{key: "id", es: "id", required: true, aliases: []string{"invoice_id", "id_factura"}},
		{key: "client_id", es: "cliente", required: true, aliases: []string{"id_cliente", "client"}},
		{key: "number", es: "numero", aliases: []string{"num", "n_factura", "invoice_number"}},
		{key: "issued", es: "emitida", required: true, aliases: []string{"fecha", "fecha_emision", "emision", "issue_date", "date"}},
		{key: "due", es: "vence", required: true, aliases: []string{"vencimiento", "fecha_vencimiento", "due_date"}},
		{key: "paid", es: "pagada", aliases: []string{"fecha_pago", "cobrada", "fecha_cobro", "paid_date", "paid_on"}},
		{key: "amount", es: "importe", required: true, aliases: []string{"total", "importe_total"}},
		{key: "currency", es: "moneda", aliases: []string{"divisa"}},
	}},
	{cartera.EntityTime, "horas", []column{
		{key: "id", es: "id", required: true, aliases: []string{"entry_id", "id_registro"}},
		{key: "client_id", es: "cliente", required: true, aliases: []string{"id_cliente", "client"}},
		{key: "date", es: "fecha", required: true, aliases: []string{"dia", "day"}},
		{key: "hours", es: "horas", required: true, aliases: []string{"duracion", "duration", "tiempo"}},
		{key: "billable", es: "facturable", aliases: []string{"facturables"}},
		{key: "note", es: "nota", aliases: []string{"descripcion", "description", "tarea", "task", "notes"}},
	}},
	{cartera.EntityConcessions, "concesiones", []column{
		{key: "id", es: "id", required: true, aliases: []string{"id_concesion"}},
		{key: "client_id", es: "cliente", required: true, aliases: []string{"id_cliente", "client"}},
		{key: "date", es: "fecha", required: true, aliases: []string{"dia", "day"}},
		{key: "kind", es: "tipo", required: true, aliases: []string{"type", "clase"}},
		{key: "amount", es: "importe", aliases: []string{"descuento", "discount"}},
		{key: "hours", es: "horas", aliases: []string{"horas_gratis", "free_hours"}},
		{key: "percent", es: "porcentaje", aliases: []string{"pct", "percentage", "descuento_pct"}},
		{key: "currency", es: "moneda", aliases: []string{"divisa"}},
		{key: "note", es: "nota", aliases: []string{"motivo", "descripcion", "description", "notes"}},
	}},
	{cartera.EntityIncidents, "incidencias", []column{
		{key: "id", es: "id", required: true, aliases: []string{"id_incidencia", "incident_id"}},
		{key: "client_id", es: "cliente", required: true, aliases: []string{"id_cliente", "client"}},
		{key: "contact_id", es: "contacto", aliases: []string{"id_contacto", "contact"}},
		{key: "at", es: "fecha_hora", required: true, aliases: []string{"fecha", "cuando", "date", "datetime", "when"}},
		{key: "kind", es: "tipo", required: true, aliases: []string{"type", "clase"}},
		{key: "severity", es: "gravedad", required: true, aliases: []string{"severidad", "nivel"}},
		{key: "note", es: "nota", aliases: []string{"descripcion", "description", "notes", "que_paso"}},
	}},
	{cartera.EntityDeals, "oportunidades", []column{
		{key: "id", es: "id", required: true, aliases: []string{"deal_id", "id_oportunidad", "opportunity_id"}},
		{key: "client_id", es: "cliente", aliases: []string{"id_cliente", "client"}},
		{key: "prospect", es: "prospecto", aliases: []string{"empresa", "company", "organizacion", "organization", "cuenta", "account"}},
		{key: "title", es: "titulo", aliases: []string{"nombre", "name", "deal_name", "oportunidad"}},
		{key: "owner", es: "responsable", aliases: []string{"comercial", "vendedor", "vendedora", "seller"}},
		{key: "value", es: "importe", required: true, aliases: []string{"valor", "amount", "importe_total"}},
		{key: "currency", es: "moneda", aliases: []string{"divisa"}},
		{key: "stage", es: "etapa", required: true, aliases: []string{"fase"}},
		{key: "stage_since", es: "en_etapa_desde", aliases: []string{"fecha_etapa"}},
		{key: "expected_close", es: "cierre_previsto", aliases: []string{"fecha_cierre_prevista", "close_date"}},
		{key: "claimed", es: "probabilidad", aliases: []string{"probability", "prob"}},
		{key: "category", es: "categoria", aliases: []string{"forecast_category", "categoria_prevision"}},
		{key: "created", es: "creada", required: true, aliases: []string{"fecha_creacion", "created_date", "alta"}},
		{key: "closed", es: "cerrada", aliases: []string{"fecha_cierre", "closed_date"}},
		{key: "outcome", es: "resultado", aliases: []string{"estado", "status"}},
		{key: "lost_reason", es: "motivo_perdida", aliases: []string{"motivo", "reason"}},
		{key: "competitor", es: "competidor", aliases: []string{"competencia"}},
		{key: "need", es: "necesidad"},
		{key: "capacity", es: "capacidad_pago", aliases: []string{"capacidad", "budget", "presupuesto"}},
		{key: "decision_maker", es: "acceso_decisor", aliases: []string{"decisor", "decision"}},
	}},
	{cartera.EntitySignals, "senales", []column{
		{key: "id", es: "id", required: true, aliases: []string{"signal_id", "id_senal"}},
		{key: "deal_id", es: "oportunidad", required: true, aliases: []string{"id_oportunidad", "deal"}},
		{key: "kind", es: "tipo", required: true, aliases: []string{"type", "clase"}},
		{key: "date", es: "fecha", required: true, aliases: []string{"dia", "day"}},
		{key: "source", es: "fuente", aliases: []string{"origen", "canal", "channel"}},
		{key: "days", es: "dias", aliases: []string{"dias_sin_respuesta", "days_without_reply"}},
		{key: "note", es: "nota", aliases: []string{"descripcion", "description", "notes"}},
	}},
	// A deal's stage history has no id of its own: each row is the day a
	// deal entered a stage (see checker.stageMove).
	{cartera.EntityStageHistory, "etapas", []column{
		{key: "deal_id", es: "oportunidad", required: true, aliases: []string{"id_oportunidad", "deal", "opportunity_id"}},
		{key: "date", es: "fecha", required: true, aliases: []string{"dia", "day"}},
		{key: "stage", es: "etapa", required: true, aliases: []string{"fase"}},
	}},
}

func schemaOf(e cartera.Entity) *schema {
	for _, s := range schemas {
		if s.entity == e {
			return s
		}
	}
	return nil
}

// headerKey normalises a header cell: folded, trimmed, with spaces, dots
// and hyphens as underscores ("Fecha de emisión" → "fecha_de_emision").
func headerKey(h string) string {
	if isKey(h) {
		return h // the common case, a value as cartera writes it: nothing to fold
	}
	return foldKey(h)
}

// foldKey is headerKey's work on a cell that needs it.
func foldKey(h string) string {
	h = cartera.Fold(strings.TrimSpace(h))
	h = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '/':
			return '_'
		case '"', '\'', '(', ')', '*', '#', ':':
			return -1
		}
		return r
	}, h)
	for strings.Contains(h, "__") {
		h = strings.ReplaceAll(h, "__", "_")
	}
	return strings.Trim(h, "_")
}

// isKey is whether h is already what headerKey makes of it: lower-case
// ASCII letters, digits and single underscores between them.
func isKey(h string) bool {
	if h == "" || h[0] == '_' || h[len(h)-1] == '_' {
		return false
	}
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '_' && h[i-1] != '_':
		default:
			return false
		}
	}
	return true
}

// match maps a header cell to a column of s, or -1.
func (s *schema) match(cell string) int {
	k := headerKey(cell)
	for i, c := range s.cols {
		if k == c.key || k == c.es {
			return i
		}
	}
	for i, c := range s.cols {
		for _, a := range c.aliases {
			if k == a {
				return i
			}
		}
	}
	return -1
}

// layout is a recognised header: for each field of the file, the schema
// column it feeds (-1 for unknown columns).
type layout struct {
	schema  *schema
	fields  []int
	unknown []string // header cells that match no column
	score   int      // how many cells matched
	// mapping is set for files read through a Mapping (vendor exports and
	// user mappings), with the header as written and the date order used.
	mapping *Mapping
	header  []string
	order   dateOrder
	slashed bool // slashed dates were seen, or the order was set by hand
}

// recognise picks the entity whose columns best explain the header: all of
// its required columns present, and the most cells matched. It returns nil
// when no entity fits, with the missing columns of the closest candidate.
func recognise(header []string) (*layout, *schema, []string) {
	var best *layout
	bestScore := 0
	var closest *schema
	var closestMissing []string
	for _, s := range schemas {
		l := &layout{schema: s, fields: make([]int, len(header))}
		seen := map[int]bool{}
		score := 0
		for i, cell := range header {
			j := s.match(cell)
			if j >= 0 && seen[j] {
				j = -1 // a repeated column: the first one wins
			}
			l.fields[i] = j
			if j >= 0 {
				seen[j] = true
				score++
			} else if strings.TrimSpace(cell) != "" {
				l.unknown = append(l.unknown, cell)
			}
		}
		var missing []string
		for j, c := range s.cols {
			if c.required && !seen[j] {
				missing = append(missing, c.es)
			}
		}
		if len(missing) > 0 {
			if score > 0 && (closest == nil || len(missing) < len(closestMissing)) {
				closest, closestMissing = s, missing
			}
			continue
		}
		if score > bestScore {
			l.score = score
			best, bestScore = l, score
		}
	}
	if best == nil {
		return nil, closest, closestMissing
	}
	return best, nil, nil
}
