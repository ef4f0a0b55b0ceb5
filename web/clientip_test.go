package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// Behind a trusted proxy the visitor's address comes from X-Forwarded-For,
// read from the right so that a visitor cannot choose it; without trusted
// proxies the header is ignored.
func TestClientAddressBehindTrustedProxies(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		remote  string
		xff     []string
		want    string
	}{
		{"no proxies: the header is ignored", nil, "203.0.113.9:5000", []string{"198.51.100.1"}, "203.0.113.9"},
		{"direct visitor, proxies configured", proxies, "203.0.113.9:5000", []string{"198.51.100.1"}, "203.0.113.9"},
		{"one proxy", proxies, "127.0.0.1:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"a forged left part is skipped", proxies, "127.0.0.1:5000", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"two proxies", proxies, "127.0.0.1:5000", []string{"198.51.100.1, 10.1.2.3"}, "198.51.100.1"},
		{"headers repeated", proxies, "127.0.0.1:5000", []string{"1.2.3.4", "198.51.100.1"}, "198.51.100.1"},
		{"garbage stops the walk", proxies, "127.0.0.1:5000", []string{"198.51.100.1, nonsense"}, "127.0.0.1"},
		{"only proxies", proxies, "127.0.0.1:5000", []string{"10.0.0.1"}, "127.0.0.1"},
		{"no header", proxies, "127.0.0.1:5000", nil, "127.0.0.1"},
		{"IPv6 visitor", proxies, "127.0.0.1:5000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"IPv6 proxy not trusted", proxies, "[::1]:5000", []string{"198.51.100.1"}, "::1"},
		{"IPv4-mapped proxy", proxies, "[::ffff:127.0.0.1]:5000", []string{"198.51.100.1"}, "198.51.100.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Server{cfg: Config{TrustedProxies: tc.trusted}}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientIP(r); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
