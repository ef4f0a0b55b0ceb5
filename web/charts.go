package web

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

// Charts are drawn on the server as SVG: the templates receive the
// geometry computed here and write the markup, so every name is escaped by
// html/template like any other text.

// quadrant is the profitability quadrant: margin across, relational cost
// up, bubble area for revenue, colour for the verdict. It is drawn twice,
// at a desktop and at a phone size, and the page shows the one that fits:
// a chart is never scaled far from the size its text was set for, so its
// labels keep their size (docs/design.md, charts).
type quadrant struct {
	Size                   string // "wide" or "narrow", a class for CSS
	W, H                   int
	Left, Right, Top, Base float64 // plot area
	Bubbles                []bubble
	// Names are the labels of the urgent clients, written beside their
	// bubbles so that they read without hovering.
	Names []chartLabel
	// MarginX is where the minimum margin falls; MediumY the medium
	// relational level; each guide carries its meaning.
	MarginX, MediumY float64
	MarginLabel      chartLabel
	MediumLabel      chartLabel
	XTicks, YTicks   []tick
	Zones            []chartLabel
	// Axis labels, the vertical one naming its square-root scale.
	XLabel, YLabel chartLabel
	// Clamped counts the clients drawn on an edge because their value is
	// off the scale; each is drawn as an arrow pointing outwards.
	Clamped int
}

type bubble struct {
	ID      string
	Verdict cartera.Verdict
	X, Y, R float64
	// Clamped bubbles are off the scale: Arrow is the triangle drawn at
	// the edge instead of a circle, pointing where the value lies.
	Clamped bool
	Arrow   string
	// Title is the tooltip and accessible name: client, verdict, margin,
	// relational cost, revenue.
	Title string
}

type tick struct {
	Pos   float64
	Label string
}

// chartLabel is a text placed in a chart: its anchor point and alignment.
type chartLabel struct {
	X, Y   float64
	Anchor string // start, middle, end
	Text   string
	Class  string
}

// Scales: margin from -50 % to 100 %, linear; relational score from 0 to
// 30 points on a square-root scale, which spreads the many calm clients
// near zero; clients beyond sit on the edge, marked as such.
const (
	qMinMargin = -5000
	qMaxMargin = 10000
	qMaxScore  = 30.0
	// chartFont is the size in user units of a chart's text: the chart is
	// shown at 83–100 % of its drawn width, so text stays 11–13 px.
	chartFont = 13.0
)

// textWidth estimates the width of a chartLabel in user units (an average
// glyph of the system sans-serif is about 0.56 em).
func textWidth(s string) float64 {
	return float64(utf8.RuneCountInString(s)) * chartFont * 0.56
}

type box struct{ x0, y0, x1, y1 float64 }

func (a box) overlaps(b box) bool { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 }

func (l chartLabel) box() box {
	w := textWidth(l.Text)
	x0 := l.X
	switch l.Anchor {
	case "end":
		x0 -= w
	case "middle":
		x0 -= w / 2
	}
	return box{x0, l.Y - chartFont*0.8, x0 + w, l.Y + chartFont*0.25}
}

// newQuadrants draws the quadrant at both sizes.
func newQuadrants(rows, urgent []cartera.ClientRow, pol cartera.Policy, p *i18n.Printer) []quadrant {
	return []quadrant{
		newQuadrant("wide", 640, 420, rows, urgent, pol, p),
		newQuadrant("narrow", 340, 340, rows, urgent, pol, p),
	}
}

func newQuadrant(size string, w, h int, rows, urgent []cartera.ClientRow, pol cartera.Policy, p *i18n.Printer) quadrant {
	q := quadrant{Size: size, W: w, H: h, Left: 58, Right: float64(w) - 12, Top: 14, Base: float64(h) - 40}
	x := func(bp cartera.BasisPoints) float64 {
		v := math.Max(qMinMargin, math.Min(qMaxMargin, float64(bp)))
		return q.Left + (v-qMinMargin)/(qMaxMargin-qMinMargin)*(q.Right-q.Left)
	}
	y := func(score float64) float64 {
		v := math.Max(0, math.Min(qMaxScore, score))
		return q.Base - math.Sqrt(v/qMaxScore)*(q.Base-q.Top)
	}
	var maxRev int64 = 1
	for _, r := range rows {
		maxRev = max(maxRev, r.Summary.Revenue)
	}
	maxR := 13.0
	if size == "narrow" {
		maxR = 9
	}
	var taken []box // what labels must not cover
	for _, r := range rows {
		s := r.Summary
		m := s.MarginPct
		if !s.HasRevenue {
			m = qMinMargin // costs without revenue: as bad as it gets
		}
		margin := p.T("review.fact_no_revenue")
		if s.HasRevenue {
			margin = p.T("review.fact_margin", "pct", s.MarginPct)
		}
		score := float64(s.Score) / 10
		b := bubble{
			ID: r.Client.ID, Verdict: s.Verdict,
			X: round1(x(m)), Y: round1(y(score)),
			R: round1(2.5 + (maxR-2.5)*math.Sqrt(float64(max(s.Revenue, 0))/float64(maxRev))),
			Title: r.Client.Name + " — " + p.T("verdict."+string(s.Verdict)) + ": " + margin + ", " +
				p.T("web.relational_points", "score", s.Score) + ", " + p.Money(cartera.Money{Amount: s.Revenue, Currency: s.Currency}),
		}
		// Off the scale: an arrow on the edge, pointing outwards, and the
		// tooltip says where the value really is.
		up, left, right := score > qMaxScore, s.HasRevenue && m < qMinMargin, m > qMaxMargin
		if up || left || right {
			b.Clamped = true
			q.Clamped++
			b.Title += " " + p.T("web.q_off_scale")
			const a = 6.0
			switch {
			case up:
				b.Arrow = fmtPoint(b.X, b.Y-a) + " " + fmtPoint(b.X-a, b.Y+a*0.6) + " " + fmtPoint(b.X+a, b.Y+a*0.6)
			case left:
				b.Arrow = fmtPoint(b.X-a, b.Y) + " " + fmtPoint(b.X+a*0.6, b.Y-a) + " " + fmtPoint(b.X+a*0.6, b.Y+a)
			default:
				b.Arrow = fmtPoint(b.X+a, b.Y) + " " + fmtPoint(b.X-a*0.6, b.Y-a) + " " + fmtPoint(b.X-a*0.6, b.Y+a)
			}
		}
		q.Bubbles = append(q.Bubbles, b)
	}
	// Zones, in the corners, drawn over the bubbles with a halo.
	zl, zr, zt, zb := q.Left+6, q.Right-4, q.Top+chartFont, q.Base-6
	if size == "wide" {
		q.Zones = []chartLabel{
			{X: zl, Y: zt, Anchor: "start", Text: p.T("web.zone_costly"), Class: "zone"},
			{X: zr, Y: zt, Anchor: "end", Text: p.T("web.zone_noisy"), Class: "zone"},
			{X: zl, Y: zb, Anchor: "start", Text: p.T("web.zone_thin"), Class: "zone"},
			{X: zr, Y: zb, Anchor: "end", Text: p.T("web.zone_good"), Class: "zone"},
		}
	}
	for _, z := range q.Zones {
		taken = append(taken, z.box())
	}
	// Axes and their scales.
	q.XLabel = chartLabel{X: q.Right, Y: float64(h) - 4, Anchor: "end", Text: p.T("web.axis_margin"), Class: "axis-label"}
	q.YLabel = chartLabel{X: q.Left - 30, Y: q.Top, Anchor: "end", Text: p.T("web.axis_relational_sqrt"), Class: "axis-label"}
	taken = append(taken, q.XLabel.box())
	ticksX := []cartera.BasisPoints{-5000, 0, 5000, 10000}
	for _, bp := range ticksX {
		t := tick{round1(x(bp)), p.Percent(bp)}
		q.XTicks = append(q.XTicks, t)
		anchor := "middle"
		if bp == ticksX[0] {
			anchor = "start"
		} else if bp == ticksX[len(ticksX)-1] {
			anchor = "end"
		}
		taken = append(taken, chartLabel{X: t.Pos, Y: q.Base + 18, Anchor: anchor, Text: t.Label}.box())
	}
	for _, sc := range []float64{0, pol.RelationalMedium, pol.RelationalHigh, qMaxScore} {
		q.YTicks = append(q.YTicks, tick{round1(y(sc)), p.Decimal(int64(math.Round(sc*10)), 1)})
	}
	for i := range q.YTicks {
		q.YTicks[i].Label = trimZeroDecimal(q.YTicks[i].Label)
	}
	// Guides, each with its meaning.
	q.MarginX = round1(x(pol.MinMargin))
	q.MediumY = round1(y(pol.RelationalMedium))
	q.MarginLabel = chartLabel{X: q.MarginX - 4, Y: q.Top + 2*chartFont + 4, Anchor: "end", Text: p.T("web.q_guide_margin", "pct", pol.MinMargin), Class: "guide-label"}
	q.MediumLabel = chartLabel{X: q.Right - 4, Y: q.MediumY - 5, Anchor: "end", Text: p.T("web.q_guide_medium"), Class: "guide-label"}
	if size == "narrow" { // no zone names: the guide's label goes on the first line, right of it
		q.MarginLabel.X, q.MarginLabel.Y, q.MarginLabel.Anchor = q.MarginX+4, q.Top+chartFont, "start"
	}
	for _, l := range []chartLabel{q.MarginLabel, q.MediumLabel} {
		taken = append(taken, l.box())
	}
	// The urgent clients by name, beside their bubbles, where the name
	// covers neither another name, a zone nor a guide's chartLabel.
	where := map[string]bubble{}
	for _, b := range q.Bubbles {
		where[b.ID] = b
	}
	// The urgent clients' own marks are kept clear; other bubbles may sit
	// under a name, which has a halo.
	for _, r := range urgent {
		if b, ok := where[r.Client.ID]; ok {
			taken = append(taken, box{b.X - b.R, b.Y - b.R, b.X + b.R, b.Y + b.R})
		}
	}
	names := urgent
	if size == "narrow" && len(names) > 3 {
		names = names[:3]
	}
	for _, r := range names {
		b, ok := where[r.Client.ID]
		if !ok {
			continue
		}
		text := shortName(r.Client.Name, 22)
		gap := b.R + 3
		for _, c := range []chartLabel{
			{X: b.X + gap, Y: b.Y + 4, Anchor: "start"},
			{X: b.X - gap, Y: b.Y + 4, Anchor: "end"},
			{X: b.X, Y: b.Y - gap - 2, Anchor: "middle"},
			{X: b.X, Y: b.Y + gap + chartFont, Anchor: "middle"},
			{X: b.X + gap, Y: b.Y - gap, Anchor: "start"},
			{X: b.X - gap, Y: b.Y + gap + chartFont, Anchor: "end"},
			{X: b.X + gap, Y: b.Y + gap + chartFont, Anchor: "start"},
			{X: b.X, Y: b.Y + gap + 2*chartFont + 2, Anchor: "middle"},
			{X: b.X, Y: b.Y - gap - chartFont - 4, Anchor: "middle"},
		} {
			c.Text, c.Class = text, "name"
			bx := c.box()
			if bx.x0 < 2 || bx.x1 > float64(w)-2 || bx.y0 < 0 || bx.y1 > q.Base {
				continue
			}
			free := true
			for _, t := range taken {
				// Its own bubble does not count.
				if t == (box{b.X - b.R, b.Y - b.R, b.X + b.R, b.Y + b.R}) {
					continue
				}
				if bx.overlaps(t) {
					free = false
					break
				}
			}
			if free {
				c.X, c.Y = round1(c.X), round1(c.Y)
				q.Names = append(q.Names, c)
				taken = append(taken, bx)
				break
			}
		}
	}
	return q
}

// shortName cuts a long name to n characters with an ellipsis.
func shortName(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func trimZeroDecimal(s string) string {
	if strings.HasSuffix(s, ",0") || strings.HasSuffix(s, ".0") {
		return s[:len(s)-2]
	}
	return s
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// sparkline is a small bar chart of one series over months. Its scale
// and values are written beside it as HTML text (the first and last
// months, the highest month and the last one), so they keep their size
// however wide the bars are drawn.
type sparkline struct {
	W, H int
	Bars []bar
	// Label describes the series for screen readers and as its caption.
	Label string
	// From and To name the first and last months; Max the highest month's
	// value, Last the last month's, Total the whole series'.
	From, To         string
	Max, Last, Total string
	Friction         bool
}

type bar struct {
	X, Y, W, H float64
	Title      string
}

func newSparkline(values []float64, titles []string, chartLabel string) sparkline {
	sp := sparkline{W: 240, H: 36, Label: chartLabel}
	if len(values) == 0 {
		return sp
	}
	top := 0.0
	for _, v := range values {
		top = math.Max(top, v)
	}
	w := float64(sp.W) / float64(len(values))
	for i, v := range values {
		h := 0.0
		if top > 0 {
			h = v / top * float64(sp.H-2)
		}
		if v > 0 && h < 1.5 {
			h = 1.5
		}
		sp.Bars = append(sp.Bars, bar{X: round1(float64(i) * w), Y: round1(float64(sp.H) - h), W: round1(math.Max(w-1.5, 1)), H: round1(h), Title: titles[i]})
	}
	return sp
}
