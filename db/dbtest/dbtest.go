// Package dbtest gives tests a real, migrated SQLite store in a temporary
// file, and small builders for the rows most tests need.
package dbtest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// New opens a fresh store in t's temporary directory and closes it when
// the test ends.
func New(t testing.TB) *db.Store {
	t.Helper()
	s, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "bastide.db"))
	if err != nil {
		t.Fatalf("dbtest: open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Association stores an association with the given slug and a public
// "main" calendar, and returns both.
func Association(t testing.TB, s *db.Store, slug string) (*model.Association, *model.Calendar) {
	t.Helper()
	ctx := context.Background()
	a := &model.Association{Slug: slug, Name: "Association " + slug, CommuneINSEE: "47001"}
	if err := s.CreateAssociation(ctx, a); err != nil {
		t.Fatalf("dbtest: create association: %v", err)
	}
	c := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: "main", Name: "Agenda",
		Public: true, Components: []string{"VEVENT", "VTODO"}}
	if err := s.CreateCalendar(ctx, c); err != nil {
		t.Fatalf("dbtest: create calendar: %v", err)
	}
	return a, c
}

// User stores a user with the given name (no password).
func User(t testing.TB, s *db.Store, username string) *model.User {
	t.Helper()
	u := &model.User{Username: username, DisplayName: username}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("dbtest: create user: %v", err)
	}
	return u
}

// Event builds (without storing) a one-hour event starting at start, with
// a minimal iCalendar text so that its ETag is meaningful.
func Event(calendarID int64, uid string, start time.Time, summary string) *model.Event {
	start = start.UTC()
	end := start.Add(time.Hour)
	data := fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//dbtest//FR\r\nBEGIN:VEVENT\r\nUID:%s\r\n"+
		"DTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		uid, start.Format("20060102T150405Z"), end.Format("20060102T150405Z"), summary)
	return &model.Event{
		CalendarID: calendarID, Href: uid + ".ics", UID: uid, Data: data, Component: "VEVENT",
		Summary: summary, Start: start, End: end, Status: model.StatusConfirmed,
		Instances: []model.Instance{{Start: start, End: end}},
	}
}
