package demo

import "github.com/cartera/cartera"

// portfolio is the curated demo: each named client shows one pattern from
// the product specification, and the rest are the healthy majority any real
// portfolio has. The comment on each line is the verdict it should earn
// under the default policy (checked by the end-to-end tests).
func portfolio() []profile {
	lf, am, co := Owners[0], Owners[1], Owners[2]
	return []profile{
		// Chronic late payer: pays two months late, two invoices unpaid → renegotiate.
		{name: "Talleres Ruiz", owner: lf, service: "mantenimiento web", months: 24, fee: 1200, hours: 14, unbilled: 0.1,
			pay: payChronic, contacts: 2, incidents: []scripted{
				{daysAgo: 200, at: "10:15", kind: cartera.KindPaymentExcuse, severity: 2, note: "Dice que la transferencia ya está ordenada"},
				{daysAgo: 95, at: "12:40", kind: cartera.KindPaymentExcuse, severity: 2, note: "Otra vez: «el pago está en camino»"},
				{daysAgo: 30, at: "09:50", kind: cartera.KindPaymentExcuse, severity: 2, note: "Pide esperar al cierre del trimestre"},
			}},
		// The "diva": hours far beyond what the fee pays, Sunday-evening demands → renegotiate.
		{name: "Estudio Vidal Arquitectos", owner: am, service: "diseño web", months: 20, fee: 650, hours: 38, unbilled: 0.35,
			pay: payOnTime, contacts: 2, incidents: []scripted{
				{daysAgo: 300, at: "20:30", kind: cartera.KindOutOfHours, severity: 2, note: "Cambios urgentes un domingo por la tarde", on: "sun"},
				{daysAgo: 230, at: "21:45", kind: cartera.KindOutOfHours, severity: 2, note: "Llamada a las diez menos cuarto de la noche"},
				{daysAgo: 160, at: "19:30", kind: cartera.KindScopeCreep, severity: 2, note: "Una página nueva «ya que estáis»"},
				{daysAgo: 90, at: "20:10", kind: cartera.KindOutOfHours, severity: 2, note: "Revisión de planos en domingo", on: "sun"},
				{daysAgo: 45, at: "22:05", kind: cartera.KindOutOfHours, severity: 3, note: "Exige respuesta un domingo por la noche", on: "sun"},
				{daysAgo: 12, at: "18:40", kind: cartera.KindScopeCreep, severity: 2, note: "Tercera versión del portfolio sin presupuesto"},
			}},
		// Family friend: free hours and a big discount over the red lines → set boundaries.
		{name: "Panadería Hermanos Gil", owner: lf, service: "redes sociales", family: true, months: 24, fee: 450, hours: 5,
			unbilled: 0.0, pay: payOnTime, contacts: 1,
			discounts: []discount{{monthsAgo: 7, pct: 25}},
			freeHours: []freeHour{{monthsAgo: 10, hours: 6}, {monthsAgo: 6, hours: 6.5}, {monthsAgo: 3, hours: 5}, {monthsAgo: 1, hours: 6}}},
		// The yeller, escalating: more often and worse every month → end the relationship.
		{name: "Grupo Cárnico Salazar", owner: co, service: "campañas de publicidad", months: 24, fee: 2600, hours: 30, unbilled: 0.1,
			pay: payOnTime, contacts: 3, incidents: []scripted{
				{daysAgo: 170, at: "11:00", kind: cartera.KindYelling, severity: 2, note: "Levanta la voz en la reunión de resultados", contactIx: 0},
				{daysAgo: 80, at: "12:30", kind: cartera.KindYelling, severity: 3, note: "Gritos por teléfono por un retraso de un día", contactIx: 0},
				{daysAgo: 55, at: "17:15", kind: cartera.KindBelittling, severity: 3, note: "«Esto lo hace mi sobrino en una tarde»", contactIx: 0},
				{daysAgo: 30, at: "10:45", kind: cartera.KindYelling, severity: 4, note: "Grita a nuestra diseñadora delante de su equipo", contactIx: 0},
				{daysAgo: 9, at: "13:20", kind: cartera.KindInsult, severity: 4, note: "Insulto directo en la videollamada", contactIx: 0},
			}},
		// Does not listen: ignores what was agreed, pushes scope → set boundaries.
		{name: "Inmobiliaria Costa Dorada", owner: am, service: "desarrollo a medida", months: 18, fee: 1900, hours: 24, unbilled: 0.15,
			pay: payOnTime, contacts: 3, incidents: []scripted{
				{daysAgo: 150, at: "10:00", kind: cartera.KindNotListening, severity: 3, note: "Vuelve a pedir el buscador que descartamos juntos", contactIx: 1},
				{daysAgo: 110, at: "16:30", kind: cartera.KindScopeCreep, severity: 2, note: "Quiere un portal de propietarios dentro del mismo precio", contactIx: 1},
				{daysAgo: 75, at: "11:20", kind: cartera.KindNotListening, severity: 3, note: "Ignora el acta firmada de la reunión de marzo", contactIx: 1},
				{daysAgo: 40, at: "12:10", kind: cartera.KindScopeCreep, severity: 2, note: "Añade dos idiomas sin ampliar el presupuesto", contactIx: 1},
				{daysAgo: 20, at: "09:40", kind: cartera.KindNotListening, severity: 3, note: "Rechaza el calendario que él mismo aprobó", contactIx: 1},
			}},
		// Valuable and quiet: big margin, little attention → keep (and look after them).
		{name: "Laboratorios Miralles", owner: co, service: "consultoría digital", months: 24, fee: 4800, hours: 14, unbilled: 0.05,
			pay: payOnTime, contacts: 3},
		{name: "Hoteles Brisa Mediterránea", owner: lf, service: "posicionamiento SEO", months: 24, fee: 4200, hours: 12, unbilled: 0.05,
			pay: payOnTime, contacts: 2},
		// Loud and pampered: taunts with the competition, collects discounts → renegotiate.
		{name: "Distribuciones Peña", owner: am, service: "campañas de publicidad", months: 24, fee: 1000, hours: 21, unbilled: 0.2,
			pay: payOnTime, contacts: 2,
			discounts: []discount{{monthsAgo: 11, pct: 20}, {monthsAgo: 8, pct: 20}, {monthsAgo: 5, pct: 25}, {monthsAgo: 2, pct: 20}},
			incidents: []scripted{
				{daysAgo: 320, at: "10:30", kind: cartera.KindCompetitorTaunt, severity: 2, note: "«La otra agencia nos lo hace por la mitad»"},
				{daysAgo: 250, at: "12:00", kind: cartera.KindCompetitorTaunt, severity: 2, note: "Amenaza con irse si no hay descuento"},
				{daysAgo: 180, at: "13:15", kind: cartera.KindBelittling, severity: 3, note: "Desprecia el informe delante de su socio"},
				{daysAgo: 120, at: "11:45", kind: cartera.KindCompetitorTaunt, severity: 2, note: "Compara con una oferta de la competencia"},
				{daysAgo: 60, at: "17:00", kind: cartera.KindBelittling, severity: 3, note: "«Para lo que hacéis, ya cobráis bastante»"},
				{daysAgo: 15, at: "10:20", kind: cartera.KindCompetitorTaunt, severity: 2, note: "Pide igualar un precio que no incluye nada"},
			}},
		// Loud, gets free hours, still profitable → set boundaries.
		{name: "Óptica Lumen", owner: co, service: "redes sociales", months: 24, fee: 1400, hours: 16, unbilled: 0.1,
			pay: payOnTime, contacts: 2,
			discounts: []discount{{monthsAgo: 4, pct: 10}},
			freeHours: []freeHour{{monthsAgo: 9, hours: 5}, {monthsAgo: 6, hours: 6}, {monthsAgo: 4, hours: 5}, {monthsAgo: 2, hours: 7}},
			incidents: []scripted{
				{daysAgo: 210, at: "18:30", kind: cartera.KindScopeCreep, severity: 2, note: "Quiere vídeos además de fotos"},
				{daysAgo: 160, at: "13:00", kind: cartera.KindBelittling, severity: 2, note: "«Unas fotos las hace cualquiera con el móvil»"},
				{daysAgo: 130, at: "12:15", kind: cartera.KindCompetitorTaunt, severity: 2, note: "La óptica de enfrente «lo tiene mejor»"},
				{daysAgo: 70, at: "21:30", kind: cartera.KindOutOfHours, severity: 2, note: "Mensajes a las nueve y media de la noche"},
				{daysAgo: 25, at: "11:00", kind: cartera.KindScopeCreep, severity: 2, note: "Otra campaña «pequeñita» sin presupuesto"},
			}},
		// A threat → end the relationship.
		{name: "Construcciones Benítez", owner: lf, service: "mantenimiento web", months: 24, fee: 1600, hours: 15, unbilled: 0.1,
			pay: payOnTime, contacts: 2, incidents: []scripted{
				{daysAgo: 38, at: "19:10", kind: cartera.KindThreat, severity: 5, note: "Amenaza con «hundirnos» en redes si no rebajamos la factura"},
			}},
		// Pays late and costs more than it pays → end the relationship.
		{name: "Reformas Castillo", owner: am, service: "diseño web", months: 22, fee: 900, hours: 31, unbilled: 0.25,
			pay: payChronic, contacts: 1, incidents: []scripted{
				{daysAgo: 140, at: "10:00", kind: cartera.KindPaymentExcuse, severity: 2, note: "«Cuando cobre la obra, os pago»"},
				{daysAgo: 50, at: "16:00", kind: cartera.KindPaymentExcuse, severity: 2, note: "Pide fraccionar una factura de septiembre"},
			}},
		// No activity for over a year → keep (nothing to act on).
		{name: "Asesoría Navarro", owner: co, service: "identidad corporativa", months: 24, idleMonths: 14, fee: 700, hours: 8,
			pay: payOnTime, contacts: 1},
		// Thin margin → renegotiate the price.
		{name: "Autoescuela Rápida", owner: lf, service: "campañas de publicidad", months: 16, fee: 800, hours: 19, unbilled: 0.1,
			pay: payOnTime, contacts: 1},
		// Weekend demands crossing the protected hours → set boundaries.
		{name: "Hostal Las Dunas", owner: am, service: "redes sociales", months: 24, fee: 950, hours: 9, unbilled: 0.05,
			pay: payOnTime, contacts: 1, incidents: []scripted{
				{daysAgo: 190, at: "11:30", kind: cartera.KindOutOfHours, severity: 2, note: "Publicación urgente un sábado", on: "sat"},
				{daysAgo: 100, at: "10:00", kind: cartera.KindOutOfHours, severity: 1, note: "Cambio de precios en domingo", on: "sun"},
				{daysAgo: 34, at: "12:45", kind: cartera.KindOutOfHours, severity: 2, note: "Otra petición de sábado por la mañana", on: "sat"},
			}},
		// Pays a bit later every time → set boundaries on payment terms.
		{name: "Transportes Iglesias", owner: co, service: "desarrollo a medida", months: 24, fee: 2100, hours: 22, unbilled: 0.1,
			pay: paySlow, contacts: 2},
		{name: "Carpintería Hidalgo", owner: lf, service: "diseño web", months: 12, fee: 600, hours: 6, unbilled: 0.05,
			pay: paySlow, contacts: 1},

		// The healthy majority → keep.
		{name: "Clínica Dental Arenal", owner: lf, service: "posicionamiento SEO", months: 24, fee: 1300, hours: 11, pay: payOnTime, contacts: 2, noise: 0.04},
		{name: "Bodegas Altozano", owner: am, service: "identidad corporativa", months: 24, fee: 1800, hours: 16, pay: payOnTime, contacts: 2, noise: 0.04},
		{name: "Ferretería El Clavo", owner: co, service: "mantenimiento web", months: 24, fee: 420, hours: 3.5, pay: payOnTime, contacts: 1},
		{name: "Gestoría Campos", owner: lf, service: "mantenimiento web", months: 24, fee: 500, hours: 4, pay: payOnTime, contacts: 1, noise: 0.04},
		{name: "Academia Lingua", owner: am, service: "redes sociales", months: 20, fee: 900, hours: 8, pay: payOnTime, contacts: 2},
		{name: "Fisioterapia Moreno", owner: co, service: "diseño web", months: 14, fee: 700, hours: 6, pay: payOnTime, contacts: 1},
		{name: "Cafetería La Plaza", owner: lf, service: "redes sociales", months: 24, fee: 380, hours: 3, pay: payOnTime, contacts: 1, noise: 0.04},
		{name: "Librería Papiro", owner: am, service: "posicionamiento SEO", months: 24, fee: 650, hours: 5, pay: payOnTime, contacts: 1},
		{name: "Floristería Azahar", owner: co, service: "redes sociales", months: 18, fee: 450, hours: 3.5, pay: payOnTime, contacts: 1},
		{name: "Seguros Ledesma", owner: lf, service: "consultoría digital", months: 24, fee: 2400, hours: 20, pay: payOnTime, contacts: 3, noise: 0.04},
		{name: "Consultora Nexo", owner: am, service: "desarrollo a medida", months: 24, fee: 3100, hours: 28, pay: payOnTime, contacts: 2, noise: 0.04},
		{name: "Imprenta Galán", owner: co, service: "identidad corporativa", months: 22, fee: 800, hours: 7, pay: payOnTime, contacts: 1},
		{name: "Viveros El Olivo", owner: lf, service: "diseño web", months: 24, fee: 550, hours: 4.5, pay: payOnTime, contacts: 1},
		{name: "Joyería Montero", owner: am, service: "campañas de publicidad", months: 24, fee: 1500, hours: 13, pay: payOnTime, contacts: 2, noise: 0.04},
		{name: "Centro Veterinario Huellas", owner: co, service: "posicionamiento SEO", months: 24, fee: 900, hours: 7, pay: payOnTime, contacts: 2},
		{name: "Escuela de Danza Compás", owner: lf, service: "redes sociales", months: 16, fee: 400, hours: 3, pay: payOnTime, contacts: 1},
		{name: "Electricidad Romero", owner: am, service: "mantenimiento web", months: 24, fee: 480, hours: 3.5, pay: payOnTime, contacts: 1},
		{name: "Estética Lavanda", owner: co, service: "redes sociales", months: 12, fee: 520, hours: 4, pay: payOnTime, contacts: 1},
		{name: "Despacho Jurídico Sanz y Prieto", owner: lf, service: "consultoría digital", months: 24, fee: 2200, hours: 17, pay: payOnTime, contacts: 2},
		{name: "Cooperativa Agrícola San Isidro", owner: am, service: "desarrollo a medida", months: 24, fee: 2600, hours: 24, pay: payOnTime, contacts: 3, noise: 0.04},
		{name: "Pastelería Dulce Aroma", owner: co, service: "redes sociales", months: 24, fee: 430, hours: 3.5, pay: payOnTime, contacts: 1},
		{name: "Taller de Bicis Pedalea", owner: lf, service: "diseño web", months: 10, fee: 480, hours: 4, pay: payOnTime, contacts: 1},
		{name: "Farmacia Ortiz", owner: am, service: "posicionamiento SEO", months: 24, fee: 750, hours: 6, pay: payOnTime, contacts: 1},
		{name: "Gimnasio Atlas", owner: co, service: "campañas de publicidad", months: 24, fee: 1250, hours: 11, pay: payOnTime, contacts: 2, noise: 0.04},
	}
}
