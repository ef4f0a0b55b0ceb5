package web

import (
	"fmt"
	"math"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/i18n"
)

// Charts are drawn on the server as SVG: the templates receive the
// geometry computed here and write the markup, so every name is escaped by
// html/template like any other text.

// quadrant is the profitability quadrant: margin across, relational cost
// up, bubble area for revenue, colour for the verdict.
type quadrant struct {
	W, H                   int
	Left, Right, Top, Base float64 // plot area
	Bubbles                []bubble
	// MarginX is where the minimum margin falls; MediumY the medium
	// relational level.
	MarginX, MediumY float64
	XTicks, YTicks   []tick
	// Positions of the zone names, tick labels and axis label.
	ZL, ZR, ZT, ZB, TickX, TickY, LabelY float64
}

type bubble struct {
	ID      string
	Verdict cartera.Verdict
	X, Y, R float64
	// Title is the tooltip and accessible name: client, verdict, margin,
	// relational cost, revenue.
	Title string
}

type tick struct {
	Pos   float64
	Label string
}

// Scales: margin from -50 % to 100 %, linear; relational score from 0 to
// 30 points on a square-root scale, which spreads the many calm clients
// near zero; clients beyond sit on the edge.
const (
	qMinMargin = -5000
	qMaxMargin = 10000
	qMaxScore  = 30.0
)

func newQuadrant(rows []cartera.ClientRow, pol cartera.Policy, p *i18n.Printer) quadrant {
	q := quadrant{W: 640, H: 400, Left: 56, Right: 620, Top: 16, Base: 360}
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
		q.Bubbles = append(q.Bubbles, bubble{
			ID: r.Client.ID, Verdict: s.Verdict,
			X: round1(x(m)), Y: round1(y(float64(s.Score) / 10)),
			R: round1(3 + 13*math.Sqrt(float64(max(s.Revenue, 0))/float64(maxRev))),
			Title: r.Client.Name + " — " + p.T("verdict."+string(s.Verdict)) + ": " + margin + ", " +
				p.T("web.relational_points", "score", s.Score) + ", " + p.Money(cartera.Money{Amount: s.Revenue, Currency: s.Currency}),
		})
	}
	q.ZL, q.ZR, q.ZT, q.ZB = q.Left+6, q.Right-6, q.Top+14, q.Base-6
	q.TickX, q.TickY, q.LabelY = q.Left-8, q.Base+16, float64(q.H)-4
	q.MarginX = round1(x(pol.MinMargin))
	q.MediumY = round1(y(pol.RelationalMedium))
	for _, bp := range []cartera.BasisPoints{-5000, 0, 5000, 10000} {
		q.XTicks = append(q.XTicks, tick{round1(x(bp)), p.Percent(bp)})
	}
	for _, sc := range []float64{0, pol.RelationalMedium, pol.RelationalHigh, qMaxScore} {
		q.YTicks = append(q.YTicks, tick{round1(y(sc)), fmt.Sprint(sc)})
	}
	return q
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// sparkline is a small bar chart of one series over months.
type sparkline struct {
	W, H int
	Bars []bar
	// Label describes the series for screen readers.
	Label string
}

type bar struct {
	X, Y, W, H float64
	Title      string
}

func newSparkline(values []float64, titles []string, label string) sparkline {
	sp := sparkline{W: 240, H: 36, Label: label}
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
