package web

import (
	"math"
	"net/http"

	"github.com/cartera/cartera"
	"github.com/cartera/cartera/playbook"
	"github.com/cartera/cartera/report"
	"github.com/cartera/cartera/review"
)

// winlossOptions reads ?period=month|quarter|year, ?from= and ?to= (the
// last twelve months by default) and the seller (a seller always their
// own): what the page and the API share.
func (s *Server) winlossOptions(r *http.Request) (review.WinLossOptions, error) {
	q := r.URL.Query()
	per, err := playbook.ParsePeriod(q.Get("period"))
	if err != nil {
		return review.WinLossOptions{}, err
	}
	from, err := formDate("from", q.Get("from"))
	if err != nil {
		return review.WinLossOptions{}, err
	}
	to, err := formDate("to", q.Get("to"))
	if err != nil {
		return review.WinLossOptions{}, err
	}
	if to.IsZero() {
		to = s.asOf(r)
	}
	if from.IsZero() {
		from = to.AddMonths(-12).AddDays(1)
	}
	if from > to {
		return review.WinLossOptions{}, cartera.FieldError("from", "winloss.from_after_to", "from", from, "to", to)
	}
	return review.WinLossOptions{From: from, To: to, Period: per, Owner: sellerFilter(r)}, nil
}

// winlossPage is the win/loss analysis with its chart.
type winlossPage struct {
	W      *playbook.WinLoss
	Period string
	Seller string
	// Sellers are the people to choose from (none for a seller, who
	// only sees their own).
	Sellers []string
	Chart   winlossChart
	Error   string
}

// winlossChart draws won and lost deals per period as pairs of bars; the
// table beside it has the same figures.
type winlossChart struct {
	W, H        int
	Left, Right float64
	Bar         float64
	Rows        []winlossRow
}

type winlossRow struct {
	Label               string
	LabelY, WonY, LostY float64
	WonW, LostW         float64
	WonTX, LostTX       float64
	Won, Lost           int
}

func newWinlossChart(w *playbook.WinLoss, label func(cartera.Date) string) winlossChart {
	const row, bar = 58.0, 14.0
	c := winlossChart{W: 380, Left: 4, Right: 340, Bar: bar}
	top := 1
	for _, p := range w.Periods {
		top = max(top, p.Won, p.Lost)
	}
	scale := func(n int) float64 {
		if n == 0 {
			return 0
		}
		return round1(math.Max(float64(n)/float64(top)*(c.Right-c.Left-40), 2))
	}
	y := 4.0
	for _, p := range w.Periods {
		r := winlossRow{Label: label(p.Start), LabelY: y + 12, WonY: y + 18, LostY: y + 18 + bar + 3, WonW: scale(p.Won),
			LostW: scale(p.Lost), Won: p.Won, Lost: p.Lost}
		r.WonTX, r.LostTX = round1(c.Left+r.WonW+6), round1(c.Left+r.LostW+6)
		c.Rows = append(c.Rows, r)
		y += row
	}
	c.H = int(y)
	return c
}

// winlossShow is the win/loss page: won and lost per period, lost
// reasons, the competitors who win and how often, recurring lessons, and
// per seller for owners and managers.
func (s *Server) winlossShow(w http.ResponseWriter, r *http.Request) error {
	p := rc(r).p
	data := winlossPage{Period: r.URL.Query().Get("period"), Seller: sellerFilter(r)}
	sellers, err := s.dealSellers(r)
	if err != nil {
		return err
	}
	data.Sellers = sellers
	o, err := s.winlossOptions(r)
	if err == nil {
		data.W, err = review.WinLoss(r.Context(), s.st, o)
	}
	if err != nil {
		msg, _, code, ok := formError(r, err)
		if !ok {
			return err
		}
		data.Error = msg
		w.WriteHeader(code)
		return s.page(w, r, "winloss", "winloss", data)
	}
	if data.Period == "" {
		data.Period = string(o.Period)
	}
	data.Chart = newWinlossChart(data.W, func(d cartera.Date) string { return report.WinLossPeriod(p, o.Period, d) })
	return s.page(w, r, "winloss", "winloss", data)
}

// apiWinLoss answers the analysis, as cartera winloss --format json.
func (s *Server) apiWinLoss(w http.ResponseWriter, r *http.Request) error {
	o, err := s.winlossOptions(r)
	if err != nil {
		return err
	}
	wl, err := review.WinLoss(r.Context(), s.st, o)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, wl)
}
