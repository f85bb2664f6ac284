package web

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/web/form"
)

// connectApple makes a new app password for an Apple device and answers a
// configuration profile (.mobileconfig) that holds it: opened on an
// iPhone, iPad or Mac, it adds the CalDAV account in one step.
func (a *app) connectApple(c echo.Context) error {
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewAppPassword(v)
	if errs := f.Validate(); len(errs) > 0 {
		return a.page(c, http.StatusUnprocessableEntity, "connect", "admin.connect.title", "connect", f, errs, a.connectDataOrEmpty(c))
	}
	pass, err := a.addAppPassword(c, f.Name)
	if errors.Is(err, db.ErrConflict) {
		return a.page(c, http.StatusUnprocessableEntity, "connect", "admin.connect.title", "connect", f,
			form.Errors{"name": {Key: "admin.apppw.taken"}}, a.connectDataOrEmpty(c))
	}
	if err != nil {
		return err
	}
	u := me(c).User
	body := appleProfile(a.opts.CalDAVURL, u.Username, pass, f.Name, a.site(c.Request().Context(), langOf(c)).Name)
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="bastide.mobileconfig"`)
	return c.Blob(http.StatusOK, "application/x-apple-aspen-config", body)
}

func (a *app) connectDataOrEmpty(c echo.Context) connectData {
	return connectData{ServerURL: a.opts.CalDAVURL, Host: hostOf(a.opts.CalDAVURL), Username: me(c).User.Username,
		Vdirsyncer: vdirsyncerConfig(a.opts.CalDAVURL, me(c).User.Username)}
}

// appleProfile writes a configuration profile with one CalDAV account
// payload (com.apple.caldav.account).
func appleProfile(serverURL, username, password, device, site string) []byte {
	host, port, ssl := serverURL, 443, true
	if rest, ok := strings.CutPrefix(host, "https://"); ok {
		host = rest
	} else if rest, ok := strings.CutPrefix(host, "http://"); ok {
		host, port, ssl = rest, 80, false
	}
	host, path, _ := strings.Cut(host, "/")
	if h, p, ok := strings.Cut(host, ":"); ok {
		host = h
		fmt.Sscanf(p, "%d", &port)
	}
	id := "org.bastide." + strings.ReplaceAll(host, ":", ".") + "." + username
	var b bytes.Buffer
	str := func(k, v string) {
		b.WriteString("\t\t<key>")
		xml.EscapeText(&b, []byte(k))
		b.WriteString("</key>\n\t\t<string>")
		xml.EscapeText(&b, []byte(v))
		b.WriteString("</string>\n")
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PayloadContent</key>
	<array>
	<dict>
`)
	str("CalDAVAccountDescription", site+" ("+username+")")
	str("CalDAVHostName", host)
	fmt.Fprintf(&b, "\t\t<key>CalDAVPort</key>\n\t\t<integer>%d</integer>\n", port)
	str("CalDAVPrincipalURL", "/"+path)
	fmt.Fprintf(&b, "\t\t<key>CalDAVUseSSL</key>\n\t\t<%t/>\n", ssl)
	str("CalDAVUsername", username)
	str("CalDAVPassword", password)
	str("PayloadDescription", device)
	str("PayloadDisplayName", site+" — CalDAV")
	str("PayloadIdentifier", id+".caldav")
	str("PayloadType", "com.apple.caldav.account")
	str("PayloadUUID", strings.ToUpper(db.NewUUID()))
	b.WriteString("\t\t<key>PayloadVersion</key>\n\t\t<integer>1</integer>\n\t</dict>\n\t</array>\n")
	str("PayloadDisplayName", site)
	str("PayloadIdentifier", id)
	str("PayloadType", "Configuration")
	str("PayloadUUID", strings.ToUpper(db.NewUUID()))
	b.WriteString("\t<key>PayloadVersion</key>\n\t<integer>1</integer>\n</dict>\n</plist>\n")
	return b.Bytes()
}
