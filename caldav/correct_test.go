package caldav

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// Tests of what outside CalDAV test suites found (issue #14).

// RFC 4791 §5.3.2.1: a PUT, COPY or MOVE must not overwrite an object
// whose UID differs; the error names the resource that is there, and both
// objects stay as they were.
func TestOverwriteWithOtherUIDRefused(t *testing.T) {
	e := newEnv(t)
	first := event("first", "20261205T140000Z", "20261205T150000Z", "Un")
	e.put("alice", amisMain+"one.ics", first).must(t, 201, "first")
	e.put("alice", amisMain+"one.ics", event("second", "20261206T140000Z", "20261206T150000Z", "Deux")).must(t, 403, "put over").
		has(t, "put over", "<C:no-uid-conflict><D:href>/dav/calendars/alice/amis.main/one.ics</D:href></C:no-uid-conflict>", "another UID")
	e.do("alice", "GET", amisMain+"one.ics", "").must(t, 200, "kept").has(t, "kept", "UID:first", "SUMMARY:Un")

	e.put("alice", amisMain+"other.ics", event("other", "20261207T140000Z", "20261207T150000Z", "Autre")).must(t, 201, "other")
	for _, m := range []string{"COPY", "MOVE"} {
		e.do("alice", m, amisMain+"other.ics", "", "Destination", amisMain+"one.ics", "Overwrite", "T").must(t, 403, m+" over").
			has(t, m+" over", "<C:no-uid-conflict><D:href>/dav/calendars/alice/amis.main/one.ics</D:href></C:no-uid-conflict>")
		e.do("alice", "GET", amisMain+"one.ics", "").must(t, 200, m+": target kept").has(t, m+": target kept", "UID:first")
		e.do("alice", "GET", amisMain+"other.ics", "").must(t, 200, m+": source kept").has(t, m+": source kept", "UID:other")
	}
	// The same UID over itself stays an ordinary update.
	e.put("alice", amisMain+"one.ics", event("first", "20261205T140000Z", "20261205T160000Z", "Un bis")).must(t, 204, "update")
}

// Every report a resource lists in its DAV:supported-report-set is
// answered there (RFC 3253 §3.1.5), and the home lists no other.
func TestSupportedReportSetIsAnswered(t *testing.T) {
	e := newEnv(t)
	e.put("alice", amisMain+"x.ics", event("x", "20261205T140000Z", "20261205T150000Z", "X")).must(t, 201, "put")
	bodies := map[string]string{
		"calendar-query": `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>` +
			`<C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>`,
		"calendar-multiget": `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>` +
			`<D:href>` + amisMain + `x.ics</D:href></C:calendar-multiget>`,
		"free-busy-query": `<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav">` +
			`<C:time-range start="20261201T000000Z" end="20261231T000000Z"/></C:free-busy-query>`,
		"sync-collection": `<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`,
	}
	propfind := `<D:propfind xmlns:D="DAV:"><D:prop><D:supported-report-set/></D:prop></D:propfind>`
	for _, path := range []string{"/dav/calendars/alice/", amisMain, amisMain + "x.ics"} {
		r := e.do("alice", "PROPFIND", path, propfind, "Depth", "0").must(t, 207, "propfind "+path)
		n := 0
		for name, body := range bodies {
			advertised := strings.Contains(r.body, ":"+name+"/>")
			if !advertised {
				continue
			}
			n++
			rr := e.do("alice", "REPORT", path, body, "Depth", "1")
			if rr.code != 207 && rr.code != 200 {
				t.Errorf("%s advertises %s and answers it with %d:\n%s", path, name, rr.code, rr.body)
			}
		}
		if n == 0 {
			t.Errorf("%s advertises no report:\n%s", path, r.body)
		}
	}
}

// RFC 4791 §5.3.1 and RFC 5689 §3: a calendar is created with all the
// properties of the request or not at all; MKCALENDAR where something
// exists, or inside a calendar, fails with its precondition.
func TestMkcalendarAllOrNothing(t *testing.T) {
	e := newEnv(t)
	const (
		mkcal = `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>` +
			`<D:displayname>Protégé</D:displayname><D:getetag>"x"</D:getetag></D:prop></D:set></C:mkcalendar>`
		mkcol = `<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>` +
			`<D:resourcetype><D:collection/><C:calendar/></D:resourcetype><D:displayname>Protégé</D:displayname>` +
			`<C:supported-calendar-data><C:calendar-data content-type="text/calendar" version="2.0"/></C:supported-calendar-data>` +
			`</D:prop></D:set></D:mkcol>`
	)
	p := "/dav/calendars/alice/protege/"
	e.do("alice", "MKCALENDAR", p, mkcal).must(t, 403, "protected property").
		has(t, "protected property", "<C:mkcalendar-response", "<D:getetag/></D:prop><D:status>HTTP/1.1 403", "cannot be set",
			"<D:displayname/></D:prop><D:status>HTTP/1.1 424")
	e.do("alice", "PROPFIND", p, "", "Depth", "0").must(t, 404, "not created by MKCALENDAR")
	e.do("alice", "MKCOL", p, mkcol, "Content-Type", "application/xml").must(t, 403, "protected property, MKCOL").
		has(t, "protected property, MKCOL", "<D:mkcol-response", "<C:supported-calendar-data/></D:prop><D:status>HTTP/1.1 403",
			"<D:displayname/></D:prop><D:status>HTTP/1.1 424")
	e.do("alice", "PROPFIND", p, "", "Depth", "0").must(t, 404, "not created by MKCOL")
	bad := `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop>` +
		`<D:displayname>Rouge</D:displayname><A:calendar-color>rouge</A:calendar-color></D:prop></D:set></C:mkcalendar>`
	e.do("alice", "MKCALENDAR", p, bad).must(t, 403, "bad value").
		has(t, "bad value", "<A:calendar-color/></D:prop><D:status>HTTP/1.1 409", "#RRGGBB")
	e.do("alice", "PROPFIND", p, "", "Depth", "0").must(t, 404, "not created with a bad value")

	// Something exists there already.
	e.do("alice", "MKCALENDAR", amisMain, "").must(t, 403, "existing calendar").has(t, "existing calendar", "<D:resource-must-be-null/>")
	e.do("alice", "MKCOL", amisMain, testdata(t, "mkcol-vdirsyncer.xml"), "Content-Type", "application/xml").
		must(t, 405, "existing calendar, MKCOL").has(t, "existing calendar, MKCOL", "<D:resource-must-be-null/>")
	e.do("alice", "MKCALENDAR", "/dav/calendars/alice/", "").must(t, 403, "the home").has(t, "the home", "<D:resource-must-be-null/>")
	// Inside a calendar, nowhere to create one.
	e.put("alice", amisMain+"x.ics", event("x", "20261205T140000Z", "20261205T150000Z", "X")).must(t, 201, "put")
	for _, q := range []string{amisMain + "inner/", amisMain + "x.ics", amisMain + "y.ics"} {
		e.do("alice", "MKCALENDAR", q, "").must(t, 403, "inside "+q).has(t, "inside "+q, "<C:calendar-collection-location-ok/>")
	}
	e.do("alice", "GET", amisMain+"x.ics", "").must(t, 200, "object kept")
}

// RFC 4918 §4.3: a dead property keeps the xml:lang in scope where it was
// set, on the property itself or inherited, and those inside its value.
func TestDeadPropertiesKeepXMLLang(t *testing.T) {
	e := newEnv(t)
	mk := `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:Z="urn:example:z"><D:set><D:prop>` +
		`<Z:note xml:lang="fr">Réunions</Z:note></D:prop></D:set></C:mkcalendar>`
	e.do("alice", "MKCALENDAR", "/dav/calendars/alice/langues/", mk).must(t, 201, "mkcalendar")
	patch := `<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:example:z"><D:set><D:prop xml:lang="en-GB">` +
		`<Z:motto>Meetings</Z:motto><Z:rich><Z:line xml:lang="oc">Amassadas</Z:line></Z:rich><Z:plain>none</Z:plain>` +
		`</D:prop></D:set><D:set><D:prop><Z:plain2>nothing</Z:plain2></D:prop></D:set></D:propertyupdate>`
	e.do("alice", "PROPPATCH", "/dav/calendars/alice/langues/", patch).must(t, 207, "proppatch")
	pf := `<D:propfind xmlns:D="DAV:" xmlns:Z="urn:example:z"><D:prop><Z:note/><Z:motto/><Z:rich/><Z:plain2/></D:prop></D:propfind>`
	r := e.do("alice", "PROPFIND", "/dav/calendars/alice/langues/", pf, "Depth", "0").must(t, 207, "propfind")
	r.has(t, "propfind", `<X:note xmlns:X="urn:example:z" xml:lang="fr">Réunions</X:note>`,
		`<X:motto xmlns:X="urn:example:z" xml:lang="en-GB">Meetings</X:motto>`,
		`xml:lang="oc">Amassadas<`, `<X:plain2 xmlns:X="urn:example:z">nothing</X:plain2>`)
}

// Requests that RFC 4791 and RFC 4918 call invalid are refused with their
// precondition (or 400), never answered with a 207 as if they were fine.
func TestInvalidRequestsRefused(t *testing.T) {
	e := newEnv(t)
	e.put("alice", amisMain+"x.ics", event("x", "20261205T140000Z", "20261205T150000Z", "X")).must(t, 201, "put")
	const (
		q     = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>`
		qEnd  = `</C:calendar-query>`
		vcal  = `<C:filter><C:comp-filter name="VCALENDAR">`
		fEnd  = `</C:comp-filter></C:filter>`
		rng   = `<C:time-range start="20261201T000000Z" end="20261231T000000Z"/>`
		vtzOK = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n" +
			"BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n" +
			"END:VTIMEZONE\r\nEND:VCALENDAR\r\n"
	)
	cases := []struct {
		name, method, body string
		code               int
		want               string
	}{
		{"timezone that is no VTIMEZONE", "REPORT", q + vcal + fEnd + `<C:timezone>BEGIN:VCALENDAR&#13;
VERSION:2.0&#13;
PRODID:x&#13;
BEGIN:VEVENT&#13;
UID:u&#13;
DTSTART:20261201T100000Z&#13;
END:VEVENT&#13;
END:VCALENDAR&#13;
</C:timezone>` + qEnd, 403, "<C:valid-calendar-data/>"},
		{"timezone that is not iCalendar", "REPORT", q + vcal + fEnd + `<C:timezone>Europe/Paris</C:timezone>` + qEnd, 403, "<C:valid-calendar-data/>"},
		{"timezone in free-busy", "REPORT", `<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav">` + rng +
			`<C:timezone>nothing</C:timezone></C:free-busy-query>`, 403, "<C:valid-calendar-data/>"},
		{"comp-filter is-not-defined with a time-range", "REPORT", q + vcal + `<C:comp-filter name="VEVENT"><C:is-not-defined/>` + rng + `</C:comp-filter>` + fEnd + qEnd, 403, "<C:valid-filter/>"},
		{"prop-filter is-not-defined with a text-match", "REPORT", q + vcal + `<C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:is-not-defined/><C:text-match>X</C:text-match></C:prop-filter></C:comp-filter>` + fEnd + qEnd, 403, "<C:valid-filter/>"},
		{"prop-filter with a time-range and a text-match", "REPORT", q + vcal + `<C:comp-filter name="VEVENT"><C:prop-filter name="DTSTART">` + rng + `<C:text-match>X</C:text-match></C:prop-filter></C:comp-filter>` + fEnd + qEnd, 403, "<C:valid-filter/>"},
		{"param-filter is-not-defined with a text-match", "REPORT", q + vcal + `<C:comp-filter name="VEVENT"><C:prop-filter name="DTSTART"><C:param-filter name="TZID"><C:is-not-defined/><C:text-match>X</C:text-match></C:param-filter></C:prop-filter></C:comp-filter>` + fEnd + qEnd, 403, "<C:valid-filter/>"},
		{"two time-ranges", "REPORT", q + vcal + `<C:comp-filter name="VEVENT">` + rng + rng + `</C:comp-filter>` + fEnd + qEnd, 403, "<C:valid-filter/>"},
		{"time-range on VCALENDAR", "REPORT", q + vcal + rng + fEnd + qEnd, 403, "<C:valid-filter/>"},
		{"two top comp-filters", "REPORT", q + `<C:filter><C:comp-filter name="VCALENDAR"/><C:comp-filter name="VCALENDAR"/></C:filter>` + qEnd, 403, "<C:valid-filter/>"},
		{"calendar-data version 3.0", "REPORT", `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data content-type="text/calendar" version="3.0"/></D:prop>` + vcal + fEnd + qEnd, 403, "<C:supported-calendar-data/>"},
		{"multiget calendar-data version 3.0", "REPORT", `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data version="3.0"/></D:prop><D:href>` + amisMain + `x.ics</D:href></C:calendar-multiget>`, 403, "<C:supported-calendar-data/>"},
		{"allprop and propname", "PROPFIND", `<D:propfind xmlns:D="DAV:"><D:allprop/><D:propname/></D:propfind>`, 400, ""},
		{"prop and propname", "PROPFIND", `<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop><D:propname/></D:propfind>`, 400, ""},
	}
	for _, c := range cases {
		r := e.do("alice", c.method, amisMain, c.body, "Depth", "1").must(t, c.code, c.name)
		if c.want != "" {
			r.has(t, c.name, c.want, "<B:message>")
		}
	}
	// The valid forms of the same requests are answered.
	e.do("alice", "REPORT", amisMain, q+vcal+fEnd+`<C:timezone>`+vtzOK+`</C:timezone>`+qEnd, "Depth", "1").must(t, 207, "valid timezone")
	bare := vtzOK[strings.Index(vtzOK, "BEGIN:VTIMEZONE"):strings.Index(vtzOK, "END:VCALENDAR")]
	e.do("alice", "REPORT", amisMain, q+vcal+fEnd+`<C:timezone>`+bare+`</C:timezone>`+qEnd, "Depth", "1").must(t, 207, "bare VTIMEZONE")
	// calendar-timezone follows the same rule.
	tzPatch := func(tz string) string {
		return `<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:calendar-timezone>` +
			tz + `</C:calendar-timezone></D:prop></D:set></D:propertyupdate>`
	}
	e.do("alice", "PROPPATCH", amisMain, tzPatch("BEGIN:VTIMEZONE oops")).must(t, 207, "bad calendar-timezone").
		has(t, "bad calendar-timezone", "HTTP/1.1 409")
	e.do("alice", "PROPPATCH", amisMain, tzPatch(vtzOK)).must(t, 207, "calendar-timezone").has(t, "calendar-timezone", "HTTP/1.1 200")
	e.do("alice", "REPORT", amisMain, `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data content-type="text/calendar" version="2.0"/></D:prop>`+vcal+fEnd+qEnd, "Depth", "1").
		must(t, 207, "version 2.0").has(t, "version 2.0", "UID:x")
	e.do("alice", "PROPFIND", amisMain, `<D:propfind xmlns:D="DAV:"><D:allprop/><D:include><C:calendar-timezone xmlns:C="urn:ietf:params:xml:ns:caldav"/></D:include></D:propfind>`, "Depth", "0").
		must(t, 207, "allprop with include")
}

// RFC 4791 §9.7.2: a prop-filter with is-not-defined holds when the
// property is absent from the enclosing component, and a comp-filter holds
// when one of the object's components of its name passes all its tests.
// So a recurring object whose override lacks a property of its master
// matches, exactly as comp-filter's is-not-defined treats a VALARM that
// only the master has.
func TestIsNotDefinedPerComponent(t *testing.T) {
	e := newEnv(t)
	series := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" +
		"BEGIN:VEVENT\r\nUID:series\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261202T180000Z\r\nDTEND:20261202T200000Z\r\n" +
		"RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Chorale\r\nLOCATION:Salle des fêtes\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Rappel\r\nTRIGGER:-PT30M\r\nEND:VALARM\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:series\r\nDTSTAMP:20261101T000000Z\r\nRECURRENCE-ID:20261209T180000Z\r\n" +
		"DTSTART:20261209T170000Z\r\nDTEND:20261209T190000Z\r\nSUMMARY:Chorale (avancée)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	single := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" +
		"BEGIN:VEVENT\r\nUID:single\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261203T180000Z\r\nDTEND:20261203T200000Z\r\n" +
		"SUMMARY:AG\r\nLOCATION:Mairie\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Rappel\r\nTRIGGER:-PT30M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	e.put("alice", amisMain+"series.ics", series).must(t, 201, "series")
	e.put("alice", amisMain+"single.ics", single).must(t, 201, "single")
	e.put("alice", amisMain+"bare.ics", event("bare", "20261204T100000Z", "20261204T110000Z", "Nu")).must(t, 201, "bare")
	q := func(inner string) []string {
		return queryHrefs(t, e, testdata(t, "query-data.xml", "COMP", "VEVENT", "INNER", inner))
	}
	comp := q(`<C:comp-filter name="VALARM"><C:is-not-defined/></C:comp-filter>`)
	prop := q(`<C:prop-filter name="LOCATION"><C:is-not-defined/></C:prop-filter>`)
	if !same(comp, "series.ics", "bare.ics") {
		t.Errorf("VALARM is-not-defined: %v", comp)
	}
	if !same(prop, "series.ics", "bare.ics") {
		t.Errorf("LOCATION is-not-defined: %v, want what VALARM is-not-defined gives: %v", prop, comp)
	}
	// Both tests on the same component: only the override passes them.
	if got := q(`<C:prop-filter name="LOCATION"><C:is-not-defined/></C:prop-filter><C:prop-filter name="SUMMARY"><C:text-match>avancée</C:text-match></C:prop-filter>`); !same(got, "series.ics") {
		t.Errorf("is-not-defined and text-match: %v", got)
	}
	if got := q(`<C:prop-filter name="LOCATION"><C:is-not-defined/></C:prop-filter><C:prop-filter name="SUMMARY"><C:text-match>AG</C:text-match></C:prop-filter>`); len(got) != 0 {
		t.Errorf("is-not-defined on a component that has it: %v", got)
	}
}

// vevent returns an object of one or more VEVENT bodies (the lines between
// BEGIN:VEVENT and END:VEVENT, CRLF-separated) sharing uid.
func vevent(uid string, bodies ...string) string {
	s := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//test//FR\r\n"
	for _, b := range bodies {
		s += "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20261101T000000Z\r\n" + b + "END:VEVENT\r\n"
	}
	return s + "END:VCALENDAR\r\n"
}

const alarmEnd = "END:VALARM\r\n"

// RFC 4791 §9.9: a VALARM overlaps a time range when one of the times it
// fires does: its trigger, relative to the start or the end of each
// occurrence (or absolute), and each repetition.
func TestAlarmTimeRange(t *testing.T) {
	e := newEnv(t)
	alarm := "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Rappel\r\n"
	objs := map[string]string{
		// fires at 09:45
		"before.ics": vevent("before", "DTSTART:20261210T100000Z\r\nDTEND:20261210T110000Z\r\nSUMMARY:A\r\n"+alarm+"TRIGGER:-PT15M\r\n"+alarmEnd),
		// fires at 11:05
		"after-end.ics": vevent("after-end", "DTSTART:20261210T100000Z\r\nDTEND:20261210T110000Z\r\nSUMMARY:B\r\n"+alarm+"TRIGGER;RELATED=END:PT5M\r\n"+alarmEnd),
		// fires at 09:30, 09:35 and 09:40
		"repeat.ics": vevent("repeat", "DTSTART:20261210T100000Z\r\nDTEND:20261210T110000Z\r\nSUMMARY:C\r\n"+alarm+"TRIGGER:-PT30M\r\nREPEAT:2\r\nDURATION:PT5M\r\n"+alarmEnd),
		// fires at 2026-12-01T12:00Z whatever the occurrences
		"absolute.ics": vevent("absolute", "DTSTART:20261210T100000Z\r\nDTEND:20261210T110000Z\r\nSUMMARY:D\r\n"+alarm+"TRIGGER;VALUE=DATE-TIME:20261201T120000Z\r\n"+alarmEnd),
		// weekly from 12-01 at 10:00, fires an hour before each occurrence;
		// the 12-08 occurrence is moved to 14:00 and has no alarm.
		"weekly.ics": vevent("weekly", "DTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\nSUMMARY:E\r\n"+alarm+"TRIGGER:-PT1H\r\n"+alarmEnd,
			"RECURRENCE-ID:20261208T100000Z\r\nDTSTART:20261208T140000Z\r\nDTEND:20261208T150000Z\r\nSUMMARY:E moved\r\n"),
		// no alarm at all
		"silent.ics": vevent("silent", "DTSTART:20261210T100000Z\r\nDTEND:20261210T110000Z\r\nSUMMARY:F\r\n"),
	}
	for name, data := range objs {
		e.put("alice", amisMain+name, data).must(t, 201, "put "+name)
	}
	q := func(start, end string) []string {
		return queryHrefs(t, e, testdata(t, "query-data.xml", "COMP", "VEVENT", "INNER",
			`<C:comp-filter name="VALARM"><C:time-range start="`+start+`" end="`+end+`"/></C:comp-filter>`))
	}
	cases := []struct {
		start, end string
		want       []string
	}{
		{"20261210T094100Z", "20261210T095000Z", []string{"before.ics"}},
		{"20261210T110000Z", "20261210T111000Z", []string{"after-end.ics"}},
		{"20261210T093400Z", "20261210T093600Z", []string{"repeat.ics"}},
		{"20261210T094000Z", "20261210T094001Z", []string{"repeat.ics"}},
		{"20261210T094100Z", "20261210T094400Z", nil},
		{"20261201T115900Z", "20261201T120100Z", []string{"absolute.ics"}},
		{"20261215T083000Z", "20261215T093000Z", []string{"weekly.ics"}},
		{"20261201T083000Z", "20261201T093000Z", []string{"weekly.ics"}},
		{"20261215T093000Z", "20261215T120000Z", nil},
		// the moved occurrence has no alarm, and the one it replaces is gone
		{"20261208T083000Z", "20261208T093000Z", nil},
		{"20261208T123000Z", "20261208T140000Z", nil},
		{"20261210T100000Z", "20261210T110000Z", nil},
	}
	for _, c := range cases {
		if got := q(c.start, c.end); !same(got, c.want...) {
			t.Errorf("alarms in [%s, %s): got %v, want %v", c.start, c.end, got, c.want)
		}
	}
}

// Clients name calendars as they like (vdirsyncer's tests use
// "test @ foo ät bar"): such a name is a personal calendar at exactly the
// URL asked for, percent-encoded; a name that cannot be one is refused
// with a DAV:error that says why.
func TestCalendarNamesOfClients(t *testing.T) {
	e := newEnv(t)
	names := []string{"test @ foo ät bar", "Agenda_perso", "日本の予定", "a+b=c!"}
	for i, name := range names {
		p := "/dav/calendars/alice/" + url.PathEscape(name) + "/"
		method, body := "MKCALENDAR", ""
		if i%2 == 1 {
			method, body = "MKCOL", testdata(t, "mkcol-vdirsyncer.xml")
		}
		r := e.do("alice", method, p, body, "Content-Type", "application/xml").must(t, 201, method+" "+name)
		if loc := r.header.Get("Location"); loc != p {
			t.Errorf("%s: Location %q, want %q", name, loc, p)
		}
		uid := fmt.Sprintf("named-%d", i)
		e.put("alice", p+uid+".ics", event(uid, "20261205T140000Z", "20261205T150000Z", "Dans "+name)).must(t, 201, "put in "+name)
		e.do("alice", "GET", p+uid+".ics", "").must(t, 200, "get in "+name).has(t, "get in "+name, "UID:"+uid)
		// Another spelling of the same path reaches the same calendar.
		raw := "/dav/calendars/alice/" + strings.ReplaceAll(url.PathEscape(name), "@", "%40") + "/"
		e.do("alice", "PROPFIND", raw, "", "Depth", "1").must(t, 207, "propfind "+name).has(t, "propfind "+name, uid+".ics")
		e.do("alice", "PROPFIND", "/dav/calendars/alice/", "", "Depth", "1").must(t, 207, "home").has(t, "home", "<D:href>"+p+"</D:href>")
	}
	e.do("alice", "MKCALENDAR", "/dav/calendars/alice/"+url.PathEscape(names[0])+"/", "").must(t, 403, "again").has(t, "again", "resource-must-be-null")
	// Bob does not see alice's calendars, whatever their names.
	e.do("bob", "PROPFIND", "/dav/calendars/bob/", "", "Depth", "1").must(t, 207, "bob").lacks(t, "bob", "test%20@")
	e.do("bob", "PROPFIND", "/dav/calendars/bob/"+url.PathEscape(names[0])+"/", "", "Depth", "0").must(t, 404, "bob's own")

	for _, c := range []struct{ seg, why string }{
		{"Mon.Agenda", "dot"},
		{"a.b.c", "dot"},
		{"tab%09here", "control"},
		{"%20%20", "blank"},
		{strings.Repeat("x", 300), "at most"},
	} {
		p := "/dav/calendars/alice/" + c.seg + "/"
		e.do("alice", "MKCALENDAR", p, "").must(t, 403, "refused "+c.seg).has(t, "refused "+c.seg, "<C:calendar-collection-location-ok/>", c.why)
		e.do("alice", "MKCOL", p, testdata(t, "mkcol-vdirsyncer.xml"), "Content-Type", "application/xml").must(t, 403, "refused MKCOL "+c.seg).
			has(t, "refused MKCOL "+c.seg, c.why)
		e.do("alice", "PROPFIND", p, "", "Depth", "0").must(t, 404, "nothing at "+c.seg)
	}
}

// An override may be of another kind than its series: a timed occurrence
// of an all-day or floating series, or an all-day one of a timed series.
// Each occurrence is judged by its own kind in time-range queries,
// free-busy and expand (RFC 4791 §9.9, §7.10, §9.6.5); the calendar's zone
// is Europe/Paris (UTC+1 in December).
func TestOverrideOfAnotherKind(t *testing.T) {
	e := newEnv(t)
	// All-day Mondays; the 14th happens 15:00-16:00 UTC instead.
	e.put("alice", amisMain+"allday.ics", vevent("allday",
		"DTSTART;VALUE=DATE:20261207\r\nDTEND;VALUE=DATE:20261208\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Journée\r\n",
		"RECURRENCE-ID;VALUE=DATE:20261214\r\nDTSTART:20261214T150000Z\r\nDTEND:20261214T160000Z\r\nSUMMARY:Réunion\r\n")).must(t, 201, "all-day series")
	// 10:00 UTC Mondays; the 14th becomes all of Tuesday the 15th.
	e.put("alice", amisMain+"timed.ics", vevent("timed",
		"DTSTART:20261207T100000Z\r\nDTEND:20261207T110000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Permanence\r\n",
		"RECURRENCE-ID:20261214T100000Z\r\nDTSTART;VALUE=DATE:20261215\r\nDTEND;VALUE=DATE:20261216\r\nSUMMARY:Journée portes ouvertes\r\n")).must(t, 201, "timed series")
	// Floating 18:00 Wednesdays (17:00 UTC in Paris); the 16th at 12:00 UTC.
	e.put("alice", amisMain+"floating.ics", vevent("floating",
		"DTSTART:20261209T180000\r\nDTEND:20261209T190000\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Chorale\r\n",
		"RECURRENCE-ID:20261216T180000\r\nDTSTART:20261216T120000Z\r\nDTEND:20261216T130000Z\r\nSUMMARY:Chorale (midi)\r\n")).must(t, 201, "floating series")

	query := func(start, end string) []string {
		return queryHrefs(t, e, testdata(t, "query-data.xml", "COMP", "VEVENT", "INNER", `<C:time-range start="`+start+`" end="`+end+`"/>`))
	}
	for _, c := range []struct {
		start, end string
		want       []string
	}{
		{"20261214T153000Z", "20261214T154500Z", []string{"allday.ics"}},
		{"20261214T141000Z", "20261214T145000Z", nil},
		{"20261214T231000Z", "20261214T235000Z", []string{"timed.ics"}},
		{"20261215T233000Z", "20261216T000000Z", nil},
		{"20261216T121000Z", "20261216T122000Z", []string{"floating.ics"}},
		{"20261216T171000Z", "20261216T172000Z", nil},
		// whole days around the moves: each series is there
		{"20261213T000000Z", "20261217T000000Z", []string{"allday.ics", "timed.ics", "floating.ics"}},
	} {
		if got := query(c.start, c.end); !same(got, c.want...) {
			t.Errorf("time-range [%s, %s): got %v, want %v", c.start, c.end, got, c.want)
		}
	}

	fb := e.do("alice", "REPORT", amisMain, testdata(t, "freebusy.xml", "START", "20261214T000000Z", "END", "20261217T000000Z"), "Depth", "1").
		must(t, 200, "free-busy")
	for _, p := range []string{"20261214T150000Z/20261214T160000Z", "20261214T230000Z/20261215T230000Z", "20261216T120000Z/20261216T130000Z"} {
		if !strings.Contains(fb.body, p) {
			t.Errorf("free-busy lacks %s:\n%s", p, fb.body)
		}
	}
	for _, p := range []string{"20261214T140000Z", "20261215T000000Z/", "20261216T170000Z"} {
		if strings.Contains(fb.body, p) {
			t.Errorf("free-busy has %s, a misread occurrence:\n%s", p, fb.body)
		}
	}

	ex := e.do("alice", "REPORT", amisMain, testdata(t, "query-expand.xml", "START", "20261213T000000Z", "END", "20261217T000000Z"), "Depth", "1").
		must(t, 207, "expand")
	body := strings.ReplaceAll(ex.body, "&#13;", "")
	for _, want := range []string{
		"RECURRENCE-ID;VALUE=DATE:20261214\n",
		"DTSTART:20261214T150000Z\nDTEND:20261214T160000Z",
		"DTSTART;VALUE=DATE:20261215\nDTEND;VALUE=DATE:20261216",
		"RECURRENCE-ID:20261214T100000Z",
		"DTSTART:20261216T120000Z\nDTEND:20261216T130000Z",
		"RECURRENCE-ID:20261216T180000\n",
	} {
		if !strings.Contains(strings.ReplaceAll(body, "\r", ""), want) {
			t.Errorf("expand lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "DTSTART;VALUE=DATE:20261214\nDTEND;VALUE=DATE:20261214") {
		t.Errorf("expand made a zero-length all-day event:\n%s", body)
	}
}
