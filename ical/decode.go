package ical

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"
)

// Decode reads one VCALENDAR. It checks the bounds of lim on the raw text as
// it reads (size, line length, nesting, number of components), rejects bad
// UTF-8 and control characters, and builds the go-ical tree itself with an
// explicit stack: go-ical's own decoder recurses once per BEGIN (a deep
// enough body kills the process with a stack overflow, which recover cannot
// catch), panics on some malformed parameters and is quadratic in the length
// of a parameter value. Decode never panics.
//
// Lines may end in CRLF or LF; folded lines (RFC 5545 §3.1) are unfolded.
// Property and parameter names are upper-cased, values are kept as written
// (still escaped).
func Decode(data []byte, lim Limits) (*goical.Calendar, error) {
	cals, err := decodeAll(data, lim)
	if err != nil {
		return nil, err
	}
	if len(cals) != 1 {
		return nil, errorf(KindInvalidObject, "VCALENDAR", "the body holds %d VCALENDAR objects; a calendar object holds exactly one", len(cals))
	}
	return &goical.Calendar{Component: cals[0]}, nil
}

// decodeAll reads every VCALENDAR of data (files made by concatenation hold
// several).
func decodeAll(data []byte, lim Limits) (cals []*goical.Component, err error) {
	defer func() {
		if r := recover(); r != nil {
			cals, err = nil, syntaxf("", "cannot parse the calendar data (%v)", r)
		}
	}()
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return nil, errorf(KindTooLarge, "", "the calendar data is %d bytes, more than the limit of %d", len(data), lim.MaxBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, syntaxf("", "the calendar data is empty")
	}
	// Text must be UTF-8 once unfolded: some exporters fold inside a
	// multi-byte character, which RFC 5545 §3.1 discourages but which
	// unfolding mends. Only text that is not valid as a whole is checked
	// line by line.
	checkUTF8 := !utf8.Valid(data)

	d := decoder{lim: lim}
	var logical []byte
	logicalLine := 0
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var phys []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			phys, data = data[:i], data[i+1:]
		} else {
			phys, data = data, nil
		}
		phys = bytes.TrimSuffix(phys, []byte("\r"))
		for _, c := range phys {
			if (c < 0x20 && c != '\t') || c == 0x7f {
				return nil, syntaxf(fmt.Sprintf("line %d", lineNo), "line %d contains the control character U+%04X, which iCalendar does not allow", lineNo, c)
			}
		}
		if len(phys) > 0 && (phys[0] == ' ' || phys[0] == '\t') && logicalLine > 0 {
			if len(logical)+len(phys)-1 > lim.MaxLineLen {
				return nil, syntaxf(fmt.Sprintf("line %d", logicalLine), "line %d is longer than %d bytes once unfolded", logicalLine, lim.MaxLineLen)
			}
			logical = append(logical, phys[1:]...)
			continue
		}
		if logicalLine > 0 {
			if err := d.logical(logical, logicalLine, checkUTF8); err != nil {
				return nil, err
			}
		}
		if len(phys) > lim.MaxLineLen {
			return nil, syntaxf(fmt.Sprintf("line %d", lineNo), "line %d is longer than %d bytes", lineNo, lim.MaxLineLen)
		}
		logical = append(logical[:0], phys...)
		logicalLine = lineNo
	}
	if logicalLine > 0 {
		if err := d.logical(logical, logicalLine, checkUTF8); err != nil {
			return nil, err
		}
	}
	if n := len(d.stack); n > 0 {
		top := d.stack[n-1]
		return nil, syntaxf(top.comp.Name, "BEGIN:%s at line %d is never closed (END:%s is missing)", top.comp.Name, top.line, top.comp.Name)
	}
	if len(d.cals) == 0 {
		return nil, syntaxf("VCALENDAR", "no BEGIN:VCALENDAR found")
	}
	return d.cals, nil
}

type openComponent struct {
	comp *goical.Component
	line int
}

type decoder struct {
	lim        Limits
	stack      []openComponent
	cals       []*goical.Component
	components int
}

// logical decodes one unfolded line, first checking that it is UTF-8
// when check is set.
func (d *decoder) logical(b []byte, lineNo int, check bool) error {
	if check && !utf8.Valid(b) {
		i := 0
		for i < len(b) {
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return syntaxf(fmt.Sprintf("line %d", lineNo), "line %d is not valid UTF-8 (byte 0x%02X at offset %d once unfolded); calendar data must be UTF-8", lineNo, b[i], i)
	}
	return d.line(string(b), lineNo)
}

func (d *decoder) line(s string, lineNo int) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	prop, err := parseContentLine(s)
	if err != nil {
		return syntaxf(fmt.Sprintf("line %d", lineNo), "line %d: %s", lineNo, err.Msg)
	}
	switch prop.Name {
	case "BEGIN":
		name := strings.ToUpper(strings.TrimSpace(prop.Value))
		if !isName(name) {
			return syntaxf(fmt.Sprintf("line %d", lineNo), "line %d: BEGIN:%q is not a component name", lineNo, prop.Value)
		}
		if len(d.stack) == 0 && name != goical.CompCalendar {
			return syntaxf(name, "line %d: calendar data must start with BEGIN:VCALENDAR, not BEGIN:%s", lineNo, name)
		}
		if len(d.stack) >= d.lim.MaxDepth {
			return syntaxf(name, "line %d: BEGIN:%s is nested more than %d components deep", lineNo, name, d.lim.MaxDepth)
		}
		d.components++
		if d.components > d.lim.MaxComponents {
			return errorf(KindTooLarge, name, "more than %d components (line %d)", d.lim.MaxComponents, lineNo)
		}
		d.stack = append(d.stack, openComponent{goical.NewComponent(name), lineNo})
	case "END":
		name := strings.ToUpper(strings.TrimSpace(prop.Value))
		n := len(d.stack)
		if n == 0 {
			return syntaxf(name, "line %d: END:%s without a matching BEGIN", lineNo, prop.Value)
		}
		top := d.stack[n-1]
		if name != top.comp.Name {
			return syntaxf(top.comp.Name, "line %d: END:%s does not close BEGIN:%s of line %d", lineNo, prop.Value, top.comp.Name, top.line)
		}
		d.stack = d.stack[:n-1]
		if n == 1 {
			d.cals = append(d.cals, top.comp)
		} else {
			parent := d.stack[n-2].comp
			parent.Children = append(parent.Children, top.comp)
		}
	default:
		n := len(d.stack)
		if n == 0 {
			return syntaxf(prop.Name, "line %d: property %s is outside any component", lineNo, prop.Name)
		}
		props := d.stack[n-1].comp.Props
		props[prop.Name] = append(props[prop.Name], *prop)
	}
	return nil
}

func isNameByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

// parseContentLine parses "NAME;PARAM=v1,"v2":value" in one linear pass.
func parseContentLine(s string) (*goical.Prop, *Error) {
	i := 0
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	if i == 0 {
		return nil, syntaxf("", "%q does not start with a property name", clip(s))
	}
	prop := &goical.Prop{Name: strings.ToUpper(s[:i]), Params: make(goical.Params)}
	for {
		if i >= len(s) {
			return nil, syntaxf(prop.Name, "property %s has no ':' before its value", prop.Name)
		}
		if s[i] == ':' {
			prop.Value = s[i+1:]
			return prop, nil
		}
		if s[i] != ';' {
			return nil, syntaxf(prop.Name, "property %s: unexpected %q after the name", prop.Name, s[i])
		}
		i++
		j := i
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		if j == i || j >= len(s) || s[j] != '=' {
			return nil, syntaxf(prop.Name, "property %s has a malformed parameter (expected NAME=value)", prop.Name)
		}
		pname := strings.ToUpper(s[i:j])
		i = j + 1
		for {
			var v string
			if i < len(s) && s[i] == '"' {
				k := strings.IndexByte(s[i+1:], '"')
				if k < 0 {
					return nil, syntaxf(prop.Name, "property %s: parameter %s has an unterminated quoted value", prop.Name, pname)
				}
				v = s[i+1 : i+1+k]
				i += k + 2
			} else {
				k := i
				for k < len(s) && s[k] != ';' && s[k] != ':' && s[k] != ',' {
					if s[k] == '"' {
						return nil, syntaxf(prop.Name, "property %s: parameter %s has a stray double quote", prop.Name, pname)
					}
					k++
				}
				v = s[i:k]
				i = k
			}
			prop.Params[pname] = append(prop.Params[pname], v)
			if i < len(s) && s[i] == ',' {
				i++
				continue
			}
			break
		}
	}
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
