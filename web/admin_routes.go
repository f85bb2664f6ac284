package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// adminRoutes is the one place where the back office's routes are
// declared. Every route under /admin goes through loadSession and the
// cross-origin protection (net/http.CrossOriginProtection refuses a
// state-changing request that a browser sends from another site); the
// signed-in routes also go through requireUser, and each handler then
// asks can for its action. A test walks every route registered here.
func (a *app) adminRoutes(e *echo.Echo) {
	g := e.Group("/admin", a.adminFaults, a.crossOrigin, a.loadSession)
	get := func(g *echo.Group, path string, h echo.HandlerFunc) {
		g.Match([]string{http.MethodGet, http.MethodHead}, path, h)
	}

	// Public: signing in, and the single-use links (invitation, reset).
	get(g, "/login", a.loginShow)
	g.POST("/login", a.loginCheck)
	get(g, "/join/:token", a.invitationShow)
	g.POST("/join/:token", a.invitationAccept)
	get(g, "/reset/:token", a.resetShow)
	g.POST("/reset/:token", a.resetSave)

	// Signed in.
	s := g.Group("", requireUser)
	get(s, "", a.adminHome)
	get(s, "/", a.adminHome)
	s.POST("/logout", a.logout)
	s.POST("/logout/everywhere", a.logoutEverywhere)

	// A member's own space.
	get(s, "/me", a.accountShow)
	get(s, "/me/password", a.passwordEdit)
	s.POST("/me/password", a.passwordUpdate)
	get(s, "/me/app-passwords", a.appPasswordList)
	s.POST("/me/app-passwords", a.appPasswordSave)
	s.POST("/me/app-passwords/revoke", a.appPasswordRevoke)
	get(s, "/me/connect", a.connectShow)
	s.POST("/me/connect/apple", a.connectApple)

	// Invitations (the admin, or an owner for their association).
	get(s, "/invitations/new", a.invitationCreate)
	s.POST("/invitations", a.invitationSave)

	// Accounts (the admin).
	get(s, "/users", a.userList)
	s.POST("/users/:id/reset", a.userReset)
	s.POST("/users/:id/disable", a.userDisable)
	s.POST("/users/:id/enable", a.userEnable)

	// The instance's admin: the moderation queue (pending events, whatever
	// brought them in: an untrusted source, an anonymous proposal).
	get(s, "/moderation", a.moderationList)
	s.POST("/moderation/:id/approve", a.moderationApprove)
	s.POST("/moderation/:id/reject", a.moderationReject)
	s.POST("/moderation/sources/:id/trust", a.moderationTrust)
	// The dashboard: counts and federation health.
	get(s, "/instance", a.instanceShow)
	s.POST("/instance/deliveries/retry", a.deliveryRetry)
	// The fediverse: followed sources, follows to send, blocked domains.
	get(s, "/instance/fediverse", a.fediverseShow)
	s.POST("/instance/follows", a.followSave)
	s.POST("/instance/follows/:id/trust", a.followTrust)
	s.POST("/instance/follows/:id/untrust", a.followUntrust)
	s.POST("/instance/follows/:id/unfollow", a.followRemove)
	s.POST("/instance/follow-requests/:id/delete", a.followRequestDelete)
	s.POST("/instance/blocks", a.domainBlockSave)
	s.POST("/instance/blocks/delete", a.domainBlockDelete)
	// Associations: the list, and creating one.
	get(s, "/instance/associations", a.associationList)
	get(s, "/instance/associations/new", a.associationCreate)
	s.POST("/instance/associations", a.associationSave)
	// The instance's settings: name, description, contact, logo, footer.
	get(s, "/instance/settings", a.instanceSettingsEdit)
	s.POST("/instance/settings", a.instanceSettingsUpdate)
	// An association's life: archive and back, delete (confirmed first).
	s.POST("/instance/associations/:slug/archive", a.associationArchive)
	s.POST("/instance/associations/:slug/unarchive", a.associationUnarchive)
	get(s, "/instance/associations/:slug/delete", a.associationDelete)
	s.POST("/instance/associations/:slug/delete", a.associationDestroy)
	// The instance's own pages (mentions légales, privacy, accessibility, charter).
	get(s, "/instance/pages/:slug", a.instancePageEdit)
	s.POST("/instance/pages/:slug", a.instancePageUpdate)
	// Accounts, beyond disable and reset: make admin, delete.
	s.POST("/users/:id/promote", a.userPromote)
	s.POST("/users/:id/demote", a.userDemote)
	get(s, "/users/:id/delete", a.userDelete)
	s.POST("/users/:id/delete", a.userDestroy)
	// An association's own pages (section 3): its owners and the admin,
	// each handler asking can(actManageAssociation) for the :slug.
	get(s, "/associations/:slug/edit", a.associationEdit)
	s.POST("/associations/:slug/edit", a.associationUpdate)
	get(s, "/associations/:slug/members", a.memberList)
	s.POST("/associations/:slug/members/:id/role", a.memberUpdate)
	s.POST("/associations/:slug/members/:id/remove", a.memberRemove)
	get(s, "/associations/:slug/calendars", a.calendarList)
	get(s, "/associations/:slug/calendars/new", a.calendarCreate)
	s.POST("/associations/:slug/calendars", a.calendarSave)
	get(s, "/associations/:slug/calendars/:cal/edit", a.calendarEdit)
	s.POST("/associations/:slug/calendars/:cal/edit", a.calendarUpdate)
	s.POST("/associations/:slug/calendars/:cal/delete", a.calendarRemove)
	get(s, "/associations/:slug/followers", a.followerList)
	s.POST("/associations/:slug/followers/accept", a.followerAccept)
	s.POST("/associations/:slug/followers/reject", a.followerReject)
	get(s, "/associations/:slug/places", a.placeList)
	get(s, "/associations/:slug/places/new", a.placeCreate)
	s.POST("/associations/:slug/places", a.placeSave)
	get(s, "/associations/:slug/places/:id/edit", a.placeEdit)
	s.POST("/associations/:slug/places/:id/edit", a.placeUpdate)
	s.POST("/associations/:slug/places/:id/delete", a.placeRemove)
	// The event form (section 4): an association's editors and owners,
	// and the admin; every handler asks can(actEditEvents).
	get(s, "/associations/:slug/events", a.eventList)
	get(s, "/associations/:slug/events/new", a.eventCreate)
	s.POST("/associations/:slug/events", a.eventSave)
	get(s, "/associations/:slug/events/:uuid/edit", a.eventEdit)
	s.POST("/associations/:slug/events/:uuid", a.eventUpdate)
	get(s, "/associations/:slug/events/:uuid/duplicate", a.eventDuplicate)
	s.POST("/associations/:slug/events/:uuid/cancel", a.eventCancel)
	s.POST("/associations/:slug/events/:uuid/delete", a.eventDelete)
	s.POST("/associations/:slug/events/:uuid/occurrences", a.occurrenceUpdate)
	// ICS subscriptions (owners, can(actManageAssociation)) and the upload
	// of an .ics file (editors and owners, can(actEditEvents)).
	get(s, "/associations/:slug/subscriptions", a.subscriptionList)
	s.POST("/associations/:slug/subscriptions", a.subscriptionSave)
	s.POST("/associations/:slug/subscriptions/:id/refresh", a.subscriptionRefresh)
	s.POST("/associations/:slug/subscriptions/:id/delete", a.subscriptionRemove)
	get(s, "/associations/:slug/import", a.importCreate)
	s.POST("/associations/:slug/import", a.importSave)
	get(s, "/associations/:slug/import/:job", a.importShow)

	// Later sections of the back office go here, each route asking can:
	//   associations, members and calendars of an owner (/admin/associations/:slug/...),
	//   the event form (/admin/associations/:slug/events/...),
	//   the admin dashboard, follows, domain blocks and moderation (/admin/instance/...).
}

// crossOrigin refuses, with a page that says why, a state-changing
// request that a browser marked as coming from another site.
func (a *app) crossOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := a.cop.Check(c.Request()); err != nil {
			return &adminFault{http.StatusForbidden, "admin.error.cross_origin"}
		}
		return next(c)
	}
}
