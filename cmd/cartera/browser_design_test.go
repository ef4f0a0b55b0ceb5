package main_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"
)

// The design audit: every page of the demo at a phone, a tablet and a
// desktop width, in Spanish and English, checked against docs/design.md
// by a script that runs in the page (no network, no library): nothing
// wider than the viewport, no text out of its box, every form control
// labelled, text contrast at WCAG AA, and every money, percentage and
// points figure written the one way the design rules allow.

// auditJS returns a list of problems found on the current page, each a
// short sentence naming the element. arguments[0] is the viewport width
// the test asked for (a phone's layout viewport can grow to fit content,
// so window.innerWidth is not trusted).
const auditJS = `
var want = arguments[0], out = [];
function name(el) {
  var s = el.tagName.toLowerCase();
  if (el.id) { s += "#" + el.id; }
  var c = el.getAttribute && el.getAttribute("class");
  if (c) { s += "." + c.trim().split(/\s+/).join("."); }
  var t = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
  return s + (t ? " «" + t + "»" : "");
}
function visible(el) {
  for (var e = el; e && e.nodeType === 1; e = e.parentElement) {
    var cs = getComputedStyle(e);
    if (cs.display === "none" || cs.visibility === "hidden" || cs.opacity === "0") { return false; }
  }
  var r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.right > 0 && r.left < want * 4;
}
// 1. The document is no wider than the viewport.
var sw = document.documentElement.scrollWidth;
if (sw > want + 1) { out.push("document is " + sw + " px wide at " + want + " px"); }
// Elements that stick out of the right edge.
document.querySelectorAll("body *").forEach(function (el) {
  if (out.length > 40 || !visible(el)) { return; }
  var r = el.getBoundingClientRect();
  if (r.right > want + 1 && r.left >= 0 && !inScroller(el)) { out.push("sticks out to " + Math.round(r.right) + " px: " + name(el)); }
});
function inScroller(el) {
  for (var e = el.parentElement; e && e !== document.body; e = e.parentElement) {
    var ox = getComputedStyle(e).overflowX;
    if (ox === "auto" || ox === "scroll") { return true; }
  }
  return false;
}
function clipper(el) {
  for (var e = el.parentElement; e && e !== document.body; e = e.parentElement) {
    var ox = getComputedStyle(e).overflowX;
    if (ox !== "visible") { return e; }
  }
  return null;
}
function block(el) {
  for (var e = el; e && e !== document.body; e = e.parentElement) {
    var d = getComputedStyle(e).display;
    if (d !== "inline" && d !== "contents") { return e; }
  }
  return document.body;
}
// 2. Text stays inside its box; SVG text inside its SVG.
var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
var texts = [];
for (var n = walker.nextNode(); n; n = walker.nextNode()) {
  if (!n.nodeValue.trim()) { continue; }
  var p = n.parentElement;
  if (!p || p.closest("script,style,title,desc,option,noscript,.skip") || !visible(p)) { continue; }
  texts.push(n);
}
texts.forEach(function (n) {
  if (out.length > 80) { return; }
  var p = n.parentElement, range = document.createRange();
  range.selectNodeContents(n);
  var rects = range.getClientRects();
  if (!rects.length) { return; }
  var svg = p.closest("svg");
  if (!svg && inScroller(p)) { return; } // scrolls inside its own box, on purpose
  var box = svg ? svg.getBoundingClientRect() : block(p).getBoundingClientRect();
  if (!svg && p.closest("thead") && getComputedStyle(p.closest("thead")).position === "absolute") { return; }
  for (var i = 0; i < rects.length; i++) {
    var r = rects[i];
    if (r.width === 0) { continue; }
    if (r.right > box.right + 2 || r.left < box.left - 2) {
      out.push("text out of its box by " + Math.round(Math.max(r.right - box.right, box.left - r.left)) + " px: " + name(p));
      return;
    }
    if (svg && (r.top < box.top - 2 || r.bottom > box.bottom + 2)) {
      out.push("text out of its chart: " + name(p)); return;
    }
    var c = clipper(p);
    if (c && !svg) {
      var cr = c.getBoundingClientRect(), ox = getComputedStyle(c).overflowX;
      if (ox !== "auto" && ox !== "scroll" && (r.right > cr.right + 2 || r.left < cr.left - 2)) {
        out.push("text cut off: " + name(p)); return;
      }
    }
  }
});
// SVG text overlapping other SVG text.
document.querySelectorAll("svg").forEach(function (svg) {
  if (!visible(svg)) { return; }
  var ts = Array.prototype.filter.call(svg.querySelectorAll("text"), visible).map(function (t) { return [t, t.getBoundingClientRect()]; });
  for (var i = 0; i < ts.length; i++) {
    for (var j = i + 1; j < ts.length; j++) {
      var a = ts[i][1], b = ts[j][1];
      var ox = Math.min(a.right, b.right) - Math.max(a.left, b.left), oy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (ox > 2 && oy > 2) { out.push("chart labels overlap: " + name(ts[i][0]) + " / " + name(ts[j][0])); return; }
    }
  }
});
// 3. Every form control has a label.
document.querySelectorAll("input, select, textarea, button").forEach(function (el) {
  var type = (el.getAttribute("type") || "").toLowerCase();
  if (type === "hidden") { return; }
  if (el.tagName === "BUTTON" || type === "submit" || type === "button") {
    if (!(el.textContent.trim() || el.getAttribute("aria-label") || el.value)) { out.push("button without text: " + name(el)); }
    return;
  }
  var ok = (el.labels && el.labels.length && Array.prototype.some.call(el.labels, function (l) { return l.textContent.trim(); })) ||
    el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
  if (!ok) { out.push("control without a label: " + name(el) + " name=" + el.getAttribute("name")); }
});
// A select shows its chosen option whole.
var canvas = document.createElement("canvas").getContext("2d");
document.querySelectorAll("select").forEach(function (el) {
  if (!visible(el) || el.selectedIndex < 0) { return; }
  var cs = getComputedStyle(el);
  canvas.font = cs.fontWeight + " " + cs.fontSize + " " + cs.fontFamily;
  var text = el.options[el.selectedIndex].text;
  var room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20; // the arrow
  if (canvas.measureText(text).width > room + 1) { out.push("select cuts its option «" + text + "»: " + name(el)); }
});
// 4. Contrast, WCAG AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
function rgba(s) {
  var m = s.match(/rgba?\(([^)]+)\)/);
  if (!m) { return null; }
  var v = m[1].split(/[ ,\/]+/).filter(Boolean).map(parseFloat);
  return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
}
function over(top, under) {
  var a = top[3];
  return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
}
function background(el) {
  var layers = [];
  for (var e = el; e; e = e.parentElement) {
    var cs = getComputedStyle(e), c = rgba(cs.backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) { break; } }
  }
  var bg = [255, 255, 255, 1];
  for (var i = layers.length - 1; i >= 0; i--) { bg = over(layers[i], bg); }
  return bg;
}
function lum(c) {
  var f = function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
}
function ratio(a, b) { var x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
var seen = new Set();
texts.forEach(function (n) {
  var p = n.parentElement;
  if (seen.has(p) || out.length > 120) { return; }
  seen.add(p);
  if (p.closest("[disabled]")) { return; }
  var cs = getComputedStyle(p), svg = p.closest("svg");
  var fg = rgba(svg ? cs.fill : cs.color);
  if (!fg) { return; }
  var bg = background(svg ? svg : p);
  var op = 1;
  for (var e = p; e; e = e.parentElement) { op *= parseFloat(getComputedStyle(e).opacity); }
  fg = over([fg[0], fg[1], fg[2], fg[3] * op], bg);
  var size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
  if (svg) { size *= svg.getBoundingClientRect().width / (svg.viewBox.baseVal && svg.viewBox.baseVal.width || svg.getBoundingClientRect().width); }
  var need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5, got = ratio(fg, bg);
  if (got < need) { out.push("contrast " + got.toFixed(2) + " < " + need + ": " + name(p)); }
  if (svg && size < 10.5) { out.push("chart text " + size.toFixed(1) + " px: " + name(p)); }
});
return out;
`

// figuresJS returns every money, percentage and points figure on the
// page with the table column it sits in ("" outside tables).
const figuresJS = `
var out = [];
var money = /(-?(?:US\$|[€$£¥])?\s?-?\d[\d.,\u00a0]*\s?(?:k|M)?\s?(?:€|US\$|£|¥|\$|k|M)?)/;
function col(el) {
  var td = el.closest("td,th");
  if (!td) { return ""; }
  var tr = td.parentElement, table = td.closest("table");
  var i = Array.prototype.indexOf.call(tr.children, td);
  var idx = Array.prototype.indexOf.call(document.querySelectorAll("table"), table);
  return "table" + idx + ":col" + i;
}
var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (var n = walker.nextNode(); n; n = walker.nextNode()) {
  var p = n.parentElement;
  // The guides are prose written by hand, in English: their numbers are
  // not the printer's.
  if (!p || p.closest("script,style,title,desc,option,pre,code,input,textarea,.skip,.doc")) { continue; }
  var t = n.nodeValue;
  if (!/\d/.test(t)) { continue; }
  out.push([t, col(p)]);
}
return out;
`

// Number rules, as docs/design.md writes them.
var (
	// Money: exact amounts always with cents; whole amounts for sums of
	// probabilities; compact ones for tight columns and charts.
	moneyES = regexp.MustCompile(`-?\d[\d.]*(?:,\d+)?\x{a0}(?:k|M)?(?:€|US\$|£|¥)|-?\d[\d.]*(?:,\d+)?\x{a0}?(?:k|M)(?:€|US\$|£|¥)`)
	moneyEN = regexp.MustCompile(`-?(?:€|US\$|\$|£|¥)\d+(?:,\d{3})*(?:\.\d+)?(?:k|M)?`)
	// A figure is one of three forms.
	exactES   = regexp.MustCompile(`^-?\d{1,3}(?:\.\d{3})*,\d{2}\x{a0}(?:€|US\$|£)$|^-?\d{1,3}(?:\.\d{3})*\x{a0}¥$`)
	wholeES   = regexp.MustCompile(`^-?\d{1,3}(?:\.\d{3})*\x{a0}(?:€|US\$|£|¥)$`)
	compactES = regexp.MustCompile(`^-?\d{1,3}(?:,\d)?\x{a0}(?:k|M)(?:€|US\$|£|¥)$`)
	exactEN   = regexp.MustCompile(`^-?(?:€|US\$|\$|£)\d{1,3}(?:,\d{3})*\.\d{2}$|^-?¥\d{1,3}(?:,\d{3})*$`)
	wholeEN   = regexp.MustCompile(`^-?(?:€|US\$|\$|£|¥)\d{1,3}(?:,\d{3})*$`)
	compactEN = regexp.MustCompile(`^-?(?:€|US\$|\$|£|¥)\d{1,3}(?:\.\d)?(?:k|M)$`)
	// Percentages: at most one decimal, a no-break space before % in
	// Spanish, none in English.
	pctAny = regexp.MustCompile(`-?\d[\d.,]*[\s\x{a0}]?%`)
	pctES  = regexp.MustCompile(`^-?\d{1,3}(?:\.\d{3})*(?:,\d)?\x{a0}%$`)
	pctEN  = regexp.MustCompile(`^-?\d{1,3}(?:,\d{3})*(?:\.\d)?%$`)
	// Points: a figure of points has at most one decimal.
	pointsAny = regexp.MustCompile(`-?\d[\d.,]*[\s\x{a0}](?:puntos|points|pts|pt|pp)\b`)
	pointsES  = regexp.MustCompile(`^[+-−]?\d{1,3}(?:\.\d{3})*(?:,\d)?\x{a0}puntos$`)
	pointsEN  = regexp.MustCompile(`^[+-−]?\d{1,3}(?:,\d{3})*(?:\.\d)?\x{a0}points$`)
	// Currency codes in front of a number ("EUR 35,00") are never shown.
	codeFirst = regexp.MustCompile(`\b(?:EUR|USD|GBP|JPY)\s?\d`)
)

// moneyForm classifies a money figure, or "" when it breaks the rules.
func moneyForm(lang, s string) string {
	exact, whole, compact := exactES, wholeES, compactES
	if lang == "en" {
		exact, whole, compact = exactEN, wholeEN, compactEN
	}
	switch {
	case exact.MatchString(s):
		return "exact"
	case whole.MatchString(s):
		return "whole"
	case compact.MatchString(s):
		return "compact"
	}
	return ""
}

// checkFigures applies the number rules to a page's texts: each figure
// well formed, and one money form per table column.
func checkFigures(lang string, texts [][2]string) []string {
	var bad []string
	forms := map[string]map[string]string{}
	money, pct, points := moneyES, pctES, pointsES
	if lang == "en" {
		money, pct, points = moneyEN, pctEN, pointsEN
	}
	for _, tc := range texts {
		t, col := tc[0], tc[1]
		if m := codeFirst.FindString(t); m != "" {
			bad = append(bad, fmt.Sprintf("currency code before the amount: %q in %q", m, t))
		}
		for _, m := range money.FindAllString(t, -1) {
			f := moneyForm(lang, m)
			if f == "" {
				bad = append(bad, fmt.Sprintf("money %q breaks the rules (in %q)", m, t))
				continue
			}
			if col == "" {
				continue
			}
			if forms[col] == nil {
				forms[col] = map[string]string{}
			}
			forms[col][f] = m
		}
		for _, m := range pctAny.FindAllString(t, -1) {
			if !pct.MatchString(m) {
				bad = append(bad, fmt.Sprintf("percentage %q breaks the rules (in %q)", m, t))
			}
		}
		for _, m := range pointsAny.FindAllString(t, -1) {
			if !points.MatchString(m) {
				bad = append(bad, fmt.Sprintf("points %q break the rules (in %q)", m, t))
			}
		}
	}
	for col, fs := range forms {
		if len(fs) > 1 {
			bad = append(bad, fmt.Sprintf("%s mixes money forms: %v", col, fs))
		}
	}
	return bad
}

func TestFigureRules(t *testing.T) {
	cases := []struct {
		lang string
		in   [][2]string
		bad  int
	}{
		{"es", [][2]string{{"Margen 17.353,00\u00a0€ (55,8\u00a0%)", ""}}, 0},
		{"es", [][2]string{{"190\u00a0k€ – 381\u00a0k€", ""}, {"1,2\u00a0M€", ""}}, 0},
		{"es", [][2]string{{"EUR 35,00", ""}}, 1},
		{"es", [][2]string{{"31\u00a0k€", "t0:c1"}, {"7.817,00\u00a0€", "t0:c1"}}, 1},
		{"es", [][2]string{{"55,83\u00a0%", ""}}, 1},
		{"es", [][2]string{{"45,2\u00a0puntos", ""}}, 0},
		{"es", [][2]string{{"426.775,001\u00a0€", ""}}, 1},
		{"en", [][2]string{{"€17,353.00 and €12k and 35.5%", ""}}, 0},
		{"en", [][2]string{{"35.55%", ""}}, 1},
	}
	for _, c := range cases {
		if got := checkFigures(c.lang, c.in); len(got) != c.bad {
			t.Errorf("%s %q: %d problems, want %d: %q", c.lang, c.in, len(got), c.bad, got)
		}
	}
}

// auditPage runs the design audit on the page open in the browser, at
// the width w the window was given, and the number rules on its texts.
func auditPage(t *testing.T, d *driver, lang, name string, w int) {
	t.Helper()
	raw, _ := d.eval(auditJS, w).([]any)
	for _, p := range raw {
		t.Errorf("%s %s %d px: %v", lang, name, w, p)
	}
	var texts [][2]string
	if fs, ok := d.eval(figuresJS).([]any); ok {
		for _, f := range fs {
			pair := f.([]any)
			texts = append(texts, [2]string{pair[0].(string), pair[1].(string)})
		}
	}
	for _, p := range checkFigures(lang, texts) {
		t.Errorf("%s %s %d px: %s", lang, name, w, p)
	}
}

// designPages are every page of the app, as the demo owner sees them.
// The incident flow's address is found on the page after logging one.
var designPages = []struct{ name, path string }{
	{"dashboard", "/dashboard"},
	{"clients", "/clients"},
	{"client-end", "/clients/C-004"},
	{"client-renegotiate", "/clients/C-001"},
	{"client-interlocutor", "/clients/C-045"},
	{"decisions", "/decisions"},
	{"script", "/clients/C-005/script"},
	{"incident", "/clients/C-004/incidents/new"},
	{"pipeline", "/pipeline"},
	{"deal", "/pipeline/deals/O-0002"},
	{"deal-new", "/pipeline/new"},
	{"forecast", "/forecast"},
	{"agenda", "/agenda"},
	{"winloss", "/winloss"},
	{"lessons", "/lessons?q=precio"},
	{"import", "/import"},
	{"settings", "/settings"},
	{"docs", "/docs"},
	{"doc", "/docs/forecast"},
	{"not-found", "/clients/C-999"},
}

// TestBrowserDesignAudit loads every page at 375, 768 and 1440 px in
// Spanish and English and checks each against the design rules. With
// CARTERA_SCREENSHOTS=DIR it saves every page at 375 and 1440 px.
func TestBrowserDesignAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	d := startDriver(t)
	srv := startServe(t, "--demo")
	pages := append([]struct{ name, path string }{}, designPages...)
	// A plan after a lost deal and the incident flow, found from the app.
	d.open(srv.url + "/agenda")
	if href, _ := d.eval(`var a = document.querySelector("a[href*='/plan']"); return a ? a.getAttribute("href") : "";`).(string); href != "" {
		pages = append(pages, struct{ name, path string }{"plan", href})
	} else {
		t.Errorf("the agenda links to no plan")
	}
	shots := os.Getenv("CARTERA_SCREENSHOTS") != ""
	langs := []string{"es", "en"}
	if l := os.Getenv("CARTERA_AUDIT_LANG"); l != "" {
		langs = []string{l} // while fixing one language
	}
	for _, lang := range langs {
		d.resize(1440, 900)
		d.open(srv.url + "/settings")
		d.eval(`document.getElementById("lang").value = arguments[0]; document.getElementById("lang").form.submit();`, lang)
		waitFor(t, func() bool {
			got, _ := d.eval(`return document.readyState === "complete" ? document.documentElement.lang : ""`).(string)
			return got == lang
		})
		for _, w := range []int{375, 768, 1440} {
			d.resize(w, 900)
			for _, pg := range pages {
				d.open(srv.url + pg.path)
				d.find("main h1")
				if got, _ := d.eval(`return document.documentElement.lang`).(string); got != lang {
					t.Fatalf("%s is in %q, want %q", pg.path, got, lang)
				}
				auditPage(t, d, lang, pg.name, w)
				if shots && w != 768 {
					d.screenshot(fmt.Sprintf("%s-%s-%d", pg.name, lang, w))
					d.resize(w, 900)
				}
			}
		}
	}
}
