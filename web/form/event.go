package form

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bastide47/bastide/ical"
)

// Event is the event form of the back office. Its values are what was
// typed; Validate reads them into the fields below it.
type Event struct {
	// ETag is the version of the stored object the form was built from
	// ("" for a new event).
	ETag        string
	Title       string
	AllDay      bool
	StartDate   string // 2026-06-21
	StartTime   string // 20:30
	EndDate     string
	EndTime     string
	Location    string // place and address
	Commune     string
	Online      string
	Categories  []string
	Description string
	Price       string
	Free        bool
	Access      string // one need per line
	// Recurrence: Freq is "", DAILY, WEEKLY, MONTHLY or YEARLY; Custom
	// says the stored rule is one the form cannot express (it is kept).
	Freq      string
	Interval  string
	Days      []string // MO…SU, weekly
	MonthMode string   // "date" or "weekday"
	Ends      string   // "never", "until" or "count"
	Until     string
	Count     string
	Skip      string // dates to skip, one per line
	Custom    bool
	// Check asks for the day's other events instead of saving.
	Check bool
	// Image is the poster: the value of the stored IMAGE properties,
	// never read from the request (the handler sets it: kept, replaced by
	// an upload, or "" when RemoveImage is ticked).
	Image       string
	ImageType   string // the media type of a new poster
	RemoveImage bool

	// Parsed by Validate: wall-clock times in Europe/Paris (all-day:
	// dates at midnight UTC); End is zero when none was given.
	Start, End time.Time
	RRule      string
	SkipDates  []time.Time
	AccessList []string
}

// Bounds of the event form.
const (
	MaxEventTitle       = 200
	MaxEventDescription = 8000
	MaxEventLocation    = 300
	MaxEventCategories  = 10
	MaxEventCategory    = 60
	MaxEventExtra       = 200
	MaxEventAccess      = 10
	MaxEventSkips       = 100
	MaxEventCount       = 500
	MaxEventInterval    = 100
)

// Zone is where the form's times are read.
const Zone = ical.DefaultZone

var weekdays = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// NewEvent reads the form.
func NewEvent(v url.Values) *Event {
	f := &Event{ETag: value(v, "etag", true), Title: value(v, "title", true), AllDay: v.Get("all_day") != "",
		RemoveImage: v.Get("remove_image") != "",
		StartDate:   value(v, "start_date", true), StartTime: value(v, "start_time", true),
		EndDate: value(v, "end_date", true), EndTime: value(v, "end_time", true),
		Location: value(v, "location", true), Commune: value(v, "commune", true), Online: value(v, "online", true),
		Description: bounded(v.Get("description"), 4*MaxEventDescription), Price: value(v, "price", true), Free: v.Get("free") != "",
		Access: bounded(v.Get("access"), 4*MaxEventAccess*MaxEventExtra), Freq: value(v, "freq", true), Interval: value(v, "interval", true),
		MonthMode: value(v, "month_mode", true), Ends: value(v, "ends", true), Until: value(v, "until", true),
		Count: value(v, "count", true), Skip: bounded(v.Get("skip"), 4*MaxEventSkips*12), Check: v.Get("check") != ""}
	f.Description = strings.ReplaceAll(f.Description, "\r\n", "\n")
	for _, c := range v["category"] {
		if len(f.Categories) > 4*MaxEventCategories {
			break
		}
		f.Categories = append(f.Categories, bounded(strings.TrimSpace(c), 4*MaxEventCategory))
	}
	for _, d := range v["day"] {
		if len(f.Days) < 8 {
			f.Days = append(f.Days, bounded(d, 4))
		}
	}
	return f
}

// bounded cuts s a little over max bytes (on a rune boundary): what is
// re-shown of a value that is refused anyway.
func bounded(s string, max int) string {
	if len(s) <= max+1 {
		return s
	}
	s = s[:max+1]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// HasDay tells whether a weekday is ticked.
func (f *Event) HasDay(d string) bool { return slices.Contains(f.Days, d) }

// HasCategory tells whether a category is ticked.
func (f *Event) HasCategory(c string) bool { return slices.Contains(f.Categories, c) }

// Validate checks every field and reads the times, the rule and the
// dates to skip. offered is the list of categories one may choose.
func (f *Event) Validate(offered []string) Errors {
	e := Errors{}
	checkText(e, "title", f.Title, MaxEventTitle, true)
	checkText(e, "location", f.Location, MaxEventLocation, false)
	checkText(e, "commune", f.Commune, MaxEventTitle, false)
	checkText(e, "price", f.Price, MaxEventExtra, false)
	if utf8.RuneCountInString(f.Description) > MaxEventDescription || !utf8.ValidString(f.Description) {
		e.add("description", "form.event.description.long", MaxEventDescription)
	}
	if f.Online != "" && (ical.PublicLink(f.Online) == "" || len(f.Online) > 2000) {
		e.add("online", "form.event.online.invalid")
	}
	if len(f.Categories) > MaxEventCategories {
		e.add("category", "form.event.categories.many", MaxEventCategories)
	}
	for _, c := range f.Categories {
		if !slices.Contains(offered, c) {
			e.add("category", "form.event.category.unknown")
		}
	}
	f.AccessList = nil
	for _, line := range strings.Split(f.Access, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			f.AccessList = append(f.AccessList, line)
			checkText(e, "access", line, MaxEventExtra, false)
		}
	}
	if len(f.AccessList) > MaxEventAccess {
		e.add("access", "form.event.access.many", MaxEventAccess)
	}
	f.checkTimes(e)
	if f.Custom {
		return e
	}
	f.checkRule(e)
	return e
}

// checkText refuses a value that is missing, too long or holds control
// characters (a line break in a one-line field).
func checkText(e Errors, field, s string, max int, required bool) {
	switch {
	case s == "" && required:
		e.add(field, "form.event.required")
	case utf8.RuneCountInString(s) > max || !utf8.ValidString(s):
		e.add(field, "form.event.long", max)
	default:
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				e.add(field, "form.event.control")
				return
			}
		}
	}
}

func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil && t.Year() >= 1900 && t.Year() <= 2200
}

// parseClock reads "20:30", also written "20h30" or "20 h 30".
func parseClock(s string) (time.Duration, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "h", ":", "H", ":").Replace(s)
	if strings.HasSuffix(s, ":") {
		s += "00"
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, true
}

func (f *Event) checkTimes(e Errors) {
	start, ok := parseDate(f.StartDate)
	if !ok {
		e.add("start", "form.event.date")
		return
	}
	end := start
	if f.EndDate != "" {
		if end, ok = parseDate(f.EndDate); !ok {
			e.add("end", "form.event.date")
			return
		}
	}
	if f.AllDay {
		if end.Before(start) {
			e.add("end", "form.event.end_before")
			return
		}
		f.Start, f.End = start, end.AddDate(0, 0, 1)
		return
	}
	at, ok := parseClock(f.StartTime)
	if !ok {
		e.add("start", "form.event.time")
		return
	}
	f.Start = start.Add(at)
	f.End = time.Time{}
	if f.EndTime == "" {
		if f.EndDate != "" && f.EndDate != f.StartDate {
			e.add("end", "form.event.time")
		}
		return
	}
	to, ok := parseClock(f.EndTime)
	if !ok {
		e.add("end", "form.event.time")
		return
	}
	f.End = end.Add(to)
	if !f.End.After(f.Start) {
		e.add("end", "form.event.end_before")
	}
}

// checkRule builds the RRULE the recurrence fields say, and the dates to
// skip. Every part is read from a closed list or a number, so nothing
// typed reaches the rule as text.
func (f *Event) checkRule(e Errors) {
	f.RRule, f.SkipDates = "", nil
	switch f.Freq {
	case "":
		return
	case "DAILY", "WEEKLY", "MONTHLY", "YEARLY":
	default:
		e.add("freq", "form.event.freq")
		return
	}
	parts := []string{"FREQ=" + f.Freq}
	if f.Interval != "" && f.Interval != "1" {
		n, err := strconv.Atoi(f.Interval)
		if err != nil || n < 1 || n > MaxEventInterval {
			e.add("interval", "form.event.interval", MaxEventInterval)
			return
		}
		parts = append(parts, "INTERVAL="+strconv.Itoa(n))
	}
	switch f.Freq {
	case "WEEKLY":
		var days []string
		for _, d := range weekdays {
			if f.HasDay(d) {
				days = append(days, d)
			}
		}
		for _, d := range f.Days {
			if !slices.Contains(weekdays, d) {
				e.add("day", "form.event.day")
				return
			}
		}
		if len(days) > 0 {
			parts = append(parts, "BYDAY="+strings.Join(days, ","))
		}
	case "MONTHLY":
		switch f.MonthMode {
		case "", "date":
		case "weekday":
			if !f.Start.IsZero() {
				n := (f.Start.Day()-1)/7 + 1
				if n == 5 {
					n = -1 // "the last", which every month has
				}
				parts = append(parts, "BYDAY="+strconv.Itoa(n)+weekdays[(int(f.Start.Weekday())+6)%7])
			}
		default:
			e.add("month_mode", "form.event.month_mode")
			return
		}
	}
	switch f.Ends {
	case "", "never":
	case "until":
		u, ok := parseDate(f.Until)
		if !ok {
			e.add("until", "form.event.date")
			return
		}
		if !f.Start.IsZero() && u.Before(f.Start.Truncate(24*time.Hour)) {
			e.add("until", "form.event.until_before")
			return
		}
		if f.AllDay {
			parts = append(parts, "UNTIL="+u.Format("20060102"))
		} else {
			loc, err := time.LoadLocation(Zone)
			if err != nil {
				loc = time.UTC
			}
			last := time.Date(u.Year(), u.Month(), u.Day(), 23, 59, 59, 0, loc).UTC()
			parts = append(parts, "UNTIL="+last.Format("20060102T150405Z"))
		}
	case "count":
		n, err := strconv.Atoi(f.Count)
		if err != nil || n < 1 || n > MaxEventCount {
			e.add("count", "form.event.count", MaxEventCount)
			return
		}
		parts = append(parts, "COUNT="+strconv.Itoa(n))
	default:
		e.add("ends", "form.event.ends")
		return
	}
	f.RRule = strings.Join(parts, ";")
	f.checkSkips(e)
}

// checkSkips reads the dates to skip; a timed event skips the occurrence
// that starts that day at the event's time.
func (f *Event) checkSkips(e Errors) {
	for _, line := range strings.FieldsFunc(f.Skip, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' }) {
		d, ok := parseDate(line)
		if !ok {
			e.add("skip", "form.event.skip", line)
			return
		}
		if len(f.SkipDates) == MaxEventSkips {
			e.add("skip", "form.event.skips_many", MaxEventSkips)
			return
		}
		if !f.AllDay && !f.Start.IsZero() {
			d = d.Add(f.Start.Sub(f.Start.Truncate(24 * time.Hour)))
		}
		f.SkipDates = append(f.SkipDates, d)
	}
}
