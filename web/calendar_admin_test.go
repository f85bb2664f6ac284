package web

import (
	"context"
	"net/url"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

func TestCalendars(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	amis := env.assocs["amis"].ID
	olga := env.session("olga")
	cal := func(slug string) *model.Calendar {
		t.Helper()
		c, err := env.s.GetAssociationCalendar(ctx, amis, slug)
		if err != nil {
			t.Fatalf("calendar %s: %v", slug, err)
		}
		return c
	}
	env.do("GET", "/admin/associations/amis/calendars", olga, nil).must(t, 200, "<h1>Agendas de l&#39;association</h1>", "Agenda", `href="/admin/associations/amis/calendars/main/edit"`)
	env.do("GET", "/admin/associations/amis/calendars/new", olga, nil).must(t, 200, `type="color" value="#3366cc"`)

	// Two calendars of the same name get two addresses.
	for _, want := range []string{"fetes-d-ete", "fetes-d-ete-2"} {
		env.do("POST", "/admin/associations/amis/calendars", olga, url.Values{"name": {"Fêtes d'été"}, "color": {"#AA3300"}, "public": {"on"}}).
			redirects(t, "/admin/associations/amis/calendars?done=saved")
		if c := cal(want); c.Name != "Fêtes d'été" || c.Color != "#aa3300" || !c.Public {
			t.Fatalf("created %+v", c)
		}
	}
	before := env.snapshot()
	env.do("POST", "/admin/associations/amis/calendars", olga, url.Values{"name": {""}, "color": {"red"}}).
		must(t, 422, `id="name-err"`, `id="color-err"`, "Choisissez une couleur")
	env.do("POST", "/admin/associations/amis/calendars/main/delete", olga, url.Values{}).must(t, 422, "Cochez la case")
	env.do("GET", "/admin/associations/amis/calendars/nope/edit", olga, nil).must(t, 404, "Cet agenda n&#39;existe pas.")
	// Another association's calendar is not reached through this one.
	env.do("POST", "/admin/associations/autre/calendars/main/delete", olga, url.Values{"confirm": {"on"}}).must(t, 403)
	if after := env.snapshot(); after != before {
		t.Fatalf("refused forms changed the store:\n%s\n%s", before, after)
	}

	// Making a public calendar private logs every event of it, which the
	// publisher turns into Deletes; the agenda drops them.
	main := cal("main")
	ev := dbtest.Event(main.ID, "fete@amis", testNow.AddDate(0, 0, 3), "Fête du village")
	if _, err := env.s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	seq := lastSeq(t, env.s)
	env.do("GET", "/events/"+ev.UUID, "", nil).must(t, 200, "Fête du village")
	env.do("POST", "/admin/associations/amis/calendars/main/edit", olga, url.Values{"name": {"Agenda interne"}, "color": {"#112233"}}).
		redirects(t, "/admin/associations/amis/calendars?done=saved")
	if c := cal("main"); c.Public || c.Name != "Agenda interne" || c.Color != "#112233" {
		t.Fatalf("updated %+v", c)
	}
	if ch := changesAfter(t, env.s, seq); len(ch) != 1 || ch[0].UID != "fete@amis" {
		t.Fatalf("changes after making it private: %+v", ch)
	}
	if r := env.do("GET", "/events/"+ev.UUID, "", nil); r.Code == 200 {
		t.Fatal("the private calendar's event is still public")
	}

	// Deleting a calendar logs each event's deletion.
	seq = lastSeq(t, env.s)
	env.do("POST", "/admin/associations/amis/calendars/main/delete", olga, url.Values{"confirm": {"on"}}).
		redirects(t, "/admin/associations/amis/calendars?done=removed")
	if _, err := env.s.GetAssociationCalendar(ctx, amis, "main"); err == nil {
		t.Fatal("the calendar is still there")
	}
	if ch := changesAfter(t, env.s, seq); len(ch) != 1 || ch[0].UID != "fete@amis" || ch[0].Kind != model.ChangeDelete {
		t.Fatalf("changes after deleting: %+v", ch)
	}
}

func lastSeq(t *testing.T, s *db.Store) int64 {
	t.Helper()
	ch := changesAfter(t, s, 0)
	if len(ch) == 0 {
		return 0
	}
	return ch[len(ch)-1].Seq
}

func changesAfter(t *testing.T, s *db.Store, seq int64) []model.Change {
	t.Helper()
	ch, err := s.ChangesAfter(context.Background(), seq, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}
