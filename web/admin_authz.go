package web

import (
	"github.com/labstack/echo/v4"
)

// action is something a back-office page lets one do.
type action int

const (
	// actOwnAccount: one's own space (account, passwords, app passwords,
	// connecting apps); every signed-in user.
	actOwnAccount action = iota
	// actInvite: make an invitation into an association (the admin, or an
	// owner of that association); with noAssociation, into none (the
	// admin only); with anyAssociation, into at least one.
	actInvite
	// actManageAccounts: list accounts, make reset links, disable and
	// enable accounts (the admin).
	actManageAccounts
	// actModerate: decide on pending events and trust their sources (the
	// admin).
	actModerate
	// actAdministerInstance: the instance's dashboard and federation
	// health, its associations, followed sources and settings (the admin).
	actAdministerInstance
	// actManageAssociation: an association's own pages (profile and
	// logo, followers' approval, members, calendars, followers, places):
	// an owner of that association, or the admin.
	actManageAssociation
	// actEditEvents: create, edit, duplicate, cancel and delete the
	// events of an association (its editors and owners, the admin).
	actEditEvents
	// Sections 3 to 5 of the back office add their actions here
	// (viewing and editing an association's calendars and events,
	// managing its members, moderation), each answered below.
)

// Special association ids for can.
const (
	noAssociation  int64 = 0
	anyAssociation int64 = -1
)

// can is the one authorization rule of the back office: every handler
// asks it, no handler checks a role itself.
func can(p *principal, act action, associationID int64) bool {
	if p == nil || p.User == nil || p.User.Disabled {
		return false
	}
	if p.User.Admin {
		return true
	}
	switch act {
	case actOwnAccount:
		return true
	case actInvite:
		if associationID == anyAssociation {
			for _, r := range p.Roles {
				if r.CanAdmin() {
					return true
				}
			}
			return false
		}
		return associationID != noAssociation && p.Roles[associationID].CanAdmin()
	case actManageAccounts, actModerate, actAdministerInstance:
		return false
	case actManageAssociation:
		return associationID > 0 && p.Roles[associationID].CanAdmin()
	case actEditEvents:
		return associationID > 0 && p.Roles[associationID].CanWrite()
	}
	return false
}

// allow returns errForbidden unless the signed-in user can act.
func allow(c echo.Context, act action, associationID int64) error {
	if can(me(c), act, associationID) {
		return nil
	}
	return errForbidden
}
