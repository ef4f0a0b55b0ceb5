package main

import (
	"runtime/debug"
	"testing"
)

// A review of the whole portfolio, or an import of mail, relaxes the
// garbage collector unless the user set GOGC, and puts it back after.
func TestRelaxGCUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, tt := range []struct {
		gogc string
		want int
	}{{"", reviewGCPercent}, {"77", 77}} {
		debug.SetGCPercent(77)
		restore := relaxGC(&app{getenv: func(k string) string {
			if k == "GOGC" {
				return tt.gogc
			}
			return ""
		}}, reviewGCPercent)
		if got := debug.SetGCPercent(tt.want); got != tt.want {
			t.Errorf("GOGC=%q: relaxGC set %d, want %d", tt.gogc, got, tt.want)
		}
		restore()
		if got := debug.SetGCPercent(77); got != 77 {
			t.Errorf("GOGC=%q: after restore the target is %d, want 77", tt.gogc, got)
		}
	}
}
