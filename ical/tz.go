package ical

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	// Embed the IANA database so that zones resolve the same everywhere,
	// even in a container without /usr/share/zoneinfo.
	_ "time/tzdata"

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

var ianaCache sync.Map // name -> *time.Location; successes only, so bounded by the database

// loadIANA loads an IANA zone by name, refusing "Local" and odd names.
func loadIANA(name string) (*time.Location, bool) {
	if name == "" || len(name) > 64 || name == "Local" || strings.ContainsAny(name, " \\:") || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, false
	}
	if v, ok := ianaCache.Load(name); ok {
		return v.(*time.Location), true
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	ianaCache.Store(name, loc)
	return loc, true
}

// ResolveTZID turns a TZID parameter into a location. In order it tries:
// UTC names; an IANA name ("Europe/Paris"); an IANA name at the end of a
// vendor path ("/citadel.org/20190914_1/Europe/Paris",
// "/mozilla.org/20070129_1/Europe/Paris"); a Windows zone name as Outlook
// writes it ("Romance Standard Time"); and last the VTIMEZONE of cal with that
// TZID, turned into a location that follows its STANDARD and DAYLIGHT
// observances (RRULE, RDATE) up to the year 2200. An IANA zone is preferred
// to the file's VTIMEZONE because it carries the zone's whole history. A
// TZID that none of these resolves is an error: guessing UTC would move the
// event by hours without anyone noticing.
func ResolveTZID(tzid string, cal *goical.Calendar) (*time.Location, error) {
	tzid = strings.TrimSpace(tzid)
	if tzid == "" {
		return nil, invalidf("TZID", "empty TZID")
	}
	switch strings.ToUpper(tzid) {
	case "UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT", "UNIVERSAL", "ZULU":
		return time.UTC, nil
	}
	if loc, ok := loadIANA(tzid); ok {
		return loc, nil
	}
	if strings.Contains(tzid, "/") {
		parts := strings.Split(strings.Trim(tzid, "/"), "/")
		for i := 1; i < len(parts); i++ {
			if loc, ok := loadIANA(strings.Join(parts[i:], "/")); ok {
				return loc, nil
			}
		}
	}
	if name, ok := windowsZones[strings.ToLower(strings.Trim(tzid, `"' `))]; ok {
		if name == "UTC" {
			return time.UTC, nil
		}
		if loc, ok := loadIANA(name); ok {
			return loc, nil
		}
	}
	if cal != nil && cal.Component != nil {
		for _, child := range cal.Children {
			if child.Name != goical.CompTimezone {
				continue
			}
			if p := child.Props.Get(goical.PropTimezoneID); p != nil && strings.TrimSpace(p.Value) == tzid {
				return locationFromVTimezone(child)
			}
		}
	}
	return nil, invalidf("TZID", "TZID %q is neither an IANA time zone (like Europe/Paris), nor a VTIMEZONE of this calendar, nor a known Windows zone name", clip(tzid))
}

// resolver caches the zones of one calendar.
type resolver struct {
	cal *goical.Calendar
	m   map[string]*time.Location
}

func newResolver(cal *goical.Calendar) *resolver {
	return &resolver{cal: cal, m: make(map[string]*time.Location)}
}

func (r *resolver) resolve(tzid string) (*time.Location, error) {
	if loc, ok := r.m[tzid]; ok {
		return loc, nil
	}
	loc, err := ResolveTZID(tzid, r.cal)
	if err != nil {
		return nil, err
	}
	r.m[tzid] = loc
	return loc, nil
}

// parseOffset parses a UTC offset like +0100, -0530 or +013045.
func parseOffset(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') || !allDigits(s[1:]) {
		return 0, false
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[3:5])
	sec := 0
	if len(s) == 7 {
		sec, _ = strconv.Atoi(s[5:7])
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, false
	}
	off := h*3600 + m*60 + sec
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

type tzTransition struct {
	when   int64 // Unix seconds
	offset int   // TZOFFSETTO
	isDST  bool
	abbr   string
}

const (
	vtzLastYear       = 2200
	vtzMaxTransitions = 2000
	vtzMaxObservances = 100
)

// locationFromVTimezone builds a location from the observances of a
// VTIMEZONE: every onset (DTSTART, RRULE up to 2200, RDATE) becomes a
// transition of a compiled TZif zone, which Go's time package then uses
// like any IANA zone.
func locationFromVTimezone(vtz *goical.Component) (*time.Location, error) {
	tzid := strings.TrimSpace(vtz.Props.Get(goical.PropTimezoneID).Value)
	bad := func(format string, args ...any) error {
		return invalidf("VTIMEZONE", "VTIMEZONE %q: %s", clip(tzid), fmt.Sprintf(format, args...))
	}
	var txs []tzTransition
	firstFrom, firstWhen := 0, int64(1<<62)
	limit := time.Date(vtzLastYear, 1, 1, 0, 0, 0, 0, time.UTC)
	if len(vtz.Children) > vtzMaxObservances {
		return nil, bad("more than %d observances", vtzMaxObservances)
	}
	// The observances' rules share one budget of candidates examined, as
	// an event's rule does (see ruleCost).
	work := DefaultMaxWork
	for _, obs := range vtz.Children {
		if obs.Name != goical.CompTimezoneStandard && obs.Name != goical.CompTimezoneDaylight {
			continue
		}
		isDST := obs.Name == goical.CompTimezoneDaylight
		fromP, toP, startP := obs.Props.Get(goical.PropTimezoneOffsetFrom), obs.Props.Get(goical.PropTimezoneOffsetTo), obs.Props.Get(goical.PropDateTimeStart)
		if fromP == nil || toP == nil || startP == nil {
			return nil, bad("%s needs DTSTART, TZOFFSETFROM and TZOFFSETTO", obs.Name)
		}
		from, ok1 := parseOffset(fromP.Value)
		to, ok2 := parseOffset(toP.Value)
		if !ok1 || !ok2 {
			return nil, bad("%s has a bad offset (%q, %q); expected like +0100", obs.Name, clip(fromP.Value), clip(toP.Value))
		}
		abbr := text(obs, goical.PropTimezoneName)
		// Onsets are wall-clock times in the offset in force before them.
		start, err := parseDT("DTSTART", startP.Value, startP.Params.Get(goical.ParamValue), "", nil)
		if err != nil || start.kind == dtZoned {
			return nil, bad("%s has a bad DTSTART %q", obs.Name, clip(startP.Value))
		}
		onsets := []time.Time{start.t}
		if rp := obs.Props.Get(goical.PropRecurrenceRule); rp != nil {
			opt, cost, uerr := parseRRule(rp.Value, start.t, time.UTC)
			if uerr != nil {
				return nil, bad("%s: %s", obs.Name, uerr.Msg)
			}
			if opt.Freq != rrule.YEARLY {
				// Zone rules are yearly; other frequencies would only cost time.
				return nil, bad("%s: RRULE %q is not FREQ=YEARLY", obs.Name, clip(rp.Value))
			}
			if !opt.Until.IsZero() && strings.Contains(strings.ToUpper(rp.Value), "Z") {
				// UNTIL is UTC; onsets here are wall clock in "from".
				opt.Until = opt.Until.Add(time.Duration(from) * time.Second)
			}
			rule, rerr := newRRule(*opt)
			if rerr != nil {
				return nil, bad("%s: bad RRULE (%v)", obs.Name, rerr)
			}
			next := rule.Iterator()
			prev := opt.Dtstart
			for i := 0; i < vtzMaxTransitions; i++ {
				if work < cost {
					return nil, bad("its observances' rules need more than %d candidate times to expand up to %d", DefaultMaxWork, vtzLastYear)
				}
				t, ok := next()
				if !ok || !t.Before(limit) {
					break
				}
				work -= spent(opt, cost, prev, t)
				prev = t
				onsets = append(onsets, t)
			}
		}
		for _, rp := range obs.Props.Values(goical.PropRecurrenceDates) {
			for _, v := range strings.Split(rp.Value, ",") {
				d, err := parseDT("RDATE", v, rp.Params.Get(goical.ParamValue), "", nil)
				if err != nil || d.kind == dtZoned {
					return nil, bad("%s has a bad RDATE %q", obs.Name, clip(v))
				}
				onsets = append(onsets, d.t)
			}
		}
		for _, o := range onsets {
			when := o.Unix() - int64(from)
			if when < firstWhen {
				firstWhen, firstFrom = when, from
			}
			txs = append(txs, tzTransition{when: when, offset: to, isDST: isDST, abbr: abbr})
			if len(txs) > vtzMaxTransitions {
				return nil, bad("more than %d transitions", vtzMaxTransitions)
			}
		}
	}
	if len(txs) == 0 {
		return nil, bad("no STANDARD or DAYLIGHT observance")
	}
	sort.SliceStable(txs, func(i, j int) bool { return txs[i].when < txs[j].when })
	data, err := buildTZif(txs, firstFrom)
	if err != nil {
		return nil, bad("%v", err)
	}
	loc, lerr := time.LoadLocationFromTZData(tzid, data)
	if lerr != nil {
		return nil, bad("cannot build a zone from it (%v)", lerr)
	}
	return loc, nil
}

// abbrevFor returns a TZif-safe abbreviation.
func abbrevFor(name string, offset int) string {
	ok := len(name) >= 3 && len(name) <= 16
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-'
	}
	if ok {
		return name
	}
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	if offset%60 != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, offset/3600, offset/60%60, offset%60)
	}
	return fmt.Sprintf("%c%02d%02d", sign, offset/3600, offset/60%60)
}

// buildTZif writes a version 2 TZif file (RFC 8536) with the given
// transitions; zone 0, used by no transition, is the offset before the first.
func buildTZif(txs []tzTransition, initial int) ([]byte, error) {
	type ttinfo struct {
		offset int
		isDST  bool
		abbr   string
	}
	types := []ttinfo{{initial, false, abbrevFor("", initial)}}
	index := map[ttinfo]int{}
	var abbrs bytes.Buffer
	abbrIdx := map[string]int{}
	idx := make([]byte, len(txs))
	for i, tx := range txs {
		ti := ttinfo{tx.offset, tx.isDST, abbrevFor(tx.abbr, tx.offset)}
		k, ok := index[ti]
		if !ok {
			k = len(types)
			if k > 250 {
				return nil, fmt.Errorf("too many distinct offsets")
			}
			types = append(types, ti)
			index[ti] = k
		}
		idx[i] = byte(k)
	}
	for _, t := range types {
		if _, ok := abbrIdx[t.abbr]; !ok {
			abbrIdx[t.abbr] = abbrs.Len()
			abbrs.WriteString(t.abbr)
			abbrs.WriteByte(0)
		}
	}
	if abbrs.Len() > 255 {
		return nil, fmt.Errorf("too many zone names")
	}
	var b bytes.Buffer
	header := func(timecnt, typecnt, charcnt int) {
		b.WriteString("TZif2")
		b.Write(make([]byte, 15))
		for _, n := range []int{0, 0, 0, timecnt, typecnt, charcnt} {
			_ = binary.Write(&b, binary.BigEndian, uint32(n))
		}
	}
	header(0, 0, 0) // empty version 1 block: readers of v2 skip it
	header(len(txs), len(types), abbrs.Len())
	for _, tx := range txs {
		_ = binary.Write(&b, binary.BigEndian, tx.when)
	}
	b.Write(idx)
	for _, t := range types {
		_ = binary.Write(&b, binary.BigEndian, int32(t.offset))
		if t.isDST {
			b.WriteByte(1)
		} else {
			b.WriteByte(0)
		}
		b.WriteByte(byte(abbrIdx[t.abbr]))
	}
	b.Write(abbrs.Bytes())
	b.WriteString("\n\n")
	return b.Bytes(), nil
}
