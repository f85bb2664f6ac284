package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// BenchmarkFormSaveToFollower measures, on loopback, the time from the
// back office's form save of a new public event (a POST over HTTP to the
// wired server, as a browser sends it) to the moment a follower's inbox
// on 127.0.0.1 receives the first delivery attempt of its Create, over at
// least 30 saves one after the other (after one warm-up: the Group's key
// pair is made when it first signs). Issue 10 asks for under a second;
// x_target is the p99 over 1 s (below 1 meets it). Beside it, the save
// alone (the form's answer), so that the publisher's and the delivery's
// share shows:
//
//	go test -run '^$' -bench BenchmarkFormSaveToFollower -benchtime 30x ./cmd/bastide/
func BenchmarkFormSaveToFollower(b *testing.B) {
	ctx := context.Background()
	ln := newLocalListener(b)
	base := "http://" + ln.Addr().String()
	bo := newBackofficeWith(b, &Config{BaseURL: base, AllowPrivateAddresses: true}, ln)
	bo.runWorker(b, "federation")
	as := &model.Association{Slug: "amis", Name: "Les Amis du Vieux Nérac"}
	if err := bo.store.CreateAssociation(ctx, as); err != nil {
		b.Fatal(err)
	}
	if err := bo.store.CreateCalendar(ctx, &model.Calendar{Kind: model.CalendarAssociation, AssociationID: as.ID, Slug: "main",
		Name: "Agenda", Public: true, Components: []string{"VEVENT"}}); err != nil {
		b.Fatal(err)
	}
	if err := bo.store.SetMembership(ctx, &model.Membership{UserID: bo.users["marie"].ID, AssociationID: as.ID, Role: model.RoleEditor}); err != nil {
		b.Fatal(err)
	}
	// The follower's inbox notes when the first Create of each name comes.
	type arrival struct {
		name string
		at   time.Time
	}
	got := make(chan arrival, 1024)
	inbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		w.WriteHeader(http.StatusAccepted)
		var act map[string]any
		if json.Unmarshal(body, &act) == nil && act["type"] == "Create" {
			obj, _ := act["object"].(map[string]any)
			name, _ := obj["name"].(string)
			got <- arrival{name, at}
		}
	}))
	b.Cleanup(inbox.Close)
	actor := inbox.URL + "/@ann"
	if err := bo.store.PutRemoteActor(ctx, &db.RemoteActor{APID: actor, Type: "Person", Inbox: inbox.URL + "/inbox"}); err != nil {
		b.Fatal(err)
	}
	if err := bo.store.PutFollower(ctx, &db.Follower{AssociationID: as.ID, ActorID: actor, FollowID: actor + "/follow/1",
		FollowJSON: `{}`, State: db.FollowAccepted}); err != nil {
		b.Fatal(err)
	}
	login := bo.signIn(b, "marie", "password of marie")
	var cookie string
	for _, c := range login.Cookies() {
		if c.Name == "bastide_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		b.Fatalf("sign-in: %s", login.Status)
	}
	day := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	save := func(name string) {
		form := url.Values{"title": {name}, "start_date": {day}, "start_time": {"20:30"}, "end_time": {"22:00"},
			"location": {"Salle des fêtes"}, "commune": {"Nérac"}}
		req, _ := http.NewRequest(http.MethodPost, base+"/admin/associations/amis/events", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Cookie", cookie)
		resp, err := noRedirect.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "saved=") {
			b.Fatalf("form save: %s %s", resp.Status, resp.Header.Get("Location"))
		}
	}
	saves := max(b.N, 30)
	var lat, answer []time.Duration
	b.ResetTimer()
	for i := -1; i < saves; i++ {
		name := fmt.Sprintf("Concert n°%d", i)
		t0 := time.Now()
		save(name)
		answered := time.Since(t0)
		for {
			var a arrival
			select {
			case a = <-got:
			case <-time.After(20 * time.Second):
				b.Fatalf("the follower never received %q", name)
			}
			if a.name == name {
				if i >= 0 {
					lat = append(lat, a.at.Sub(t0))
					answer = append(answer, answered)
				}
				break
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	slices.Sort(answer)
	med, p99 := lat[len(lat)/2], lat[(len(lat)*99)/100]
	b.ReportMetric(med.Seconds(), "s/median_save_to_follower")
	b.ReportMetric(p99.Seconds(), "s/p99_save_to_follower")
	b.ReportMetric(answer[len(answer)/2].Seconds(), "s/median_form_answer")
	b.ReportMetric(p99.Seconds()/time.Second.Seconds(), "x_target")
	b.Logf("%d form saves: the follower's first POST after median %s, p99 %s, max %s; the form answered after median %s",
		len(lat), med, p99, lat[len(lat)-1], answer[len(answer)/2])
}
