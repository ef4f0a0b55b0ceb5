package web

import (
	"math"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/forecast"
	"github.com/cartera/cartera/i18n"
)

// The pipeline's charts, drawn on the server like the quadrant: geometry
// here, markup in the templates (so names are escaped), every value also
// written as text. The content security policy forbids inline styles, so
// every size is an SVG attribute.

// probBars are a deal's claimed and grounded probabilities as two bars on
// a 0–100 scale.
type probBars struct {
	Claimed, Grounded float64
}

func newProbBars(g *forecast.Grounded) probBars {
	return probBars{Claimed: round1(float64(g.Claimed) / 100), Grounded: round1(float64(g.P) / 100)}
}

// factorBar draws one step of a grounded probability on a 0–100 scale: the
// stretch from before to after, and where it ends.
type factorBar struct {
	X, W, At float64
	Up       bool
}

func newFactorBar(f forecast.Factor) factorBar {
	a, b := float64(f.Before)/100, float64(f.After)/100
	return factorBar{X: round1(math.Min(a, b)), W: round1(math.Max(math.Abs(b-a), 0.6)), At: round1(b), Up: b >= a}
}

// sellerChart is claimed against grounded per seller, in one currency:
// a pair of horizontal bars per seller, the claimed one pale, with their
// amounts written at their ends. Lines are the same figures for the table
// that goes with the chart (on a phone the amounts in the chart are too
// small to read, and the table reads well everywhere).
type sellerChart struct {
	ID          string // unique within the page, for aria references
	Currency    cartera.Currency
	W, H        int
	Left, Right float64
	Bar         float64 // a bar's thickness
	Rows        []sellerRow
	Lines       []*forecast.Line
}

type sellerRow struct {
	Name                  string
	NameY                 float64
	ClaimedY, GroundedY   float64
	ClaimedW, GroundedW   float64
	ClaimedTX, GroundedTX float64
	Claimed, Grounded     string
	Title                 string
}

func newSellerChart(id string, cur cartera.Currency, lines []*forecast.Line, p *i18n.Printer) sellerChart {
	const row, bar = 64.0, 16.0
	c := sellerChart{ID: id, Currency: cur, W: 380, Left: 4, Right: 240, Bar: bar, Lines: lines}
	var top int64 = 1
	for _, l := range lines {
		top = max(top, l.Claimed, l.Grounded)
	}
	scale := func(v int64) float64 { return round1(math.Max(float64(max(v, 0))/float64(top)*(c.Right-c.Left), 1)) }
	y := 4.0
	for _, l := range lines {
		name := l.Seller
		if name == "" {
			name = p.T("forecast.no_seller")
		}
		r := sellerRow{Name: name, NameY: y + 14, ClaimedY: y + 22, GroundedY: y + 22 + bar + 3,
			ClaimedW: scale(l.Claimed), GroundedW: scale(l.Grounded),
			Claimed:  p.MoneyShort(cartera.Money{Amount: l.Claimed, Currency: cur}),
			Grounded: p.MoneyShort(cartera.Money{Amount: l.Grounded, Currency: cur})}
		r.ClaimedTX, r.GroundedTX = round1(c.Left+r.ClaimedW+6), round1(c.Left+r.GroundedW+6)
		r.Title = p.T("web.fc_bar_title", "seller", name, "claimed", cartera.Money{Amount: l.Claimed, Currency: cur},
			"grounded", cartera.Money{Amount: l.Grounded, Currency: cur}, "gap", cartera.Money{Amount: l.Gap, Currency: cur})
		c.Rows = append(c.Rows, r)
		y += row
	}
	c.H = int(y)
	return c
}

// reliabilityChart is the reliability diagram: for each probability band,
// the mean predicted probability across and the share actually won up,
// for the claimed and the grounded probabilities. On the diagonal, what
// was predicted happened.
type reliabilityChart struct {
	W, H                   int
	Left, Right, Top, Base float64
	Claimed, Grounded      []relPoint
	ClaimedLine            string // polyline points
	GroundedLine           string
	Ticks                  []relTick
	// LabelX is where the horizontal axis's label sits.
	LabelX float64
}

type relPoint struct {
	X, Y  float64
	Title string
}

type relTick struct {
	X, Y   float64 // where the value falls on each axis
	Label  string
	Anchor string // of the label under the horizontal axis
}

func newReliability(s *forecast.Score, p *i18n.Printer) reliabilityChart {
	return reliabilityOf(s.ClaimedBands, s.GroundedBands, "web.rel_point_claimed", "web.rel_point_grounded", p)
}

// reliabilityOf draws two methods' reliability tables, the first as
// circles, the second as squares; keyA and keyB title their points.
func reliabilityOf(a, g []forecast.Band, keyA, keyB string, p *i18n.Printer) reliabilityChart {
	c := reliabilityChart{W: 340, H: 330, Left: 70, Right: 328, Top: 10, Base: 282}
	x := func(b cartera.BasisPoints) float64 { return round1(c.Left + float64(b)/10000*(c.Right-c.Left)) }
	y := func(b cartera.BasisPoints) float64 { return round1(c.Base - float64(b)/10000*(c.Base-c.Top)) }
	series := func(bands []forecast.Band, key string) ([]relPoint, string) {
		var pts []relPoint
		line := ""
		for _, b := range bands {
			if b.Deals == 0 {
				continue
			}
			pt := relPoint{X: x(b.Predicted), Y: y(b.Actual), Title: p.T(key, "from", b.Lo, "to", b.Hi, "n", b.Deals,
				"predicted", b.Predicted, "actual", b.Actual)}
			pts = append(pts, pt)
			if line != "" {
				line += " "
			}
			line += fmtPoint(pt.X, pt.Y)
		}
		return pts, line
	}
	c.Claimed, c.ClaimedLine = series(a, keyA)
	c.Grounded, c.GroundedLine = series(g, keyB)
	for _, b := range []cartera.BasisPoints{0, 2500, 5000, 7500, 10000} {
		t := relTick{X: x(b), Y: y(b), Label: p.Percent(b), Anchor: "middle"}
		if b == 10000 {
			t.Anchor = "end"
		}
		c.Ticks = append(c.Ticks, t)
	}
	c.LabelX = c.Base + 40
	return c
}

func fmtPoint(x, y float64) string {
	return formatFloat(x) + "," + formatFloat(y)
}

func formatFloat(v float64) string {
	return cartera.FormatDecimal(int64(math.Round(v*10)), 1, '.')
}
