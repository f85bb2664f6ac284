package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestEventFormReachesFollowers runs `bastide serve`, signs an editor in
// over HTTP and makes a weekly event with the back office's form, one date
// skipped: a follower's inbox receives the dates that remain, and when the
// form cancels the event the follower gets the cancellation.
func TestEventFormReachesFollowers(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "password-of-alice\n", "user", "add", "alice").must(t, 0)
	cli(t, data, "", "association", "add", "chorale-nerac", "--name", "Chorale de Nérac", "--commune", "nerac").must(t, 0)
	cli(t, data, "", "member", "add", "chorale-nerac", "alice", "--role", "editor").must(t, 0)

	store := openStore(t, data)
	ctx := context.Background()
	_, inbox := followedBy(t, store, "chorale-nerac", "ann")
	srv := startServe(t, data, "--allow-private-addresses")
	defer srv.stop(t)

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path, cookie string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.url+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", srv.url)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	login := post("/admin/login", "", url.Values{"username": {"alice"}, "password": {"password-of-alice"}})
	var cookie string
	for _, c := range login.Cookies() {
		if c.Value != "" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if login.StatusCode != http.StatusSeeOther || cookie == "" {
		t.Fatalf("sign-in: %s", login.Status)
	}
	day := time.Now().AddDate(0, 0, 3)
	date := func(d time.Time) string { return d.Format(time.DateOnly) }
	resp := post("/admin/associations/chorale-nerac/events", cookie, url.Values{"title": {"Répétition ouverte"},
		"start_date": {date(day)}, "start_time": {"18:00"}, "end_time": {"20:00"}, "location": {"Salle des fêtes"}, "commune": {"Nérac"},
		"freq": {"WEEKLY"}, "ends": {"count"}, "count": {"3"}, "skip": {date(day.AddDate(0, 0, 7))}})
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc == nil || loc.Query().Get("saved") == "" {
		t.Fatalf("saving the form: %s %s", resp.Status, resp.Header.Get("Location"))
	}
	uuid := loc.Query().Get("saved")
	starts := func(typ string) map[string]bool {
		delivered := inbox.delivered()
		out := map[string]bool{}
		for _, act := range delivered {
			obj, _ := act["object"].(map[string]any)
			if act["type"] == typ && obj != nil && obj["name"] == "Répétition ouverte" {
				s, _ := obj["startTime"].(string)
				out[s[:10]] = true
			}
		}
		return out
	}
	eventually(t, 20*time.Second, func() bool { return len(starts("Create")) >= 2 })
	got := starts("Create")
	if !got[date(day)] || !got[date(day.AddDate(0, 0, 14))] || got[date(day.AddDate(0, 0, 7))] {
		t.Fatalf("the follower got the dates %v; want %s and %s, not the skipped one", got, date(day), date(day.AddDate(0, 0, 14)))
	}

	// Cancelling the event in the form reaches the follower.
	ev, err := store.GetEventByUUID(ctx, uuid)
	if err != nil {
		t.Fatal(err)
	}
	if r := post("/admin/associations/chorale-nerac/events/"+uuid+"/cancel", cookie, url.Values{"etag": {ev.ETag}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %s", r.Status)
	}
	eventually(t, 20*time.Second, func() bool {
		delivered := inbox.delivered()
		for _, act := range delivered {
			obj, _ := act["object"].(map[string]any)
			if act["type"] == "Update" && obj != nil && obj["name"] == "Répétition ouverte" && obj["status"] == "CANCELLED" {
				return true
			}
		}
		return false
	})
}
