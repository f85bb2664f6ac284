package form

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bastide47/bastide/db/model"
)

// Proposal is the public "propose an event" form: the event as a visitor
// can describe it, and how the moderators may reach them.
type Proposal struct {
	Association string // slug
	Title       string
	Date        string // YYYY-MM-DD
	Start, End  string // HH:MM; End optional
	Place       string
	Commune     string // INSEE code
	Description string
	Name        string
	Contact     string // an email address or a phone number
	// Website is the honeypot: a field people never see (hidden, and
	// labelled to be left empty), that robots fill in.
	Website string

	// Set by Validate.
	StartTime, EndTime time.Time
	Spam               bool
}

// Bounds of a proposal.
const (
	MaxProposalTitle       = 200
	MaxProposalPlace       = 200
	MaxProposalDescription = 5000
	MaxProposalName        = 100
	MaxProposalContact     = 254
	// MaxProposalAhead is how far ahead an event may be proposed.
	MaxProposalAhead = 2 * 366 * 24 * time.Hour
)

// NewProposal reads the form.
func NewProposal(v url.Values) *Proposal {
	desc := v.Get("description")
	if len(desc) > 4*MaxProposalDescription {
		desc = strings.ToValidUTF8(desc[:4*MaxProposalDescription], "")
	}
	return &Proposal{Association: value(v, "association", true), Title: value(v, "title", true),
		Date: value(v, "date", true), Start: value(v, "start", true), End: value(v, "end", true),
		Place: value(v, "place", true), Commune: value(v, "commune", true), Description: strings.TrimSpace(desc),
		Name: value(v, "name", true), Contact: value(v, "contact", true), Website: value(v, "website", true)}
}

// Validate checks every field, in the zone loc, against now: the event
// must not be over. It also cleans the description (line breaks kept,
// other control characters dropped) and parses the times.
func (f *Proposal) Validate(now time.Time, loc *time.Location) Errors {
	e := Errors{}
	f.Spam = f.Website != ""
	if f.Association == "" {
		e.add("association", "form.proposal.association")
	}
	checkLine(e, "title", f.Title, MaxProposalTitle, true)
	day, err := time.ParseInLocation("2006-01-02", f.Date, loc)
	if err != nil {
		e.add("date", "form.proposal.date")
	}
	start, serr := clockOf(f.Start)
	if serr {
		e.add("start", "form.proposal.time")
	}
	var end time.Duration
	eerr := false
	if f.End != "" {
		end, eerr = clockOf(f.End)
		if eerr {
			e.add("end", "form.proposal.time")
		}
	}
	if err == nil && !serr && !eerr {
		f.StartTime = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).Add(start)
		if f.End != "" {
			if end <= start {
				e.add("end", "form.proposal.end")
			}
			f.EndTime = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).Add(end)
		}
		switch {
		case f.StartTime.Before(now):
			e.add("date", "form.proposal.past")
		case f.StartTime.After(now.Add(MaxProposalAhead)):
			e.add("date", "form.proposal.far")
		}
	}
	checkLine(e, "place", f.Place, MaxProposalPlace, true)
	if _, ok := model.CommuneByINSEE(f.Commune); !ok {
		e.add("commune", "form.proposal.commune")
	}
	f.Description = cleanText(f.Description)
	if utf8.RuneCountInString(f.Description) > MaxProposalDescription {
		e.add("description", "form.proposal.long", MaxProposalDescription)
	}
	checkLine(e, "name", f.Name, MaxProposalName, true)
	if !validContact(f.Contact) {
		e.add("contact", "form.proposal.contact")
	}
	return e
}

// checkLine checks a one-line text: required, at most max characters, no
// control characters.
func checkLine(e Errors, field, s string, max int, required bool) {
	switch {
	case s == "":
		if required {
			e.add(field, "form.proposal.required")
		}
	case !utf8.ValidString(s) || utf8.RuneCountInString(s) > max:
		e.add(field, "form.proposal.long", max)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		e.add(field, "form.proposal.control")
	}
}

// clockOf reads HH:MM (what <input type=time> sends) as a time of day.
func clockOf(s string) (time.Duration, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, true
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, false
}

// cleanText keeps line breaks and tabs, drops other control characters
// and normalises line ends.
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s))
}

// validContact accepts an email address (a bare one) or a phone number:
// digits with spaces, dots, dashes and a leading +, 10 to 15 digits.
func validContact(s string) bool {
	if s == "" || len(s) > MaxProposalContact {
		return false
	}
	if strings.Contains(s, "@") {
		a, err := mail.ParseAddress(s)
		return err == nil && a.Address == s
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '.' || r == '-' || (r == '+' && i == 0):
		default:
			return false
		}
	}
	return digits >= 10 && digits <= 15
}
