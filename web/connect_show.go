package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

type feedLink struct {
	Name   string
	Webcal template.URL
	ICS    string
}

type connectData struct {
	ServerURL  string // the CalDAV URL calendar apps ask for
	Host       string
	Username   string
	Vdirsyncer string
	Feeds      []feedLink
}

// connectShow explains, for this member, how to connect their calendar
// apps: the exact server address and username, steps per app, a working
// vdirsyncer configuration, an Apple configuration profile, and the webcal
// links of their associations' public agendas.
func (a *app) connectShow(c echo.Context) error {
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	ms, err := a.myAssociations(c)
	if err != nil {
		return err
	}
	d := connectData{ServerURL: a.opts.CalDAVURL, Host: hostOf(a.opts.CalDAVURL), Username: me(c).User.Username}
	d.Vdirsyncer = vdirsyncerConfig(d.ServerURL, d.Username)
	for _, m := range ms {
		l := a.subscribeLinks(url.Values{paramAssociation: {m.Association.Slug}})
		d.Feeds = append(d.Feeds, feedLink{Name: m.Association.Name, Webcal: l.Webcal, ICS: l.ICS})
	}
	return a.page(c, http.StatusOK, "connect", "admin.connect.title", "connect", &form.AppPassword{Name: "iPhone"}, nil, d)
}

// vdirsyncerConfig is a complete vdirsyncer configuration that syncs
// every calendar of the account into ~/.calendars (for khal), both ways,
// the server winning conflicts; the password is read from a file that the
// member writes once.
func vdirsyncerConfig(serverURL, username string) string {
	q := func(s string) string { return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"` }
	return `[general]
status_path = "~/.local/share/vdirsyncer/status/"

[pair bastide]
a = "bastide_remote"
b = "bastide_local"
collections = ["from a"]
metadata = ["displayname", "color"]
conflict_resolution = "a wins"

[storage bastide_remote]
type = "caldav"
url = ` + q(serverURL) + `
username = ` + q(username) + `
password.fetch = ["command", "cat", "~/.config/vdirsyncer/bastide-password"]

[storage bastide_local]
type = "filesystem"
path = "~/.calendars/"
fileext = ".ics"
`
}
