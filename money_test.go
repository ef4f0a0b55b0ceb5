package cartera

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestMulDivRoundRoundsHalfAwayFromZero(t *testing.T) {
	t.Parallel()
	tests := []struct{ a, b, c, want int64 }{
		{1, 1, 2, 1},   // 0.5 → 1
		{-1, 1, 2, -1}, // -0.5 → -1
		{1, 1, 3, 0},   // 0.33 → 0
		{2, 1, 3, 1},   // 0.67 → 1
		{3500, 150, 100, 5250},
		{math.MaxInt64, 2, 1, math.MaxInt64}, // saturates instead of overflowing
		{math.MinInt64, 2, 1, math.MinInt64},
		{7, -1, 2, -4},
	}
	for _, tc := range tests {
		if got := MulDivRound(tc.a, tc.b, tc.c); got != tc.want {
			t.Errorf("MulDivRound(%d, %d, %d) = %d, want %d", tc.a, tc.b, tc.c, got, tc.want)
		}
	}
}

// mulDivRoundBig is the definition MulDivRound implements, in arbitrary
// precision: the reference for the property test below.
func mulDivRoundBig(a, b, c int64) int64 {
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	q, r := new(big.Int).QuoRem(p, big.NewInt(c), new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(new(big.Int).Abs(big.NewInt(c))) >= 0 {
		if (p.Sign() < 0) != (c < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	switch {
	case q.IsInt64():
		return q.Int64()
	case q.Sign() < 0:
		return math.MinInt64
	default:
		return math.MaxInt64
	}
}

func TestMulDivRoundMatchesArbitraryPrecision(t *testing.T) {
	t.Parallel()
	edges := []int64{0, 1, -1, 2, -2, 3, 100, -100, 10000, math.MaxInt64, math.MinInt64,
		math.MaxInt64 - 1, math.MinInt64 + 1, 1 << 32, -(1 << 32), 1<<62 + 1, math.MaxInt32}
	check := func(a, b, c int64) {
		if c == 0 {
			return
		}
		if got, want := MulDivRound(a, b, c), mulDivRoundBig(a, b, c); got != want {
			t.Fatalf("MulDivRound(%d, %d, %d) = %d, want %d", a, b, c, got, want)
		}
	}
	for _, a := range edges {
		for _, b := range edges {
			for _, c := range edges {
				check(a, b, c)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	some := func() int64 {
		switch rng.IntN(3) {
		case 0:
			return rng.Int64N(2001) - 1000
		case 1:
			return int64(rng.Uint64()) >> rng.IntN(64)
		default:
			return int64(rng.Uint64())
		}
	}
	for range 200000 {
		check(some(), some(), some())
	}
}

func TestMoneyArithmeticAndFormat(t *testing.T) {
	t.Parallel()
	a := Money{123456, "EUR"}
	if got := a.Add(Money{44, "EUR"}).Amount; got != 123500 {
		t.Errorf("add: %d", got)
	}
	if got := a.Sub(Money{123456, "EUR"}); !got.IsZero() {
		t.Errorf("sub: %v", got)
	}
	if s := a.String(); s != "1234.56 EUR" {
		t.Errorf("String: %s", s)
	}
	if s := (Money{-5, "EUR"}).String(); s != "-0.05 EUR" {
		t.Errorf("String negative: %s", s)
	}
	if s := (Money{1500, "JPY"}).String(); s != "1500 JPY" {
		t.Errorf("JPY has no decimals: %s", s)
	}
	if s := (Money{1500, "KWD"}).String(); s != "1.500 KWD" {
		t.Errorf("KWD has three decimals: %s", s)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("adding EUR to USD must panic: it is a programming error")
		}
	}()
	a.Add(Money{1, "USD"})
}

func TestParseCurrency(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"EUR", "eur", " usd ", "MXN", "CLP"} {
		if _, err := ParseCurrency(ok); err != nil {
			t.Errorf("%q should parse: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "EU", "EURO", "XXX1", "ZZZ", "€"} {
		if _, err := ParseCurrency(bad); err == nil {
			t.Errorf("%q should not parse", bad)
		}
	}
}

func TestRatio(t *testing.T) {
	t.Parallel()
	if Ratio(1, 3) != 3333 || Ratio(2, 3) != 6667 || Ratio(5, 0) != 0 || Ratio(-1, 4) != -2500 {
		t.Errorf("ratios wrong: %d %d %d %d", Ratio(1, 3), Ratio(2, 3), Ratio(5, 0), Ratio(-1, 4))
	}
}

func TestForHours(t *testing.T) {
	rate := Money{Amount: 4500, Currency: "EUR"} // 45,00 € an hour
	for _, tc := range []struct {
		h    Hours
		want int64
	}{{0, 0}, {100, 4500}, {150, 6750}, {1, 45}, {33, 1485}, {-200, -9000}} {
		if got := rate.ForHours(tc.h); got.Amount != tc.want || got.Currency != "EUR" {
			t.Errorf("ForHours(%d) = %v, want %d EUR", tc.h, got, tc.want)
		}
	}
}
