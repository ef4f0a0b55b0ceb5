package cartera

import (
	"math"
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
