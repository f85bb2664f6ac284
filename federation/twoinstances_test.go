package federation

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/caldav"
	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// agenda returns the summaries on an instance's public agenda.
func agenda(t *testing.T, s *db.Store) map[string]bool {
	t.Helper()
	now := time.Now()
	rows, err := s.ListInstances(context.Background(), db.InstanceQuery{From: now.Add(-time.Hour), To: now.Add(60 * 24 * time.Hour), Public: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range rows {
		out[r.Event.Summary] = true
	}
	return out
}

// TestTwoInstances: B follows A's association; an event written over
// CalDAV on A reaches B's agenda within 5 s, and so do its update and its
// deletion; A stopped right after a write, and written to while down,
// loses nothing once restarted.
func TestTwoInstances(t *testing.T) {
	ctx := context.Background()
	a := newInstance(t, nil)
	b := newInstance(t, nil)
	assoc, cal := dbtest.Association(t, a.store, "club")
	_ = assoc

	// Published before B follows: B gets it by backfill from A's outbox.
	early := dbtest.Event(cal.ID, "vide-grenier", time.Now().Add(72*time.Hour).Truncate(time.Minute), "Vide-grenier")
	if _, err := a.store.PutEvent(ctx, db.Put{Event: early}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "A to publish the early event", func() bool {
		p, err := a.store.GetPublished(ctx, early.UUID)
		return err == nil && p.State == db.PublishedLive
	})

	fl, _, err := b.fed.Follow(ctx, a.fed.URIs().ActorID("club"), true)
	if err != nil {
		t.Fatalf("follow: %v", err)
	}
	eventually(t, 20*time.Second, "A to record B's relay as an accepted follower", func() bool {
		f, err := a.store.GetFollower(ctx, assoc.ID, b.fed.URIs().RelayID())
		return err == nil && f.State == db.FollowAccepted
	})
	eventually(t, 20*time.Second, "B to receive A's Accept", func() bool {
		f, err := b.store.GetFollow(ctx, fl.Object)
		return err == nil && f.State == db.FollowAccepted
	})

	eventually(t, 20*time.Second, "the backfilled event on B's agenda", func() bool { return agenda(t, b.store)["Vide-grenier"] })

	// Written over CalDAV on A, by an editor of the association.
	dav := newDAVClient(t, a, assoc)
	start := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	dav.put("concert-1.ics", vevent("concert-1", start, "Concert sous la halle"), http.StatusCreated)
	ev, err := a.store.GetEventByHref(ctx, cal.ID, "concert-1.ics")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	eventually(t, 5*time.Second, "the event on B's agenda", func() bool { return agenda(t, b.store)["Concert sous la halle"] })
	t.Logf("create reached B in %s", time.Since(t0))

	remote, err := b.store.GetEventByAPID(ctx, a.fed.URIs().EventID(ev.UUID))
	if err != nil {
		t.Fatalf("B has no event with A's id: %v", err)
	}
	if !remote.Start.Equal(start) || remote.Origin != model.OriginRemote || remote.Moderation != model.ModerationApproved {
		t.Fatalf("remote copy: start %v (want %v), origin %q, moderation %q", remote.Start, start, remote.Origin, remote.Moderation)
	}

	dav.put("concert-1.ics", vevent("concert-1", start, "Concert sous la halle (reporté)"), http.StatusNoContent)
	t0 = time.Now()
	eventually(t, 5*time.Second, "the update on B", func() bool {
		g := agenda(t, b.store)
		return g["Concert sous la halle (reporté)"] && !g["Concert sous la halle"]
	})
	t.Logf("update reached B in %s", time.Since(t0))

	// A stops right after a CalDAV write (publisher and deliveries cut
	// short wherever they were), then one more event is written while A
	// is down; both go out once A is back.
	dav.put("marche-1.ics", vevent("marche-1", start.Add(24*time.Hour), "Marché de nuit"), http.StatusCreated)
	a.shutdown()
	late := dbtest.Event(cal.ID, "bal-1", start.Add(48*time.Hour), "Bal de la Saint-Jean")
	st, err := db.Open(ctx, a.path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutEvent(ctx, db.Put{Event: late}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	a.restart()
	eventually(t, 20*time.Second, "the events written just before and while A was down on B", func() bool {
		g := agenda(t, b.store)
		return g["Marché de nuit"] && g["Bal de la Saint-Jean"]
	})

	dav.delete("concert-1.ics")
	t0 = time.Now()
	eventually(t, 5*time.Second, "the deletion on B", func() bool { return !agenda(t, b.store)["Concert sous la halle (reporté)"] })
	t.Logf("deletion reached B in %s", time.Since(t0))
	if _, err := b.store.GetEventByAPID(ctx, a.fed.URIs().EventID(ev.UUID)); err == nil {
		t.Fatal("B still stores the deleted event")
	}
}

// davClient writes to an association's calendar through Bastide's CalDAV
// handler on an instance's store, as an editor with a password.
type davClient struct {
	t    *testing.T
	in   *instance
	path string
}

func newDAVClient(t *testing.T, in *instance, a *model.Association) *davClient {
	t.Helper()
	ctx := context.Background()
	hash, err := db.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	u := &model.User{Username: "editrice", DisplayName: "Éditrice", Email: "editrice@example.org", PasswordHash: hash}
	if err := in.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := in.store.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: a.ID, Role: model.RoleEditor}); err != nil {
		t.Fatal(err)
	}
	return &davClient{t: t, in: in, path: "/dav/calendars/editrice/" + a.Slug + ".main/"}
}

func (d *davClient) do(method, name, body string) *httptest.ResponseRecorder {
	d.t.Helper()
	req := httptest.NewRequest(method, d.in.fed.URIs().Base()+d.path+name, strings.NewReader(body))
	req.SetBasicAuth("editrice", "correct horse battery")
	if body != "" {
		req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
	}
	rec := httptest.NewRecorder()
	caldav.NewHandler(d.in.store, nil, caldav.Options{Prefix: "/dav"}).ServeHTTP(rec, req)
	return rec
}

func (d *davClient) put(name, body string, want int) {
	d.t.Helper()
	if rec := d.do(http.MethodPut, name, body); rec.Code != want && !(want == http.StatusNoContent && rec.Code == http.StatusOK) {
		d.t.Fatalf("CalDAV PUT %s: %d %s, want %d", name, rec.Code, rec.Body, want)
	}
}

func (d *davClient) delete(name string) {
	d.t.Helper()
	if rec := d.do(http.MethodDelete, name, ""); rec.Code != http.StatusNoContent && rec.Code != http.StatusOK {
		d.t.Fatalf("CalDAV DELETE %s: %d %s", name, rec.Code, rec.Body)
	}
}

func vevent(uid string, start time.Time, summary string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//test//FR\r\nBEGIN:VEVENT\r\nUID:" + uid +
		"\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:" + start.UTC().Format("20060102T150405Z") +
		"\r\nDTEND:" + start.Add(2*time.Hour).UTC().Format("20060102T150405Z") + "\r\nSUMMARY:" + summary +
		"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}

// TestFollowByHandleAndInstance: B follows A's association by its handle
// (WebFinger) and A as a whole instance by its domain (NodeInfo → /relay);
// an event of A is then stored once on B, in the association's calendar.
func TestFollowByHandleAndInstance(t *testing.T) {
	ctx := context.Background()
	a := newInstance(t, nil)
	b := newInstance(t, nil)
	_, cal := dbtest.Association(t, a.store, "club")
	host := a.fed.URIs().Host()

	byHandle, actor, err := b.fed.Follow(ctx, "@club@"+host, false)
	if err != nil {
		t.Fatalf("follow by handle: %v", err)
	}
	if actor.APID != a.fed.URIs().ActorID("club") || actor.Type != "Group" {
		t.Fatalf("the handle resolved to %+v", actor)
	}
	byInstance, relay, err := b.fed.Follow(ctx, host, true)
	if err != nil {
		t.Fatalf("follow by domain: %v", err)
	}
	if relay.APID != a.fed.URIs().RelayID() || relay.Type != "Application" {
		t.Fatalf("the domain resolved to %+v", relay)
	}
	for _, fl := range []*db.Follow{byHandle, byInstance} {
		eventually(t, 20*time.Second, "the Accept of "+fl.Object, func() bool {
			got, err := b.store.GetFollow(ctx, fl.Object)
			return err == nil && got.State == db.FollowAccepted
		})
	}
	ev := dbtest.Event(cal.ID, "bal", time.Now().Add(30*time.Hour).Truncate(time.Minute), "Bal populaire")
	if _, err := a.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	var got *model.Event
	eventually(t, 20*time.Second, "the event on B", func() bool {
		got, err = b.store.GetEventByAPID(ctx, a.fed.URIs().EventID(ev.UUID))
		return err == nil
	})
	// Not trusted through the group follow: it waits for moderation.
	if got.CalendarID != byHandle.CalendarID || got.Moderation != model.ModerationPending {
		t.Fatalf("stored in calendar %d (%s), want the group's calendar %d, pending", got.CalendarID, got.Moderation, byHandle.CalendarID)
	}
	if agenda(t, b.store)["Bal populaire"] {
		t.Fatal("a pending event is on the public agenda")
	}
}
