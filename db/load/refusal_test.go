package load

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// TestRefusalCodes: each object of a file that cannot be stored is
// refused with the code of its reason (the pages translate it), the
// property at fault when the message names one, and the technical text.
// The reasons come from the parser (ical), the expansion of repetitions
// and the store.
func TestRefusalCodes(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	a, _ := dbtest.Association(t, store, "club")
	cal := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: "sorties", Name: "Sorties",
		Public: true, Components: []string{"VEVENT"}}
	if err := store.CreateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	// An object of another UID already holds the place of the UID "taken".
	occupant := dbtest.Event(cal.ID, "occupant@club", testNow, "Déjà là")
	occupant.Href = "taken.ics"
	if _, err := store.PutEvent(ctx, db.Put{Event: occupant}); err != nil {
		t.Fatal(err)
	}

	rep, err := ICS(ctx, store, a, readTestdata(t, "refusals.ics"), Options{CalendarSlug: cal.Slug, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	type why struct {
		code ical.Code
		args []string
	}
	want := map[string]why{
		"journal@club":          {ical.CodeUnsupportedComponent, []string{"VJOURNAL"}},
		"":                      {ical.CodeNoUID, nil},
		"ends-early@club":       {ical.CodeEndBeforeStart, nil},
		"bad-date@club":         {ical.CodeBadDate, []string{"DTSTART"}},
		"bad-tz@club":           {ical.CodeBadTimezone, nil},
		"bad-rule@club":         {ical.CodeBadRecurrence, nil},
		"hostile@club":          {ical.CodeTooManyOccurrences, nil},
		"end-and-duration@club": {ical.CodeEndAndDuration, nil},
		"twice-start@club":      {ical.CodeRepeated, []string{"DTSTART"}},
		"bad-status@club":       {ical.CodeBadValue, []string{"STATUS"}},
		"long@club":             {CodeTooLong, []string{"SUMMARY"}},
		"task@club":             {CodeComponentRefused, []string{"VTODO"}},
		"taken":                 {CodeConflict, nil},
	}
	if rep.Added != 1 || len(rep.Refused) != len(want) {
		t.Errorf("added %d, refused %d, want 1 and %d", rep.Added, len(rep.Refused), len(want))
	}
	for _, r := range rep.Refused {
		w, ok := want[r.UID]
		if !ok {
			t.Errorf("unexpected refusal %+v", r)
			continue
		}
		delete(want, r.UID)
		if r.Code != w.code || !slices.Equal(r.Args, w.args) {
			t.Errorf("%q refused as %s %q, want %s %q (%s)", r.UID, r.Code, r.Args, w.code, w.args, r.Detail)
		}
		if r.Detail == "" || strings.HasPrefix(r.Detail, "ical: ") {
			t.Errorf("%q: technical detail %q", r.UID, r.Detail)
		}
		if !slices.Contains(Codes(), r.Code) {
			t.Errorf("%q: code %s is not in Codes()", r.UID, r.Code)
		}
	}
	for uid := range want {
		t.Errorf("%q was not refused", uid)
	}
}

// TestCodesListed: every code of the list is one, once, and the codes
// that name a property are few enough to be written in each message.
func TestCodesListed(t *testing.T) {
	seen := map[ical.Code]bool{}
	for _, c := range Codes() {
		if c == "" || seen[c] || strings.ContainsAny(string(c), " .") {
			t.Errorf("code %q empty, repeated or not a plain word", c)
		}
		seen[c] = true
	}
}
