package model

import (
	"slices"
	"strings"
	"testing"
)

func TestNormalizeDomain(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Example.ORG", "example.org"},
		{" https://events.example.org/ ", "events.example.org"},
		{"https://events.example.org:8443/@group", "events.example.org"},
		{"@bal@mobilizon.example.org", "mobilizon.example.org"},
		{"mobilizon.example.org.", "mobilizon.example.org"},
		{"xn--nrac-bpa.example", "xn--nrac-bpa.example"},
		{"192.0.2.7", "192.0.2.7"},
		{"", ""},
		{"localhost", ""},
		{"exa mple.org", ""},
		{"nérac.example", ""},
		{"-bad.example.org", ""},
		{"a..b", ""},
		{strings.Repeat("a", 254) + ".org", ""},
	} {
		got, err := NormalizeDomain(c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("NormalizeDomain(%q) = %q, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestDomainSuffixes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"a.b.Example.org:443", []string{"a.b.example.org", "b.example.org", "example.org"}},
		{"example.org", []string{"example.org"}},
		{"127.0.0.1:8080", []string{"127.0.0.1"}},
		{"[::1]:80", []string{"::1"}},
		{"", nil},
	} {
		if got := DomainSuffixes(c.in); !slices.Equal(got, c.want) {
			t.Errorf("DomainSuffixes(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
