package ical

import (
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
)

// dtKind says how a DATE or DATE-TIME value is anchored.
type dtKind int

const (
	dtUTC      dtKind = iota // 20260302T170000Z
	dtZoned                  // TZID=Europe/Paris:20260302T180000
	dtFloating               // 20260302T180000, no zone
	dtDate                   // VALUE=DATE:20260302
)

// dtValue is a parsed DATE or DATE-TIME. For dtUTC and dtZoned, t is the
// instant in loc; for dtFloating and dtDate, t holds the wall clock in UTC.
type dtValue struct {
	t    time.Time
	kind dtKind
	loc  *time.Location
}

func (v dtValue) isDate() bool { return v.kind == dtDate }

// model returns the value as Bastide stores it: the instant in UTC, or the
// wall clock read as UTC for dates and floating times.
func (v dtValue) model() time.Time { return v.t.UTC() }

const (
	layoutDate     = "20060102"
	layoutDateTime = "20060102T150405"
)

// human formats a value for an error message.
func (v dtValue) human() string {
	switch v.kind {
	case dtDate:
		return v.t.Format("2006-01-02")
	case dtUTC:
		return v.t.Format("2006-01-02 15:04:05Z")
	case dtZoned:
		return v.t.Format("2006-01-02 15:04:05") + " " + v.loc.String()
	}
	return v.t.Format("2006-01-02 15:04:05")
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseDT parses one DATE or DATE-TIME text. valueType is the VALUE
// parameter ("" if absent); resolve turns a TZID into a location.
func parseDT(name, s, valueType, tzid string, resolve func(string) (*time.Location, error)) (dtValue, *Error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	valueType = strings.ToUpper(valueType)
	isDate := valueType == "DATE" || (valueType == "" && len(s) == 8)
	if isDate {
		if len(s) == 15 && s[8] == 'T' && valueType == "DATE" {
			// VALUE=DATE with a time: some producers do this; keep the date.
			s = s[:8]
		}
		if len(s) != 8 || !allDigits(s) {
			return dtValue{}, invalidf(name, "%s value %q is not a DATE (YYYYMMDD)", name, clip(s)).as(CodeBadDate)
		}
		t, err := time.ParseInLocation(layoutDate, s, time.UTC)
		if err != nil {
			return dtValue{}, invalidf(name, "%s value %q is not a valid date", name, s).as(CodeBadDate)
		}
		return dtValue{t: t, kind: dtDate, loc: time.UTC}, nil
	}
	if valueType != "" && valueType != "DATE-TIME" {
		return dtValue{}, invalidf(name, "%s has VALUE=%s; expected DATE or DATE-TIME", name, valueType).as(CodeBadDate)
	}
	utc := strings.HasSuffix(s, "Z")
	body := strings.TrimSuffix(s, "Z")
	if len(body) != 15 || body[8] != 'T' || !allDigits(body[:8]) || !allDigits(body[9:]) {
		return dtValue{}, invalidf(name, "%s value %q is not a DATE-TIME (YYYYMMDDTHHMMSS, with Z for UTC)", name, clip(s)).as(CodeBadDate)
	}
	if utc {
		t, err := time.ParseInLocation(layoutDateTime, body, time.UTC)
		if err != nil {
			return dtValue{}, invalidf(name, "%s value %q is not a valid date and time", name, s).as(CodeBadDate)
		}
		return dtValue{t: t, kind: dtUTC, loc: time.UTC}, nil
	}
	if tzid != "" {
		loc, err := resolve(tzid)
		if err != nil {
			return dtValue{}, invalidf(name, "%s: %s", name, strings.TrimPrefix(err.Error(), "ical: ")).as(CodeBadTimezone)
		}
		t, perr := time.ParseInLocation(layoutDateTime, body, loc)
		if perr != nil {
			return dtValue{}, invalidf(name, "%s value %q is not a valid date and time", name, s).as(CodeBadDate)
		}
		return dtValue{t: t, kind: dtZoned, loc: loc}, nil
	}
	t, err := time.ParseInLocation(layoutDateTime, body, time.UTC)
	if err != nil {
		return dtValue{}, invalidf(name, "%s value %q is not a valid date and time", name, s).as(CodeBadDate)
	}
	return dtValue{t: t, kind: dtFloating, loc: time.UTC}, nil
}

// duration is a nominal RFC 5545 duration: days (and weeks) follow the wall
// clock, the time part is exact.
type duration struct {
	days int
	secs int64
}

func (d duration) isZero() bool   { return d.days == 0 && d.secs == 0 }
func (d duration) negative() bool { return d.days < 0 || d.secs < 0 || (d.days == 0 && d.secs < 0) }
func (d duration) add(t time.Time) time.Time {
	return t.AddDate(0, 0, d.days).Add(time.Duration(d.secs) * time.Second)
}

// parseDuration parses "P1W", "-P1DT2H", "PT90M" and the like.
func parseDuration(name, s string) (duration, *Error) {
	bad := func() (duration, *Error) {
		return duration{}, invalidf(name, "%s value %q is not a duration (like PT1H30M or P1D)", name, clip(s)).as(CodeBadDuration)
	}
	v := strings.ToUpper(strings.TrimSpace(s))
	neg := false
	if strings.HasPrefix(v, "-") {
		neg, v = true, v[1:]
	} else {
		v = strings.TrimPrefix(v, "+")
	}
	if !strings.HasPrefix(v, "P") || len(v) < 3 {
		return bad()
	}
	v = v[1:]
	var d duration
	inTime := false
	for len(v) > 0 {
		if v[0] == 'T' {
			if inTime {
				return bad()
			}
			inTime = true
			v = v[1:]
			continue
		}
		i := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 || i >= len(v) {
			return bad()
		}
		n, _ := strconv.ParseInt(v[:i], 10, 64)
		unit := v[i]
		v = v[i+1:]
		switch {
		case !inTime && unit == 'W':
			d.days += int(n) * 7
		case !inTime && unit == 'D':
			d.days += int(n)
		case inTime && unit == 'H':
			d.secs += n * 3600
		case inTime && unit == 'M':
			d.secs += n * 60
		case inTime && unit == 'S':
			d.secs += n
		default:
			return bad()
		}
	}
	if d.days > 3660000 || d.secs > 1<<40 {
		return duration{}, invalidf(name, "%s value %q is too long", name, clip(s)).as(CodeBadDuration)
	}
	if neg {
		d.days, d.secs = -d.days, -d.secs
	}
	return d, nil
}

// unescapeText undoes TEXT escaping (RFC 5545 §3.3.11), leniently: an
// unknown escape keeps the escaped character.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				sb.WriteByte('\n')
			default:
				sb.WriteByte(s[i])
			}
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// splitText splits a TEXT list on unescaped commas and unescapes each item.
func splitText(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			out = append(out, unescapeText(s[start:i]))
			start = i + 1
		}
	}
	return append(out, unescapeText(s[start:]))
}

// escapeText applies TEXT escaping.
func escapeText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// text returns the unescaped value of the first property name, or "".
func text(c *goical.Component, name string) string {
	if p := c.Props.Get(name); p != nil {
		return unescapeText(p.Value)
	}
	return ""
}
