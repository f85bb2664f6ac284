package ical

import (
	"bytes"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"
)

// Encode writes cal as iCalendar text: CRLF line endings, lines folded at
// 75 octets without splitting a UTF-8 sequence, properties in a stable order
// (the usual leading ones first, then by name), values written as they are
// held (escaped). Unlike go-ical's encoder it does not refuse objects that
// lack a DTSTAMP or other properties clients often omit: validation is
// ParseObject's job.
func Encode(cal *goical.Calendar) ([]byte, error) {
	if cal == nil || cal.Component == nil {
		return nil, syntaxf("VCALENDAR", "no calendar to encode")
	}
	var buf bytes.Buffer
	if err := encodeComponent(&buf, cal.Component); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// propOrder puts the properties people look for first.
var propOrder = map[string]int{
	"VERSION": 1, "PRODID": 2, "CALSCALE": 3, "METHOD": 4,
	"TZID": 5, "UID": 6, "RECURRENCE-ID": 7, "DTSTAMP": 8, "DTSTART": 9, "DTEND": 10,
	"DUE": 11, "DURATION": 12, "RRULE": 13, "RDATE": 14, "EXDATE": 15, "SUMMARY": 16,
	"TZOFFSETFROM": 17, "TZOFFSETTO": 18, "TZNAME": 19,
}

func sortedPropNames(props goical.Props) []string {
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		oi, oj := propOrder[names[i]], propOrder[names[j]]
		if oi == 0 {
			oi = 1000
		}
		if oj == 0 {
			oj = 1000
		}
		if oi != oj {
			return oi < oj
		}
		return names[i] < names[j]
	})
	return names
}

func encodeComponent(w *bytes.Buffer, comp *goical.Component) error {
	// An explicit stack keeps encoding iterative like decoding.
	type frame struct {
		comp *goical.Component
		next int
	}
	stack := []frame{{comp: comp}}
	writeLine(w, "BEGIN:"+comp.Name)
	if err := encodeProps(w, comp); err != nil {
		return err
	}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < len(top.comp.Children) {
			child := top.comp.Children[top.next]
			top.next++
			if child == nil {
				continue
			}
			writeLine(w, "BEGIN:"+child.Name)
			if err := encodeProps(w, child); err != nil {
				return err
			}
			stack = append(stack, frame{comp: child})
			continue
		}
		writeLine(w, "END:"+top.comp.Name)
		stack = stack[:len(stack)-1]
	}
	return nil
}

func encodeProps(w *bytes.Buffer, comp *goical.Component) error {
	if !isName(comp.Name) {
		return syntaxf(comp.Name, "cannot encode component name %q", comp.Name)
	}
	var sb strings.Builder
	for _, name := range sortedPropNames(comp.Props) {
		for _, p := range comp.Props[name] {
			sb.Reset()
			if err := formatProp(&sb, &p); err != nil {
				return err
			}
			writeLine(w, sb.String())
		}
	}
	return nil
}

func formatProp(sb *strings.Builder, p *goical.Prop) error {
	if !isName(p.Name) {
		return syntaxf(p.Name, "cannot encode property name %q", p.Name)
	}
	sb.WriteString(p.Name)
	names := make([]string, 0, len(p.Params))
	for name := range p.Params {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !isName(name) {
			return syntaxf(p.Name, "cannot encode parameter name %q of %s", name, p.Name)
		}
		sb.WriteByte(';')
		sb.WriteString(name)
		sb.WriteByte('=')
		for i, v := range p.Params[name] {
			if i > 0 {
				sb.WriteByte(',')
			}
			// A parameter value cannot hold a double quote (RFC 5545 §3.2);
			// RFC 6868 would write ^', which few readers decode.
			v = strings.ReplaceAll(v, `"`, "'")
			if strings.ContainsAny(v, "\r\n") {
				return syntaxf(p.Name, "parameter %s of %s contains a line break", name, p.Name)
			}
			if strings.ContainsAny(v, ";:,") {
				sb.WriteString(`"` + v + `"`)
			} else {
				sb.WriteString(v)
			}
		}
	}
	sb.WriteByte(':')
	if strings.ContainsAny(p.Value, "\r\n") {
		return syntaxf(p.Name, "the value of %s contains a raw line break (it must be escaped as \\n)", p.Name)
	}
	sb.WriteString(p.Value)
	return nil
}

// writeLine writes one content line folded at 75 octets (RFC 5545 §3.1).
func writeLine(w *bytes.Buffer, line string) {
	const max = 75
	first := true
	for {
		limit := max
		if !first {
			limit = max - 1 // the leading space counts
		}
		if len(line) <= limit {
			if !first {
				w.WriteByte(' ')
			}
			w.WriteString(line)
			w.WriteString("\r\n")
			return
		}
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		if cut == 0 {
			cut = limit
		}
		if !first {
			w.WriteByte(' ')
		}
		w.WriteString(line[:cut])
		w.WriteString("\r\n")
		line = line[cut:]
		first = false
	}
}

// writeTo is Encode into a writer.
func writeTo(w io.Writer, comp *goical.Component) error {
	var buf bytes.Buffer
	if err := encodeComponent(&buf, comp); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
