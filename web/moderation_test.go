package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// source follows an untrusted remote source, as bastide follow does: a
// public remote calendar and its follow.
func (env *adminEnv) source(name string) *db.Follow {
	env.t.Helper()
	ctx := context.Background()
	actor := "https://mobilizon.test/@" + name
	cal := &model.Calendar{Kind: model.CalendarRemote, Slug: name, Name: "Groupe " + name, Public: true, Source: actor,
		Components: []string{"VEVENT"}}
	if err := env.s.CreateCalendar(ctx, cal); err != nil {
		env.t.Fatal(err)
	}
	fl := &db.Follow{Object: actor, FollowID: actor + "#follow", State: db.FollowAccepted, CalendarID: cal.ID}
	if err := env.s.PutFollow(ctx, fl); err != nil {
		env.t.Fatal(err)
	}
	return fl
}

// pending stores a remote event of the source waiting for moderation, the
// way federation stores one from an untrusted source.
func (env *adminEnv) pending(fl *db.Follow, uid, summary string) *model.Event {
	env.t.Helper()
	text := strings.Join([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//FR", "BEGIN:VEVENT",
		"UID:" + uid, "DTSTAMP:20260301T000000Z", "DTSTART;TZID=Europe/Paris:20260415T180000",
		"DTEND;TZID=Europe/Paris:20260415T200000", "SUMMARY:" + summary, "LOCATION:Salle des fêtes, Agen",
		"END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
	obj, err := ical.ParseObject([]byte(text), ical.DefaultLimits())
	if err != nil {
		env.t.Fatal(err)
	}
	e, err := obj.Event(testNow, ical.DefaultLimits())
	if err != nil {
		env.t.Fatal(err)
	}
	e.CalendarID, e.Href, e.Origin = fl.CalendarID, uid+".ics", model.OriginRemote
	e.APID, e.Moderation = "https://mobilizon.test/events/"+uid, model.ModerationPending
	if _, err := env.s.PutEvent(context.Background(), db.Put{Event: e}); err != nil {
		env.t.Fatal(err)
	}
	return e
}

func (env *adminEnv) moderation(id int64) string {
	env.t.Helper()
	e, err := env.s.GetEvent(context.Background(), id)
	if err != nil {
		env.t.Fatal(err)
	}
	return e.Moderation
}

func eventPath(e *model.Event, verb string) string {
	return "/admin/moderation/" + strconv.FormatInt(e.ID, 10) + "/" + verb
}

// An approved event is on the agenda and in the feeds at once; a rejected
// one stays hidden; before a decision, neither is public.
func TestModerationApproveShowsAtOnce(t *testing.T) {
	env := newAdminEnv(t)
	fl := env.source("bal")
	good := env.pending(fl, "bal-good", "Bal trad du printemps")
	bad := env.pending(fl, "bal-bad", "Vente de crypto-monnaie")
	admin := env.session("admin")

	// Warm the caches first: approval must not wait for them to expire.
	env.do(http.MethodGet, "/", "", nil).must(t, http.StatusOK).lacks(t, "Bal trad du printemps")
	env.do(http.MethodGet, "/feeds/agenda.ics", "", nil).must(t, http.StatusOK).lacks(t, "bal-good")

	env.do(http.MethodGet, "/admin/moderation", admin, nil).must(t, http.StatusOK,
		"Bal trad du printemps", "Vente de crypto-monnaie", "2\u00a0événements attendent", "Groupe bal",
		`action="`+eventPath(good, "approve")+`"`, `action="/admin/moderation/sources/`+strconv.FormatInt(fl.ID, 10)+`/trust"`)

	env.do(http.MethodPost, eventPath(good, "approve"), admin, url.Values{}).redirects(t, "/admin/moderation")
	env.do(http.MethodPost, eventPath(bad, "reject"), admin, url.Values{}).redirects(t, "/admin/moderation")
	if got := env.moderation(good.ID); got != model.ModerationApproved {
		t.Fatalf("approved event is %s", got)
	}
	if got := env.moderation(bad.ID); got != model.ModerationRejected {
		t.Fatalf("rejected event is %s", got)
	}

	env.do(http.MethodGet, "/", "", nil).must(t, http.StatusOK, "Bal trad du printemps").lacks(t, "crypto")
	env.do(http.MethodGet, "/feeds/agenda.ics", "", nil).must(t, http.StatusOK, "UID:bal-good").lacks(t, "bal-bad")
	env.do(http.MethodGet, "/feeds/agenda.rss", "", nil).must(t, http.StatusOK, "Bal trad du printemps").lacks(t, "crypto")
	env.do(http.MethodGet, "/admin/moderation", admin, nil).must(t, http.StatusOK, "Aucun événement").
		lacks(t, "Bal trad du printemps", "crypto")

	// A second decision on the same event is refused and changes nothing.
	env.do(http.MethodPost, eventPath(bad, "approve"), admin, url.Values{}).must(t, http.StatusConflict, "déjà été prise")
	if got := env.moderation(bad.ID); got != model.ModerationRejected {
		t.Fatalf("rejected event became %s", got)
	}
	env.do(http.MethodPost, "/admin/moderation/999999/approve", admin, url.Values{}).must(t, http.StatusNotFound, "existe plus")
	env.do(http.MethodPost, "/admin/moderation/abc/reject", admin, url.Values{}).must(t, http.StatusNotFound, "existe plus")
}

// "Always approve this source" approves its pending events and the next
// ones; another source's stay pending.
func TestModerationTrustSource(t *testing.T) {
	env := newAdminEnv(t)
	bal, other := env.source("bal"), env.source("autre-groupe")
	a := env.pending(bal, "bal-1", "Bal un")
	b := env.pending(bal, "bal-2", "Bal deux")
	o := env.pending(other, "other-1", "Autre chose")
	admin := env.session("admin")

	env.do(http.MethodPost, "/admin/moderation/sources/"+strconv.FormatInt(bal.ID, 10)+"/trust", admin, url.Values{}).
		redirects(t, "/admin/moderation")
	for _, e := range []*model.Event{a, b} {
		if got := env.moderation(e.ID); got != model.ModerationApproved {
			t.Fatalf("%s is %s after trusting its source", e.Summary, got)
		}
	}
	if got := env.moderation(o.ID); got != model.ModerationPending {
		t.Fatalf("another source's event is %s", got)
	}
	ctx := context.Background()
	fl, err := env.s.GetFollow(ctx, bal.Object)
	if err != nil || !fl.Trusted {
		t.Fatalf("follow after trust: %+v, %v", fl, err)
	}
	cal, err := env.s.GetCalendar(ctx, bal.CalendarID)
	if err != nil || !cal.Trusted {
		t.Fatalf("calendar after trust: %+v, %v", cal, err)
	}
	env.do(http.MethodGet, "/", "", nil).must(t, http.StatusOK, "Bal un", "Bal deux").lacks(t, "Autre chose")
	env.do(http.MethodPost, "/admin/moderation/sources/999999/trust", admin, url.Values{}).must(t, http.StatusNotFound, "plus suivie")
}
