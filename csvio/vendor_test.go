package csvio_test

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/csvio"
	"github.com/cartera/cartera/i18n"
	"github.com/cartera/cartera/storetest"
)

// vendorFile reads one of the example exports of testdata/vendors.
func vendorFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "vendors", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// spanishClients is the documented clients file: Talleres Ruiz (C-001) and
// Panadería Hermanos Gil (C-002) are clients; the other companies of the
// vendor files are not.
func spanishClients(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "import", "es", "clientes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dealsByTitle indexes deals by their title's first words.
func dealsByTitle(deals []cartera.Deal) map[string]cartera.Deal {
	out := map[string]cartera.Deal{}
	for _, d := range deals {
		name, _, _ := strings.Cut(d.Title, " - ")
		out[name] = d
	}
	return out
}

func TestVendorExportsImport(t *testing.T) {
	t.Parallel()
	type want struct {
		mapping   string
		ignored   []string
		dateOrder string
		footer    int
		prefix    string
		// stages of three deals: won (Talleres Ruiz), open late (Clínica
		// Dental Sonrisa) and open early (Bodegas Valdeolmos).
		wonStage, lateStage, earlyStage cartera.Stage
		// claimed probability of Clínica Dental Sonrisa and Talleres Ruiz.
		lateClaimed, wonClaimed cartera.BasisPoints
		lateCategory            cartera.ForecastCategory
	}
	tests := map[string]want{
		// HubSpot and Salesforce do not keep the stage a closed deal was
		// in: won and lost deals go to the first stage.
		"hubspot-en.csv": {mapping: "hubspot-en", ignored: []string{"Pipeline"}, prefix: "hubspot-",
			wonStage: "", lateStage: "negotiation", earlyStage: "qualified"},
		"hubspot-es.csv": {mapping: "hubspot-es", ignored: []string{"Pipeline"}, prefix: "hubspot-",
			wonStage: "", lateStage: "negotiation", earlyStage: "qualified"},
		// Pipedrive keeps the stage, with the outcome in Status.
		"pipedrive-en.csv": {mapping: "pipedrive-en", ignored: []string{"Deal - Contact person", "Deal - Pipeline"},
			prefix: "pipedrive-", wonStage: "negotiation", lateStage: "negotiation", earlyStage: "qualified", lateClaimed: 8000},
		"pipedrive-es.csv": {mapping: "pipedrive-es", ignored: []string{"Trato - Persona de contacto", "Trato - Embudo"},
			prefix: "pipedrive-", wonStage: "negotiation", lateStage: "negotiation", earlyStage: "qualified", lateClaimed: 8000},
		// The won deal's 100 % is the closed stage's, not a forecast.
		"salesforce-en.csv": {mapping: "salesforce-en", dateOrder: "mdy", footer: 2, prefix: "salesforce-",
			wonStage: "", lateStage: "negotiation", earlyStage: "qualified", lateClaimed: 9000, lateCategory: "pipeline"},
		"salesforce-es.csv": {mapping: "salesforce-es", dateOrder: "dmy", prefix: "salesforce-",
			wonStage: "", lateStage: "negotiation", earlyStage: "qualified", lateClaimed: 9000, lateCategory: "pipeline"},
	}
	for file, w := range tests {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			rep, err := csvio.Import(ctx, st, sources("clientes.csv", spanishClients(t), file, vendorFile(t, file)), opts())
			if err != nil {
				t.Fatal(err)
			}
			f := rep.Files[1]
			if f.Entity != cartera.EntityDeals || f.Rows != 9 || f.Mapping != w.mapping || f.DateOrder != w.dateOrder ||
				f.FooterLines != w.footer {
				t.Errorf("report %+v", f)
			}
			if strings.Join(f.Ignored, "|") != strings.Join(w.ignored, "|") {
				t.Errorf("ignored columns %q, want %q", f.Ignored, w.ignored)
			}
			dump := storetest.Dump(t, st)
			if len(dump.Deals) != 9 {
				t.Fatalf("%d deals", len(dump.Deals))
			}
			n := map[cartera.Outcome]int{}
			for _, d := range dump.Deals {
				n[d.Outcome]++
				if !strings.HasPrefix(d.ID, w.prefix) {
					t.Errorf("id %s without the vendor's prefix %s", d.ID, w.prefix)
				}
				if d.Owner == "" || d.Value.Currency != "EUR" {
					t.Errorf("%s: owner %q, currency %s", d.ID, d.Owner, d.Value.Currency)
				}
			}
			if n[cartera.OutcomeWon] != 2 || n[cartera.OutcomeLost] != 2 || n[cartera.OutcomeOpen] != 5 {
				t.Errorf("outcomes %v, want 2 won, 2 lost, 5 open", n)
			}
			by := dealsByTitle(dump.Deals)
			won, late, early := by["Talleres Ruiz"], by["Clínica Dental Sonrisa"], by["Bodegas Valdeolmos"]
			if won.Stage != w.wonStage || late.Stage != w.lateStage || early.Stage != w.earlyStage {
				t.Errorf("stages: won %s, late %s, early %s", won.Stage, late.Stage, early.Stage)
			}
			if won.Outcome != cartera.OutcomeWon || won.Closed != cartera.DateOf(2026, 2, 27) || won.Created != cartera.DateOf(2026, 1, 12) {
				t.Errorf("won deal %+v", won)
			}
			if late.Claimed != w.lateClaimed || won.Claimed != w.wonClaimed || late.Category != w.lateCategory {
				t.Errorf("claimed %v / %v, category %q", late.Claimed, won.Claimed, late.Category)
			}
			if late.ExpectedClose != cartera.DateOf(2026, 11, 20) || !late.Closed.IsZero() {
				t.Errorf("open deal dates: expected %s, closed %s", late.ExpectedClose, late.Closed)
			}
			// Companies that are clients link to them; the rest are prospects.
			if won.ClientID != "C-001" || won.Prospect != "" || by["Panadería Hermanos Gil"].ClientID != "C-002" {
				t.Errorf("clients: %q %q / %q", won.ClientID, won.Prospect, by["Panadería Hermanos Gil"].ClientID)
			}
			if late.ClientID != "" || late.Prospect != "Clínica Dental Sonrisa S.L.P." {
				t.Errorf("prospect: %q %q", late.ClientID, late.Prospect)
			}
			lost := by["Gestoría Alcalá"]
			if lost.Outcome != cartera.OutcomeLost || lost.Closed != cartera.DateOf(2026, 7, 22) {
				t.Errorf("lost deal %+v", lost)
			}
			if hotel := by["Hotel Mirador de Cádiz"]; hotel.Value.Amount != 1250050 {
				t.Errorf("hotel value %v", hotel.Value)
			}
			if d := by["Ferretería La Llave"]; d.Value.Amount != 0 || d.Outcome != cartera.OutcomeOpen {
				t.Errorf("a deal without an amount is worth zero: %+v", d)
			}
			if strings.HasPrefix(file, "pipedrive") || strings.HasPrefix(file, "hubspot") {
				if lost.LostReason != "Eligieron a la competencia" {
					t.Errorf("lost reason %q", lost.LostReason)
				}
			}
			// Importing the same export again changes nothing.
			if _, err := csvio.Import(ctx, st, sources(file, vendorFile(t, file)), opts()); err != nil {
				t.Fatal(err)
			}
			if again := storetest.Dump(t, st); len(again.Deals) != 9 {
				t.Errorf("re-import: %d deals", len(again.Deals))
			}
		})
	}
}

// The six files hold the same nine deals: whatever the vendor, cartera
// must read the same titles, amounts, outcomes and dates.
func TestTheSixExportsAgree(t *testing.T) {
	t.Parallel()
	var first []string
	for _, file := range []string{"hubspot-en.csv", "hubspot-es.csv", "pipedrive-en.csv", "pipedrive-es.csv", "salesforce-en.csv", "salesforce-es.csv"} {
		st := newStore(t)
		if _, err := csvio.Import(ctx, st, sources(file, vendorFile(t, file)), opts()); err != nil {
			t.Fatal(file, err)
		}
		var got []string
		for _, d := range storetest.Dump(t, st).Deals {
			got = append(got, strings.Join([]string{d.Title, d.Prospect, d.Owner, d.Value.String(), string(d.Outcome),
				d.Created.String(), d.Closed.String()}, "|"))
		}
		sort.Strings(got)
		if first == nil {
			first = got
			continue
		}
		if strings.Join(got, "\n") != strings.Join(first, "\n") {
			t.Errorf("%s reads differently:\n%s\nwant\n%s", file, strings.Join(got, "\n"), strings.Join(first, "\n"))
		}
	}
}

// edit replaces one piece of a vendor file, failing if it is not there.
func edit(t *testing.T, file, old, new string) string {
	t.Helper()
	s := vendorFile(t, file)
	if !strings.Contains(s, old) {
		t.Fatalf("%s has no %q", file, old)
	}
	return strings.Replace(s, old, new, 1)
}

func TestVendorProblemsAtTheirPosition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files func(t *testing.T) []string
		want  []string
	}{
		{"HubSpot stage that is not in the mapping", func(t *testing.T) []string {
			return []string{"hs.csv", edit(t, "hubspot-en.csv", `"Contract Sent"`, `"Verbal OK"`)}
		}, []string{"hs.csv:4:3 import.unknown_vendor_stage"}},
		{"Spanish HubSpot stage that is not in the mapping", func(t *testing.T) []string {
			return []string{"hs.csv", edit(t, "hubspot-es.csv", `"Cita programada"`, `"Briefing recibido"`)}
		}, []string{"hs.csv:9:3 import.unknown_vendor_stage"}},
		{"Pipedrive stage that is not in the mapping", func(t *testing.T) []string {
			return []string{"pd.csv", edit(t, "pipedrive-en.csv", ",Demo Scheduled,", ",Demo Done,")}
		}, []string{"pd.csv:5:9 import.unknown_vendor_stage"}},
		{"Salesforce stage that is not in the mapping", func(t *testing.T) []string {
			return []string{"sf.csv", edit(t, "salesforce-es.csv", `"Cualificación"`, `"Descubrimiento"`)}
		}, []string{"sf.csv:7:5 import.unknown_vendor_stage"}},
		{"probability of 140 in Salesforce", func(t *testing.T) []string {
			return []string{"sf.csv", edit(t, "salesforce-en.csv", `"Negotiation/Review","7350.00","90"`, `"Negotiation/Review","7350.00","140"`)}
		}, []string{"sf.csv:4:7 value.percent_range"}},
		{"probability of 140 in Pipedrive", func(t *testing.T) []string {
			return []string{"pd.csv", edit(t, "pipedrive-es.csv", ",Abierto,80,", ",Abierto,140,")}
		}, []string{"pd.csv:4:11 value.percent_range"}},
		{"HubSpot deal closed before it was created", func(t *testing.T) []string {
			return []string{"hs.csv", edit(t, "hubspot-en.csv", `"Closed Lost","2026-04-03 17:05"`, `"Closed Lost","2026-01-03 17:05"`)}
		}, []string{"hs.csv:3:4 deal.closed_before_created"}},
		{"Pipedrive deal lost before it was created", func(t *testing.T) []string {
			return []string{"pd.csv", edit(t, "pipedrive-en.csv", ",,2026-07-22 09:40:12,2026-07-22 09:40:12,", ",,2026-07-22 09:40:12,2026-03-22 09:40:12,")}
		}, []string{"pd.csv:8:16 deal.closed_before_created"}},
		{"currency that is not the matched client's", func(t *testing.T) []string {
			return []string{"clientes.csv", spanishClients(t),
				"hs.csv", edit(t, "hubspot-es.csv", `"4800","EUR"`, `"4800","USD"`)}
		}, []string{"hs.csv:2:7 value.currency_mismatch"}},
		{"amount written in another currency than the client's", func(t *testing.T) []string {
			return []string{"clientes.csv", spanishClients(t),
				"sf.csv", edit(t, "salesforce-es.csv", `"4800,00"`, `"USD 4.800,00"`)}
		}, []string{"sf.csv:2:6 value.amount_currency"}},
		{"stage and won flag that disagree", func(t *testing.T) []string {
			return []string{"sf.csv", edit(t, "salesforce-en.csv", `"Closed","1","1"`, `"Closed","1","0"`)}
		}, []string{"sf.csv:2:11 import.outcome_conflict"}},
		{"status that is not an outcome", func(t *testing.T) []string {
			return []string{"pd.csv", edit(t, "pipedrive-en.csv", ",Open,80,", ",Deleted,80,")}
		}, []string{"pd.csv:4:10 deal.bad_outcome"}},
		{"day-first date in a month-first export", func(t *testing.T) []string {
			// 11/20/2026 is only month-first; 30/09/2026 only day-first: the
			// file contradicts itself and the mapping's order stands.
			return []string{"sf.csv", edit(t, "salesforce-en.csv", `"9/30/2026"`, `"30/09/2026"`)}
		}, []string{"sf.csv:5:8 value.no_such_date"}},
		{"a data row after the report's closing lines", func(t *testing.T) []string {
			return []string{"sf.csv", vendorFile(t, "salesforce-en.csv") +
				"\"0065800000Kq1aZ\",\"Otra\",\"Otra S.L.\",\"Carmen Ortega\",\"Prospecting\",\"10.00\",\"10\",\"11/13/2026\",\"10/27/2026\",\"Pipeline\",\"0\",\"0\"\r\n"}
		}, []string{"sf.csv:14:1 import.after_footer"}},
		{"HubSpot view exported without the creation date", func(t *testing.T) []string {
			return []string{"hs.csv", "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Amount\"\n\"1\",\"Web\",\"Closed Won\",\"10\"\n"}
		}, []string{"hs.csv:1:1 import.vendor_missing_columns"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			_, err := csvio.Import(ctx, st, sources(tc.files(t)...), opts())
			if got := short(err); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			assertEmpty(t, st)
		})
	}
}

// The unknown-stage message names the stage, the mapping and the stages it
// knows, and points at the file's own column name.
func TestUnknownVendorStageMessage(t *testing.T) {
	t.Parallel()
	_, err := csvio.Import(ctx, newStore(t), sources("hs.csv", edit(t, "hubspot-en.csv", `"Contract Sent"`, `"Verbal OK"`)), opts())
	var pe *csvio.ProblemsError
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	en := i18n.New(i18n.EN, nil).Msg(pe.Problems[0].Msg)
	for _, want := range []string{"Deal Stage: ", `"Verbal OK"`, "hubspot-en", "Appointment Scheduled", "Closed Lost", "--map"} {
		if !strings.Contains(en, want) {
			t.Errorf("%q lacks %q", en, want)
		}
	}
	es := i18n.New(i18n.ES, nil).Msg(pe.Problems[0].Msg)
	if !strings.Contains(es, "«Verbal OK» no está en el mapa hubspot-en") {
		t.Errorf("Spanish: %q", es)
	}
}

func TestVendorFormatsAreTolerant(t *testing.T) {
	t.Parallel()
	t.Run("headers in another case, with accents lost and a trailing star", func(t *testing.T) {
		t.Parallel()
		s := edit(t, "salesforce-es.csv", `"Categoría de previsión"`, `"CATEGORIA DE PREVISION*"`)
		s = strings.Replace(s, `"Nombre de la cuenta"`, `"Nombre de cuenta"`, 1)
		s = strings.Replace(s, `"Propietario de oportunidad"`, `"Oportunidad: Propietario de oportunidad: Nombre completo"`, 1)
		st := newStore(t)
		rep, err := csvio.Import(ctx, st, sources("sf.csv", s), opts())
		if err != nil || len(rep.Files[0].Ignored) != 0 {
			t.Fatalf("%v %+v", err, rep)
		}
	})
	t.Run("Salesforce totals and generated-by lines after the data", func(t *testing.T) {
		t.Parallel()
		s := strings.TrimSuffix(vendorFile(t, "salesforce-es.csv"), "\n") + "\n\n\"Grand Totals (9 records)\"\n\"Generated By: Lucía Ferrer 25/11/2026 10:15\"\n\"Cartera Demo S.L.\"\n"
		rep, err := csvio.Import(ctx, newStore(t), sources("sf.csv", s), opts())
		if err != nil || rep.Files[0].FooterLines != 3 || rep.Files[0].Rows != 9 {
			t.Fatalf("%v %+v", err, rep)
		}
	})
	t.Run("an English Salesforce export with day-first dates is read day first", func(t *testing.T) {
		t.Parallel()
		s := vendorFile(t, "salesforce-es.csv")
		s = strings.Replace(s, strings.SplitN(s, "\n", 2)[0], strings.SplitN(vendorFile(t, "salesforce-en.csv"), "\r\n", 2)[0], 1)
		st := newStore(t)
		rep, err := csvio.Import(ctx, st, sources("sf.csv", s), opts())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Files[0].Mapping != "salesforce-en" || rep.Files[0].DateOrder != "dmy" {
			t.Errorf("%+v", rep.Files[0])
		}
		if d := dealsByTitle(storetest.Dump(t, st).Deals)["Construcciones Beltrán"]; d.Created != cartera.DateOf(2026, 5, 19) {
			t.Errorf("created %s", d.Created)
		}
	})
	t.Run("formatted amounts with currency codes and thousands, probabilities with %", func(t *testing.T) {
		t.Parallel()
		s := edit(t, "salesforce-es.csv", `"18900,00","50"`, `"EUR 18.900,00","50%"`)
		st := newStore(t)
		if _, err := csvio.Import(ctx, st, sources("sf.csv", s), opts()); err != nil {
			t.Fatal(err)
		}
		d := dealsByTitle(storetest.Dump(t, st).Deals)["Construcciones Beltrán"]
		if d.Value.Amount != 1890000 || d.Claimed != 5000 {
			t.Errorf("%v %v", d.Value, d.Claimed)
		}
	})
	t.Run("Pipedrive Spanish export with decimal commas and day-first dates", func(t *testing.T) {
		t.Parallel()
		s := edit(t, "pipedrive-es.csv", ",12500.5,EUR,", ",\"12.500,50\",EUR,")
		s = strings.Replace(s, "2026-03-04 10:02:51", "04/03/2026 10:02", 1)
		s = strings.Replace(s, "2026-06-23 17:48:26", "23/06/2026 17:48", 1)
		st := newStore(t)
		rep, err := csvio.Import(ctx, st, sources("pd.csv", s), opts())
		if err != nil {
			t.Fatal(err)
		}
		by := dealsByTitle(storetest.Dump(t, st).Deals)
		if by["Hotel Mirador de Cádiz"].Value.Amount != 1250050 || by["Hotel Mirador de Cádiz"].Created != cartera.DateOf(2026, 3, 4) ||
			rep.Files[0].DateOrder != "dmy" {
			t.Errorf("%+v %+v", by["Hotel Mirador de Cádiz"], rep.Files[0])
		}
	})
	t.Run("HubSpot probability as a fraction and closed flags", func(t *testing.T) {
		t.Parallel()
		s := "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Amount\",\"Create Date\",\"Close Date\",\"Deal probability\",\"Is Deal Closed?\",\"Is Closed Won\"\n" +
			"\"1\",\"Web\",\"Contract Sent\",\"100\",\"2026-01-05 10:00\",\"2026-12-01 10:00\",\"0.8\",\"false\",\"false\"\n" +
			"\"2\",\"App\",\"Closed Won\",\"100\",\"2026-01-05 10:00\",\"2026-03-01 10:00\",\"1\",\"true\",\"true\"\n"
		st := newStore(t)
		if _, err := csvio.Import(ctx, st, sources("hs.csv", s), opts()); err != nil {
			t.Fatal(err)
		}
		d := storetest.Dump(t, st).Deals
		if d[0].Claimed != 8000 || d[0].Outcome != cartera.OutcomeOpen || d[1].Outcome != cartera.OutcomeWon || d[1].Claimed != 0 {
			t.Errorf("%+v", d)
		}
	})
	t.Run("a vendor file with cartera's own clients file, the other way round", func(t *testing.T) {
		t.Parallel()
		// The deals come first on the command line; clients are still
		// imported first, so that the companies match.
		st := newStore(t)
		if _, err := csvio.Import(ctx, st, sources("pd.csv", vendorFile(t, "pipedrive-es.csv"), "clientes.csv", spanishClients(t)), opts()); err != nil {
			t.Fatal(err)
		}
		if d := dealsByTitle(storetest.Dump(t, st).Deals)["Talleres Ruiz"]; d.ClientID != "C-001" {
			t.Errorf("%+v", d)
		}
	})
}

func TestClientMatchingByName(t *testing.T) {
	t.Parallel()
	clients := "id,name,currency\nA1,\"Talleres Ruiz, S.L.\",EUR\nA2,Óptica Sol,EUR\nA3,Óptica Sol S.A.,EUR\nA4,Bodegas Valdeolmos,USD\n"
	deals := "\"Opportunity ID\",\"Opportunity Name\",\"Account Name\",\"Stage\",\"Amount\",\"Created Date\"\n" +
		"\"1\",\"Uno\",\"TALLERES RUIZ S.L.\",\"Prospecting\",\"1\",\"1/2/2026\"\n" + // punctuation and case
		"\"2\",\"Dos\",\"Optica Sol\",\"Prospecting\",\"1\",\"1/2/2026\"\n" + // exact name beats the loose one
		"\"3\",\"Tres\",\"Óptica Sol SL\",\"Prospecting\",\"1\",\"1/2/2026\"\n" + // loosely, two clients: none
		"\"4\",\"Cuatro\",\"Bodegas Valdeolmos S.L.\",\"Prospecting\",\"1\",\"1/2/2026\"\n" // the client's currency
	st := newStore(t)
	if _, err := csvio.Import(ctx, st, sources("c.csv", clients, "sf.csv", deals), opts()); err != nil {
		t.Fatal(err)
	}
	d := storetest.Dump(t, st).Deals
	got := []string{d[0].ClientID + "/" + d[0].Prospect, d[1].ClientID + "/" + d[1].Prospect, d[2].ClientID + "/" + d[2].Prospect,
		d[3].ClientID + "/" + string(d[3].Value.Currency)}
	want := []string{"A1/", "A2/", "/Óptica Sol SL", "A4/USD"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", got, want)
	}
}
