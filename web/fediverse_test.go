package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db"
)

func (env *adminEnv) followRequests() []*db.FollowRequest {
	env.t.Helper()
	reqs, err := env.s.ListFollowRequests(context.Background(), false, 100)
	if err != nil {
		env.t.Fatal(err)
	}
	return reqs
}

// Following from the page stores the wish for federation to send; bad
// targets and blocked domains are refused next to the field.
func TestFediverseFollow(t *testing.T) {
	env := newAdminEnv(t)
	admin := env.session("admin")
	env.do(http.MethodGet, "/admin/instance/fediverse", admin, nil).must(t, http.StatusOK, "Suivre un groupe", "Aucun domaine n&#39;est bloqué")

	before := env.snapshot()
	for _, bad := range []string{"", "not a target", "ftp://x.example/", "@a@b@c", strings.Repeat("a", 2100) + ".org"} {
		env.do(http.MethodPost, "/admin/instance/follows", admin, url.Values{"target": {bad}}).
			must(t, http.StatusUnprocessableEntity, `id="target-err"`)
	}
	if _, err := env.s.BlockDomain(context.Background(), "spam.example", ""); err != nil {
		t.Fatal(err)
	}
	env.do(http.MethodPost, "/admin/instance/follows", admin, url.Values{"target": {"@x@events.spam.example"}}).
		must(t, http.StatusUnprocessableEntity, "Ce domaine est bloqué", `value="@x@events.spam.example"`)
	if err := env.s.UnblockDomain(context.Background(), "spam.example"); err != nil {
		t.Fatal(err)
	}
	if after := env.snapshot(); after != before {
		t.Fatalf("refused follows changed the store:\n%s\n%s", before, after)
	}

	env.do(http.MethodPost, "/admin/instance/follows", admin, url.Values{"target": {"@bal@mobilizon.example.org"}, "trusted": {"yes"}}).
		redirects(t, "/admin/instance/fediverse")
	env.do(http.MethodPost, "/admin/instance/follows", admin, url.Values{"target": {"mobilizon.example.net"}}).
		redirects(t, "/admin/instance/fediverse")
	reqs := env.followRequests()
	if len(reqs) != 2 || reqs[0].Target != "@bal@mobilizon.example.org" || !reqs[0].Trusted || reqs[1].Trusted {
		t.Fatalf("requests: %+v", reqs)
	}
	if err := env.s.FinishFollowRequest(context.Background(), reqs[1].ID, "no such instance"); err != nil {
		t.Fatal(err)
	}
	env.do(http.MethodGet, "/admin/instance/fediverse", admin, nil).must(t, http.StatusOK,
		"@bal@mobilizon.example.org", "envoi dans la minute", "mobilizon.example.net", "no such instance")
	env.do(http.MethodPost, "/admin/instance/follow-requests/"+strconv.FormatInt(reqs[1].ID, 10)+"/delete", admin, url.Values{}).
		redirects(t, "/admin/instance/fediverse")
	if reqs := env.followRequests(); len(reqs) != 1 {
		t.Fatalf("after withdrawing: %+v", reqs)
	}
	env.do(http.MethodPost, "/admin/instance/follow-requests/"+strconv.FormatInt(reqs[1].ID, 10)+"/delete", admin, url.Values{}).
		must(t, http.StatusNotFound)
}

// Trust and untrust a followed source from the page.
func TestFediverseTrust(t *testing.T) {
	env := newAdminEnv(t)
	admin := env.session("admin")
	fl := env.source("bal")
	ev := env.pending(fl, "bal-1", "Bal")
	id := strconv.FormatInt(fl.ID, 10)
	env.do(http.MethodGet, "/admin/instance/fediverse", admin, nil).must(t, http.StatusOK, "https://mobilizon.test/@bal",
		`action="/admin/instance/follows/`+id+`/trust"`)
	env.do(http.MethodPost, "/admin/instance/follows/"+id+"/trust", admin, url.Values{}).redirects(t, "/admin/instance/fediverse")
	if got := env.moderation(ev.ID); got != "approved" {
		t.Fatalf("pending event after trust: %s", got)
	}
	env.do(http.MethodPost, "/admin/instance/follows/"+id+"/untrust", admin, url.Values{}).redirects(t, "/admin/instance/fediverse")
	got, err := env.s.GetFollow(context.Background(), fl.Object)
	if err != nil || got.Trusted {
		t.Fatalf("after untrust: %+v %v", got, err)
	}
	if m := env.moderation(ev.ID); m != "approved" {
		t.Fatalf("an approved event went back to %s", m)
	}
	env.do(http.MethodPost, "/admin/instance/follows/99999/untrust", admin, url.Values{}).must(t, http.StatusNotFound)

	// Unfollowing is asked of federation, which sends the Undo.
	env.do(http.MethodPost, "/admin/instance/follows/"+id+"/unfollow", admin, url.Values{}).redirects(t, "/admin/instance/fediverse")
	reqs := env.followRequests()
	if len(reqs) != 1 || !reqs[0].Unfollow || reqs[0].Target != fl.Object {
		t.Fatalf("requests after unfollow: %+v", reqs)
	}
	env.do(http.MethodGet, "/admin/instance/fediverse", admin, nil).must(t, http.StatusOK, "Arrêt du suivi de")
	env.do(http.MethodPost, "/admin/instance/follows/99999/unfollow", admin, url.Values{}).must(t, http.StatusNotFound)
}

// Blocking a domain from the page: normalised, its followers removed;
// bad input refused next to the field; unblocking.
func TestFediverseBlock(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	admin := env.session("admin")
	if err := env.s.PutFollower(ctx, &db.Follower{AssociationID: env.assocs["amis"].ID, ActorID: "https://events.spam.example/@x",
		FollowID: "https://events.spam.example/follow/1", FollowJSON: "{}", State: db.FollowAccepted}); err != nil {
		t.Fatal(err)
	}
	before := env.snapshot()
	env.do(http.MethodPost, "/admin/instance/blocks", admin, url.Values{"domain": {"not a domain"}}).
		must(t, http.StatusUnprocessableEntity, `id="domain-err"`, `value="not a domain"`)
	env.do(http.MethodPost, "/admin/instance/blocks", admin, url.Values{"domain": {"spam.example"}, "reason": {strings.Repeat("x", 501)}}).
		must(t, http.StatusUnprocessableEntity, `id="reason-err"`)
	if after := env.snapshot(); after != before {
		t.Fatal("a refused block changed the store")
	}
	env.do(http.MethodPost, "/admin/instance/blocks", admin, url.Values{"domain": {"https://Spam.example/"}, "reason": {"publicité"}}).
		redirects(t, "/admin/instance/fediverse")
	blocks, err := env.s.ListDomainBlocks(ctx)
	if err != nil || len(blocks) != 1 || blocks[0].Domain != "spam.example" || blocks[0].Reason != "publicité" {
		t.Fatalf("blocks: %+v %v", blocks, err)
	}
	if fs, err := env.s.ListFollowers(ctx, env.assocs["amis"].ID, ""); err != nil || len(fs) != 0 {
		t.Fatalf("followers on the blocked domain: %+v %v", fs, err)
	}
	env.do(http.MethodGet, "/admin/instance/fediverse", admin, nil).must(t, http.StatusOK, "spam.example", "publicité")
	env.do(http.MethodPost, "/admin/instance/blocks/delete", admin, url.Values{"domain": {"spam.example"}}).redirects(t, "/admin/instance/fediverse")
	env.do(http.MethodPost, "/admin/instance/blocks/delete", admin, url.Values{"domain": {"spam.example"}}).must(t, http.StatusNotFound, "pas bloqué")
}
