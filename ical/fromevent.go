package ical

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/db/model"
)

// prodID names Bastide as the producer of the objects it writes.
const prodID = "-//Bastide//Bastide 47//FR"

// DefaultZone is the zone of events known only by their fields.
const DefaultZone = "Europe/Paris"

// FromEvent builds the iCalendar text of an event known only by its fields
// (a remote ActivityPub event, demo data): a VCALENDAR with a VTIMEZONE and
// one VEVENT with UID, DTSTAMP, DTSTART/DTEND in the event's zone (e.TZID
// if it names an IANA zone, Europe/Paris otherwise; VALUE=DATE for all-day
// events, no zone for floating ones), SUMMARY, DESCRIPTION, LOCATION, GEO,
// URL, CATEGORIES, STATUS, CLASS, SEQUENCE and RRULE when e.RRule is set.
// The result is checked with ParseObject, so a bad RRULE is an error here.
// DTSTAMP is e.Updated, or e.Created, or the current time.
func FromEvent(e *model.Event) ([]byte, error) {
	if strings.TrimSpace(e.UID) == "" {
		return nil, invalidf("UID", "the event has no UID").as(CodeNoUID)
	}
	if e.Start.IsZero() {
		return nil, invalidf("DTSTART", "the event has no start").as(CodeNoStart)
	}
	zone := DefaultZone
	if e.TZID != "" && e.TZID != "UTC" {
		if _, ok := loadIANA(e.TZID); ok {
			zone = e.TZID
		}
	}
	loc, _ := loadIANA(zone)
	cal := goical.NewCalendar()
	setProp(cal.Component, goical.PropVersion, nil, "2.0")
	setProp(cal.Component, goical.PropProductID, nil, prodID)
	setProp(cal.Component, goical.PropCalendarScale, nil, "GREGORIAN")
	ev := goical.NewComponent(goical.CompEvent)
	setProp(ev, goical.PropUID, nil, e.UID)
	stamp := e.Updated
	if stamp.IsZero() {
		stamp = e.Created
	}
	if stamp.IsZero() {
		stamp = time.Now()
	}
	setProp(ev, goical.PropDateTimeStamp, nil, stamp.UTC().Format(layoutDateTime+"Z"))
	if !e.Created.IsZero() {
		setProp(ev, goical.PropCreated, nil, e.Created.UTC().Format(layoutDateTime+"Z"))
	}
	if !e.Updated.IsZero() {
		setProp(ev, goical.PropLastModified, nil, e.Updated.UTC().Format(layoutDateTime+"Z"))
	}
	zoned := false
	setTime := func(name string, t time.Time) {
		switch {
		case e.AllDay:
			setProp(ev, name, goical.Params{goical.ParamValue: {"DATE"}}, t.UTC().Format(layoutDate))
		case e.Floating:
			setProp(ev, name, nil, t.UTC().Format(layoutDateTime))
		default:
			zoned = true
			setProp(ev, name, goical.Params{goical.PropTimezoneID: {zone}}, t.In(loc).Format(layoutDateTime))
		}
	}
	setTime(goical.PropDateTimeStart, e.Start)
	if !e.End.IsZero() && e.End.After(e.Start) {
		setTime(goical.PropDateTimeEnd, e.End)
	}
	for _, f := range []struct{ name, value string }{
		{goical.PropSummary, e.Summary},
		{goical.PropDescription, e.Description},
		{goical.PropLocation, e.Location},
		{goical.PropClass, e.Class},
		{goical.PropStatus, e.Status},
	} {
		if f.value != "" {
			setProp(ev, f.name, nil, escapeText(f.value))
		}
	}
	if e.URL != "" {
		setProp(ev, goical.PropURL, nil, strings.NewReplacer("\r", "", "\n", "").Replace(e.URL))
	}
	if len(e.Categories) > 0 {
		cats := make([]string, 0, len(e.Categories))
		for _, c := range e.Categories {
			if c = strings.TrimSpace(c); c != "" {
				cats = append(cats, escapeText(c))
			}
		}
		if len(cats) > 0 {
			setProp(ev, goical.PropCategories, nil, strings.Join(cats, ","))
		}
	}
	if e.HasGeo {
		setProp(ev, goical.PropGeo, nil, fmt.Sprintf("%s;%s", strconv.FormatFloat(e.Lat, 'f', 6, 64), strconv.FormatFloat(e.Lon, 'f', 6, 64)))
	}
	if e.Sequence > 0 {
		setProp(ev, goical.PropSequence, nil, strconv.Itoa(e.Sequence))
	}
	if r := strings.TrimSpace(e.RRule); r != "" {
		setProp(ev, goical.PropRecurrenceRule, nil, strings.TrimPrefix(strings.ToUpper(r), "RRULE:"))
	}
	if zoned {
		vtz, err := VTimezone(zone, e.Start.In(loc).Year())
		if err != nil {
			return nil, err
		}
		cal.Children = append(cal.Children, vtz)
	}
	cal.Children = append(cal.Children, ev)
	b, err := Encode(cal)
	if err != nil {
		return nil, err
	}
	if _, err := ParseObject(b, Limits{}); err != nil {
		return nil, err
	}
	return b, nil
}
