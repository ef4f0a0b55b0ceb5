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

// FitLogistic fits weights by Newton's method (iteratively reweighted least
// squares) with a ridge penalty lambda toward prior. It stops when no
// weight moves by more than 1e-6 or after 50 steps.
func FitLogistic(ex []Example, prior []float64, lambda float64) (*Fit, error) {
	k := len(prior)
	w := append([]float64(nil), prior...)
	h := make([]float64, k*k)
	g := make([]float64, k)
	fit := &Fit{N: len(ex)}
	for it := 0; it < 50; it++ {
		for i := range h {
			h[i] = 0
		}
		for j := range g {
			g[j] = lambda * (w[j] - prior[j])
			h[j*k+j] = lambda
		}
		for _, e := range ex {
			z := e.Offset
			for j, x := range e.X {
				z += w[j] * x
			}
			p := sigmoid(z)
			y := 0.0
			if e.Won {
				y = 1
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
		step, err := solve(append([]float64(nil), h...), append([]float64(nil), g...), k)
		if err != nil {
			return nil, err
		}
		moved := 0.0
		for j := range w {
			w[j] -= step[j]
			moved = math.Max(moved, math.Abs(step[j]))
		}
		fit.Iterations = it + 1
		if moved < 1e-6 {
			break
		}
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
