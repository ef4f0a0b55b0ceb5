package csvio

import (
	"strconv"
	"strings"
	"time"

	"github.com/cartera/cartera"
)

// problem builds the message of a bad value.
func problem(key string, kv ...any) *cartera.Message {
	m := cartera.M(key, kv...)
	return &m
}

type decimalMode = cartera.DecimalMode

const (
	decimalAutoPoint = cartera.DecimalAutoPoint
	decimalAutoComma = cartera.DecimalAutoComma
	decimalPoint     = cartera.DecimalPoint
	decimalComma     = cartera.DecimalComma
)

// ParseDecimalMode reads a --decimal value: "", "auto", "comma", "point".
func ParseDecimalMode(s string) (cartera.DecimalMode, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return decimalAutoPoint, true
	case "comma", "coma", ",":
		return decimalComma, true
	case "point", "punto", "dot", ".":
		return decimalPoint, true
	}
	return 0, false
}

// parseScaled is cartera.ParseDecimal with its error as a message.
func parseScaled(s string, exp int, mode decimalMode) (int64, *cartera.Message) {
	v, err := cartera.ParseDecimal(s, exp, mode)
	if err != nil {
		m := cartera.ErrorMessage(err)
		return 0, &m
	}
	return v, nil
}

// parseHours reads decimal hours ("1,5", "2") or h:mm ("1:30") into
// hundredths of an hour.
func parseHours(s string, mode decimalMode) (cartera.Hours, *cartera.Message) {
	if h, m, ok := strings.Cut(s, ":"); ok {
		hh, err1 := strconv.Atoi(strings.TrimSpace(h))
		mm, err2 := strconv.Atoi(strings.TrimSpace(m))
		if err1 != nil || err2 != nil || len(strings.TrimSpace(m)) != 2 || mm > 59 {
			return 0, problem("value.not_hours", "value", s)
		}
		if hh < 0 {
			return 0, problem("value.negative_hours", "value", s)
		}
		// Minutes to hundredths, rounded: 1:20 → 1,33 h.
		return cartera.Hours(int64(hh)*100 + cartera.MulDivRound(int64(mm), 100, 60)), nil
	}
	v, bad := parseScaled(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(s, "h")), " "), 2, mode)
	if bad != nil {
		if bad.Key == "value.not_number" {
			return 0, problem("value.not_hours", "value", s)
		}
		return 0, bad
	}
	if v < 0 {
		return 0, problem("value.negative_hours", "value", s)
	}
	if v > 24*100*366 {
		return 0, problem("value.too_large", "value", s)
	}
	return cartera.Hours(v), nil
}

// parsePercent reads "15", "15 %", "15,5%" into basis points (0–100 %).
func parsePercent(s string, mode decimalMode) (cartera.BasisPoints, *cartera.Message) {
	v, bad := parseScaled(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%")), 2, mode)
	if bad != nil {
		return 0, bad
	}
	if v < 0 || v > 10000 {
		return 0, problem("value.percent_range", "value", s)
	}
	return cartera.BasisPoints(v), nil
}

// parseDate is cartera.ParseDate with its error as a message.
func parseDate(s string) (cartera.Date, *cartera.Message) {
	d, err := cartera.ParseDate(s)
	if err != nil {
		m := cartera.ErrorMessage(err)
		return 0, &m
	}
	return d, nil
}

// parseDateTime reads an instant: ISO 8601 with or without zone
// ("2026-03-15T18:30:00+01:00", "2026-03-15 18:30") or day-first
// ("15/03/2026 18:30"). Times without a zone are in loc.
func parseDateTime(s string, loc *time.Location) (time.Time, *cartera.Message) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, layout := range []string{
		"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04",
		"02/01/2006 15:04:05", "02/01/2006 15:04", "2/1/2006 15:04", "02/01/2006 15.04", "02-01-2006 15:04",
	} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	// A date alone means the start of that day.
	if d, bad := parseDate(s); bad == nil {
		return d.Time(loc).UTC(), nil
	}
	return time.Time{}, problem("value.not_datetime", "value", s)
}

// parseBool reads yes/no in Spanish or English; empty is no.
func parseBool(s string) (bool, *cartera.Message) {
	switch cartera.Fold(strings.TrimSpace(s)) {
	case "", "no", "n", "false", "f", "0", "falso":
		return false, nil
	case "si", "s", "yes", "y", "true", "t", "1", "x", "verdadero":
		return true, nil
	}
	return false, problem("value.not_bool", "value", s)
}

var kindAliases = map[string]cartera.IncidentKind{
	"insulto": cartera.KindInsult, "insultos": cartera.KindInsult,
	"menosprecio": cartera.KindBelittling, "desprecio": cartera.KindBelittling,
	"grito": cartera.KindYelling, "gritos": cartera.KindYelling,
	"amenaza": cartera.KindThreat, "amenazas": cartera.KindThreat,
	"competencia": cartera.KindCompetitorTaunt, "comparacion_competencia": cartera.KindCompetitorTaunt,
	"fuera_de_horario": cartera.KindOutOfHours, "fuera_horario": cartera.KindOutOfHours,
	"alcance": cartera.KindScopeCreep, "fuera_de_alcance": cartera.KindScopeCreep, "ampliacion_alcance": cartera.KindScopeCreep,
	"no_escucha": cartera.KindNotListening, "no_respeta_acuerdos": cartera.KindNotListening,
	"excusa_pago": cartera.KindPaymentExcuse, "excusas_pago": cartera.KindPaymentExcuse,
}

// parseKind reads an incident kind by its English code or Spanish name.
func parseKind(s string) (cartera.IncidentKind, *cartera.Message) {
	k := headerKey(s)
	if cartera.IncidentKind(k).Valid() {
		return cartera.IncidentKind(k), nil
	}
	if v, ok := kindAliases[k]; ok {
		return v, nil
	}
	return "", problem("value.unknown_kind", "value", s)
}

// parseConcessionKind reads discount / free_hours in either language.
func parseConcessionKind(s string) (cartera.ConcessionKind, *cartera.Message) {
	switch headerKey(s) {
	case "discount", "descuento":
		return cartera.ConcessionDiscount, nil
	case "free_hours", "horas_gratis", "horas_regaladas", "horas":
		return cartera.ConcessionFreeHours, nil
	}
	return "", problem("value.unknown_concession", "value", s)
}

// parseSeniority reads 1–5 or a level name.
func parseSeniority(s string) (cartera.Seniority, *cartera.Message) {
	k := headerKey(s)
	if k == "" {
		return cartera.SeniorityStaff, nil
	}
	if n, err := strconv.Atoi(k); err == nil && n >= 1 && n <= 5 {
		return cartera.Seniority(n), nil
	}
	switch k {
	case "staff", "tecnico", "tecnica", "empleado", "empleada":
		return cartera.SeniorityStaff, nil
	case "lead", "coordinador", "coordinadora", "responsable":
		return cartera.SeniorityLead, nil
	case "manager", "mando", "gerente", "jefe", "jefa":
		return cartera.SeniorityManager, nil
	case "director", "directora":
		return cartera.SeniorityDirector, nil
	case "executive", "ceo", "propietario", "propietaria", "socio", "socia", "direccion_general", "owner":
		return cartera.SeniorityExecutive, nil
	}
	return 0, problem("value.bad_seniority", "value", s)
}

// parseSeverity reads an integer severity 1–5.
func parseSeverity(s string) (int, *cartera.Message) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, problem("value.not_integer", "value", s)
	}
	if n < cartera.MinSeverity || n > cartera.MaxSeverity {
		return 0, problem("value.severity_range", "value", n, "min", cartera.MinSeverity, "max", cartera.MaxSeverity)
	}
	return n, nil
}

// enum is a closed set of codes with their Spanish names (written on
// Spanish exports) and other accepted spellings, all folded.
type enum struct {
	es      map[string]string   // code → Spanish name
	aliases map[string][]string // code → other spellings
	bad     string              // message key for an unknown value
}

func (e enum) parse(s string) (string, *cartera.Message) {
	k := headerKey(s)
	for code, es := range e.es {
		if k == code || k == es {
			return code, nil
		}
	}
	for code, as := range e.aliases {
		for _, a := range as {
			if k == a {
				return code, nil
			}
		}
	}
	return "", problem(e.bad, "value", s)
}

// name is how a code is written in a style.
func (e enum) name(code string, f formatter) string {
	if f.style.Spanish && !f.json {
		if es, ok := e.es[code]; ok {
			return es
		}
	}
	return code
}

var (
	outcomeEnum = enum{es: map[string]string{"open": "abierta", "won": "ganada", "lost": "perdida"},
		aliases: map[string][]string{"open": {"abierto", "en_curso", "activa"}, "won": {"ganado", "win"}, "lost": {"perdido", "loss"}},
		bad:     "deal.bad_outcome"}
	categoryEnum = enum{es: map[string]string{"commit": "compromiso", "best_case": "mejor_caso", "pipeline": "embudo"},
		aliases: map[string][]string{"commit": {"comprometida", "committed"}, "best_case": {"bestcase", "mejor"}, "pipeline": {"cartera"}},
		bad:     "deal.bad_category"}
	answerEnum = enum{es: map[string]string{"yes": "si", "no": "no", "unknown": "no_se"},
		aliases: map[string][]string{"yes": {"s", "y", "true", "1"}, "no": {"n", "false", "0"}, "unknown": {"", "desconocido", "ns", "nsnc", "?"}},
		bad:     "deal.bad_answer"}
	sourceEnum = enum{es: map[string]string{"email": "email", "call": "llamada", "meeting": "reunion", "document": "documento",
		"crm": "crm", "other": "otro"},
		aliases: map[string][]string{"email": {"correo", "mail", "e_mail"}, "call": {"telefono", "phone"}, "meeting": {"visita", "reunión"}},
		bad:     "signal.bad_source"}
	signalEnum = enum{es: map[string]string{
		"verbal_intent": "intencion_verbal", "meeting_held": "reunion_celebrada", "proposal_requested": "propuesta_pedida",
		"budget_confirmed": "presupuesto_confirmado", "decision_maker_met": "decisor_conocido", "purchase_order": "pedido_recibido",
		"contract_signed": "contrato_firmado", "payment_received": "pago_recibido", "no_reply": "sin_respuesta",
		"postponed": "aplazada", "competitor_mentioned": "competidor_mencionado", "champion_left": "aliado_se_fue",
		"status_check": "comprobacion_estado", "reply_received": "respuesta_recibida"},
		aliases: map[string][]string{"purchase_order": {"orden_de_compra", "po", "pedido"}, "contract_signed": {"contrato"},
			"payment_received": {"pago", "cobro"}, "no_reply": {"sin_contestar"}, "postponed": {"aplazado", "pospuesto"},
			"verbal_intent": {"dice_que_si", "intencion"}, "status_check": {"seguimiento", "comprobacion"}, "reply_received": {"respuesta", "contesto"}},
		bad: "signal.unknown_kind"}
)
