package caldav

import (
	"strings"
	"testing"

	"github.com/bastide47/bastide/db/model"
)

func TestParsePath(t *testing.T) {
	cases := []struct {
		in                        string
		ok                        bool
		kind                      resKind
		user, assoc, slug, object string
	}{
		{"/dav", true, resRoot, "", "", "", ""},
		{"/dav/", true, resRoot, "", "", "", ""},
		{"/dav/principals/", true, resPrincipals, "", "", "", ""},
		{"/dav/principals/alice/", true, resPrincipal, "alice", "", "", ""},
		{"/dav/principals/alice", true, resPrincipal, "alice", "", "", ""},
		{"/dav/calendars/alice/", true, resHome, "alice", "", "", ""},
		{"/dav/calendars/alice/perso/", true, resCalendar, "alice", "", "perso", ""},
		{"/dav/calendars/alice/ABC-DEF/", true, resCalendar, "alice", "", "abc-def", ""},
		{"/dav/calendars/alice/amis.main/", true, resCalendar, "alice", "amis", "main", ""},
		{"/dav/calendars/alice/amis.main/x.ics", true, resObject, "alice", "amis", "main", "x.ics"},
		{"/dav/calendars/alice/amis.main/a%20b%40c.ics", true, resObject, "alice", "amis", "main", "a b@c.ics"},
		{"/dav/calendars/alice/amis.main/coll/", true, resBelow, "alice", "amis", "main", ""},
		{"/dav/calendars/alice/amis.main/a/b.ics", true, resBelow, "alice", "amis", "main", ""},
		{"/dav/calendars/alice/AMIS.main/", false, 0, "", "", "", ""},
		{"/dav/calendars/alice/a.b.c/", false, 0, "", "", "", ""},
		{"/dav/calendars/alice/.main/", false, 0, "", "", "", ""},
		{"/dav/calendars/alice/other_name/", true, resCalendar, "alice", "", personalSlug("other_name"), ""},
		{"/dav/calendars/alice/test%20@%20foo%20%C3%A4t%20bar/", true, resCalendar, "alice", "", personalSlug("test @ foo ät bar"), ""},
		{"/dav/calendars/alice/tab%09/", false, 0, "", "", "", ""},
		{"/dav/calendars/alice/../bob/", false, 0, "", "", "", ""},
		{"/dav/calendars/alice/%2e%2e/bob/", false, 0, "", "", "", ""},
		{"/dav/calendars/alice%2Fbob/", false, 0, "", "", "", ""},
		{"/dav/calendars//alice/", false, 0, "", "", "", ""},
		{"/dav/calendars/alice/amis.main/%00.ics", false, 0, "", "", "", ""},
		{"/dav/calendars/alice/amis.main/.", false, 0, "", "", "", ""},
		{"/dav/other/", false, 0, "", "", "", ""},
		{"/davx/", false, 0, "", "", "", ""},
		{"/dav/principals/alice/x/", false, 0, "", "", "", ""},
	}
	for _, c := range cases {
		p, ok := parsePath("/dav", c.in)
		if ok != c.ok {
			t.Errorf("%s: ok %v, want %v", c.in, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if p.kind != c.kind || p.user != c.user || p.assoc != c.assoc || p.slug != c.slug || p.object != c.object {
			t.Errorf("%s: got %+v", c.in, p)
		}
	}
	// A personal slug never contains a dot and an association calendar's
	// segment always does: the namespaces cannot meet.
	if a, s, ok := calendarName("amis-main"); !ok || a != "" || s != "amis-main" {
		t.Errorf("personal: %q %q %v", a, s, ok)
	}
	if a, s, ok := calendarName("amis.main"); !ok || a != "amis" || s != "main" {
		t.Errorf("association: %q %q %v", a, s, ok)
	}
	// Other names get a slug of their own, a valid one.
	seen := map[string]string{}
	for _, n := range []string{"test @ foo ät bar", "test @ foo at bar", "Test @ foo ät bar", "日本", "日本語", "_", strings.Repeat("é-a", 40)} {
		a, s, ok := calendarName(n)
		if !ok || a != "" || !model.ValidSlug(s) || strings.Contains(s, ".") {
			t.Errorf("%q: %q %q %v", n, a, s, ok)
		}
		if o, dup := seen[s]; dup {
			t.Errorf("%q and %q share slug %q", n, o, s)
		}
		seen[s] = n
	}
}

func TestHrefPath(t *testing.T) {
	for in, want := range map[string]string{
		"/dav/calendars/alice/amis.main/x.ics":                  "/dav/calendars/alice/amis.main/x.ics",
		"https://h.example/dav/calendars/alice/amis.main/x.ics": "/dav/calendars/alice/amis.main/x.ics",
		" /dav/x?y=1 ": "/dav/x",
	} {
		if got, ok := hrefPath(in); !ok || got != want {
			t.Errorf("%q: %q %v", in, got, ok)
		}
	}
}

// TestValidSlug holds the fast slug check equal to the model's.
func TestValidSlug(t *testing.T) {
	cases := []string{"", "a", "-", "a-", "-a", "a-b", "a--b", "A", "é", "a.b", "a_b", "0", "9z", "ab-", "x y",
		strings.Repeat("a", model.MaxSlugLen), strings.Repeat("a", model.MaxSlugLen+1), "agenda", "bench", "\x00"}
	alphabet := "az09-A.é"
	for i := 0; i < 4096; i++ {
		var b strings.Builder
		for n := i; n > 0; n /= len(alphabet) + 1 {
			if d := n % (len(alphabet) + 1); d > 0 {
				b.WriteByte(alphabet[d-1])
			}
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		if got, want := validSlug(s), model.ValidSlug(s); got != want {
			t.Errorf("validSlug(%q) = %v, model.ValidSlug says %v", s, got, want)
		}
	}
}
