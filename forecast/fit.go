package forecast

import (
	"errors"
	"math"
)

// The fitted model: a logistic regression on the odds, whose offset is the
// stage's base rate and whose weights start from the documented expert
// factors (the prior) and move toward what the user's own closed deals
// show. The penalty λ·|w − prior|²/2 keeps a short history close to the
// prior; with a long one the data decides.

// Example is one deal as of one day: its features, the log-odds of its
// stage's base rate, and whether it was won.
type Example struct {
	X      []float64
	Offset float64
	Won    bool
}

// Fit is a fitted weight vector with its standard errors.
type Fit struct {
	W  []float64 `json:"weights"`
	SE []float64 `json:"standard_errors"`
	// N is how many examples it was fitted on; Iterations how many Newton
	// steps it took.
	N          int `json:"examples"`
	Iterations int `json:"iterations"`
}

// Predict returns the probability the fit gives an example.
func (f *Fit) Predict(x []float64, offset float64) float64 {
	z := offset
	for i, w := range f.W {
		z += w * x[i]
	}
	return sigmoid(z)
}

var errSingular = errors.New("fit: singular system")

// maxHalvings bounds the step halvings of one Newton step: 2^-30 of a
// step moves nothing that matters.
const maxHalvings = 30

func (e *Example) y() float64 {
	if e.Won {
		return 1
	}
	return 0
}

// loss is the penalised negative log-likelihood the fit minimises.
func loss(ex []Example, w, prior []float64, lambda float64) float64 {
	var s float64
	for j := range w {
		s += lambda * (w[j] - prior[j]) * (w[j] - prior[j]) / 2
	}
	for i := range ex {
		e := &ex[i]
		z := e.Offset
		for j, x := range e.X {
			z += w[j] * x
		}
		// log(1 + e^z) − y·z, written to stay finite for large |z|.
		s += math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - e.y()*z
	}
	return s
}

// derive fills g with the penalised loss's gradient at w and h (k×k,
// row-major) with its Hessian, in one pass over the examples, and returns
// the loss there.
func derive(ex []Example, w, prior []float64, lambda float64, g, h []float64) float64 {
	k := len(w)
	clear(h)
	var l float64
	for j := range k {
		d := w[j] - prior[j]
		l += lambda * d * d / 2
		g[j] = lambda * d
		h[j*k+j] = lambda
	}
	for i := range ex {
		e := &ex[i]
		z := e.Offset
		for j, x := range e.X {
			z += w[j] * x
		}
		y := e.y()
		q := math.Exp(-math.Abs(z)) // one exponential for the loss and p
		l += math.Max(z, 0) + math.Log1p(q) - y*z
		p := 1 / (1 + q)
		if z < 0 {
			p = q / (1 + q)
		}
		r, v := p-y, p*(1-p)
		for a, xa := range e.X {
			if xa == 0 {
				continue
			}
			g[a] += r * xa
			row := h[a*k:]
			for b, xb := range e.X[:a+1] {
				row[b] += v * xa * xb
			}
		}
	}
	for a := range k {
		for b := range a {
			h[b*k+a] = h[a*k+b]
		}
	}
	return l
}

// FitLogistic fits weights by Newton's method (iteratively reweighted least
// squares) with a ridge penalty lambda toward prior. Each step is halved
// until it lowers the penalised loss: a full Newton step can overshoot and
// swing ever wider on real data (a feature that barely varies, outcomes
// that drift), and the loss, being convex, always falls along a short
// enough step. It stops when no weight moves by more than 1e-6, when no
// step lowers the loss any more, or after 50 steps.
func FitLogistic(ex []Example, prior []float64, lambda float64) (*Fit, error) {
	k := len(prior)
	w := append([]float64(nil), prior...)
	h := make([]float64, k*k)
	g := make([]float64, k)
	fit := &Fit{N: len(ex)}
	fresh := false // whether h is the Hessian at w
	for it := 0; it < 50; it++ {
		now := derive(ex, w, prior, lambda, g, h)
		fresh = true
		step, err := solve(append([]float64(nil), h...), append([]float64(nil), g...), k)
		if err != nil {
			return nil, err
		}
		// Backtracking: halve the step until the loss falls by at least a
		// small share of what the gradient promises (Armijo).
		slope := 0.0
		for j := range g {
			slope += g[j] * step[j]
		}
		next := make([]float64, k)
		t, better := 1.0, false
		for range maxHalvings {
			for j := range w {
				next[j] = w[j] - t*step[j]
			}
			if l := loss(ex, next, prior, lambda); l <= now-1e-4*t*slope {
				better = true
				break
			}
			t /= 2
		}
		fit.Iterations = it + 1
		if !better {
			break // at the optimum, to the precision of the loss
		}
		moved := 0.0
		for j := range w {
			moved = math.Max(moved, math.Abs(next[j]-w[j]))
		}
		copy(w, next)
		fresh = moved < 1e-6 // close enough: the last step moved nothing that matters
		if fresh {
			break
		}
	}
	if !fresh {
		derive(ex, w, prior, lambda, g, h) // the Hessian at the weights found
	}
	// Standard errors from the inverse of the penalised Hessian at the
	// optimum.
	fit.W, fit.SE = w, make([]float64, k)
	for j := range k {
		e := make([]float64, k)
		e[j] = 1
		col, err := solve(append([]float64(nil), h...), e, k)
		if err != nil {
			return nil, err
		}
		fit.SE[j] = math.Sqrt(math.Max(col[j], 0))
	}
	return fit, nil
}

// solve solves a·x = b for a k×k symmetric positive definite a (row-major)
// by Gaussian elimination with partial pivoting; a and b are overwritten.
func solve(a, b []float64, k int) ([]float64, error) {
	for c := range k {
		piv := c
		for r := c + 1; r < k; r++ {
			if math.Abs(a[r*k+c]) > math.Abs(a[piv*k+c]) {
				piv = r
			}
		}
		if math.Abs(a[piv*k+c]) < 1e-12 {
			return nil, errSingular
		}
		if piv != c {
			for j := range k {
				a[c*k+j], a[piv*k+j] = a[piv*k+j], a[c*k+j]
			}
			b[c], b[piv] = b[piv], b[c]
		}
		for r := c + 1; r < k; r++ {
			f := a[r*k+c] / a[c*k+c]
			if f == 0 {
				continue
			}
			for j := c; j < k; j++ {
				a[r*k+j] -= f * a[c*k+j]
			}
			b[r] -= f * b[c]
		}
	}
	x := make([]float64, k)
	for r := k - 1; r >= 0; r-- {
		s := b[r]
		for j := r + 1; j < k; j++ {
			s -= a[r*k+j] * x[j]
		}
		x[r] = s / a[r*k+r]
	}
	return x, nil
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func logit(p float64) float64 {
	p = math.Min(math.Max(p, 0.001), 0.999)
	return math.Log(p / (1 - p))
}
