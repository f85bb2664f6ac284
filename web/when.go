package web

import (
	"fmt"
	"strconv"
	"time"
)

var (
	frWeekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	enWeekdays = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	frMonths   = [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	enMonths   = [...]string{"", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

func weekdayName(lang string, d time.Weekday) string {
	if lang == "en" {
		return enWeekdays[d]
	}
	return frWeekdays[d]
}

func monthName(lang string, m time.Month) string {
	if lang == "en" {
		return enMonths[m]
	}
	return frMonths[m]
}

// dayNumber writes the day of the month, "1er" for the first in French.
func dayNumber(lang string, d int) string {
	if lang != "en" && d == 1 {
		return "1er"
	}
	return strconv.Itoa(d)
}

// dayMonth is "12 avril" / "12 April", with the year when withYear.
func dayMonth(lang string, t time.Time, withYear bool) string {
	s := dayNumber(lang, t.Day()) + " " + monthName(lang, t.Month())
	if withYear {
		s += " " + strconv.Itoa(t.Year())
	}
	return s
}

// longDate is "samedi 12 avril 2026" / "Saturday 12 April 2026".
func longDate(lang string, t time.Time) string {
	return weekdayName(lang, t.Weekday()) + " " + dayMonth(lang, t, true)
}

// monthYear is "avril 2026" / "April 2026".
func monthYear(lang string, t time.Time) string {
	return monthName(lang, t.Month()) + " " + strconv.Itoa(t.Year())
}

// clock is "14 h 30", "18 h" in French, "2:30 pm", "6 pm" in English.
func clock(lang string, t time.Time) string {
	h, m := t.Hour(), t.Minute()
	if lang == "en" {
		suffix := "am"
		if h >= 12 {
			suffix = "pm"
		}
		h12 := h % 12
		if h12 == 0 {
			h12 = 12
		}
		if m == 0 {
			return fmt.Sprintf("%d %s", h12, suffix)
		}
		return fmt.Sprintf("%d:%02d %s", h12, m, suffix)
	}
	// French writes "13 h" and "13 h 30" with no-break spaces, so that
	// the hour never ends a line apart from its "h".
	if m == 0 {
		return fmt.Sprintf("%d\u00a0h", h)
	}
	return fmt.Sprintf("%d\u00a0h\u00a0%02d", h, m)
}

func sameDay(a, b time.Time) bool {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}

// endsAtNextMidnight reports whether end is the midnight that closes start's day.
func endsAtNextMidnight(start, end time.Time) bool {
	return end.Hour() == 0 && end.Minute() == 0 && end.Second() == 0 && sameDay(start.AddDate(0, 0, 1), end)
}

// span is the time of an event or occurrence to write out: Start and End
// already in the zone to show (Paris for zoned times, UTC for the wall
// clock of all-day and floating ones).
type span struct {
	Start, End time.Time
	AllDay     bool
}

func (a *app) spanOf(start, end time.Time, allDay, floating bool) span {
	if allDay || floating {
		return span{Start: start.UTC(), End: end.UTC(), AllDay: allDay}
	}
	return span{Start: start.In(a.paris), End: end.In(a.paris)}
}

// lastDay is the last day covered by an all-day span (DTEND is exclusive).
func (s span) lastDay() time.Time {
	if !s.End.After(s.Start) {
		return s.Start
	}
	last := s.End.AddDate(0, 0, -1)
	if last.Before(s.Start) {
		return s.Start
	}
	return last
}

// formatWhen writes a span in full, the way people write it:
// "samedi 12 avril 2026 de 14 h 30 à 18 h", "samedi 12 avril 2026, toute la
// journée", "du samedi 12 au lundi 14 avril 2026", and their English forms.
func formatWhen(lang string, s span) string {
	en := lang == "en"
	if s.AllDay {
		last := s.lastDay()
		if sameDay(s.Start, last) {
			if en {
				return longDate(lang, s.Start) + ", all day"
			}
			return longDate(lang, s.Start) + ", toute la journée"
		}
		var first string
		switch {
		case s.Start.Year() == last.Year() && s.Start.Month() == last.Month():
			first = weekdayName(lang, s.Start.Weekday()) + " " + dayNumber(lang, s.Start.Day())
		case s.Start.Year() == last.Year():
			first = weekdayName(lang, s.Start.Weekday()) + " " + dayMonth(lang, s.Start, false)
		default:
			first = longDate(lang, s.Start)
		}
		if en {
			return "from " + first + " to " + longDate(lang, last)
		}
		return "du " + first + " au " + longDate(lang, last)
	}
	if !s.End.After(s.Start) {
		if en {
			return longDate(lang, s.Start) + " at " + clock(lang, s.Start)
		}
		return longDate(lang, s.Start) + " à " + clock(lang, s.Start)
	}
	if sameDay(s.Start, s.End) || endsAtNextMidnight(s.Start, s.End) {
		endClock := clock(lang, s.End)
		if !sameDay(s.Start, s.End) {
			endClock = map[bool]string{true: "midnight", false: "minuit"}[en]
		}
		if en {
			return longDate(lang, s.Start) + ", " + clock(lang, s.Start) + " to " + endClock
		}
		return longDate(lang, s.Start) + " de " + clock(lang, s.Start) + " à " + endClock
	}
	if en {
		return "from " + longDate(lang, s.Start) + " at " + clock(lang, s.Start) + " to " + longDate(lang, s.End) + " at " + clock(lang, s.End)
	}
	return "du " + longDate(lang, s.Start) + " à " + clock(lang, s.Start) + " au " + longDate(lang, s.End) + " à " + clock(lang, s.End)
}

// formatTimeOfDay is the short form for a list grouped by day: "14 h 30 – 18 h",
// "toute la journée", "14 h 30 → dimanche 13 avril".
func formatTimeOfDay(lang string, s span) string {
	en := lang == "en"
	if s.AllDay {
		last := s.lastDay()
		if sameDay(s.Start, last) {
			return map[bool]string{true: "all day", false: "toute la journée"}[en]
		}
		if en {
			return "until " + weekdayName(lang, last.Weekday()) + " " + dayMonth(lang, last, false)
		}
		return "jusqu'au " + weekdayName(lang, last.Weekday()) + " " + dayMonth(lang, last, false)
	}
	if !s.End.After(s.Start) {
		return clock(lang, s.Start)
	}
	if sameDay(s.Start, s.End) {
		return clock(lang, s.Start) + " – " + clock(lang, s.End)
	}
	if endsAtNextMidnight(s.Start, s.End) {
		return clock(lang, s.Start) + " – " + map[bool]string{true: "midnight", false: "minuit"}[en]
	}
	return clock(lang, s.Start) + " → " + weekdayName(lang, s.End.Weekday()) + " " + dayMonth(lang, s.End, false) + " " + clock(lang, s.End)
}
