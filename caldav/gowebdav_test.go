package caldav

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
	webdav "github.com/emersion/go-webdav"
	gocaldav "github.com/emersion/go-webdav/caldav"
)

// A round trip with go-webdav's CalDAV client over real HTTP.
func TestGoWebdavClientRoundTrip(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx := context.Background()
	hc := webdav.HTTPClientWithBasicAuth(http.DefaultClient, "bob", passwords["bob"])
	wc, err := webdav.NewClient(hc, srv.URL+"/dav/")
	if err != nil {
		t.Fatal(err)
	}
	principal, err := wc.FindCurrentUserPrincipal(ctx)
	if err != nil || principal != "/dav/principals/bob/" {
		t.Fatalf("principal %q %v", principal, err)
	}
	c, err := gocaldav.NewClient(hc, srv.URL+"/dav/")
	if err != nil {
		t.Fatal(err)
	}
	home, err := c.FindCalendarHomeSet(ctx, principal)
	if err != nil || home != "/dav/calendars/bob/" {
		t.Fatalf("home %q %v", home, err)
	}
	cals, err := c.FindCalendars(ctx, home)
	if err != nil || len(cals) != 1 || cals[0].Path != "/dav/calendars/bob/amis.main/" || cals[0].Name != "Agenda" ||
		cals[0].MaxResourceSize != 1<<20 || len(cals[0].SupportedComponentSet) != 2 {
		t.Fatalf("calendars %+v %v", cals, err)
	}
	calPath := cals[0].Path

	cal := goical.NewCalendar()
	cal.Props.SetText(goical.PropVersion, "2.0")
	cal.Props.SetText(goical.PropProductID, "-//go-webdav test//EN")
	ev := goical.NewEvent()
	ev.Props.SetText(goical.PropUID, "gowebdav-1")
	ev.Props.SetDateTime(goical.PropDateTimeStamp, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	ev.Props.SetDateTime(goical.PropDateTimeStart, time.Date(2026, 12, 12, 14, 0, 0, 0, time.UTC))
	ev.Props.SetDateTime(goical.PropDateTimeEnd, time.Date(2026, 12, 12, 16, 0, 0, 0, time.UTC))
	ev.Props.SetText(goical.PropSummary, "Loto de Noël")
	cal.Children = append(cal.Children, ev.Component)
	obj, err := c.PutCalendarObject(ctx, calPath+"gowebdav-1.ics", cal)
	if err != nil || obj.ETag == "" {
		t.Fatalf("put %+v %v", obj, err)
	}
	got, err := c.GetCalendarObject(ctx, calPath+"gowebdav-1.ics")
	if err != nil || got.ETag != obj.ETag || len(got.Data.Events()) != 1 {
		t.Fatalf("get %+v %v", got, err)
	}
	if s, _ := got.Data.Events()[0].Props.Text(goical.PropSummary); s != "Loto de Noël" {
		t.Fatalf("summary %q", s)
	}
	q := &gocaldav.CalendarQuery{
		CompRequest: gocaldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true},
		CompFilter: gocaldav.CompFilter{Name: "VCALENDAR", Comps: []gocaldav.CompFilter{{
			Name: "VEVENT", Start: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		}}},
	}
	objs, err := c.QueryCalendar(ctx, calPath, q)
	if err != nil || len(objs) != 1 || objs[0].Path != calPath+"gowebdav-1.ics" || objs[0].ETag != obj.ETag {
		t.Fatalf("query %+v %v", objs, err)
	}
	q.CompFilter.Comps[0].Start = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	q.CompFilter.Comps[0].End = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	if objs, err := c.QueryCalendar(ctx, calPath, q); err != nil || len(objs) != 0 {
		t.Fatalf("empty query %+v %v", objs, err)
	}
	mg, err := c.MultiGetCalendar(ctx, calPath, &gocaldav.CalendarMultiGet{
		Paths:       []string{calPath + "gowebdav-1.ics"},
		CompRequest: gocaldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true},
	})
	if err != nil || len(mg) != 1 || mg[0].ETag != obj.ETag {
		t.Fatalf("multiget %+v %v", mg, err)
	}
	// The other member sees the object; the write went through the change log.
	r := e.do("alice", "GET", amisMain+"gowebdav-1.ics", "").must(t, 200, "alice reads")
	if !strings.Contains(r.body, "Loto de No") {
		t.Fatal(r.body)
	}
	if err := wc.RemoveAll(ctx, calPath+"gowebdav-1.ics"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCalendarObject(ctx, calPath+"gowebdav-1.ics"); err == nil {
		t.Fatal("still there after DELETE")
	}
}
