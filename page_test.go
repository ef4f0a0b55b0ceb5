package cartera

import (
	"strings"
	"testing"
)

func TestPageLimit(t *testing.T) {
	for _, tc := range []struct{ limit, want int }{{0, 50}, {-1, 50}, {10, 10}, {500, 500}, {501, 50}} {
		if got := PageLimit(tc.limit, 500, 50); got != tc.want {
			t.Errorf("PageLimit(%d) = %d, want %d", tc.limit, got, tc.want)
		}
	}
}

func TestClientQueryNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   ClientQuery
		want ClientQuery
		code string
	}{
		{"defaults", ClientQuery{}, ClientQuery{Sort: SortUrgency, Limit: 50}, ""},
		{"kept", ClientQuery{Sort: SortName, Limit: 200, Search: "  acme "}, ClientQuery{Sort: SortName, Limit: 200, Search: "acme"}, ""},
		{"too many", ClientQuery{Limit: 201}, ClientQuery{Sort: SortUrgency, Limit: 50}, ""},
		{"unknown order", ClientQuery{Sort: "size"}, ClientQuery{}, "list.bad_sort"},
		{"unknown verdict", ClientQuery{Verdict: "maybe"}, ClientQuery{}, "list.bad_verdict"},
	}
	for _, tt := range tests {
		q := tt.in
		err := q.Normalize()
		if tt.code != "" {
			if err == nil || !strings.Contains(err.Error(), tt.code) {
				t.Errorf("%s: got %v, want %s", tt.name, err, tt.code)
			}
			continue
		}
		if err != nil || q != tt.want {
			t.Errorf("%s: got %+v (%v), want %+v", tt.name, q, err, tt.want)
		}
	}
}
