package form

import "net/url"

// Password is the form that changes one's own password.
type Password struct {
	Current  string
	Password string
	Confirm  string
}

// NewPassword reads the password change form.
func NewPassword(v url.Values) *Password {
	return &Password{Current: value(v, "current", false), Password: value(v, "password", false), Confirm: value(v, "confirm", false)}
}

// Validate checks the new password (the current one is checked against
// the store by the handler).
func (f *Password) Validate() Errors {
	e := Errors{}
	if f.Current == "" {
		e.add("current", "form.password.current")
	}
	checkNewPassword(e, f.Password, f.Confirm)
	return e
}

// Reset is the form of a password reset link.
type Reset struct {
	Password string
	Confirm  string
}

// NewReset reads the reset form.
func NewReset(v url.Values) *Reset {
	return &Reset{Password: value(v, "password", false), Confirm: value(v, "confirm", false)}
}

// Validate checks the new password.
func (f *Reset) Validate() Errors {
	e := Errors{}
	checkNewPassword(e, f.Password, f.Confirm)
	return e
}
