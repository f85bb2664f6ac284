package web

import (
	"strconv"
	"strings"
	"time"
)

// describeRule writes an RRULE in words: "tous les mardis jusqu'au 30 juin",
// "le premier samedi de chaque mois", "every Tuesday until 30 June". start
// is the first occurrence in the zone shown (it gives the weekday or the day
// of the month a rule leaves implicit), loc the zone to read UNTIL in. It
// returns "" for rules it cannot say simply (BYHOUR, BYSETPOS lists…): the
// page then just says the event repeats and lists its next dates.
func describeRule(lang, rule string, start time.Time, loc *time.Location) string {
	r, ok := parseRuleParts(rule)
	if !ok {
		return ""
	}
	en := lang == "en"
	var s string
	switch r.freq {
	case "DAILY":
		if len(r.byDay) > 0 {
			s = weeklyWords(lang, r, start)
			break
		}
		if r.interval == 1 {
			s = pick(en, "every day", "tous les jours")
		} else {
			s = pick(en, "every "+strconv.Itoa(r.interval)+" days", "tous les "+strconv.Itoa(r.interval)+" jours")
		}
	case "WEEKLY":
		s = weeklyWords(lang, r, start)
	case "MONTHLY":
		s = monthlyWords(lang, r, start)
	case "YEARLY":
		s = yearlyWords(lang, r, start)
	}
	if s == "" {
		return ""
	}
	if r.count > 0 {
		if en {
			s += ", " + plural(r.count, "time", "times")
		} else {
			s += ", " + strconv.Itoa(r.count) + " fois"
		}
	}
	if !r.until.IsZero() {
		u := r.until
		if !r.untilDate {
			u = u.In(loc)
		}
		withYear := u.Year() != start.Year()
		if en {
			s += " until " + dayMonth(lang, u, withYear)
		} else {
			s += " jusqu'au " + dayMonth(lang, u, withYear)
		}
	}
	return s
}

type ruleParts struct {
	freq      string
	interval  int
	count     int
	until     time.Time
	untilDate bool
	byDay     []byDay
	byMonth   []int
	byMDay    []int
	bySetPos  []int
}

type byDay struct {
	n   int // 0: every such weekday
	day time.Weekday
}

var weekdayCodes = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday,
	"WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

func parseRuleParts(rule string) (ruleParts, bool) {
	r := ruleParts{interval: 1}
	rule = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(rule)), "RRULE:")
	if rule == "" || len(rule) > 1000 {
		return r, false
	}
	for _, part := range strings.Split(rule, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return r, false
		}
		switch k {
		case "FREQ":
			r.freq = v
		case "INTERVAL":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return r, false
			}
			r.interval = n
		case "COUNT":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return r, false
			}
			r.count = n
		case "UNTIL":
			var err error
			switch {
			case len(v) == 8:
				r.until, err = time.Parse("20060102", v)
				r.untilDate = true
			case strings.HasSuffix(v, "Z"):
				r.until, err = time.Parse("20060102T150405Z", v)
			default:
				// A floating UNTIL: read as a wall-clock date.
				r.until, err = time.Parse("20060102T150405", v)
				r.untilDate = true
			}
			if err != nil {
				return r, false
			}
		case "BYDAY":
			for _, d := range strings.Split(v, ",") {
				if len(d) < 2 {
					return r, false
				}
				wd, ok := weekdayCodes[d[len(d)-2:]]
				if !ok {
					return r, false
				}
				n := 0
				if num := d[:len(d)-2]; num != "" {
					var err error
					if n, err = strconv.Atoi(num); err != nil || n == 0 || n < -5 || n > 5 {
						return r, false
					}
				}
				r.byDay = append(r.byDay, byDay{n: n, day: wd})
			}
		case "BYMONTH", "BYMONTHDAY", "BYSETPOS":
			var list []int
			for _, x := range strings.Split(v, ",") {
				n, err := strconv.Atoi(x)
				if err != nil || n == 0 || n < -31 || n > 31 {
					return r, false
				}
				list = append(list, n)
			}
			switch k {
			case "BYMONTH":
				for _, m := range list {
					if m < 1 || m > 12 {
						return r, false
					}
				}
				r.byMonth = list
			case "BYMONTHDAY":
				r.byMDay = list
			default:
				r.bySetPos = list
			}
		case "WKST":
		default:
			// BYHOUR, BYMINUTE, BYSECOND, BYYEARDAY, BYWEEKNO, X-…: not said in words.
			return r, false
		}
	}
	switch r.freq {
	case "DAILY", "WEEKLY", "MONTHLY", "YEARLY":
	default:
		return r, false
	}
	// BYSETPOS is only said for "the n-th <weekday>" written as BYDAY=SA;BYSETPOS=1.
	if len(r.bySetPos) > 0 {
		if len(r.bySetPos) != 1 || len(r.byDay) != 1 || r.byDay[0].n != 0 || r.bySetPos[0] < -5 || r.bySetPos[0] > 5 {
			return r, false
		}
		r.byDay[0].n = r.bySetPos[0]
		r.bySetPos = nil
	}
	return r, true
}

func pick(en bool, e, f string) string {
	if en {
		return e
	}
	return f
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// joinWords joins "a", "b", "c" as "a, b et c" / "a, b and c".
func joinWords(en bool, words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + pick(en, " and ", " et ") + words[len(words)-1]
}

func frPluralDay(d time.Weekday) string { return frWeekdays[d] + "s" }

func isWeekdays(days []byDay) bool {
	if len(days) != 5 {
		return false
	}
	seen := map[time.Weekday]bool{}
	for _, d := range days {
		if d.n != 0 || d.day == time.Saturday || d.day == time.Sunday {
			return false
		}
		seen[d.day] = true
	}
	return len(seen) == 5
}

func weeklyWords(lang string, r ruleParts, start time.Time) string {
	en := lang == "en"
	days := r.byDay
	if len(days) == 0 {
		days = []byDay{{day: start.Weekday()}}
	}
	for _, d := range days {
		if d.n != 0 {
			return ""
		}
	}
	if len(r.byMonth) > 0 || len(r.byMDay) > 0 {
		return ""
	}
	// Monday first, as calendars in France show the week.
	ordered := make([]time.Weekday, 0, len(days))
	for _, wd := range []time.Weekday{1, 2, 3, 4, 5, 6, 0} {
		for _, d := range days {
			if d.day == wd {
				ordered = append(ordered, wd)
				break
			}
		}
	}
	if r.interval == 1 && isWeekdays(days) {
		return pick(en, "every weekday", "du lundi au vendredi")
	}
	names := make([]string, len(ordered))
	for i, d := range ordered {
		if en {
			names[i] = enWeekdays[d]
		} else if r.interval == 1 {
			names[i] = frPluralDay(d)
		} else {
			names[i] = "le " + frWeekdays[d]
		}
	}
	switch {
	case r.interval == 1:
		return pick(en, "every "+joinWords(true, names), "tous les "+joinWords(false, names))
	case r.interval == 2 && len(ordered) == 1:
		return pick(en, "every other "+enWeekdays[ordered[0]], "un "+frWeekdays[ordered[0]]+" sur deux")
	default:
		n := strconv.Itoa(r.interval)
		return pick(en, "every "+n+" weeks on "+joinWords(true, names), "toutes les "+n+" semaines, "+joinWords(false, names))
	}
}

var (
	frOrdinals = map[int]string{1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième", -1: "dernier", -2: "avant-dernier"}
	enOrdinals = map[int]string{1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"}
)

func enDayOrdinal(n int) string {
	if n == -1 {
		return "last day"
	}
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// nthWeekdays says "le premier samedi et le troisième samedi" or "" when a
// part cannot be said.
func nthWeekdays(en bool, days []byDay) string {
	var parts []string
	for _, d := range days {
		if d.n == 0 {
			return ""
		}
		if en {
			o, ok := enOrdinals[d.n]
			if !ok {
				return ""
			}
			parts = append(parts, "the "+o+" "+enWeekdays[d.day])
		} else {
			o, ok := frOrdinals[d.n]
			if !ok {
				return ""
			}
			parts = append(parts, "le "+o+" "+frWeekdays[d.day])
		}
	}
	return joinWords(en, parts)
}

func monthDays(en bool, days []int) string {
	var parts []string
	for _, d := range days {
		switch {
		case d == -1:
			parts = append(parts, pick(en, "the last day", "le dernier jour"))
		case d < 0:
			return ""
		case en:
			parts = append(parts, "the "+enDayOrdinal(d))
		default:
			parts = append(parts, "le "+dayNumber("fr", d))
		}
	}
	return joinWords(en, parts)
}

func monthlyWords(lang string, r ruleParts, start time.Time) string {
	en := lang == "en"
	if len(r.byMonth) > 0 {
		return ""
	}
	every := pick(en, "of every month", "de chaque mois")
	if r.interval > 1 {
		n := strconv.Itoa(r.interval)
		every = pick(en, "every "+n+" months", "tous les "+n+" mois")
	}
	sep := " "
	if r.interval > 1 {
		sep = ", "
	}
	switch {
	case len(r.byDay) > 0 && len(r.byMDay) == 0:
		allPlain := true
		for _, d := range r.byDay {
			if d.n != 0 {
				allPlain = false
			}
		}
		if allPlain {
			if r.interval != 1 {
				return ""
			}
			return weeklyWords(lang, ruleParts{interval: 1, byDay: r.byDay}, start)
		}
		s := nthWeekdays(en, r.byDay)
		if s == "" {
			return ""
		}
		return s + sep + every
	case len(r.byDay) == 0:
		days := r.byMDay
		if len(days) == 0 {
			days = []int{start.Day()}
		}
		s := monthDays(en, days)
		if s == "" {
			return ""
		}
		if en {
			return "on " + s + sep + every
		}
		return s + sep + every
	}
	return ""
}

func yearlyWords(lang string, r ruleParts, start time.Time) string {
	en := lang == "en"
	prefix := pick(en, "every year on ", "chaque année, ")
	if r.interval > 1 {
		n := strconv.Itoa(r.interval)
		prefix = pick(en, "every "+n+" years on ", "tous les "+n+" ans, ")
	}
	months := r.byMonth
	if len(months) > 1 {
		return ""
	}
	month := start.Month()
	if len(months) == 1 {
		month = time.Month(months[0])
	}
	switch {
	case len(r.byDay) > 0 && len(r.byMDay) == 0 && len(months) == 1:
		s := nthWeekdays(en, r.byDay)
		if s == "" {
			return ""
		}
		if en {
			return prefix + s + " of " + enMonths[month]
		}
		of := " de "
		if strings.ContainsAny(frMonths[month][:1], "aeiou") {
			of = " d'"
		}
		return prefix + s + of + frMonths[month]
	case len(r.byDay) == 0:
		day := start.Day()
		if len(r.byMDay) > 1 || (len(r.byMDay) == 1 && r.byMDay[0] < 0) {
			return ""
		}
		if len(r.byMDay) == 1 {
			day = r.byMDay[0]
		}
		if en {
			return prefix + strconv.Itoa(day) + " " + enMonths[month]
		}
		return prefix + "le " + dayNumber("fr", day) + " " + frMonths[month]
	}
	return ""
}
