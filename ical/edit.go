package ical

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
)

// Edit changes the properties a form owns in the master component of a
// stored object and keeps every other line byte for byte: alarms,
// attendees, X- properties, VTIMEZONEs, overrides and their folding stay
// as the client wrote them. Every line of the master named in owned is
// removed, and props are written in their place (where the first removed
// line was, or else before the master's first sub-component or its END).
// When a new property names a TZID that no VTIMEZONE of the object
// defines, the VTIMEZONE of that IANA zone is added. The result is checked
// with ParseObject.
func Edit(data []byte, owned []string, props []Prop) ([]byte, error) {
	own := make(map[string]bool, len(owned))
	for _, n := range owned {
		own[strings.ToUpper(n)] = true
	}
	var added bytes.Buffer
	var sb strings.Builder
	tzids := map[string]bool{}
	for _, pp := range props {
		p := pp.p
		if p == nil {
			return nil, invalidf("", "an edit holds an empty property")
		}
		sb.Reset()
		if !own[strings.ToUpper(p.Name)] {
			return nil, invalidf(p.Name, "%s is not among the edited properties", p.Name)
		}
		if err := formatProp(&sb, p); err != nil {
			return nil, err
		}
		writeLine(&added, sb.String())
		if tz := p.Params.Get(goical.PropTimezoneID); tz != "" {
			tzids[tz] = true
		}
	}

	lines := logicalLines(data)
	var out bytes.Buffer
	depth, inMaster, done, inserted := 0, false, false, false
	var masterStart int // index in lines of the master's BEGIN
	defined := map[string]bool{}
	firstEvent := -1
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		name := l.name()
		switch name {
		case "BEGIN":
			depth++
			comp := strings.ToUpper(l.value())
			if depth == 2 && firstEvent < 0 && (comp == goical.CompEvent || comp == goical.CompToDo) {
				firstEvent = out.Len()
			}
			if depth == 2 && !done && (comp == goical.CompEvent || comp == goical.CompToDo) && !hasRecurrenceID(lines[i+1:]) {
				inMaster, masterStart = true, i
			} else if inMaster && depth == 3 && !inserted {
				out.Write(added.Bytes())
				inserted = true
			}
		case "END":
			if inMaster && depth == 2 {
				if !inserted {
					out.Write(added.Bytes())
					inserted = true
				}
				inMaster, done = false, true
			}
			depth--
		case "TZID":
			if depth == 2 {
				defined[l.value()] = true
			}
		}
		if inMaster && depth == 2 && i > masterStart && own[name] {
			if !inserted {
				out.Write(added.Bytes())
				inserted = true
			}
			continue
		}
		out.WriteString(l.raw)
	}
	if !done {
		return nil, errorf(KindInvalidObject, "VEVENT", "the object has no master component to edit")
	}
	res := out.Bytes()
	var missing []string
	for tz := range tzids {
		if !defined[tz] {
			missing = append(missing, tz)
		}
	}
	if len(missing) > 0 && firstEvent >= 0 {
		var tzs bytes.Buffer
		for _, tz := range missing {
			vtz, err := VTimezone(tz, time.Now().Year()-1)
			if err != nil {
				return nil, err
			}
			if err := encodeComponent(&tzs, vtz); err != nil {
				return nil, err
			}
		}
		res = append(res[:firstEvent:firstEvent], append(tzs.Bytes(), res[firstEvent:]...)...)
	}
	if _, err := ParseObject(res, Limits{}); err != nil {
		return nil, err
	}
	return res, nil
}

// rawLine is one content line as stored: its physical lines with their
// line ends, and the unfolded text.
type rawLine struct {
	raw      string
	unfolded string
}

func (l rawLine) name() string {
	i := strings.IndexAny(l.unfolded, ";:")
	if i < 0 {
		return strings.ToUpper(l.unfolded)
	}
	return strings.ToUpper(l.unfolded[:i])
}

// value is the text after the first colon outside quotes, trimmed.
func (l rawLine) value() string {
	q := false
	for i := 0; i < len(l.unfolded); i++ {
		switch l.unfolded[i] {
		case '"':
			q = !q
		case ':':
			if !q {
				return strings.TrimSpace(l.unfolded[i+1:])
			}
		}
	}
	return ""
}

func logicalLines(data []byte) []rawLine {
	s := string(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	var out []rawLine
	for len(s) > 0 {
		end := strings.IndexByte(s, '\n')
		phys := s
		if end >= 0 {
			phys = s[:end+1]
		}
		s = s[len(phys):]
		text := strings.TrimRight(phys, "\r\n")
		if len(out) > 0 && (strings.HasPrefix(phys, " ") || strings.HasPrefix(phys, "\t")) {
			last := &out[len(out)-1]
			last.raw += phys
			last.unfolded += text[1:]
			continue
		}
		out = append(out, rawLine{raw: phys, unfolded: text})
	}
	return out
}

// hasRecurrenceID tells whether the component starting after its BEGIN
// line has a RECURRENCE-ID of its own.
func hasRecurrenceID(lines []rawLine) bool {
	depth := 0
	for _, l := range lines {
		switch l.name() {
		case "BEGIN":
			depth++
		case "END":
			if depth == 0 {
				return false
			}
			depth--
		case "RECURRENCE-ID":
			if depth == 0 {
				return true
			}
		}
	}
	return false
}

// Prop is one property line that Edit or Override writes, made by
// TextProp, ListProp, TimeProp, TimesProp, ValueProp or URIProp: callers
// edit objects without handling go-ical's types.
type Prop struct{ p *goical.Prop }

// Name is the property's name.
func (p Prop) Name() string {
	if p.p == nil {
		return ""
	}
	return p.p.Name
}

// TextProp is a TEXT property with its value escaped (line breaks become
// \n, so a value cannot start a new property).
func TextProp(name, value string) Prop {
	return Prop{&goical.Prop{Name: name, Params: goical.Params{}, Value: escapeText(value)}}
}

// ValueProp is a property whose value is written as given, for values
// with no text to escape (STATUS, SEQUENCE, DTSTAMP, RRULE); a line break
// in it is refused by Edit and Override.
func ValueProp(name, value string) Prop {
	return Prop{&goical.Prop{Name: name, Params: goical.Params{}, Value: value}}
}

// URIProp is a property of VALUE=URI.
func URIProp(name, u string) Prop {
	return Prop{&goical.Prop{Name: name, Params: goical.Params{goical.ParamValue: {"URI"}}, Value: u}}
}

// ImageProp is an event's poster (RFC 7986 IMAGE, shown full size) at u,
// with its media type when known.
func ImageProp(u, mediaType string) Prop {
	p := &goical.Prop{Name: goical.PropImage, Params: goical.Params{goical.ParamValue: {"URI"}, goical.ParamDisplay: {"FULLSIZE"}}, Value: u}
	if mediaType != "" {
		p.Params.Set(goical.ParamFormatType, mediaType)
	}
	return Prop{p}
}

// StampProp is the DTSTAMP of an edit made at now.
func StampProp(now time.Time) Prop {
	return ValueProp("DTSTAMP", now.UTC().Format(layoutDateTime+"Z"))
}

// StampProps are the DTSTAMP and LAST-MODIFIED of an edit made at now, and
// its SEQUENCE.
func StampProps(now time.Time, seq int) []Prop {
	return []Prop{StampProp(now), ValueProp("LAST-MODIFIED", now.UTC().Format(layoutDateTime+"Z")), ValueProp("SEQUENCE", strconv.Itoa(seq))}
}

// ListProp is a TEXT list property (CATEGORIES), each value escaped.
func ListProp(name string, values []string) Prop {
	esc := make([]string, len(values))
	for i, v := range values {
		esc[i] = escapeText(v)
	}
	return Prop{&goical.Prop{Name: name, Params: goical.Params{}, Value: strings.Join(esc, ",")}}
}

// TimeProp is a DATE (allDay) or a DATE-TIME in zone property.
func TimeProp(name string, t time.Time, allDay bool, zone string) Prop {
	if allDay {
		return Prop{&goical.Prop{Name: name, Params: goical.Params{goical.ParamValue: {"DATE"}}, Value: t.Format(layoutDate)}}
	}
	return Prop{&goical.Prop{Name: name, Params: goical.Params{goical.PropTimezoneID: {zone}}, Value: t.Format(layoutDateTime)}}
}

// TimesProp is a list of DATEs or DATE-TIMEs in zone (EXDATE).
func TimesProp(name string, ts []time.Time, allDay bool, zone string) Prop {
	p := TimeProp(name, time.Time{}, allDay, zone)
	vals := make([]string, len(ts))
	for i, t := range ts {
		if allDay {
			vals[i] = t.Format(layoutDate)
		} else {
			vals[i] = t.Format(layoutDateTime)
		}
	}
	p.p.Value = strings.Join(vals, ",")
	return p
}

// NewObject is the smallest stored object of a new event: a VCALENDAR with
// one VEVENT holding uid, DTSTAMP and a DTSTART, for Edit to fill.
func NewObject(uid string, now time.Time) []byte {
	var b bytes.Buffer
	for _, l := range []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + prodID, "CALSCALE:GREGORIAN",
		"BEGIN:VEVENT", "UID:" + strings.NewReplacer("\r", "", "\n", "").Replace(uid),
		"DTSTAMP:" + now.UTC().Format(layoutDateTime+"Z"), "DTSTART;VALUE=DATE:" + now.UTC().Format(layoutDate),
		"END:VEVENT", "END:VCALENDAR"} {
		writeLine(&b, l)
	}
	return b.Bytes()
}

// Override changes one occurrence of a recurring event: in the override
// whose RECURRENCE-ID is rid's value, the lines named in props are
// replaced by props; without such an override, one is made after the
// master from the master's own lines (its alarms and rule excepted), with
// rid and props. Every other line is kept byte for byte; the result is
// checked with ParseObject.
func Override(data []byte, rid Prop, props []Prop) ([]byte, error) {
	names := map[string]bool{"RECURRENCE-ID": true}
	var added bytes.Buffer
	var sb strings.Builder
	for _, pp := range append([]Prop{rid}, props...) {
		p := pp.p
		if p == nil {
			return nil, invalidf("", "an edit holds an empty property")
		}
		sb.Reset()
		if err := formatProp(&sb, p); err != nil {
			return nil, err
		}
		writeLine(&added, sb.String())
		names[strings.ToUpper(p.Name)] = true
	}
	lines := logicalLines(data)
	type block struct{ begin, end int }
	var master *block
	var found *block
	depth := 0
	var cur block
	for i, l := range lines {
		switch l.name() {
		case "BEGIN":
			depth++
			if depth == 2 {
				cur = block{begin: i}
			}
		case "END":
			if depth == 2 {
				cur.end = i
				comp := strings.ToUpper(lines[cur.begin].value())
				if comp == goical.CompEvent || comp == goical.CompToDo {
					b := cur
					if !hasRecurrenceID(lines[cur.begin+1:]) {
						if master == nil {
							master = &b
						}
					} else if found == nil && recurrenceIDValue(lines[cur.begin+1:cur.end]) == rid.p.Value {
						found = &b
					}
				}
			}
			depth--
		}
	}
	if master == nil {
		return nil, errorf(KindInvalidObject, "VEVENT", "the object has no master component")
	}
	var out bytes.Buffer
	if found != nil {
		rest := added.Bytes()[len(firstLine(added.Bytes())):]
		inserted := false
		d := 0
		for i, l := range lines {
			in := i > found.begin && i < found.end
			name := l.name()
			if !inserted && ((in && d == 0 && name == "BEGIN") || i == found.end) {
				out.Write(rest)
				inserted = true
			}
			switch {
			case in && name == "BEGIN":
				d++
			case in && name == "END":
				d--
			case in && d == 0 && names[name] && name != "RECURRENCE-ID":
				continue
			}
			out.WriteString(l.raw)
		}
	} else {
		skip := map[string]bool{"RRULE": true, "RDATE": true, "EXDATE": true, "DTSTART": true, "DTEND": true, "DURATION": true, "RECURRENCE-ID": true}
		for i, l := range lines {
			out.WriteString(l.raw)
			if i != master.end {
				continue
			}
			writeLine(&out, "BEGIN:"+strings.ToUpper(lines[master.begin].value()))
			d := 0
			for _, ml := range lines[master.begin+1 : master.end] {
				switch ml.name() {
				case "BEGIN":
					d++
					continue
				case "END":
					d--
					continue
				}
				if d == 0 && !skip[ml.name()] && !names[ml.name()] {
					out.WriteString(ml.raw)
				}
			}
			out.Write(added.Bytes())
			writeLine(&out, "END:"+strings.ToUpper(lines[master.begin].value()))
		}
	}
	res := out.Bytes()
	if _, err := ParseObject(res, Limits{}); err != nil {
		return nil, err
	}
	return res, nil
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

func recurrenceIDValue(lines []rawLine) string {
	d := 0
	for _, l := range lines {
		switch l.name() {
		case "BEGIN":
			d++
		case "END":
			d--
		case "RECURRENCE-ID":
			if d == 0 {
				return l.value()
			}
		}
	}
	return ""
}

// SkipDays lists the days (YYYY-MM-DD, in loc for a UTC time) that the
// master's EXDATEs leave out of a stored series, for a form to show.
func SkipDays(data []byte, loc *time.Location) []string {
	obj, err := ParseObject(data, DefaultLimits())
	if err != nil || obj.Master == nil {
		return nil
	}
	var out []string
	for _, p := range obj.Master.Props.Values(goical.PropExceptionDates) {
		for _, v := range strings.Split(p.Value, ",") {
			if len(v) < 8 {
				continue
			}
			t, err := time.Parse(layoutDate, v[:8])
			if err != nil {
				continue
			}
			if strings.HasSuffix(v, "Z") {
				if u, err := time.Parse(layoutDateTime+"Z", v); err == nil {
					t = u.In(loc)
				}
			}
			out = append(out, t.Format(time.DateOnly))
		}
	}
	return out
}
