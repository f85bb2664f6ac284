package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// The session cookie holds a random token; the store keeps only its hash.
// It is sent only to the back office.
const (
	sessionCookie  = "bastide_session"
	sessionPath    = "/admin"
	principalKey   = "principal"
	defaultIdle    = 8 * time.Hour
	defaultMaxLife = 7 * 24 * time.Hour
)

// principal is the signed-in user with their role in each association.
type principal struct {
	User  *model.User
	Roles map[int64]model.Role
	token string
}

// me returns the signed-in user of the request, nil for a visitor.
func me(c echo.Context) *principal {
	p, _ := c.Get(principalKey).(*principal)
	return p
}

// loadSession is the one middleware that reads the session cookie: it
// puts the principal in the request's context when the session is valid
// (not idle too long, not past its absolute end, account not disabled).
func (a *app) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			return next(c)
		}
		ctx := c.Request().Context()
		_, u, err := a.store.SessionUser(ctx, ck.Value, a.opts.Now().UTC(), a.opts.SessionIdle)
		if errors.Is(err, db.ErrNotFound) {
			a.clearSessionCookie(c)
			return next(c)
		}
		if err != nil {
			return err
		}
		ms, err := a.store.ListMemberships(ctx, u.ID)
		if err != nil {
			return err
		}
		p := &principal{User: u, Roles: make(map[int64]model.Role, len(ms)), token: ck.Value}
		for _, m := range ms {
			p.Roles[m.AssociationID] = m.Role
		}
		c.Set(principalKey, p)
		return next(c)
	}
}

// requireUser sends a visitor to the sign-in page, with the page they
// asked for to come back to.
func requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if me(c) != nil {
			return next(c)
		}
		next := "/admin"
		if c.Request().Method == http.MethodGet {
			next = c.Request().URL.RequestURI()
		}
		return c.Redirect(http.StatusSeeOther, "/admin/login?"+url.Values{"next": {next}}.Encode())
	}
}

// signIn opens a new session for u (a new token every time, so that a
// token planted before sign-in is worthless) and ends the one the browser
// had.
func (a *app) signIn(c echo.Context, u *model.User) error {
	ctx := c.Request().Context()
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := a.store.DeleteSession(ctx, ck.Value); err != nil {
			return err
		}
	}
	now := a.opts.Now().UTC()
	token, err := a.store.CreateSession(ctx, u.ID, now, now.Add(a.opts.SessionMaxLife))
	if err != nil {
		return err
	}
	c.SetCookie(a.sessionCookie(token, int(a.opts.SessionMaxLife.Seconds())))
	return nil
}

func (a *app) sessionCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: value, Path: sessionPath, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(a.opts.BaseURL, "https://")}
}

func (a *app) clearSessionCookie(c echo.Context) { c.SetCookie(a.sessionCookie("", -1)) }

// safeNext keeps a "next" address only when it is a path of the back
// office, so that the sign-in page cannot send anyone elsewhere.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/admin") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") && len(next) < 512 {
		return next
	}
	return "/admin"
}

func (o Options) adminDefaults() Options {
	if o.Throttle == nil {
		o.Throttle = model.NewLoginThrottle(0, 0, 0)
	}
	if o.SessionIdle <= 0 {
		o.SessionIdle = defaultIdle
	}
	if o.SessionMaxLife <= 0 {
		o.SessionMaxLife = defaultMaxLife
	}
	if o.CalDAVURL == "" {
		o.CalDAVURL = o.BaseURL + "/dav/"
	}
	return o
}
