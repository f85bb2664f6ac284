package form

import (
	"errors"
	"net/mail"
	"net/url"
	"strconv"

	"github.com/bastide47/bastide/db/model"
)

// Invitation is the form that makes an invitation link.
type Invitation struct {
	Association string // association id, "" for an account without association (admin only)
	Role        string
	Username    string // proposed, optional
	Days        string
	Email       string // optional: mail the link there
	// Parsed by Validate.
	AssociationID int64
	ValidDays     int
}

// Invitation links last 1 to 30 days, 7 by default.
const (
	DefaultInvitationDays = 7
	MaxInvitationDays     = 30
)

// NewInvitation reads the form.
func NewInvitation(v url.Values) *Invitation {
	return &Invitation{Association: value(v, "association", true), Role: value(v, "role", true),
		Username: value(v, "username", true), Days: value(v, "days", true), Email: value(v, "email", true)}
}

// validUsername applies model.User's rule for usernames.
func validUsername(name string) bool {
	var ve *model.ValidationError
	err := (&model.User{Username: name}).Validate()
	return err == nil || !errors.As(err, &ve) || ve.Field != "username"
}

// Validate parses the association and the validity, and checks the role
// and the proposed username.
func (f *Invitation) Validate() Errors {
	e := Errors{}
	if f.Association != "" {
		id, err := strconv.ParseInt(f.Association, 10, 64)
		if err != nil || id <= 0 {
			e.add("association", "form.association.unknown")
		}
		f.AssociationID = id
		if !model.Role(f.Role).Valid() {
			e.add("role", "form.role.required")
		}
	}
	if f.Username != "" && !validUsername(f.Username) {
		e.add("username", "form.username.invalid")
	}
	if f.Email != "" {
		if a, err := mail.ParseAddress(f.Email); err != nil || a.Name != "" || a.Address != f.Email || len(f.Email) > 254 {
			e.add("email", "form.email.invalid")
		}
	}
	f.ValidDays = DefaultInvitationDays
	if f.Days != "" {
		n, err := strconv.Atoi(f.Days)
		if err != nil || n < 1 || n > MaxInvitationDays {
			e.add("days", "form.days.range", MaxInvitationDays)
		}
		f.ValidDays = n
	}
	return e
}

// Join is the form of an invitation link: the new account.
type Join struct {
	Username    string
	DisplayName string
	Password    string
	Confirm     string
}

// NewJoin reads the form.
func NewJoin(v url.Values) *Join {
	return &Join{Username: value(v, "username", true), DisplayName: value(v, "display_name", true),
		Password: value(v, "password", false), Confirm: value(v, "confirm", false)}
}

// Validate checks the username, the name and the password.
func (f *Join) Validate() Errors {
	e := Errors{}
	if f.Username == "" {
		e.add("username", "form.username.required")
	} else if !validUsername(f.Username) {
		e.add("username", "form.username.invalid")
	}
	checkName(e, "display_name", f.DisplayName, false)
	checkNewPassword(e, f.Password, f.Confirm)
	return e
}
