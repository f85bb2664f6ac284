package ical

import (
	"net/url"
	"strings"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/db/model"
)

// What a public iCalendar output (the agenda's feeds, an event's .ics)
// may carry of a stored object is an allow-list: the properties that say
// what, when and where, with the parameters that qualify them, and links
// only when they are http(s). Everything else a calendar app stored, the
// organiser's and attendees' addresses, CONTACT, COMMENT, alarms, vendor
// X- properties, stays out, whatever new name it comes under.

// publicProp says how a property is written in public.
type publicProp int

const (
	keepValue publicProp = iota + 1
	// keepLink keeps the property only when its value is an absolute
	// http(s) URL.
	keepLink
)

// publicProps is the allow-list of the properties of a VEVENT or VTODO.
var publicProps = map[string]publicProp{
	goical.PropUID: keepValue, goical.PropDateTimeStamp: keepValue, goical.PropDateTimeStart: keepValue,
	goical.PropDateTimeEnd: keepValue, goical.PropDuration: keepValue, goical.PropDue: keepValue,
	goical.PropRecurrenceID: keepValue, goical.PropRecurrenceRule: keepValue, goical.PropRecurrenceDates: keepValue,
	goical.PropExceptionDates: keepValue, goical.PropSummary: keepValue, goical.PropDescription: keepValue,
	goical.PropLocation: keepValue, goical.PropGeo: keepValue, goical.PropCategories: keepValue,
	goical.PropStatus: keepValue, goical.PropClass: keepValue, goical.PropTransparency: keepValue,
	goical.PropSequence: keepValue, goical.PropCreated: keepValue, goical.PropLastModified: keepValue,
	goical.PropColor: keepValue,
	goical.PropURL:   keepLink, goical.PropAttach: keepLink, goical.PropImage: keepLink, goical.PropConference: keepLink,
	// Bastide's own public details (price, accessibility, online link).
	"X-BASTIDE-PRICE": keepValue, "X-BASTIDE-ACCESSIBILITY": keepValue, "X-BASTIDE-ONLINE-URL": keepLink,
}

// publicParams is the allow-list of parameters, on any kept property.
var publicParams = map[string]bool{
	goical.ParamTimezoneID: true, goical.ParamValue: true, goical.ParamLanguage: true, "RANGE": true,
	goical.ParamFormatType: true, "FEATURE": true, "LABEL": true, "DISPLAY": true,
}

// PublicLink returns u when it is an absolute http(s) URL, "" otherwise:
// the only links a public output carries.
func PublicLink(u string) string {
	u = strings.TrimSpace(u)
	if len(u) > 2000 {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// publicComponents returns the components of one stored object as the
// public may see them: only the allowed properties and parameters, no
// sub-components (alarms), and no private occurrence. An override whose
// CLASS is PRIVATE or CONFIDENTIAL is left out and its date becomes an
// EXDATE of the series, so that subscribers see neither its details nor
// the series' text in its place; a private master takes the whole object
// with it. The components given are not changed.
func publicComponents(comps []*goical.Component) []*goical.Component {
	var master *goical.Component
	var hidden []*goical.Prop
	for _, c := range comps {
		private := !model.PublicClass(strings.ToUpper(strings.TrimSpace(text(c, goical.PropClass))))
		rid := c.Props.Get(goical.PropRecurrenceID)
		switch {
		case rid == nil && private:
			return nil
		case rid == nil:
			master = c
		case private:
			hidden = append(hidden, rid)
		}
	}
	out := make([]*goical.Component, 0, len(comps))
	for _, c := range comps {
		if rid := c.Props.Get(goical.PropRecurrenceID); rid != nil && !model.PublicClass(strings.ToUpper(strings.TrimSpace(text(c, goical.PropClass)))) {
			continue
		}
		pc := publicComponent(c)
		if c == master {
			for _, rid := range hidden {
				pc.Props.Add(&goical.Prop{Name: goical.PropExceptionDates, Params: keptParams(rid.Params), Value: rid.Value})
			}
		}
		out = append(out, pc)
	}
	return out
}

// publicComponent copies the allowed properties of an event or a task.
func publicComponent(c *goical.Component) *goical.Component { return copyAllowed(c, publicProps) }

// copyAllowed copies the properties of c that allowed lets through, with
// their allowed parameters, and none of its sub-components.
func copyAllowed(c *goical.Component, allowed map[string]publicProp) *goical.Component {
	out := goical.NewComponent(c.Name)
	for name, props := range c.Props {
		rule := allowed[name]
		if rule == 0 {
			continue
		}
		for _, p := range props {
			v := p.Value
			if rule == keepLink {
				if PublicLink(v) == "" || strings.EqualFold(p.Params.Get(goical.ParamValue), "BINARY") {
					continue
				}
			}
			out.Props.Add(&goical.Prop{Name: name, Params: keptParams(p.Params), Value: v})
		}
	}
	return out
}

func keptParams(ps goical.Params) goical.Params {
	out := goical.Params{}
	for k, v := range ps {
		if publicParams[k] {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

// publicTimezoneProps is the allow-list of a VTIMEZONE and of its
// STANDARD and DAYLIGHT parts: the zone's rules and names, nothing else
// a client may have put there.
var publicTimezoneProps = map[string]publicProp{
	goical.PropTimezoneID: keepValue, goical.PropLastModified: keepValue, goical.PropTimezoneURL: keepLink,
	goical.PropDateTimeStart: keepValue, goical.PropTimezoneOffsetFrom: keepValue, goical.PropTimezoneOffsetTo: keepValue,
	goical.PropRecurrenceRule: keepValue, goical.PropRecurrenceDates: keepValue, goical.PropTimezoneName: keepValue,
}

// publicTimezone copies the allowed parts of a stored VTIMEZONE.
func publicTimezone(c *goical.Component) *goical.Component {
	out := copyAllowed(c, publicTimezoneProps)
	for _, child := range c.Children {
		if child.Name == goical.CompTimezoneStandard || child.Name == goical.CompTimezoneDaylight {
			out.Children = append(out.Children, copyAllowed(child, publicTimezoneProps))
		}
	}
	return out
}
