package web

import (
	"context"
	"strconv"
	"testing"

	"github.com/bastide47/bastide/db/model"
)

func TestMembers(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	amis := env.assocs["amis"].ID
	olga := env.session("olga")
	path := func(user, verb string) string {
		return "/admin/associations/amis/members/" + strconv.FormatInt(env.users[user].ID, 10) + "/" + verb
	}
	role := func(user string) model.Role {
		r, _ := env.s.GetRole(ctx, env.users[user].ID, amis)
		return r
	}
	env.do("GET", "/admin/associations/amis/members", olga, nil).
		must(t, 200, "<h1>Membres de l&#39;association</h1>", "<td>eddy</td>", "<td>vera</td>", "<td>olga</td>",
			`href="/admin/invitations/new?association=`+strconv.FormatInt(amis, 10)+`"`).
		lacks(t, "<td>otto</td>")

	// The last owner can neither step down nor leave: the page says why.
	before := env.snapshot()
	env.do("POST", path("olga", "role"), olga, map[string][]string{"role": {"editor"}}).must(t, 409, "dernière personne responsable")
	env.do("POST", path("olga", "remove"), olga, map[string][]string{}).must(t, 409, "dernière personne responsable")
	env.do("POST", path("eddy", "role"), olga, map[string][]string{"role": {"boss"}}).must(t, 422, "Choisissez un rôle")
	env.do("POST", path("otto", "role"), olga, map[string][]string{"role": {"viewer"}}).must(t, 404, "pas membre")
	env.do("POST", "/admin/associations/amis/members/x/remove", olga, map[string][]string{}).must(t, 404)
	if after := env.snapshot(); after != before {
		t.Fatalf("a refused change changed the store:\n%s\n%s", before, after)
	}

	env.do("POST", path("vera", "remove"), olga, map[string][]string{}).redirects(t, "/admin/associations/amis/members?done=removed")
	if role("vera") != "" {
		t.Fatal("vera is still a member")
	}
	env.do("POST", path("eddy", "role"), olga, map[string][]string{"role": {"owner"}}).redirects(t, "/admin/associations/amis/members?done=role")
	env.do("GET", "/admin/associations/amis/members?done=role", olga, nil).must(t, 200, "Le rôle est changé.")
	// With a second owner, olga may step down, and is then let out.
	env.do("POST", path("olga", "role"), olga, map[string][]string{"role": {"viewer"}}).redirects(t, "/admin/me")
	if role("olga") != model.RoleViewer || role("eddy") != model.RoleOwner {
		t.Fatalf("roles olga %q eddy %q", role("olga"), role("eddy"))
	}
	env.do("GET", "/admin/associations/amis/members", olga, nil).must(t, 403)
	// The admin can do what an owner can, and eddy is now the last owner.
	env.do("POST", path("eddy", "remove"), env.session("admin"), map[string][]string{}).must(t, 409)
}
