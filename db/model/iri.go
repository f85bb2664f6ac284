package model

import (
	"net/url"
	"strings"
)

// NormalizeIRI is the one spelling under which a remote ActivityPub id
// (an actor, a key, an inbox, an object) is stored and compared, so that
// one server's object is never kept twice under two spellings of its
// host: the scheme and host in lower case, without a trailing dot, and
// without the scheme's default port. The path, query and fragment are
// kept as written (they are the server's to interpret). Anything that is
// not an absolute http(s) URL with a host, or carries user information,
// is returned unchanged.
func NormalizeIRI(s string) string {
	scheme, host, rest, ok := splitIRI(s)
	if !ok {
		return s
	}
	return scheme + "://" + host + rest
}

// IRIOrigin is the origin (scheme://host[:port], normalised as by
// NormalizeIRI) of an absolute http(s) URL, or "" for anything else.
func IRIOrigin(s string) string {
	scheme, host, _, ok := splitIRI(s)
	if !ok {
		return ""
	}
	return scheme + "://" + host
}

// splitIRI splits an absolute http(s) URL into its normalised scheme and
// host[:port], and the rest (path, query, fragment) as written.
func splitIRI(s string) (scheme, host, rest string, ok bool) {
	p, err := url.Parse(s)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil || p.Opaque != "" {
		return "", "", "", false
	}
	i := strings.Index(s, "://")
	if i < 0 {
		return "", "", "", false
	}
	after := s[i+3:]
	end := strings.IndexAny(after, "/?#")
	if end < 0 {
		end = len(after)
	}
	rest = after[end:]
	h := strings.TrimSuffix(strings.ToLower(p.Hostname()), ".")
	if h == "" {
		return "", "", "", false
	}
	port := p.Port()
	if (p.Scheme == "http" && port == "80") || (p.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if port != "" {
		h += ":" + port
	}
	return p.Scheme, h, rest, true
}
