package federation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// regionMember is one département's Bastide in a regional test.
type regionMember struct {
	*instance
	assoc *model.Association
	cal   *model.Calendar
}

// agendaRows returns the public agenda of an instance for the next 60
// days: summary → the rows showing it.
func agendaRows(t testing.TB, s *db.Store) map[string][]db.InstanceRow {
	t.Helper()
	now := time.Now()
	rows, err := s.ListInstances(context.Background(), db.InstanceQuery{From: now.Add(-time.Hour), To: now.Add(60 * 24 * time.Hour), Public: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]db.InstanceRow{}
	for _, r := range rows {
		out[r.Event.Summary] = append(out[r.Event.Summary], r)
	}
	return out
}

// TestRegionOfFiveInstances: five Bastides (five départements) on
// loopback, each following the four others' /relay, make a regional
// agenda. Every agenda shows the union of their public events, each once,
// local ones under their association and remote ones from their origin's
// relay, attributed there to the association that wrote them; creations, updates and deletions reach all of them; nobody ever
// sends an activity about an object that is not its own (no Announce back
// to the origin, no copies of copies). One instance is then stopped for a
// few seconds while the others create, update and delete, and catches up
// once restarted. The outage is seconds (until the deliveries to it
// failed four times), not minutes: the retry clock starts at 200 ms here
// (RetryBase; a ten-minute outage with the default 1 min clock is the same
// story, slower). Logged: how long an event takes
// to reach the four others, and the requests per event.
func TestRegionOfFiveInstances(t *testing.T) {
	ctx := context.Background()
	const n = 5
	names := []string{"agen", "bordeaux", "cahors", "mont-de-marsan", "auch"}
	region := make([]*regionMember, n)
	for i := range region {
		// The production poll (1 s): the region must not depend on it.
		in := newInstance(t, func(c *Config) { c.PollInterval = time.Second })
		a, cal := dbtest.Association(t, in.store, "fetes-"+names[i])
		region[i] = &regionMember{instance: in, assoc: a, cal: cal}
	}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	put := func(m *regionMember, uid, summary string) *model.Event {
		t.Helper()
		ev := dbtest.Event(m.cal.ID, uid, start, summary)
		if _, err := m.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	// want is what every agenda must show: summary → its origin.
	want := map[string]*regionMember{}
	// Published before the region exists: reached by the relays' backlog.
	for i, m := range region {
		s := "Fête de " + names[i]
		put(m, "fete", s)
		want[s] = m
	}
	for _, b := range region {
		for _, a := range region {
			if a != b {
				if _, _, err := b.fed.Follow(ctx, a.fed.URIs().RelayID(), true); err != nil {
					t.Fatalf("%s follows %s: %v", b.fed.URIs().Base(), a.fed.URIs().RelayID(), err)
				}
			}
		}
	}
	for _, b := range region {
		for _, a := range region {
			if a == b {
				continue
			}
			eventually(t, 20*time.Second, "every relay follow accepted", func() bool {
				f, err := b.store.GetFollow(ctx, a.fed.URIs().RelayID())
				return err == nil && f.State == db.FollowAccepted
			})
		}
	}
	check := func(what string, members []*regionMember) {
		t.Helper()
		for _, m := range members {
			msg := ""
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if msg = showsExactly(t, m, want); msg == "" {
					break
				}
			}
			if msg != "" {
				t.Fatalf("waiting 20 s for %s on %s: %s", what, m.fed.URIs().Base(), msg)
			}
		}
	}
	check("the regional agenda", region)

	// Figures: events written one after the other on the first instance,
	// each timed until the four others show it.
	var lat []time.Duration
	posts0, gets0 := regionRequests(region)
	const rounds = 10
	for r := 0; r < rounds; r++ {
		s := fmt.Sprintf("Concert %d à Agen", r)
		t0 := time.Now()
		put(region[0], fmt.Sprintf("concert-%d", r), s)
		want[s] = region[0]
		for _, m := range region[1:] {
			eventually(t, 20*time.Second, s+" everywhere", func() bool { return len(agendaRows(t, m.store)[s]) == 1 })
		}
		lat = append(lat, time.Since(t0))
	}
	for _, m := range region {
		waitDrained(t, m.store)
	}
	posts1, gets1 := regionRequests(region)
	slices.Sort(lat)
	// Only the origin POSTs (the others answer nothing); the GETs are the
	// others' fetches from the origin (actors and their keys).
	t.Logf("an event written on one instance reached the four others in %s (median of %d), %s at most; "+
		"the origin made %.1f POSTs per event (a Create and an Announce to each other instance), the others %.1f GETs between them",
		lat[len(lat)/2], rounds, lat[len(lat)-1], float64(posts1-posts0)/rounds, float64(gets1-gets0)/rounds)
	check("the concerts", region)

	// An update and a deletion reach everyone.
	put(region[1], "fete", "Fête de bordeaux (reportée)")
	delete(want, "Fête de bordeaux")
	want["Fête de bordeaux (reportée)"] = region[1]
	if _, err := region[2].store.DeleteEvent(ctx, region[2].cal.ID, "fete.ics", ""); err != nil {
		t.Fatal(err)
	}
	delete(want, "Fête de cahors")
	check("the update and the deletion", region)

	// The last instance goes down; the others create, update and delete.
	down := region[n-1]
	down.shutdown()
	for i, m := range region[:n-1] {
		s := fmt.Sprintf("Marché de %s", names[i])
		put(m, "marche", s)
		want[s] = m
	}
	put(region[0], "concert-0", "Concert 0 à Agen (complet)")
	delete(want, "Concert 0 à Agen")
	want["Concert 0 à Agen (complet)"] = region[0]
	if _, err := region[3].store.DeleteEvent(ctx, region[3].cal.ID, "fete.ics", ""); err != nil {
		t.Fatal(err)
	}
	delete(want, "Fête de mont-de-marsan")
	// An event created and deleted during the outage: the stopped
	// instance must never show it once back.
	put(region[1], "ephemere", "Éphémère")
	want["Éphémère"] = region[1]
	check("the changes made during the outage", region[:n-1])
	if _, err := region[1].store.DeleteEvent(ctx, region[1].cal.ID, "ephemere.ics", ""); err != nil {
		t.Fatal(err)
	}
	delete(want, "Éphémère")
	check("the deletion made during the outage", region[:n-1])
	// Down until the deliveries to it failed four times (about 3 s).
	eventually(t, 30*time.Second, "deliveries to the stopped instance to fail four times", func() bool {
		var a int
		err := region[0].store.Reader().QueryRow(`SELECT ifnull(max(attempts), 0) FROM deliveries WHERE state = 'pending' AND inbox = ?`,
			down.fed.URIs().SharedInbox()).Scan(&a)
		return err == nil && a >= 4
	})
	down.restart()
	check("the catch-up after the outage", []*regionMember{down})
	check("the regional agenda after the outage", region)

	// Each remote event is, at its origin, attributed to the association
	// that wrote it (Bastide files it by the relay it came through).
	for _, m := range region {
		for s, origin := range want {
			if origin == m {
				continue
			}
			ev := agendaRows(t, m.store)[s][0].Event
			var obj map[string]any
			getJSON(t, ev.APID, "application/activity+json", &obj)
			if g := origin.fed.URIs().ActorID(origin.assoc.Slug); obj["attributedTo"] != g || obj["name"] != s {
				t.Errorf("%s shows %q from %s, attributed there to %v, want %s", m.fed.URIs().Base(), s, ev.APID, obj["attributedTo"], g)
			}
		}
	}

	// Nobody sent anything about an object that is not its own.
	for _, m := range region {
		waitDrained(t, m.store)
		rows, err := m.store.Reader().Query(`SELECT ap_id, body FROM activities`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, body string
			if err := rows.Scan(&id, &body); err != nil {
				t.Fatal(err)
			}
			act, err := mobilizon.Decode([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			switch act["type"] {
			case "Create", "Update", "Delete", "Announce":
				if obj := mobilizon.IDOf(act["object"]); !strings.HasPrefix(obj, m.fed.URIs().Base()+"/") {
					t.Errorf("%s sent a %v of %s, not its own", m.fed.URIs().Base(), act["type"], obj)
				}
			}
		}
		rows.Close()
	}
}

// showsExactly tells what is wrong with an instance's agenda, given what
// it must show (summary → origin): every event once, nothing else; its
// own events local, under its association; the others' remote, with an
// id on their origin, in the calendar of its follow of the origin's relay.
func showsExactly(t testing.TB, m *regionMember, want map[string]*regionMember) string {
	t.Helper()
	rows := agendaRows(t, m.store)
	for s := range rows {
		if want[s] == nil {
			return fmt.Sprintf("shows %q, which it should not", s)
		}
	}
	for s, origin := range want {
		rs := rows[s]
		if len(rs) != 1 {
			return fmt.Sprintf("shows %q %d times", s, len(rs))
		}
		ev := rs[0].Event
		if origin == m {
			if ev.Origin == model.OriginRemote || rs[0].AssociationSlug != m.assoc.Slug {
				return fmt.Sprintf("shows its own %q as %s, association %q", s, ev.Origin, rs[0].AssociationSlug)
			}
			continue
		}
		if ev.Origin != model.OriginRemote || !strings.HasPrefix(ev.APID, origin.fed.URIs().Base()+"/events/") {
			return fmt.Sprintf("shows %q as %s with id %s, want remote from %s", s, ev.Origin, ev.APID, origin.fed.URIs().Base())
		}
		f, err := m.store.GetFollow(context.Background(), origin.fed.URIs().RelayID())
		if err != nil || ev.CalendarID != f.CalendarID {
			return fmt.Sprintf("files %q in calendar %d, not the one of its follow of %s", s, ev.CalendarID, origin.fed.URIs().RelayID())
		}
	}
	return ""
}

func regionRequests(region []*regionMember) (posts, gets int64) {
	for _, m := range region {
		posts += m.posts.Load()
		gets += m.gets.Load()
	}
	return posts, gets
}
