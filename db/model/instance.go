package model

import (
	"net/url"
	"regexp"
	"strings"
)

// DefaultInstanceName is the instance's name until the admin gives it
// another.
const DefaultInstanceName = "Bastide"

// Bounds of the instance's settings.
const (
	MaxInstanceNameLen        = 80
	MaxInstanceDescriptionLen = 300
	MaxInstanceFooterLen      = 2000
)

// InstanceSettings are what the admin says about the instance itself: its
// name, a short description, a public contact (an e-mail address or a
// http(s) URL), its logo (the SHA-256 of a stored image, "" for none) and
// the text of every page's footer (a small Markdown).
type InstanceSettings struct {
	Name        string
	Description string
	Contact     string
	Footer      string
	LogoSHA256  string
}

// DefaultInstanceSettings are the settings of an instance whose admin has
// set none.
func DefaultInstanceSettings() *InstanceSettings {
	return &InstanceSettings{Name: DefaultInstanceName}
}

// Validate checks the settings before they are stored.
func (s *InstanceSettings) Validate() error {
	if err := checkText("name", s.Name, MaxInstanceNameLen, true); err != nil {
		return err
	}
	if strings.ContainsAny(s.Name, "\r\n") {
		return invalid("name", "must be one line")
	}
	if err := checkText("description", s.Description, MaxInstanceDescriptionLen, false); err != nil {
		return err
	}
	if err := checkText("footer", s.Footer, MaxInstanceFooterLen, false); err != nil {
		return err
	}
	if s.Contact != "" && ContactHref(s.Contact) == "" {
		return invalid("contact", "must be an e-mail address or a link starting with https:// or http://")
	}
	return nil
}

// ContactHref is the link of a public contact: mailto: for an e-mail
// address, the URL itself for a http(s) link, "" for anything else.
func ContactHref(contact string) string {
	if len(contact) > MaxHrefLen || strings.ContainsAny(contact, " \t\r\n<>\"") {
		return ""
	}
	if strings.HasPrefix(contact, "https://") || strings.HasPrefix(contact, "http://") {
		u, err := url.Parse(contact)
		if err != nil || u.Host == "" || u.User != nil {
			return ""
		}
		return u.String()
	}
	if !addressRe.MatchString(contact) {
		return ""
	}
	return (&url.URL{Scheme: "mailto", Opaque: contact}).String()
}

// addressRe is an e-mail address alone (RFC 5322's dot-atom on both
// sides, the domain with at least two labels); net/mail would bring the
// network package into this leaf one.
var addressRe = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
