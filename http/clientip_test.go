package http

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// Behind a trusted proxy the login limit counts the client's address from
// X-Forwarded-For; from anyone else the header is ignored.
func TestClientIP(t *testing.T) {
	s := &Server{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("192.0.2.7/32")}}
	for _, tc := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"DirectClient", "198.51.100.4:5555", nil, "198.51.100.4"},
		{"UntrustedPeerCannotChooseItsAddress", "198.51.100.4:5555", []string{"203.0.113.9"}, "198.51.100.4"},
		{"TrustedProxyNamesTheClient", "10.0.0.5:5555", []string{"203.0.113.9"}, "203.0.113.9"},
		{"RightmostUntrustedHopWins", "10.0.0.5:5555", []string{"198.51.100.1, 203.0.113.9, 192.0.2.7"}, "203.0.113.9"},
		{"SeveralHeaders", "10.0.0.5:5555", []string{"198.51.100.1", "203.0.113.9"}, "203.0.113.9"},
		{"GarbageHopKeepsTheProxy", "10.0.0.5:5555", []string{"not-an-address"}, "10.0.0.5"},
		{"NoHeaderKeepsTheProxy", "10.0.0.5:5555", nil, "10.0.0.5"},
		{"IPv4MappedPeer", "[::ffff:10.0.0.5]:5555", []string{"203.0.113.9"}, "203.0.113.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/login", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientIP(r); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}
