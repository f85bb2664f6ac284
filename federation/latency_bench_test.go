package federation

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/caldav"
	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// BenchmarkCalDAVToFollower measures, on loopback, the time from a CalDAV
// PUT of a new public event (sent over HTTP to Bastide's CalDAV handler)
// to the moment the first of four followers receives its Create, over at
// least 50 writes one after the other (after one warm-up); beside it, in the same run, the
// time of a bare signed POST of the same kind of body to the same
// follower, and the ratio of the two medians. Each write is timed from
// before the PUT is sent, so the figure includes CalDAV's own work, the
// commit, the publisher, the queue and the signed delivery. Also timed:
// a weekly series written at once, until a follower got its five
// occurrences.
func BenchmarkCalDAVToFollower(b *testing.B) {
	ctx := context.Background()
	// The production poll (1 s): a write in the process must not wait for it.
	in := newInstance(b, func(c *Config) { c.PollInterval = time.Second })
	assoc, _ := dbtest.Association(b, in.store, "club")
	hash, err := db.HashPassword("correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	u := &model.User{Username: "editrice", DisplayName: "Éditrice", Email: "editrice@example.org", PasswordHash: hash}
	if err := in.store.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	if err := in.store.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: assoc.ID, Role: model.RoleEditor}); err != nil {
		b.Fatal(err)
	}
	dav := httptest.NewServer(caldav.NewHandler(in.store, nil, caldav.Options{Prefix: "/dav"}))
	b.Cleanup(dav.Close)
	calURL := dav.URL + "/dav/calendars/editrice/" + assoc.Slug + ".main/"

	// Four followers; each reports the first Create of each name it gets.
	got := make(chan string, 1024)
	var first *httptest.Server
	for i := 0; i < 4; i++ {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.WriteHeader(http.StatusAccepted)
			if act, err := mobilizon.Decode(body); err == nil && act["type"] == "Create" {
				obj, _ := act["object"].(map[string]any)
				name, _ := obj["name"].(string)
				got <- name
			}
		}))
		b.Cleanup(srv.Close)
		if first == nil {
			first = srv
		}
		id := fmt.Sprintf("%s/@f%d", srv.URL, i)
		if err := in.store.PutRemoteActor(ctx, &db.RemoteActor{APID: id, Type: "Person", Inbox: id + "/inbox", SharedInbox: srv.URL + "/inbox"}); err != nil {
			b.Fatal(err)
		}
		if err := in.store.PutFollower(ctx, &db.Follower{AssociationID: assoc.ID, ActorID: id, FollowID: id + "/follow",
			FollowJSON: "{}", State: db.FollowAccepted}); err != nil {
			b.Fatal(err)
		}
	}
	client := &http.Client{}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	writes := max(b.N, 50)
	var lat []time.Duration
	var sample []byte
	b.ResetTimer()
	// Write -1 is a warm-up, not counted: the Group's key pair is made
	// when it first signs (a few hundred ms of RSA key generation, once
	// in an association's life).
	for i := -1; i < writes; i++ {
		name := fmt.Sprintf("Concert %d", i)
		req, _ := http.NewRequest(http.MethodPut, calURL+fmt.Sprintf("bench-%d.ics", i),
			strings.NewReader(vevent(fmt.Sprintf("bench-%d", i), start, name)))
		req.SetBasicAuth("editrice", "correct horse battery")
		req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("CalDAV PUT: %d", resp.StatusCode)
		}
		for g := ""; g != name; {
			select {
			case g = <-got:
			case <-time.After(20 * time.Second):
				b.Fatalf("no follower received %q", name)
			}
		}
		if i >= 0 {
			lat = append(lat, time.Since(t0))
		}
	}
	// A weekly series: its next five occurrences, each an Event of its
	// own, all reach the first follower.
	series := strings.Replace(vevent("bench-series", start, "Atelier"), "SUMMARY:", "RRULE:FREQ=WEEKLY;COUNT=8\r\nSUMMARY:", 1)
	req, _ := http.NewRequest(http.MethodPut, calURL+"bench-series.ics", strings.NewReader(series))
	req.SetBasicAuth("editrice", "correct horse battery")
	req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b.Fatalf("CalDAV PUT of the series: %d", resp.StatusCode)
	}
	for seen := 0; seen < 5; {
		select {
		case g := <-got:
			if g == "Atelier" {
				seen++
			}
		case <-time.After(20 * time.Second):
			b.Fatalf("the follower got %d occurrences of the series", seen)
		}
	}
	seriesLat := time.Since(t0)
	b.StopTimer()
	// Drain the other followers' copies, then keep one real body.
	waitDrained(b, in.store)
	rows, err := in.store.Reader().Query(`SELECT body FROM activities ORDER BY id DESC LIMIT 1`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		rows.Scan(&sample)
	}
	rows.Close()

	// The floor: a bare signed POST of such a body to the first follower.
	key := rsaKey(b)
	keyID := in.fed.URIs().KeyID(in.fed.URIs().ActorID(assoc.Slug))
	var bare []time.Duration
	for i := 0; i < writes; i++ {
		req, _ := http.NewRequest(http.MethodPost, first.URL+"/inbox", bytes.NewReader(sample))
		req.Header.Set("Content-Type", "application/activity+json")
		t0 := time.Now()
		if err := signRequest(req, key, keyID, sample, time.Now()); err != nil {
			b.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		bare = append(bare, time.Since(t0))
	}
	slices.Sort(lat)
	slices.Sort(bare)
	med, p99 := lat[len(lat)/2], lat[(len(lat)*99)/100]
	b.ReportMetric(med.Seconds(), "s/median_write_to_follower")
	b.ReportMetric(p99.Seconds(), "s/p99_write_to_follower")
	b.ReportMetric(bare[len(bare)/2].Seconds(), "s/median_bare_signed_post")
	b.ReportMetric(float64(med)/float64(bare[len(bare)/2]), "ratio_to_bare_signed_post")
	b.ReportMetric(seriesLat.Seconds(), "s/series_of_5_to_follower")
	b.Logf("%d CalDAV writes: median %s, p99 %s, max %s to the first of 4 followers; bare signed POST median %s; "+
		"a weekly series, its 5 occurrences at a follower in %s",
		len(lat), med, p99, lat[len(lat)-1], bare[len(bare)/2], seriesLat)
}
