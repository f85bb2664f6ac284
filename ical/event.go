package ical

import (
	"context"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/db/model"
)

// Event extracts the indexed fields of the object into a model.Event and
// expands the occurrences to store with it.
//
// The fields come from the master component (or from the earliest override
// when there is no master). Start and End are the first occurrence's bounds:
// the instant in UTC, or for all-day and floating events the wall clock read
// as UTC, with AllDay or Floating set. TZID is the IANA name of the zone
// (Outlook's "Romance Standard Time" becomes "Europe/Paris"), "UTC" for UTC
// times, the VTIMEZONE's TZID for a custom zone, and empty for all-day and
// floating events. Data is the text the object was parsed from.
//
// Instances follow a policy that does not refuse an event for the number of
// its occurrences (see the README):
//
//   - occurrences are expanded from DTSTART: up to now+lim.Horizon for a
//     rule without COUNT or UNTIL, to the end for a finite one;
//   - at most lim.MaxInstances occurrences of the rule are kept; when there
//     are more, past occurrences (ended before now) are dropped first, so a
//     daily event started years ago keeps its recent and coming days, and
//     expansion stops once MaxInstances current or future ones are kept;
//   - the rule may generate at most lim.MaxSteps occurrences, and examine
//     at most lim.MaxWork candidate times;
//   - every override is kept, whatever its date, with Override set; a
//     cancelled one keeps Status "CANCELLED" (consumers filter it out of
//     busy time and may show it struck through);
//   - InstancesCapped is set whenever an occurrence of the series is not
//     stored: use ExpandRange for ranges outside the stored ones.
//
// The result does not depend on the clock except through now.
func (o *Object) Event(now time.Time, lim Limits) (*model.Event, error) {
	return o.EventContext(context.Background(), now, lim)
}

// EventContext is Event that stops with ctx's error, wrapped, when ctx is
// done.
func (o *Object) EventContext(ctx context.Context, now time.Time, lim Limits) (*model.Event, error) {
	lim = lim.withDefaults()
	if o.series == nil {
		return nil, invalidf("", "object was not made by ParseObject")
	}
	c := o.Master
	// Only overrides: the series is described by its earliest one.
	tm := o.series.describing()
	if tm == nil {
		return nil, invalidf("RECURRENCE-ID", "the object has no usable component")
	}
	if c == nil {
		c = tm.comp
	}
	e := &model.Event{
		UID:         o.UID,
		Component:   o.Component,
		Summary:     text(c, goical.PropSummary),
		Description: text(c, goical.PropDescription),
		Location:    text(c, goical.PropLocation),
		Status:      tm.status,
		Class:       strings.ToUpper(strings.TrimSpace(text(c, goical.PropClass))),
		URL:         strings.TrimSpace(text(c, goical.PropURL)),
		Recurring:   o.series.recurring() || o.Master == nil,
		RRule:       o.series.ruleText,
	}
	if data := o.Data; len(data) > 0 {
		e.Data = string(data)
	} else {
		b, err := Encode(o.Cal)
		if err != nil {
			return nil, err
		}
		e.Data = string(b)
	}
	if tm.hasStart {
		start := tm.start
		e.Start = start.model()
		e.End = tm.endOf(start.t).UTC()
		switch start.kind {
		case dtDate:
			e.AllDay = true
		case dtFloating:
			e.Floating = true
		case dtUTC:
			e.TZID = "UTC"
		case dtZoned:
			e.TZID = start.loc.String()
		}
	}
	seen := map[string]bool{}
	for _, p := range c.Props.Values(goical.PropCategories) {
		for _, cat := range splitText(p.Value) {
			cat = strings.TrimSpace(cat)
			if cat == "" || seen[strings.ToLower(cat)] || len(e.Categories) >= model.MaxCategories {
				continue
			}
			seen[strings.ToLower(cat)] = true
			e.Categories = append(e.Categories, cat)
		}
	}
	if p := c.Props.Get(goical.PropGeo); p != nil {
		if lat, lon, err := parseGeo(p.Value); err == nil {
			e.Lat, e.Lon, e.HasGeo = lat, lon, true
		}
	}
	structuredLocation(c, e)
	shownFields(c, e)
	if p := c.Props.Get(goical.PropSequence); p != nil {
		e.Sequence, _ = strconv.Atoi(strings.TrimSpace(p.Value))
	}
	instances, capped, err := o.expandStored(ctx, now, lim)
	if err != nil {
		return nil, err
	}
	e.Instances, e.InstancesCapped = instances, capped
	return e, nil
}

// structuredLocation reads Apple Calendar's X-APPLE-STRUCTURED-LOCATION
// (a geo: URI with the place's X-TITLE and X-ADDRESS): its point when
// the event has no GEO, and the commune its address names (the store
// derives the commune from LOCATION and GEO when this gives none).
func structuredLocation(c *goical.Component, e *model.Event) {
	p := c.Props.Get("X-APPLE-STRUCTURED-LOCATION")
	if p == nil {
		return
	}
	if v := strings.TrimSpace(p.Value); !e.HasGeo && len(v) > 4 && strings.EqualFold(v[:4], "geo:") {
		coords, _, _ := strings.Cut(v[4:], ";") // geo:lat,lon;u=uncertainty
		if lat, lon, err := parseGeo(coords); err == nil {
			e.Lat, e.Lon, e.HasGeo = lat, lon, true
		}
	}
	if addr := p.Params.Get("X-ADDRESS"); addr != "" {
		if com, ok := model.FindCommuneIn(addr); ok {
			e.CommuneINSEE = com.INSEE
		}
	}
}
