package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

func TestSubscriptionStore(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	a, agenda := dbtest.Association(t, s, "club")
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(agenda.ID, "x@club", time.Now().Add(48*time.Hour), "X")}); err != nil {
		t.Fatal(err)
	}
	// A calendar with events of its own, or a too short interval, or a
	// bad address: refused, nothing made.
	if _, _, err := s.SubscribeCalendar(ctx, a.ID, agenda.Slug, "", true, &model.Subscription{URL: "https://e.org/a.ics"}); err == nil {
		t.Fatal("subscribed a calendar holding events")
	}
	if _, _, err := s.SubscribeCalendar(ctx, a.ID, "flux", "", true, &model.Subscription{URL: "https://e.org/a.ics", Interval: time.Minute}); err == nil {
		t.Fatal("accepted a one-minute interval")
	}
	if _, _, err := s.SubscribeCalendar(ctx, a.ID, "flux", "", true, &model.Subscription{URL: "file:///etc/passwd"}); err == nil {
		t.Fatal("accepted a file URL")
	}
	if _, err := s.GetAssociationCalendar(ctx, a.ID, "flux"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("a refused subscription left a calendar: %v", err)
	}

	sub := &model.Subscription{URL: "webcal://e.org/a.ics"}
	cal, created, err := s.SubscribeCalendar(ctx, a.ID, "flux", "Flux", false, sub)
	if err != nil || !created || cal.Public || cal.ReadOnlySource() != "https://e.org/a.ics" || sub.Interval != time.Hour {
		t.Fatalf("%+v %v %v %+v", cal, created, err, sub)
	}
	if _, _, err := s.SubscribeCalendar(ctx, a.ID, "flux", "", true, &model.Subscription{URL: "https://e.org/b.ics"}); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("a second feed for the calendar: %v", err)
	}
	if c, _ := s.GetCalendar(ctx, cal.ID); c.ReadOnlySource() != sub.URL {
		t.Fatalf("the stored calendar does not name its source: %+v", c)
	}

	at := time.Now().UTC().Truncate(time.Second)
	if err := s.SubscriptionFailure(ctx, sub.ID, model.FeedErrTimeout, "slow", at); err != nil {
		t.Fatal(err)
	}
	if err := s.SubscriptionFailure(ctx, sub.ID, model.FeedErrTimeout, "slow", at); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetSubscription(ctx, sub.ID)
	if got.Failures != 2 || !got.NextAt.Equal(at.Add(10*time.Minute)) || got.LastErrorCode != model.FeedErrTimeout {
		t.Fatalf("after two failures %+v", got)
	}
	if due, _ := s.DueSubscriptions(ctx, at, 10); len(due) != 0 {
		t.Fatalf("due while backing off: %v", due)
	}
	// "Refresh now" makes it due at once.
	if err := s.RefreshSubscriptionSoon(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueSubscriptions(ctx, time.Now().Add(time.Second), 10); len(due) != 1 || due[0].ID != sub.ID || due[0].AssociationSlug != "club" {
		t.Fatalf("due after refresh now: %+v", due)
	}
	if err := s.SubscriptionSuccess(ctx, sub.ID, `"e1"`, "", "abc", at); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetSubscription(ctx, sub.ID)
	if got.Failures != 0 || got.LastErrorCode != "" || got.ETag != `"e1"` || got.BodySHA256 != "abc" || !got.NextAt.Equal(at.Add(time.Hour)) {
		t.Fatalf("after a success %+v", got)
	}

	if err := s.DeleteSubscription(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.GetCalendar(ctx, cal.ID); c.ReadOnlySource() != "" {
		t.Fatal("the calendar still names a source")
	}
	if err := s.DeleteSubscription(ctx, sub.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}
