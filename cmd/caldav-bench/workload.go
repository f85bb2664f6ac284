package main

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// The workload is an association's calendar over three seasons
// (September 2024 to August 2027) in Europe/Paris: mostly one-off events
// (concerts, meetings, markets, some all-day), about 20% recurring series
// (weekly rehearsals, monthly boards, daily festival runs) each with an
// EXDATE and a moved occurrence (RECURRENCE-ID override). Everything the
// checks need (every occurrence in UTC) is computed here, independently
// of any server, from the same parameters that wrote the iCalendar text.

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

const vtimezoneParis = "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n" +
	"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n" +
	"BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"

// span is one occurrence, in UTC.
type span struct{ start, end time.Time }

// object is one calendar object resource of the workload.
type object struct {
	href    string // last path segment, e.g. "3f2a….ics"
	uid     string
	summary string
	// occurrences of the object, after EXDATE and overrides, in UTC.
	spans []span
	// data is the iCalendar text as uploaded.
	data string
	// recurring is true for series.
	recurring bool
	// params to rewrite the text on updates
	gen func(summary string) string
}

// workload is the generated calendar.
type workload struct {
	objects []*object
	byHref  map[string]*object
	// month is the calendar-query range: one month, Paris time, in UTC.
	monthStart, monthEnd time.Time
	seq                  int
}

var places = []string{"Salle des fêtes, Villeneuve-sur-Lot", "Médiathèque d'Agen", "Halle de Marmande",
	"Place de la mairie, Nérac", "Église Saint-Pierre, Casteljaloux", "Foyer rural de Penne-d'Agenais",
	"Théâtre Ducourneau, Agen", "Bastide de Monflanquin", "Lac de Clarens, Casteljaloux", "Cinéma de Fumel"}

var kinds = []string{"Concert", "Assemblée générale", "Répétition", "Marché de producteurs", "Atelier couture",
	"Loto", "Randonnée", "Conférence", "Bal trad", "Vide-grenier", "Permanence", "Projection", "Tournoi de belote"}

// newWorkload generates n objects with a fixed seed.
func newWorkload(n int, seed uint64) *workload {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	w := &workload{byHref: make(map[string]*object, n)}
	w.monthStart = time.Date(2026, time.March, 1, 0, 0, 0, 0, paris).UTC()
	w.monthEnd = time.Date(2026, time.April, 1, 0, 0, 0, 0, paris).UTC()
	first := time.Date(2024, time.September, 1, 0, 0, 0, 0, paris)
	days := int(time.Date(2027, time.August, 31, 0, 0, 0, 0, paris).Sub(first).Hours() / 24)
	for i := 0; i < n; i++ {
		day := first.AddDate(0, 0, r.IntN(days))
		var o *object
		switch p := r.IntN(100); {
		case p < 20:
			o = w.series(r, day)
		case p < 27:
			o = w.allDay(r, day)
		default:
			o = w.single(r, day)
		}
		w.add(o)
	}
	return w
}

func (w *workload) add(o *object) {
	w.objects = append(w.objects, o)
	w.byHref[o.href] = o
}

func (w *workload) newIdentity(r *rand.Rand) (href, uid string) {
	w.seq++
	uid = fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x@bench.bastide", r.Uint32(), w.seq&0xffff, r.IntN(0x1000), r.IntN(0x1000), r.Uint64()&0xffffffffffff)
	return strings.ReplaceAll(strings.TrimSuffix(uid, "@bench.bastide"), "-", "") + ".ics", uid
}

func localStamp(t time.Time) string { return t.In(paris).Format("20060102T150405") }

func utcStamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func wrap(body string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//bench//FR\r\nCALSCALE:GREGORIAN\r\n" +
		vtimezoneParis + body + "END:VCALENDAR\r\n"
}

func eventHeader(uid, summary, place string) string {
	return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20240801T120000Z\r\nSUMMARY:" + summary + "\r\nLOCATION:" +
		strings.NewReplacer(",", "\\,", ";", "\\;").Replace(place) + "\r\n"
}

// single is a one-off event with a local start time and a duration.
func (w *workload) single(r *rand.Rand, day time.Time) *object {
	href, uid := w.newIdentity(r)
	start := time.Date(day.Year(), day.Month(), day.Day(), 8+r.IntN(14), 15*r.IntN(4), 0, 0, paris)
	end := start.Add(time.Duration(30+30*r.IntN(6)) * time.Minute)
	place := places[r.IntN(len(places))]
	o := &object{href: href, uid: uid, summary: kinds[r.IntN(len(kinds))] + fmt.Sprintf(" n°%d", w.seq),
		spans: []span{{start.UTC(), end.UTC()}}}
	o.gen = func(summary string) string {
		return wrap(eventHeader(uid, summary, place) + "DTSTART;TZID=Europe/Paris:" + localStamp(start) +
			"\r\nDTEND;TZID=Europe/Paris:" + localStamp(end) + "\r\nEND:VEVENT\r\n")
	}
	o.data = o.gen(o.summary)
	return o
}

// allDay is a one- to three-day DATE event, kept away from month edges so
// that the floating interpretation of DATE values cannot change an answer.
func (w *workload) allDay(r *rand.Rand, day time.Time) *object {
	href, uid := w.newIdentity(r)
	d := 3 + r.IntN(22)
	start := time.Date(day.Year(), day.Month(), d, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 0, 1+r.IntN(3))
	place := places[r.IntN(len(places))]
	o := &object{href: href, uid: uid, summary: "Festival " + fmt.Sprint(w.seq), spans: []span{{start, end}}}
	o.gen = func(summary string) string {
		return wrap(eventHeader(uid, summary, place) + "DTSTART;VALUE=DATE:" + start.Format("20060102") +
			"\r\nDTEND;VALUE=DATE:" + end.Format("20060102") + "\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n")
	}
	o.data = o.gen(o.summary)
	return o
}

// series is a recurring event: weekly, monthly on a day of the month, or
// daily; by COUNT or UNTIL; with one EXDATE and one moved occurrence.
func (w *workload) series(r *rand.Rand, day time.Time) *object {
	href, uid := w.newIdentity(r)
	hour, minute := 9+r.IntN(12), 30*r.IntN(2)
	start := time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, paris)
	dur := time.Duration(60+30*r.IntN(4)) * time.Minute
	var rule string
	var step func(k int) time.Time
	var count int
	switch r.IntN(3) {
	case 0: // weekly rehearsal
		count = 8 + r.IntN(30)
		step = func(k int) time.Time { return start.AddDate(0, 0, 7*k) }
		rule = "FREQ=WEEKLY"
	case 1: // monthly board meeting, day of month <= 28
		if start.Day() > 28 {
			start = start.AddDate(0, 0, -3)
		}
		count = 6 + r.IntN(18)
		step = func(k int) time.Time { return start.AddDate(0, k, 0) }
		rule = fmt.Sprintf("FREQ=MONTHLY;BYMONTHDAY=%d", start.Day())
	default: // a festival run, every day or every other day
		interval := 1 + r.IntN(2)
		count = 3 + r.IntN(8)
		step = func(k int) time.Time { return start.AddDate(0, 0, interval*k) }
		rule = "FREQ=DAILY"
		if interval > 1 {
			rule += fmt.Sprintf(";INTERVAL=%d", interval)
		}
	}
	if r.IntN(2) == 0 {
		rule += fmt.Sprintf(";COUNT=%d", count)
	} else {
		rule += ";UNTIL=" + utcStamp(step(count-1))
	}
	// one excluded occurrence and one moved occurrence (different ones)
	ex := 1 + r.IntN(count-1)
	mv := 1 + r.IntN(count-1)
	if mv == ex {
		mv = (ex % (count - 1)) + 1
	}
	exStart, mvOrig := step(ex), step(mv)
	mvStart := mvOrig.Add(time.Duration(1+r.IntN(48)) * time.Hour)
	place := places[r.IntN(len(places))]
	o := &object{href: href, uid: uid, summary: kinds[r.IntN(len(kinds))] + fmt.Sprintf(" (série %d)", w.seq), recurring: true}
	for k := 0; k < count; k++ {
		switch k {
		case ex:
		case mv:
			o.spans = append(o.spans, span{mvStart.UTC(), mvStart.Add(dur).UTC()})
		default:
			s := step(k)
			o.spans = append(o.spans, span{s.UTC(), s.Add(dur).UTC()})
		}
	}
	o.gen = func(summary string) string {
		master := eventHeader(uid, summary, place) + "DTSTART;TZID=Europe/Paris:" + localStamp(start) +
			"\r\nDTEND;TZID=Europe/Paris:" + localStamp(start.Add(dur)) + "\r\nRRULE:" + rule +
			"\r\nEXDATE;TZID=Europe/Paris:" + localStamp(exStart) + "\r\nEND:VEVENT\r\n"
		moved := eventHeader(uid, summary+" (déplacé)", place) + "RECURRENCE-ID;TZID=Europe/Paris:" + localStamp(mvOrig) +
			"\r\nDTSTART;TZID=Europe/Paris:" + localStamp(mvStart) + "\r\nDTEND;TZID=Europe/Paris:" +
			localStamp(mvStart.Add(dur)) + "\r\nEND:VEVENT\r\n"
		return wrap(master + moved)
	}
	o.data = o.gen(o.summary)
	return o
}

// overlapping returns the number of the object's occurrences that overlap
// [from, to) (RFC 4791 §9.9: start < to and end > from).
func (o *object) overlapping(from, to time.Time) int {
	n := 0
	for _, s := range o.spans {
		if s.start.Before(to) && s.end.After(from) {
			n++
		}
	}
	return n
}

// expectedMonth returns the hrefs (sorted) of the objects with an
// occurrence in the query month and the total number of occurrences.
func (w *workload) expectedMonth(objs []*object) (hrefs []string, instances int) {
	for _, o := range objs {
		if n := o.overlapping(w.monthStart, w.monthEnd); n > 0 {
			hrefs = append(hrefs, o.href)
			instances += n
		}
	}
	sort.Strings(hrefs)
	return hrefs, instances
}

// fresh returns a new single event for PUT measurements.
func (w *workload) fresh(r *rand.Rand) *object {
	return w.single(r, time.Date(2026, time.March, 10+r.IntN(10), 0, 0, 0, 0, paris))
}
