package caldav

import (
	"strings"
	"testing"
)

// The XML reader never panics, never nests deeper than its bound and
// refuses DOCTYPE whatever the input.
func FuzzParseXML(f *testing.F) {
	for _, s := range []string{
		`<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`,
		`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`,
		`<a xmlns:b=""><b:c/></a>`,
		`<a><b><c><d></d></c></b></a>`,
		`<a>&lt;&#13;</a>`,
		"<a>\xff</a>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseXML(strings.NewReader(s), 8, 1000)
		if err != nil {
			return
		}
		if strings.Contains(s, "<!DOCTYPE") {
			t.Fatalf("DOCTYPE accepted: %q", s)
		}
		depth, stack := 0, []*node{n}
		levels := []int{1}
		for len(stack) > 0 {
			x, l := stack[len(stack)-1], levels[len(levels)-1]
			stack, levels = stack[:len(stack)-1], levels[:len(levels)-1]
			if l > depth {
				depth = l
			}
			for _, c := range x.Children {
				stack, levels = append(stack, c), append(levels, l+1)
			}
		}
		if depth > 8 {
			t.Fatalf("depth %d", depth)
		}
		_ = n.innerXML()
	})
}

// Paths that parse never hold a separator or a dot segment.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"/dav/calendars/a/b.c/x.ics", "/dav/calendars/a/%2e%2e/", "/dav/principals/a/", "/dav/calendars/a/B/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := parsePath("/dav", s)
		if !ok {
			return
		}
		for _, seg := range []string{p.user, p.calSeg, p.object} {
			if seg == "." || seg == ".." || strings.ContainsAny(seg, "/\\\x00") {
				t.Fatalf("%q gave segment %q", s, seg)
			}
		}
	})
}
