package model

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// ValidationError names the field at fault and says what is wrong with it.
type ValidationError struct {
	Field string
	Msg   string
}

func (e *ValidationError) Error() string {
	return e.Field + ": " + e.Msg
}

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Bounds on stored text, shared by every layer that takes input.
const (
	MaxSlugLen     = 64
	MaxNameLen     = 200
	MaxTextLen     = 20000
	MaxSummaryLen  = 1000
	MaxHrefLen     = 255
	MaxUIDLen      = 1024
	MaxCategories  = 50
	MaxEventData   = 1 << 20
	MaxUsernameLen = 64
)

var (
	slugRe     = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)
	usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	colorRe    = regexp.MustCompile(`^#[0-9A-Fa-f]{6}(?:[0-9A-Fa-f]{2})?$`)
	inseeRe    = regexp.MustCompile(`^[0-9][0-9AB][0-9]{3}$`)
)

// ValidSlug reports whether s can name an association or a calendar in URLs:
// lower-case letters, digits and inner hyphens.
func ValidSlug(s string) bool {
	return len(s) <= MaxSlugLen && slugRe.MatchString(s)
}

func checkText(field, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return invalid(field, "is required")
	}
	if len(s) > max {
		return invalid(field, "is too long (%d bytes, at most %d)", len(s), max)
	}
	if !utf8.ValidString(s) {
		return invalid(field, "is not valid UTF-8")
	}
	return nil
}

// Validate checks a user before it is stored.
func (u *User) Validate() error {
	if len(u.Username) > MaxUsernameLen || !usernameRe.MatchString(u.Username) {
		return invalid("username", "must be 1 to %d characters among a-z, 0-9, '.', '_' and '-', starting with a letter or digit", MaxUsernameLen)
	}
	if err := checkText("display_name", u.DisplayName, MaxNameLen, false); err != nil {
		return err
	}
	if u.Email != "" && (!strings.Contains(u.Email, "@") || len(u.Email) > 254) {
		return invalid("email", "is not an e-mail address")
	}
	return nil
}

// reservedSlugs cannot name an association: they are the instance's own
// fediverse actor (acct:relay@host) and words of the URL map.
var reservedSlugs = map[string]bool{
	"relay": true, "admin": true, "api": true, "dav": true, "embed": true, "events": true,
	"feeds": true, "inbox": true, "nodeinfo": true, "static": true, "well-known": true,
}

// Validate checks an association before it is stored.
func (a *Association) Validate() error {
	if !ValidSlug(a.Slug) {
		return invalid("slug", "must be 1 to %d characters among a-z, 0-9 and inner '-'", MaxSlugLen)
	}
	if reservedSlugs[a.Slug] {
		return invalid("slug", "%q is reserved by Bastide; choose another name", a.Slug)
	}
	if err := checkText("name", a.Name, MaxNameLen, true); err != nil {
		return err
	}
	if err := checkText("description", a.Description, MaxTextLen, false); err != nil {
		return err
	}
	if a.Website != "" && !strings.HasPrefix(a.Website, "https://") && !strings.HasPrefix(a.Website, "http://") {
		return invalid("website", "must start with https:// or http://")
	}
	if a.CommuneINSEE != "" && !inseeRe.MatchString(a.CommuneINSEE) {
		return invalid("commune", "%q is not an INSEE code", a.CommuneINSEE)
	}
	return nil
}

// Validate checks a membership before it is stored.
func (m *Membership) Validate() error {
	if !m.Role.Valid() {
		return invalid("role", "%q is not one of owner, editor, viewer", string(m.Role))
	}
	if m.UserID == 0 {
		return invalid("user", "is required")
	}
	if m.AssociationID == 0 {
		return invalid("association", "is required")
	}
	return nil
}

// Validate checks a calendar before it is stored.
func (c *Calendar) Validate() error {
	switch c.Kind {
	case CalendarAssociation:
		if c.AssociationID == 0 {
			return invalid("association", "is required for an association calendar")
		}
	case CalendarPersonal:
		if c.OwnerUserID == 0 {
			return invalid("owner", "is required for a personal calendar")
		}
	case CalendarRemote:
		if c.Source == "" {
			return invalid("source", "is required for a remote calendar")
		}
	default:
		return invalid("kind", "%q is not one of association, personal, remote", c.Kind)
	}
	if !ValidSlug(c.Slug) {
		return invalid("slug", "must be 1 to %d characters among a-z, 0-9 and inner '-'", MaxSlugLen)
	}
	if err := checkText("name", c.Name, MaxNameLen, true); err != nil {
		return err
	}
	if err := checkText("description", c.Description, MaxTextLen, false); err != nil {
		return err
	}
	if c.Color != "" && !colorRe.MatchString(c.Color) {
		return invalid("color", "%q is not a colour like #3366CC", c.Color)
	}
	if len(c.Timezone) > 64<<10 {
		return invalid("timezone", "is too long")
	}
	if len(c.Components) == 0 {
		return invalid("components", "at least one of VEVENT, VTODO is required")
	}
	for _, comp := range c.Components {
		if comp != "VEVENT" && comp != "VTODO" {
			return invalid("components", "%q is not supported (VEVENT, VTODO)", comp)
		}
	}
	return nil
}

// SupportsComponent reports whether the calendar accepts the component.
func (c *Calendar) SupportsComponent(comp string) bool {
	for _, x := range c.Components {
		if x == comp {
			return true
		}
	}
	return false
}

// Validate checks an event before it is stored.
func (e *Event) Validate() error {
	if e.CalendarID == 0 {
		return invalid("calendar", "is required")
	}
	if e.Href == "" || len(e.Href) > MaxHrefLen || strings.ContainsAny(e.Href, "/\\\x00") || e.Href == "." || e.Href == ".." {
		return invalid("href", "must be a plain file name of at most %d bytes", MaxHrefLen)
	}
	if err := checkText("uid", e.UID, MaxUIDLen, true); err != nil {
		return err
	}
	if e.Component != "VEVENT" && e.Component != "VTODO" {
		return invalid("component", "%q is not supported (VEVENT, VTODO)", e.Component)
	}
	if len(e.Data) == 0 {
		return invalid("data", "is required")
	}
	if len(e.Data) > MaxEventData {
		return invalid("data", "is too large (%d bytes, at most %d)", len(e.Data), MaxEventData)
	}
	if err := checkText("summary", e.Summary, MaxSummaryLen, false); err != nil {
		return err
	}
	if err := checkText("description", e.Description, MaxTextLen*5, false); err != nil {
		return err
	}
	if err := checkText("location", e.Location, MaxTextLen, false); err != nil {
		return err
	}
	if e.Component == "VEVENT" && e.Start.IsZero() {
		return invalid("dtstart", "is required")
	}
	if !e.End.IsZero() && e.End.Before(e.Start) {
		return invalid("dtend", "is before dtstart")
	}
	switch e.Status {
	case "", StatusConfirmed, StatusTentative, StatusCancelled, "NEEDS-ACTION", "COMPLETED", "IN-PROCESS":
	default:
		return invalid("status", "%q is not a known status", e.Status)
	}
	if len(e.Categories) > MaxCategories {
		return invalid("categories", "too many (%d, at most %d)", len(e.Categories), MaxCategories)
	}
	switch e.Origin {
	case "", OriginLocal, OriginRemote:
	default:
		return invalid("origin", "%q is not local or remote", e.Origin)
	}
	switch e.Moderation {
	case "", ModerationApproved, ModerationPending, ModerationRejected:
	default:
		return invalid("moderation", "%q is not approved, pending or rejected", e.Moderation)
	}
	if e.HasGeo && (e.Lat < -90 || e.Lat > 90 || e.Lon < -180 || e.Lon > 180) {
		return invalid("geo", "coordinates out of range")
	}
	for i, in := range e.Instances {
		if in.End.Before(in.Start) {
			return invalid("instances", "occurrence %d ends before it starts", i)
		}
	}
	return nil
}

// Validate checks a place before it is stored.
func (p *Place) Validate() error {
	if err := checkText("name", p.Name, MaxNameLen, false); err != nil {
		return err
	}
	if p.CommuneINSEE != "" && !inseeRe.MatchString(p.CommuneINSEE) {
		return invalid("commune", "%q is not an INSEE code", p.CommuneINSEE)
	}
	if p.HasGeo && (p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180) {
		return invalid("geo", "coordinates out of range")
	}
	return nil
}

// TimeLayout is the one layout in which times are stored as text.
const TimeLayout = "2006-01-02T15:04:05Z"

// FormatTime formats t in UTC with TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }
