package web

import (
	"net/http"
	"testing"
)

// The association's menu leads to its events: an owner finds them beside
// the profile, members and calendars; an editor, who may not open the
// owners' pages, finds the events alone on the events pages.
func TestAssociationMenuLeadsToEvents(t *testing.T) {
	env := newAdminEnv(t)
	events := `<a href="/admin/associations/amis/events"`
	env.do(http.MethodGet, "/admin/associations/amis/members", env.session("olga"), nil).
		must(t, http.StatusOK, `class="assoc-nav"`, events, `href="/admin/associations/amis/places"`)
	env.do(http.MethodGet, "/admin/associations/amis/events", env.session("olga"), nil).
		must(t, http.StatusOK, `class="assoc-nav"`, events+` aria-current="page"`, `href="/admin/associations/amis/members"`)
	env.do(http.MethodGet, "/admin/associations/amis/events/new", env.session("eddy"), nil).
		must(t, http.StatusOK, `class="assoc-nav"`, events).
		lacks(t, `href="/admin/associations/amis/members"`, `href="/admin/associations/amis/edit"`)
}
