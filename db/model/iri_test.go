package model

import "testing"

func TestNormalizeIRI(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://mobilizon.fr/events/1", "https://mobilizon.fr/events/1"},
		{"HTTPS://Mobilizon.FR/events/1", "https://mobilizon.fr/events/1"},
		{"https://mobilizon.fr./events/1", "https://mobilizon.fr/events/1"},
		{"https://mobilizon.fr:443/events/1", "https://mobilizon.fr/events/1"},
		{"http://mobilizon.fr:80/@grp#main-key", "http://mobilizon.fr/@grp#main-key"},
		{"https://mobilizon.fr:8443/Events/A?b=C#D", "https://mobilizon.fr:8443/Events/A?b=C#D"},
		{"http://mobilizon.fr:443/x", "http://mobilizon.fr:443/x"},
		{"https://Mobilizon.fr.:443", "https://mobilizon.fr"},
		{"http://[::1]:80/x", "http://[::1]/x"},
		{"https://user@mobilizon.fr/x", "https://user@mobilizon.fr/x"},
		{"mailto:a@b.example", "mailto:a@b.example"},
		{"urn:uuid:1", "urn:uuid:1"},
		{"https://www.w3.org/ns/activitystreams#Public", "https://www.w3.org/ns/activitystreams#Public"},
		{"", ""},
	} {
		if got := NormalizeIRI(c.in); got != c.want {
			t.Errorf("NormalizeIRI(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if o := IRIOrigin("HTTPS://Mobilizon.FR.:443/events/1"); o != "https://mobilizon.fr" {
		t.Errorf("IRIOrigin = %q", o)
	}
	if o := IRIOrigin("ftp://x.example/"); o != "" {
		t.Errorf("IRIOrigin of ftp = %q, want empty", o)
	}
}
