package main

import (
	"runtime/debug"
	"testing"
)

// A review of the whole portfolio relaxes the garbage collector, unless
// the user set GOGC.
func TestReviewRelaxesTheCollectorUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, tt := range []struct {
		gogc string
		want int
	}{{"", reviewGCPercent}, {"77", 77}} {
		debug.SetGCPercent(77)
		relaxGC(&app{getenv: func(k string) string {
			if k == "GOGC" {
				return tt.gogc
			}
			return ""
		}})
		if got := debug.SetGCPercent(77); got != tt.want {
			t.Errorf("GOGC=%q: the review set %d, want %d", tt.gogc, got, tt.want)
		}
	}
}
