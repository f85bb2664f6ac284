package load

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// Real feeds' shapes, each refreshed as a subscription: every object is
// stored, at the right time, with its occurrences.
func TestFeedQuirks(t *testing.T) {
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	type want struct {
		uid, summary string
		start        time.Time
		instances    int
		check        func(t *testing.T, e *model.Event)
	}
	cases := []struct {
		file string
		objs int
		want []want
	}{
		{"google.ics", 2, []want{
			// Six Wednesdays, two EXDATEs in one list, one moved.
			{uid: "5k3j2h1g0f9e8d7c6b5a4@google.com", summary: "Marche du mercredi", start: utc("2027-01-06 17:00"), instances: 4},
			{uid: "0a9b8c7d6e5f4g3h2i1j@google.com", summary: "Sortie raquettes", instances: 1,
				check: func(t *testing.T, e *model.Event) {
					if !e.AllDay {
						t.Error("the all-day event is not all-day")
					}
				}},
		}},
		{"outlook.ics", 1, []want{
			// "Romance Standard Time" is Europe/Paris: 18:00 in July is 16:00 UTC.
			{uid: "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5D901000000000000000010000000F1E2D3C4B5A69788796A5B4C3D2E1F00",
				summary: "Conseil d'administration", start: utc("2027-07-05 16:00"), instances: 1},
		}},
		{"nextcloud.ics", 1, []want{{uid: "6f1b0c2e-8d7a-4b3c-9e2f-1a0b9c8d7e6f", summary: "Bourse aux livres", start: utc("2027-03-01 08:30"), instances: 1}}},
		{"gancio.ics", 1, []want{{uid: "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9", summary: "Concert au jardin partagé", start: utc("2027-06-12 19:00"), instances: 1,
			check: func(t *testing.T, e *model.Event) {
				if e.URL != "https://gancio.example/event/concert-au-jardin-partage" || len(e.Categories) != 2 {
					t.Errorf("url %q, categories %q", e.URL, e.Categories)
				}
			}}}},
		{"mobilizon-group.ics", 2, []want{{uid: "0b2e7f3c-5a4d-4e61-9a0b-3c2d1e0f9a88", summary: "Repair café", start: utc("2027-01-10 18:00"), instances: 1}}},
		{"floating-lf.ics", 2, []want{
			{uid: "loto-2027@club-website.example", summary: "Grand loto", instances: 1,
				check: func(t *testing.T, e *model.Event) {
					if !e.Floating {
						t.Error("a floating time lost its floating")
					}
				}},
			// A TZID with no VTIMEZONE: the zone comes from Go's data.
			{uid: "vide-grenier-2027@club-website.example", summary: "Vide-grenier", start: utc("2027-04-03 06:00"), instances: 1},
		}},
		{"bom.ics", 1, []want{{uid: "bom-1@example.org", summary: "Réunion publique", start: utc("2027-05-05 17:00"), instances: 1}}},
		{"folded-utf8.ics", 1, []want{{uid: "fold-1@example.org", summary: "Fête de la musique à Agen", start: utc("2027-06-21 18:00"), instances: 1,
			check: func(t *testing.T, e *model.Event) {
				if e.Description != "Scènes ouvertes dans toute la ville\u00a0: venez nombreux !" {
					t.Errorf("description %q", e.Description)
				}
			}}}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ctx := context.Background()
			store := dbtest.New(t)
			a, _ := dbtest.Association(t, store, "club")
			cal := subscribed(t, store, a, "flux")
			rep, err := ICS(ctx, store, a, readTestdata(t, c.file), Options{Feed: cal, Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Added != c.objs || len(rep.Refused) != 0 {
				t.Fatalf("added %d of %d, refused %v", rep.Added, c.objs, rep.Refused)
			}
			for _, w := range c.want {
				e, err := store.GetEventByUID(ctx, cal.ID, w.uid)
				if err != nil {
					t.Fatalf("%s: %v", w.uid, err)
				}
				if e.Summary != w.summary {
					t.Errorf("%s: summary %q, want %q", w.uid, e.Summary, w.summary)
				}
				if !w.start.IsZero() && !e.Start.Equal(w.start) {
					t.Errorf("%s: starts %s, want %s", w.uid, e.Start, w.start)
				}
				ins, err := store.GetInstances(ctx, e.ID)
				if err != nil || len(ins) != w.instances {
					t.Errorf("%s: %d occurrences (%v), want %d", w.uid, len(ins), err, w.instances)
				}
				if w.check != nil {
					w.check(t, e)
				}
			}
			// The same feed again: nothing rewritten.
			rep, err = ICS(ctx, store, a, readTestdata(t, c.file), Options{Feed: cal, Now: testNow})
			if err != nil || rep.Unchanged != c.objs || rep.Added+rep.Updated+rep.Deleted != 0 {
				t.Fatalf("again: %+v %v", rep, err)
			}
		})
	}
}
