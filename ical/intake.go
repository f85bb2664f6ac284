package ical

import (
	"context"
	"strings"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// CalendarEvent is the intake of an object a client stores in a calendar,
// shared by every road that writes one (a CalDAV PUT, COPY or MOVE, the
// back office's event form): the object must be valid and of a component
// the calendar supports; its occurrences are expanded (stopping when ctx
// is done). The event is ready for the store's PutEvent, in cal at href,
// of local origin.
func CalendarEvent(ctx context.Context, data []byte, cal *model.Calendar, href string, now time.Time, lim Limits) (*model.Event, error) {
	obj, err := ParseObject(data, lim)
	if err != nil {
		return nil, err
	}
	if !cal.SupportsComponent(obj.Component) {
		return nil, errorf(KindUnsupportedComponent, obj.Component,
			"this calendar accepts %s, not %s", strings.Join(cal.Components, " and "), obj.Component)
	}
	e, err := obj.EventContext(ctx, now, lim)
	if err != nil {
		return nil, err
	}
	e.CalendarID, e.Href, e.Origin = cal.ID, href, model.OriginLocal
	return e, nil
}
