package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cartera/cartera"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	t.Parallel()
	es, en := Keys(ES), Keys(EN)
	set := func(ks []string) map[string]bool {
		m := map[string]bool{}
		for _, k := range ks {
			m[k] = true
		}
		return m
	}
	ses, sen := set(es), set(en)
	for _, k := range es {
		if !sen[k] {
			t.Errorf("%s is in Spanish but not in English", k)
		}
	}
	for _, k := range en {
		if !ses[k] {
			t.Errorf("%s is in English but not in Spanish", k)
		}
	}
}

var placeholder = regexp.MustCompile(`\{([a-z_]+)[^}]*\}`)

func names(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

// Both languages must use the same facts: a translation that drops one
// would silently hide it.
func TestPlaceholdersMatchAcrossLanguages(t *testing.T) {
	t.Parallel()
	for _, k := range Keys(ES) {
		_, esOther, _ := Forms(ES, k)
		_, enOther, _ := Forms(EN, k)
		if a, b := names(esOther), names(enOther); strings.Join(a, ",") != strings.Join(b, ",") {
			t.Errorf("%s: Spanish uses %v, English %v", k, a, b)
		}
	}
}

// Every message key written in the code must exist in the catalogs. The
// test reads the source of the whole module and collects the string
// literals passed as keys.
func TestEveryKeyUsedInCodeExists(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..")
	keyArg := map[string]int{ // function name → index of the key argument
		"T": 0, "M": 0, "NewError": 1, "FieldError": 1, "problem": 0,
	}
	used := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			}
			i, ok := keyArg[name]
			if !ok || len(call.Args) <= i {
				return true
			}
			if lit, ok := call.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if k, err := strconv.Unquote(lit.Value); err == nil && strings.Contains(k, ".") && !strings.HasSuffix(k, ".") {
					used[k] = path
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	p := New(ES, nil)
	for k, path := range used {
		if !p.Has(k) {
			t.Errorf("%s (used in %s) is missing from the catalogs", k, path)
		}
	}
}

func TestDynamicKeysExist(t *testing.T) {
	t.Parallel()
	p := New(ES, nil)
	var want []string
	for _, k := range cartera.IncidentKinds {
		want = append(want, "kind."+string(k))
	}
	for _, v := range cartera.Verdicts {
		want = append(want, "verdict."+string(v))
	}
	for _, e := range cartera.Entities {
		want = append(want, "entity."+string(e))
	}
	for _, k := range cartera.PolicyKeys {
		want = append(want, "policy.help."+k)
	}
	for _, l := range []string{"low", "medium", "high"} {
		want = append(want, "level."+l)
	}
	for i := 1; i <= 5; i++ {
		want = append(want, "seniority."+strconv.Itoa(i))
	}
	for _, k := range cartera.SignalKinds {
		want = append(want, "signal."+string(k))
	}
	for _, s := range cartera.SignalSources {
		want = append(want, "source."+s)
	}
	for _, s := range cartera.DefaultPipeline().Stages {
		want = append(want, "stage."+string(s.ID))
	}
	for _, x := range []string{"outcome.open", "outcome.won", "outcome.lost", "category.commit", "category.best_case",
		"category.pipeline", "answer.yes", "answer.no", "answer.unknown", "deal.claim_from.seller",
		"deal.claim_from.category", "deal.claim_from.stage"} {
		want = append(want, x)
	}
	for _, c := range []string{"main", "review", "import", "export", "demo", "policy", "version", "help", "serve", "users",
		"forecast", "deals", "deal", "calibration", "pipeline", "backup", "restore", "mappings", "script", "incident", "lost",
		"plan", "reconnect", "debrief", "lessons", "winloss", "agenda", "referrals", "holidays", "playbook", "migrate-store"} {
		want = append(want, "usage."+c)
	}
	for _, k := range want {
		if !p.Has(k) {
			t.Errorf("missing %s", k)
		}
	}
}

func TestFormatting(t *testing.T) {
	t.Parallel()
	es, en := New(ES, time.UTC), New(EN, time.UTC)
	tests := []struct {
		name, got, want string
	}{
		{"money es", es.Money(cartera.Money{Amount: 123456, Currency: "EUR"}), "1.234,56\u00a0€"},
		{"money en", en.Money(cartera.Money{Amount: 123456, Currency: "EUR"}), "€1,234.56"},
		{"negative money es", es.Money(cartera.Money{Amount: -5, Currency: "EUR"}), "-0,05\u00a0€"},
		{"dollars es", es.Money(cartera.Money{Amount: 100, Currency: "USD"}), "1,00\u00a0US$"},
		{"pesos es", es.Money(cartera.Money{Amount: 150000, Currency: "MXN"}), "1.500,00\u00a0MXN"},
		{"yen en", en.Money(cartera.Money{Amount: 1500, Currency: "JPY"}), "¥1,500"},
		{"short thousands", es.MoneyShort(cartera.Money{Amount: 1234500, Currency: "EUR"}), "12\u00a0k€"},
		{"short millions en", en.MoneyShort(cartera.Money{Amount: 123456789, Currency: "EUR"}), "€1.2M"},
		{"int es", es.Int(1234567), "1.234.567"},
		{"int en", en.Int(-1234567), "-1,234,567"},
		{"percent es", es.Percent(3350), "33,5\u00a0%"},
		{"percent en", en.Percent(1500), "15%"},
		{"hours", es.Hours(1250), "12,5\u00a0h"},
		{"date es", es.Date(cartera.DateOf(2026, 11, 5)), "5 nov 2026"},
		{"date en", en.Date(cartera.DateOf(2026, 11, 5)), "Nov 5, 2026"},
		{"no date", es.Date(0), "—"},
		{"datetime in zone", New(ES, mustLoc(t, "Europe/Madrid")).DateTime(time.Date(2026, 7, 1, 19, 30, 0, 0, time.UTC)), "1 jul 2026, 21:30"},
		{"list es", es.List([]string{"a", "b", "c"}), "a, b y c"},
		{"list en", en.List([]string{"a", "b"}), "a and b"},
		{"slots", es.Slots(cartera.DefaultPolicy().OffLimits), "lun-vie 21:00-08:00, sáb-dom"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skip("no tzdata")
	}
	return loc
}

func TestMessagesPluralsAndLookups(t *testing.T) {
	t.Parallel()
	es := New(ES, nil)
	one := es.Msg(cartera.M("reason.overdue", "amount", cartera.Money{Amount: 100000, Currency: "EUR"}, "n", 1, "since", cartera.DateOf(2026, 9, 2)))
	if !strings.Contains(one, "en 1 factura,") {
		t.Errorf("singular form not used: %s", one)
	}
	many := es.Msg(cartera.M("reason.overdue", "amount", cartera.Money{Amount: 100000, Currency: "EUR"}, "n", 3, "since", cartera.DateOf(2026, 9, 2)))
	if !strings.Contains(many, "en 3 facturas") {
		t.Errorf("plural form not used: %s", many)
	}
	inc := es.Msg(cartera.M("reason.incidents", "n", 2, "kind", cartera.KindYelling, "days", 60, "rising", true))
	if inc != "Gritos: 2 en 60 días, en aumento" {
		t.Errorf("got %q", inc)
	}
	calm := New(EN, nil).Msg(cartera.M("reason.incidents", "n", 2, "kind", cartera.KindYelling, "days", 60, "rising", false))
	if calm != "Yelling: 2 in 60 days" {
		t.Errorf("got %q", calm)
	}
	if got := es.T("no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key shows itself: %q", got)
	}
}

func TestMatchAcceptLanguage(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]Lang{
		"":                        ES,
		"en-US,en;q=0.9":          EN,
		"fr-FR,fr;q=0.9,en;q=0.5": EN,
		"en;q=0.4,es;q=0.8":       ES,
		"de":                      ES,
		"es-MX":                   ES,
		"EN-gb":                   EN,
	} {
		if got := Match(header); got != want {
			t.Errorf("Match(%q) = %s, want %s", header, got, want)
		}
	}
}
