package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// The long lists of the back office come a page at a time: 100 rows, a
// link to the next and previous pages, a page number out of range shows
// the nearest page.
func TestLongListsArePaged(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	amis := env.assocs["amis"]
	// 245 accounts in all (5 already), 230 members of amis (3 already),
	// 201 associations (2 already), 150 followers of amis.
	for i := 0; i < 240; i++ {
		u := &model.User{Username: fmt.Sprintf("membre%03d", i)}
		if err := env.s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if i < 227 {
			if err := env.s.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: amis.ID, Role: model.RoleViewer}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < 199; i++ {
		if err := env.s.CreateAssociation(ctx, &model.Association{Slug: fmt.Sprintf("asso-%03d", i), Name: fmt.Sprintf("Asso %03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 150; i++ {
		actor := fmt.Sprintf("https://mobilizon.example/@p%03d", i)
		if err := env.s.PutFollower(ctx, &db.Follower{AssociationID: amis.ID, ActorID: actor, FollowID: actor + "/follow",
			FollowJSON: "{}", State: db.FollowAccepted}); err != nil {
			t.Fatal(err)
		}
	}
	admin, owner := env.session("admin"), env.session("olga")
	rows := func(body string) int { return strings.Count(body, "<tr>") - 1 } // less the header row
	for _, c := range []struct {
		path, token string
		total       int
	}{
		{"/admin/users", admin, 245},
		{"/admin/instance/associations", admin, 201},
		{"/admin/associations/amis/members", owner, 230},
		{"/admin/associations/amis/followers", owner, 150},
	} {
		pages := (c.total + 99) / 100
		first := env.do("GET", c.path, c.token, nil).must(t, 200, fmt.Sprintf("Page 1 sur %d", pages),
			`href="`+c.path+`?page=2" rel="next"`)
		if n := rows(first.Body.String()); n != 100 {
			t.Errorf("%s: %d rows on the first page, want 100", c.path, n)
		}
		if strings.Contains(first.Body.String(), `rel="prev"`) {
			t.Errorf("%s: the first page links to a previous one", c.path)
		}
		last := env.do("GET", fmt.Sprintf("%s?page=%d", c.path, pages), c.token, nil).must(t, 200,
			fmt.Sprintf("Page %d sur %d", pages, pages), `rel="prev"`)
		if n := rows(last.Body.String()); n != c.total-100*(pages-1) {
			t.Errorf("%s: %d rows on the last page, want %d", c.path, n, c.total-100*(pages-1))
		}
		if strings.Contains(last.Body.String(), `rel="next"`) {
			t.Errorf("%s: the last page links to a next one", c.path)
		}
		// Out of range or not a number: the nearest page, not an error.
		env.do("GET", c.path+"?page=999", c.token, nil).must(t, 200, fmt.Sprintf("Page %d sur %d", pages, pages))
		env.do("GET", c.path+"?page=deux", c.token, nil).must(t, 200, fmt.Sprintf("Page 1 sur %d", pages))
	}
	// Every account is on one page or another, once.
	seen := map[string]int{}
	for p := 1; p <= 3; p++ {
		body := env.do("GET", fmt.Sprintf("/admin/users?page=%d", p), admin, nil).must(t, 200).Body.String()
		for i := 0; i < 240; i++ {
			if strings.Contains(body, fmt.Sprintf("<td>membre%03d</td>", i)) {
				seen[fmt.Sprint(i)]++
			}
		}
	}
	for i := 0; i < 240; i++ {
		if seen[fmt.Sprint(i)] != 1 {
			t.Errorf("membre%03d is on %d pages", i, seen[fmt.Sprint(i)])
		}
	}
	// The admin's own space names the first 20 associations they may
	// manage, and leads to the list of them all.
	me := env.do("GET", "/admin/me", admin, nil).must(t, 200, "Toutes les associations de l", `href="/admin/instance/associations"`)
	if n := strings.Count(me.Body.String(), `<li><a href="/admin/associations/`); n != 20 {
		t.Errorf("the admin's space lists %d associations, want 20", n)
	}
	// A short list has no pager.
	if strings.Contains(env.do("GET", "/admin/associations/autre/members", env.session("otto"), nil).must(t, 200).Body.String(), `class="pager"`) {
		t.Error("a list of one page shows a pager")
	}
}
