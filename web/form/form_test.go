package form

import (
	"net/url"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db/model"
)

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		errs   Errors
		fields string // the fields in error, sorted, comma-separated
	}{
		{"login ok", NewLogin(url.Values{"username": {"a"}, "password": {"b"}}).Validate(), ""},
		{"login empty", NewLogin(url.Values{}).Validate(), "password,username"},
		{"password ok", NewPassword(url.Values{"current": {"x"}, "password": {"12345678"}, "confirm": {"12345678"}}).Validate(), ""},
		{"password short", NewPassword(url.Values{"current": {"x"}, "password": {"1234567"}, "confirm": {"1234567"}}).Validate(), "password"},
		{"password long", NewReset(url.Values{"password": {strings.Repeat("x", 73)}, "confirm": {strings.Repeat("x", 73)}}).Validate(), "password"},
		{"password mismatch", NewReset(url.Values{"password": {"12345678"}, "confirm": {"12345679"}}).Validate(), "confirm"},
		{"app password name", NewAppPassword(url.Values{"name": {"  "}}).Validate(), "name"},
		{"app password control", NewAppPassword(url.Values{"name": {"a\x01b"}}).Validate(), "name"},
		{"invitation ok", NewInvitation(url.Values{"association": {"3"}, "role": {"viewer"}, "days": {"30"}}).Validate(), ""},
		{"invitation without association", NewInvitation(url.Values{}).Validate(), ""},
		{"invitation email", NewInvitation(url.Values{"email": {"marie@example.org"}}).Validate(), ""},
		{"invitation bad email", NewInvitation(url.Values{"email": {"Marie <marie@example.org>"}}).Validate(), "email"},
		{"invitation bad", NewInvitation(url.Values{"association": {"x"}, "role": {"boss"}, "username": {"Bad Name"}, "days": {"0"}}).Validate(), "association,days,role,username"},
		{"join ok", NewJoin(url.Values{"username": {"marie.c"}, "password": {"12345678"}, "confirm": {"12345678"}}).Validate(), ""},
		{"association ok", NewAssociation(url.Values{"name": {"Les amis"}, "website": {"https://amis.example"}, "commune": {"47001"}}).Validate(), ""},
		{"association bad", NewAssociation(url.Values{"name": {strings.Repeat("é", 150)}, "website": {"javascript:alert(1)"}, "commune": {"75056"},
			"description": {strings.Repeat("x", 20001)}}).Validate(), "commune,description,name,website"},
		{"association website without host", NewAssociation(url.Values{"name": {"A"}, "website": {"https://"}}).Validate(), "website"},
		{"join bad", NewJoin(url.Values{"username": {"-x"}, "display_name": {strings.Repeat("é", 201)}, "password": {""}}).Validate(), "display_name,password,username"},
	} {
		var got []string
		for _, f := range []string{"association", "commune", "confirm", "current", "days", "description", "display_name", "email", "name", "password", "role", "username", "website"} {
			if m, ok := c.errs[f]; ok {
				got = append(got, f)
				if !strings.HasPrefix(m.Key, "form.") {
					t.Errorf("%s: field %s has key %q", c.name, f, m.Key)
				}
			}
		}
		if strings.Join(got, ",") != c.fields {
			t.Errorf("%s: errors on %v, want %q (%v)", c.name, got, c.fields, c.errs)
		}
	}
}

func TestValueIsBounded(t *testing.T) {
	f := NewAppPassword(url.Values{"name": {strings.Repeat("é", 2000)}})
	if len(f.Name) > 800 {
		t.Fatalf("a typed value of %d bytes is kept", len(f.Name))
	}
}

func TestSlugFrom(t *testing.T) {
	for in, want := range map[string]string{
		"Fêtes d'été":                "fetes-d-ete",
		"  Marché -- de Nérac 2026 ": "marche-de-nerac-2026",
		"!!!":                        "agenda",
		strings.Repeat("ab ", 40):    strings.Repeat("ab-", 20) + "a",
	} {
		// Room is left for a "-9" suffix within the 64 bytes of a slug.
		if got := SlugFrom(in); got != want || !model.ValidSlug(got+"-9") {
			t.Errorf("SlugFrom(%q) = %q, want %q", in, got, want)
		}
	}
}
