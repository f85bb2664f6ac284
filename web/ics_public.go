package web

import (
	"strings"
)

// publicICS trims a stored object for a public feed: it drops what the
// public has no use for or what could harm a subscriber's calendar app:
// ATTENDEE (participants' addresses), VALARM blocks (subscribers set their
// own reminders), X-ALT-DESC (HTML), and URL or ATTACH values that are not
// http(s) links (javascript:, data:, inline binaries). Everything else,
// recurrence and exceptions included, is kept as stored. It works on the
// unfolded lines of text that ical.ParseObject already accepted.
func publicICS(data string) string {
	if !strings.Contains(data, "ATTENDEE") && !strings.Contains(data, "VALARM") && !strings.Contains(data, "X-ALT-DESC") &&
		!strings.Contains(data, "URL") && !strings.Contains(data, "ATTACH") {
		return data
	}
	var b strings.Builder
	b.Grow(len(data))
	lines := strings.SplitAfter(data, "\n")
	alarm := 0
	for i := 0; i < len(lines); {
		// A logical line: the line and its continuations.
		j := i + 1
		for j < len(lines) && len(lines[j]) > 0 && (lines[j][0] == ' ' || lines[j][0] == '\t') {
			j++
		}
		logical := lines[i:j]
		i = j
		unfolded := unfold(logical)
		name, value := splitContentLine(unfolded)
		switch {
		case name == "BEGIN" && strings.EqualFold(strings.TrimSpace(value), "VALARM"):
			alarm++
			continue
		case name == "END" && strings.EqualFold(strings.TrimSpace(value), "VALARM"):
			if alarm > 0 {
				alarm--
			}
			continue
		case alarm > 0:
			continue
		case name == "ATTENDEE" || name == "X-ALT-DESC":
			continue
		case (name == "URL" || name == "ATTACH") && httpURL(strings.TrimSpace(value)) == "":
			continue
		}
		for _, l := range logical {
			b.WriteString(l)
		}
	}
	return b.String()
}

func unfold(lines []string) string {
	var sb strings.Builder
	for k, l := range lines {
		l = strings.TrimRight(l, "\r\n")
		if k > 0 {
			l = l[1:]
		}
		sb.WriteString(l)
	}
	return sb.String()
}

// splitContentLine returns the upper-case property name and the value of a
// content line, skipping quoted parameter values.
func splitContentLine(s string) (string, string) {
	nameEnd := strings.IndexAny(s, ";:")
	if nameEnd < 0 {
		return strings.ToUpper(s), ""
	}
	name := strings.ToUpper(s[:nameEnd])
	quoted := false
	for k := nameEnd; k < len(s); k++ {
		switch s[k] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				return name, s[k+1:]
			}
		}
	}
	return name, ""
}
