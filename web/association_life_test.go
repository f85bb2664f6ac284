package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// The admin archives an association from the list: its page and its
// events' pages answer 410 saying it is archived, the agenda, the feed
// and the widget drop its events, its calendars refuse changes; un-
// archiving brings it all back.
func TestAssociationArchive(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	admin := env.session("admin")
	amis := env.assocs["amis"]
	cal, err := env.s.GetAssociationCalendar(ctx, amis.ID, "main")
	if err != nil {
		t.Fatal(err)
	}
	e := dbtest.Event(cal.ID, "bal", testNow.Add(48*time.Hour), "Bal du printemps")
	if _, err := env.s.PutEvent(ctx, db.Put{Event: e}); err != nil {
		t.Fatal(err)
	}
	public := func() {
		t.Helper()
		env.do(http.MethodGet, "/@amis", "", nil).must(t, http.StatusOK, "Les amis")
		env.do(http.MethodGet, "/events/"+e.UUID, "", nil).must(t, http.StatusOK, "Bal du printemps")
		env.do(http.MethodGet, "/?view=list", "", nil).must(t, http.StatusOK, "Bal du printemps")
		env.do(http.MethodGet, "/feeds/agenda.ics", "", nil).must(t, http.StatusOK, "Bal du printemps")
		env.do(http.MethodGet, "/embed", "", nil).must(t, http.StatusOK, "Bal du printemps")
	}
	public()
	env.do(http.MethodGet, "/admin/instance/associations", admin, nil).must(t, http.StatusOK,
		`action="/admin/instance/associations/amis/archive"`, `href="/admin/instance/associations/amis/delete"`)
	env.do(http.MethodGet, "/admin/associations/amis/edit", admin, nil).must(t, http.StatusOK,
		`action="/admin/instance/associations/amis/archive"`)
	// The owner manages the association, but archiving is the admin's.
	env.do(http.MethodGet, "/admin/associations/amis/edit", env.session("olga"), nil).must(t, http.StatusOK).
		lacks(t, "/archive")

	env.do(http.MethodPost, "/admin/instance/associations/amis/archive", admin, url.Values{}).
		redirects(t, "/admin/instance/associations?done=archived")
	env.do(http.MethodGet, "/admin/instance/associations?done=archived", admin, nil).must(t, http.StatusOK,
		"L&#39;association est archivée", "Archivée le", `action="/admin/instance/associations/amis/unarchive"`)
	env.do(http.MethodGet, "/@amis", "", nil).must(t, http.StatusGone, "Cette association est archivée")
	env.do(http.MethodGet, "/events/"+e.UUID, "", nil).must(t, http.StatusGone, "Cette association est archivée")
	env.do(http.MethodGet, "/?view=list", "", nil).must(t, http.StatusOK).lacks(t, "Bal du printemps")
	env.do(http.MethodGet, "/feeds/agenda.ics", "", nil).must(t, http.StatusOK).lacks(t, "Bal du printemps")
	env.do(http.MethodGet, "/embed", "", nil).must(t, http.StatusOK).lacks(t, "Bal du printemps")
	// Its calendars are read-only on the back office's road too.
	env.do(http.MethodPost, "/admin/associations/amis/calendars/main/delete", env.session("olga"), url.Values{"confirm": {"on"}}).
		must(t, http.StatusGone, "archivée")
	if _, err := env.s.GetCalendar(ctx, cal.ID); err != nil {
		t.Fatalf("the archived association's calendar: %v", err)
	}

	env.do(http.MethodPost, "/admin/instance/associations/amis/unarchive", admin, url.Values{}).
		redirects(t, "/admin/instance/associations?done=unarchived")
	public()
}

// Deleting an association asks first, saying what will be lost; the
// deletion then takes it off everything (an association nobody follows
// goes at once).
func TestAssociationDelete(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	admin := env.session("admin")
	amis := env.assocs["amis"]
	cal, err := env.s.GetAssociationCalendar(ctx, amis.ID, "main")
	if err != nil {
		t.Fatal(err)
	}
	e := dbtest.Event(cal.ID, "bal", testNow.Add(48*time.Hour), "Bal du printemps")
	if _, err := env.s.PutEvent(ctx, db.Put{Event: e}); err != nil {
		t.Fatal(err)
	}
	env.do(http.MethodGet, "/admin/instance/associations/amis/delete", admin, nil).must(t, http.StatusOK,
		"Supprimer «\u00a0Les amis\u00a0» définitivement", "1 événement", "1 agenda", "3 membres (les comptes restent)",
		"0 abonné sur le fédivers", `action="/admin/instance/associations/amis/delete"`)
	env.do(http.MethodGet, "/admin/instance/associations/nobody/delete", admin, nil).must(t, http.StatusNotFound)
	env.do(http.MethodPost, "/admin/instance/associations/amis/delete", admin, url.Values{}).
		redirects(t, "/admin/instance/associations?done=removed")
	env.do(http.MethodGet, "/@amis", "", nil).must(t, http.StatusNotFound)
	env.do(http.MethodGet, "/events/"+e.UUID, "", nil).must(t, http.StatusGone)
	if _, err := env.s.GetUser(ctx, env.users["olga"].ID); err != nil {
		t.Fatalf("the owner's account went with the association: %v", err)
	}
	env.do(http.MethodGet, "/admin/instance/associations", admin, nil).must(t, http.StatusOK).lacks(t, "/@amis")
}

// An association's public page shows a profile edit at once, not after
// the page cache's time.
func TestAssociationPageFreshAfterEdit(t *testing.T) {
	env := newAdminEnv(t)
	env.do(http.MethodGet, "/@amis", "", nil).must(t, http.StatusOK, "Les amis")
	env.do(http.MethodPost, "/admin/associations/amis/edit", env.session("olga"),
		url.Values{"name": {"Les amis du Lot"}, "commune": {"47001"}}).redirects(t, "/admin/associations/amis/edit?saved=1")
	env.do(http.MethodGet, "/@amis", "", nil).must(t, http.StatusOK, "Les amis du Lot")
}

// The agenda's filter offers an archived association no more, at once.
func TestArchivedAssociationLeavesTheFilters(t *testing.T) {
	env := newAdminEnv(t)
	env.do(http.MethodGet, "/", "", nil).must(t, http.StatusOK, `<option value="amis">`)
	env.do(http.MethodPost, "/admin/instance/associations/amis/archive", env.session("admin"), url.Values{}).
		redirects(t, "/admin/instance/associations?done=archived")
	env.do(http.MethodGet, "/", "", nil).must(t, http.StatusOK, `<option value="autre">`).lacks(t, `<option value="amis">`)
}
