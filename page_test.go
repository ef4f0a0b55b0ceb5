package cartera

import "testing"

func TestPageLimit(t *testing.T) {
	for _, tc := range []struct{ limit, want int }{{0, 50}, {-1, 50}, {10, 10}, {500, 500}, {501, 50}} {
		if got := PageLimit(tc.limit, 500, 50); got != tc.want {
			t.Errorf("PageLimit(%d) = %d, want %d", tc.limit, got, tc.want)
		}
	}
}
