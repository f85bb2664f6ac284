package model

import (
	"testing"
	"time"
)

func TestNormalizeFeedURL(t *testing.T) {
	for in, want := range map[string]string{
		"webcal://calendar.google.com/calendar/ical/x%40group/public/basic.ics": "https://calendar.google.com/calendar/ical/x%40group/public/basic.ics",
		"WEBCALS://example.org/a.ics#frag":                                      "https://example.org/a.ics",
		" https://example.org/a.ics ":                                           "https://example.org/a.ics",
		"http://example.org/a.ics":                                              "http://example.org/a.ics",
	} {
		if got, err := NormalizeFeedURL(in); err != nil || got != want {
			t.Errorf("NormalizeFeedURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"ftp://example.org/a.ics", "example.org/a.ics", "https://", "https://user:pw@example.org/a.ics", "javascript:alert(1)"} {
		if got, err := NormalizeFeedURL(bad); err == nil {
			t.Errorf("NormalizeFeedURL(%q) = %q, want an error", bad, got)
		}
	}
}

func TestSubscriptionBackoff(t *testing.T) {
	want := []time.Duration{5 * time.Minute, 10 * time.Minute, 20 * time.Minute, 40 * time.Minute, 80 * time.Minute}
	for i, w := range want {
		if got := SubscriptionBackoff(i + 1); got != w {
			t.Errorf("after %d failures: %s, want %s", i+1, got, w)
		}
	}
	for _, f := range []int{10, 11, 50, 1 << 30} {
		if got := SubscriptionBackoff(f); got != MaxSubscriptionBackoff {
			t.Errorf("after %d failures: %s, want the cap", f, got)
		}
	}
}
