package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// eventBench is a store of 100 000 upcoming events and an editor of the
// first association signed in.
type eventBench struct {
	s     *db.Store
	h     http.Handler
	token string
	uuid  string // an event of asso-0
}

func newEventBench(b *testing.B) *eventBench {
	b.Helper()
	s := seedUpcoming(b, 100000)
	ctx := context.Background()
	as, err := s.GetAssociationBySlug(ctx, "asso-0")
	if err != nil {
		b.Fatal(err)
	}
	u := &model.User{Username: "eddy"}
	if err := s.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	if err := s.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: as.ID, Role: model.RoleEditor}); err != nil {
		b.Fatal(err)
	}
	tok, err := s.CreateSession(ctx, u.ID, testNow, testNow.Add(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	e, err := s.GetEventByHref(ctx, 1, "bench-0.ics")
	if err != nil {
		b.Fatal(err)
	}
	return &eventBench{s: s, h: newBenchHandler(s, true), token: tok, uuid: e.UUID}
}

func (eb *eventBench) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(method, path, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Origin", testBase)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: eb.token})
	w := httptest.NewRecorder()
	eb.h.ServeHTTP(w, r)
	return w
}

// BenchmarkEventFormPage is the server time of the edit form of an event
// with 100 000 events stored (issue 10 asks for under 20 ms; x_target
// below 1 meets it).
func BenchmarkEventFormPage(b *testing.B) {
	eb := newEventBench(b)
	path := "/admin/associations/asso-0/events/" + eb.uuid + "/edit"
	if w := eb.do("GET", path, nil); w.Code != 200 || !strings.Contains(w.Body.String(), `value="Rencontre n°0"`) {
		b.Fatalf("%d\n%s", w.Code, cutBody(w.Body.String()))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if w := eb.do("GET", path, nil); w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(20*time.Millisecond), "x_target")
}

// BenchmarkEventSave is the server time of saving the new-event form with
// 100 000 events stored: parse, expand, store, change log. Before timing
// it checks read-your-writes: the event saved is on its public page and
// in the agenda's feed of its day as soon as the save has answered.
func BenchmarkEventSave(b *testing.B) {
	eb := newEventBench(b)
	form := url.Values{"title": {"Soirée contes"}, "start_date": {"2026-04-20"}, "start_time": {"20:30"},
		"end_date": {"2026-04-20"}, "end_time": {"22:00"}, "location": {"Médiathèque"}, "commune": {"Nérac"},
		"description": {"Des histoires pour petits et grands."}, "free": {"1"}}
	w := eb.do("POST", "/admin/associations/asso-0/events", form)
	loc, _ := url.Parse(w.Header().Get("Location"))
	if w.Code != http.StatusSeeOther || loc == nil || loc.Query().Get("saved") == "" {
		b.Fatalf("%d %q\n%s", w.Code, w.Header().Get("Location"), cutBody(w.Body.String()))
	}
	uuid := loc.Query().Get("saved")
	if w := eb.do("GET", model.EventPath(uuid), nil); w.Code != 200 || !strings.Contains(w.Body.String(), "Soirée contes") {
		b.Fatalf("the saved event is not on its page: %d", w.Code)
	}
	if w := eb.do("GET", "/feeds/agenda.ics?from=2026-04-20&to=2026-04-21", nil); !strings.Contains(w.Body.String(), "SUMMARY:Soirée contes") {
		b.Fatalf("the saved event is not in the feed: %d", w.Code)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if w := eb.do("POST", "/admin/associations/asso-0/events", form); w.Code != http.StatusSeeOther {
			b.Fatal(w.Code)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(20*time.Millisecond), "x_target")
}
