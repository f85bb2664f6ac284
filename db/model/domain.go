package model

import (
	"net/netip"
	"net/url"
	"strings"
)

// MaxDomainLen bounds a domain name (RFC 1035).
const MaxDomainLen = 253

// NormalizeDomain reads a domain as an admin types it ("Example.org",
// "https://events.example.org/", "@group@example.org") and returns it in
// lower case without scheme, port or path; an error says what is wrong.
// Internationalised names are taken in their ASCII (punycode) form.
func NormalizeDomain(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "@"); i >= 0 && !strings.Contains(s, "/") {
		s = s[i+1:]
	}
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", invalid("domain", "%q is not a URL", s)
		}
		s = u.Host
	}
	s = strings.TrimSuffix(stripPort(strings.TrimSuffix(strings.ToLower(s), "/")), ".")
	if s == "" {
		return "", invalid("domain", "is required")
	}
	if len(s) > MaxDomainLen {
		return "", invalid("domain", "is longer than %d characters", MaxDomainLen)
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return s, nil
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return "", invalid("domain", "%q has no dot: give a full domain such as mobilizon.example.org", s)
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", invalid("domain", "%q is not a domain name", s)
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return "", invalid("domain", "%q is not a domain name (letters without accents, digits and hyphens; punycode for others)", s)
			}
		}
	}
	return s, nil
}

// DomainSuffixes returns the host (without port, lower case) and each
// domain above it ("a.b.example.org" → a.b.example.org, b.example.org,
// example.org): a block of any of them covers the host. An IP address is
// only itself.
func DomainSuffixes(host string) []string {
	host = strings.TrimSuffix(stripPort(strings.ToLower(strings.TrimSpace(host))), ".")
	if host == "" {
		return nil
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return []string{host}
	}
	var out []string
	for {
		out = append(out, host)
		i := strings.IndexByte(host, '.')
		if i < 0 || !strings.Contains(host[i+1:], ".") {
			return out
		}
		host = host[i+1:]
	}
}

// stripPort drops a port from host:port or [ipv6]:port, and the brackets
// of [ipv6]; model does not import net (ical, which imports model, does
// no network I/O).
func stripPort(h string) string {
	if strings.HasPrefix(h, "[") {
		if i := strings.IndexByte(h, ']'); i > 0 {
			return h[1:i]
		}
		return h
	}
	if strings.Count(h, ":") != 1 {
		return h // no port, or a bare IPv6 address
	}
	host, port, _ := strings.Cut(h, ":")
	for _, r := range port {
		if r < '0' || r > '9' {
			return h
		}
	}
	return host
}
