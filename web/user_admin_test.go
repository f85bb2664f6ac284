package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

func userURL(u *model.User, verb string) string {
	return "/admin/users/" + strconv.FormatInt(u.ID, 10) + "/" + verb
}

func (env *adminEnv) user(name string) *model.User {
	env.t.Helper()
	u, err := env.s.GetUserByUsername(context.Background(), name)
	if err != nil {
		env.t.Fatal(err)
	}
	return u
}

// The admin makes an account admin and takes it back, never their own.
func TestUserPromoteDemote(t *testing.T) {
	env := newAdminEnv(t)
	admin := env.session("admin")
	vera := env.users["vera"]
	env.do(http.MethodPost, userURL(vera, "promote"), admin, url.Values{}).redirects(t, "/admin/users")
	if !env.user("vera").Admin {
		t.Fatal("vera is not admin after promote")
	}
	env.do(http.MethodGet, "/admin/users", admin, nil).must(t, http.StatusOK, `action="`+userURL(vera, "demote")+`"`)
	// The new admin can use the admin's pages at once.
	env.do(http.MethodGet, "/admin/moderation", env.session("vera"), nil).must(t, http.StatusOK)
	env.do(http.MethodPost, userURL(vera, "demote"), admin, url.Values{}).redirects(t, "/admin/users")
	if env.user("vera").Admin {
		t.Fatal("vera is still admin after demote")
	}
	env.do(http.MethodPost, userURL(env.users["admin"], "demote"), admin, url.Values{}).
		must(t, http.StatusConflict, "votre propre administration")
	if !env.user("admin").Admin {
		t.Fatal("the admin lost their rights")
	}
	env.do(http.MethodPost, "/admin/users/999999/promote", admin, url.Values{}).must(t, http.StatusNotFound)
}

// Deleting an account asks first, then removes it with its personal
// calendar, whose events' deletion is logged for calendar apps.
func TestUserDelete(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	admin := env.session("admin")
	eddy := env.users["eddy"]
	personal := &model.Calendar{Kind: model.CalendarPersonal, OwnerUserID: eddy.ID, Slug: "perso", Name: "Perso"}
	if err := env.s.CreateCalendar(ctx, personal); err != nil {
		t.Fatal(err)
	}
	ev := env.pending(&db.Follow{CalendarID: personal.ID}, "dentist", "Dentiste")
	if err := env.s.AddAppPassword(ctx, &model.AppPassword{UserID: eddy.ID, Name: "phone", Hash: "x"}); err != nil {
		t.Fatal(err)
	}
	eddySession := env.session("eddy")

	env.do(http.MethodGet, userURL(eddy, "delete"), admin, nil).must(t, http.StatusOK, "Supprimer le compte «\u00a0eddy\u00a0»",
		`action="`+userURL(eddy, "delete")+`"`)
	env.do(http.MethodPost, userURL(eddy, "delete"), admin, url.Values{}).redirects(t, "/admin/users")
	if _, err := env.s.GetUser(ctx, eddy.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("eddy after delete: %v", err)
	}
	if _, err := env.s.GetCalendar(ctx, personal.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("eddy's calendar after delete: %v", err)
	}
	var kind string
	if err := env.s.Reader().QueryRowContext(ctx, `SELECT kind FROM changes WHERE event_id = ? ORDER BY seq DESC LIMIT 1`, ev.ID).
		Scan(&kind); err != nil || kind != string(model.ChangeDelete) {
		t.Fatalf("last change of eddy's event: %q %v, want a logged deletion", kind, err)
	}
	if aps, err := env.s.ListAppPasswords(ctx, eddy.ID); err != nil || len(aps) != 0 {
		t.Fatalf("app passwords after delete: %v %v", aps, err)
	}
	// eddy's session ended with the account.
	if res := env.do(http.MethodGet, "/admin/me", eddySession, nil); res.Code != http.StatusSeeOther {
		t.Fatalf("eddy's session after delete: %d", res.Code)
	}
	// Not oneself, not twice.
	env.do(http.MethodGet, userURL(env.users["admin"], "delete"), admin, nil).must(t, http.StatusConflict, "votre propre compte")
	env.do(http.MethodPost, userURL(env.users["admin"], "delete"), admin, url.Values{}).must(t, http.StatusConflict, "votre propre compte")
	env.do(http.MethodPost, userURL(eddy, "delete"), admin, url.Values{}).must(t, http.StatusNotFound)
}

// The account of an association's last owner is not deleted: the page
// says which association and what to do, and nothing changes.
func TestUserDeleteLastOwner(t *testing.T) {
	env := newAdminEnv(t)
	admin := env.session("admin")
	otto := env.users["otto"]
	before := env.snapshot()
	env.do(http.MethodPost, userURL(otto, "delete"), admin, url.Values{}).must(t, http.StatusConflict,
		"dernière personne responsable de\u00a0: autre", "ou supprimez", `role="alert"`)
	if after := env.snapshot(); after != before {
		t.Fatalf("a refused deletion changed the store:\n%s\n---\n%s", before, after)
	}
	if _, err := env.s.GetUser(context.Background(), otto.ID); err != nil {
		t.Fatalf("otto after a refused deletion: %v", err)
	}
}
