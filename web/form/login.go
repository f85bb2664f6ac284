package form

import "net/url"

// Login is the sign-in form.
type Login struct {
	Username string
	Password string
	Next     string
}

// NewLogin reads the sign-in form.
func NewLogin(v url.Values) *Login {
	return &Login{Username: value(v, "username", true), Password: value(v, "password", false), Next: value(v, "next", true)}
}

// Validate checks that both fields are there.
func (f *Login) Validate() Errors {
	e := Errors{}
	if f.Username == "" {
		e.add("username", "form.username.required")
	}
	if f.Password == "" {
		e.add("password", "form.password.required")
	}
	return e
}
