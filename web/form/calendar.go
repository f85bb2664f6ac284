package form

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/bastide47/bastide/db/model"
)

// DefaultCalendarColor is the colour a new calendar starts with.
const DefaultCalendarColor = "#3366cc"

var colorRe = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// Calendar is an association calendar's name, colour and visibility.
type Calendar struct {
	Name        string
	Description string
	Color       string
	Public      bool
}

// NewCalendar reads the form.
func NewCalendar(v url.Values) *Calendar {
	return &Calendar{Name: value(v, "name", true), Description: text(v, "description"),
		Color: strings.ToLower(value(v, "color", true)), Public: v.Get("public") == "on"}
}

// FromCalendar fills the form from a stored calendar.
func FromCalendar(c *model.Calendar) *Calendar {
	col := strings.ToLower(c.Color)
	if len(col) == 9 { // #RRGGBBAA: the colour field shows #RRGGBB
		col = col[:7]
	}
	return &Calendar{Name: c.Name, Description: c.Description, Color: col, Public: c.Public}
}

// Validate checks each field.
func (f *Calendar) Validate() Errors {
	e := Errors{}
	checkName(e, "name", f.Name, true)
	if len(f.Name) > model.MaxNameLen {
		e.add("name", "form.name.long", model.MaxNameLen)
	}
	if len(f.Description) > model.MaxTextLen {
		e.add("description", "form.description.long", model.MaxTextLen)
	}
	if f.Color != "" && !colorRe.MatchString(f.Color) {
		e.add("color", "form.color.invalid")
	}
	return e
}

// Apply copies the form onto a calendar.
func (f *Calendar) Apply(c *model.Calendar) {
	c.Name, c.Description, c.Public = f.Name, f.Description, f.Public
	if f.Color != "" && !strings.EqualFold(f.Color, FromCalendar(c).Color) {
		c.Color = f.Color
	}
}

// SlugFrom makes a calendar's address name from its name: letters
// without accents, digits and inner dashes; "agenda" if nothing is left.
func SlugFrom(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range model.FoldKey(name) {
		if b.Len() >= model.MaxSlugLen-3 { // room for a "-2" suffix
			break
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	if b.Len() == 0 {
		return "agenda"
	}
	return b.String()
}
