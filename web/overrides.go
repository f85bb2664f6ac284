package web

import (
	"context"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/ical"
)

// withOverrides gives the occurrences that come from a RECURRENCE-ID
// component (a moved or changed date of a series) their own SUMMARY,
// LOCATION and DESCRIPTION: the store indexes the series by its master, so
// "Randonnée (déplacée au mercredi)" would otherwise show under the
// master's title. Rows are changed in place (their Event is copied first).
// Only override rows cost anything: one batched read of their texts.
func (a *app) withOverrides(ctx context.Context, rows []db.InstanceRow) error {
	idx := map[int64][]int{}
	var ids []int64
	for i, r := range rows {
		if !r.Instance.Override {
			continue
		}
		if _, ok := idx[r.Event.ID]; !ok {
			ids = append(ids, r.Event.ID)
		}
		idx[r.Event.ID] = append(idx[r.Event.ID], i)
	}
	if len(ids) == 0 {
		return nil
	}
	data, err := a.store.EventsData(ctx, ids)
	if err != nil {
		return err
	}
	for id, rowsOf := range idx {
		obj, err := ical.ParseObject([]byte(data[id]), ical.DefaultLimits())
		if err != nil {
			continue
		}
		texts := map[int64]*goical.Component{}
		for _, ov := range obj.Overrides {
			if t, ok := recurrenceID(ov, obj.Cal); ok {
				texts[t.Unix()] = ov
			}
		}
		for _, i := range rowsOf {
			ov := texts[rows[i].Instance.RecurrenceID.Unix()]
			if ov == nil {
				continue
			}
			ev := *rows[i].Event
			if s := propText(ov, goical.PropSummary); s != "" {
				ev.Summary = s
			}
			if s := propText(ov, goical.PropLocation); s != "" {
				ev.Location = s
			}
			if s := propText(ov, goical.PropDescription); s != "" {
				ev.Description = s
			}
			rows[i].Event = &ev
		}
	}
	return nil
}

func propText(c *goical.Component, name string) string {
	if p := c.Props.Get(name); p != nil {
		return strings.TrimSpace(unescape(p.Value))
	}
	return ""
}

// recurrenceID reads a RECURRENCE-ID the way the store keeps it: the
// instant in UTC, or the wall clock read as UTC for dates and floating times.
func recurrenceID(c *goical.Component, cal *goical.Calendar) (time.Time, bool) {
	p := c.Props.Get(goical.PropRecurrenceID)
	if p == nil {
		return time.Time{}, false
	}
	v := strings.TrimSpace(p.Value)
	switch {
	case len(v) == 8:
		t, err := time.Parse("20060102", v)
		return t, err == nil
	case strings.HasSuffix(v, "Z"):
		t, err := time.Parse("20060102T150405Z", v)
		return t, err == nil
	}
	if tzid := p.Params.Get(goical.PropTimezoneID); tzid != "" {
		loc, err := ical.ResolveTZID(tzid, cal)
		if err != nil {
			return time.Time{}, false
		}
		t, err := time.ParseInLocation("20060102T150405", v, loc)
		return t.UTC(), err == nil
	}
	t, err := time.Parse("20060102T150405", v)
	return t, err == nil
}
