package web

import (
	"context"
	"net/url"
	"testing"

	"github.com/bastide47/bastide/db"
)

func TestFollowers(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	amis := env.assocs["amis"].ID
	olga := env.session("olga")
	dana, bob := "https://mz.example/@dana", "https://mz.example/@bob"
	env.do("GET", "/admin/associations/amis/followers", olga, nil).must(t, 200, "Personne ne suit encore")
	env.follower("amis", dana, db.FollowPending)
	env.follower("amis", bob, db.FollowAccepted)
	env.follower("autre", "https://mz.example/@otto", db.FollowPending)
	env.do("GET", "/admin/associations/amis/followers", olga, nil).
		must(t, 200, "<h1>Abonnés du fédivers</h1>", dana, "en attente", bob, "accepté", `action="/admin/associations/amis/followers/accept"`).
		lacks(t, "@otto")

	state := func(actor string) (string, string) {
		var st, ans string
		if err := env.s.Reader().QueryRowContext(ctx, `SELECT state, answer FROM followers WHERE association_id = ? AND actor_id = ?`, amis, actor).
			Scan(&st, &ans); err != nil {
			t.Fatal(err)
		}
		return st, ans
	}
	before := env.snapshot()
	env.do("POST", "/admin/associations/amis/followers/accept", olga, url.Values{"actor": {"https://mz.example/@otto"}}).must(t, 404, "ne suit pas")
	env.do("POST", "/admin/associations/amis/followers/accept", olga, url.Values{}).must(t, 404)
	if after := env.snapshot(); after != before {
		t.Fatalf("a refused decision changed the store:\n%s\n%s", before, after)
	}

	// Each decision waits in the row for federation to send it.
	env.do("POST", "/admin/associations/amis/followers/accept", olga, url.Values{"actor": {dana}}).
		redirects(t, "/admin/associations/amis/followers?done=accepted")
	if st, ans := state(dana); st != db.FollowAccepted || ans != db.AnswerAccept {
		t.Fatalf("dana: %s, answer %q", st, ans)
	}
	env.do("POST", "/admin/associations/amis/followers/reject", olga, url.Values{"actor": {bob}}).
		redirects(t, "/admin/associations/amis/followers?done=rejected")
	if st, ans := state(bob); st != db.FollowRejected || ans != db.AnswerReject {
		t.Fatalf("bob: %s, answer %q", st, ans)
	}
	env.do("GET", "/admin/associations/amis/followers?done=rejected", olga, nil).must(t, 200, "L&#39;abonné est refusé")
}
