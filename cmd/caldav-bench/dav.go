package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bastide47/bastide/cmd/internal/benchkit"
)

// client is a minimal CalDAV client: just what the measurements send,
// written out as raw requests so that every server gets the same bytes.
type client struct {
	origin     string // scheme://host:port
	user, pass string
	hc         *http.Client
	// lastBytes is the body size of the last measured answer (timed is
	// never called concurrently; do is, by the upload).
	lastBytes int
	// scratch receives the answers of timed requests (see timed).
	scratch []byte
}

// requestTimeout bounds every request of the benchmark: Radicale takes
// minutes over a cold 10 000-item calendar, a hung server must not hang
// the run.
var requestTimeout = 10 * time.Minute

func newClient(origin, user, pass string) *client {
	tr := &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}
	return &client{origin: origin, user: user, pass: pass, hc: &http.Client{Transport: tr, Timeout: requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// reply is a response read to the end.
type reply struct {
	status  int
	header  http.Header
	body    []byte
	elapsed time.Duration
}

// do sends one request and reads the whole answer; elapsed covers sending
// the request and reading the last byte of the body.
func (c *client) do(method, p string, hdr map[string]string, body string) (*reply, error) {
	return c.send(method, p, hdr, body, nil)
}

// send makes a request; with scratch, the answer is read into *scratch
// (grown as needed and kept) and copied out after the time is taken.
func (c *client) send(method, p string, hdr map[string]string, body string, scratch *[]byte) (*reply, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.origin+p, rd)
	if err != nil {
		return nil, err
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	}
	t0 := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	var b []byte
	var el time.Duration
	if scratch != nil {
		var n int
		n, err = benchkit.ReadInto(scratch, resp.Body, resp.ContentLength)
		resp.Body.Close()
		el = time.Since(t0)
		b = bytes.Clone((*scratch)[:n])
	} else {
		// A body of known length is read into a buffer of that size,
		// as clients do, rather than one grown by doubling.
		var buf bytes.Buffer
		if resp.ContentLength > 0 && resp.ContentLength < 64<<20 {
			buf.Grow(int(resp.ContentLength) + bytes.MinRead)
		}
		_, err = buf.ReadFrom(resp.Body)
		b = buf.Bytes()
		resp.Body.Close()
		el = time.Since(t0)
	}
	if err != nil {
		return nil, err
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: b, elapsed: el}, nil
}

// timed is do for a measured request: the client's collector does not
// start while the answer is awaited, so that it does not take a core from
// the server during the measured time (main also makes it run less often),
// and the answer is read into a buffer kept from one request to the next,
// its pages already in memory: a fresh megabyte-sized buffer for each
// answer cost the client page faults inside the measured time. Every
// server is measured this way.
func (c *client) timed(method, p string, hdr map[string]string, body string) (*reply, error) {
	old := debug.SetGCPercent(-1)
	rep, err := c.send(method, p, hdr, body, &c.scratch)
	debug.SetGCPercent(old)
	if err == nil {
		c.lastBytes = len(rep.body)
	}
	return rep, err
}

// multistatus is the subset of a DAV:multistatus the checks read.
type multistatus struct {
	XMLName   xml.Name     `xml:"DAV: multistatus"`
	Responses []msResponse `xml:"response"`
	SyncToken string       `xml:"sync-token"`
}

type msResponse struct {
	Href      string     `xml:"href"`
	Status    string     `xml:"status"`
	Propstats []propstat `xml:"propstat"`
}

type propstat struct {
	Status string `xml:"status"`
	Prop   struct {
		ETag         string `xml:"DAV: getetag"`
		CalendarData string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
		DisplayName  string `xml:"DAV: displayname"`
		ResourceType struct {
			Calendar *struct{} `xml:"urn:ietf:params:xml:ns:caldav calendar"`
		} `xml:"DAV: resourcetype"`
		Principal struct {
			Href string `xml:"href"`
		} `xml:"DAV: current-user-principal"`
		Home struct {
			Href string `xml:"href"`
		} `xml:"urn:ietf:params:xml:ns:caldav calendar-home-set"`
	} `xml:"prop"`
}

// ok returns the propstat with a 200 status, if any.
func (r *msResponse) ok() *propstat {
	for i := range r.Propstats {
		if strings.Contains(r.Propstats[i].Status, " 200") {
			return &r.Propstats[i]
		}
	}
	return nil
}

func parseMultistatus(rep *reply) (*multistatus, error) {
	if rep.status != http.StatusMultiStatus {
		return nil, fmt.Errorf("status %d, want 207: %.200s", rep.status, strings.Join(strings.Fields(string(rep.body)), " "))
	}
	var ms multistatus
	if err := xml.NewDecoder(bytes.NewReader(rep.body)).Decode(&ms); err != nil {
		return nil, fmt.Errorf("multistatus: %v", err)
	}
	return &ms, nil
}

// hrefPath returns the decoded path of an href (absolute URL or path).
func hrefPath(h string) string {
	h = strings.TrimSpace(h)
	if u, err := url.Parse(h); err == nil {
		return u.Path
	}
	return h
}

// base returns the last segment of an href.
func base(h string) string { return path.Base(hrefPath(h)) }

const (
	nsDecl = `xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"`
	xmlHdr = `<?xml version="1.0" encoding="utf-8"?>` + "\n"
)

// discover follows current-user-principal and calendar-home-set from
// start and returns the path of the calendar whose displayname is name.
func (c *client) discover(start, name string) (string, error) {
	pf := func(p, depth, props string) (*multistatus, error) {
		rep, err := c.do("PROPFIND", p, map[string]string{"Depth": depth},
			xmlHdr+`<D:propfind `+nsDecl+`><D:prop>`+props+`</D:prop></D:propfind>`)
		if err != nil {
			return nil, err
		}
		return parseMultistatus(rep)
	}
	ms, err := pf(start, "0", "<D:current-user-principal/>")
	if err != nil {
		return "", fmt.Errorf("current-user-principal: %w", err)
	}
	var principal string
	for _, r := range ms.Responses {
		if ps := r.ok(); ps != nil && ps.Prop.Principal.Href != "" {
			principal = hrefPath(ps.Prop.Principal.Href)
		}
	}
	if principal == "" {
		return "", fmt.Errorf("no current-user-principal on %s", start)
	}
	if ms, err = pf(principal, "0", "<C:calendar-home-set/>"); err != nil {
		return "", fmt.Errorf("calendar-home-set: %w", err)
	}
	var home string
	for _, r := range ms.Responses {
		if ps := r.ok(); ps != nil && ps.Prop.Home.Href != "" {
			home = hrefPath(ps.Prop.Home.Href)
		}
	}
	if home == "" {
		return "", fmt.Errorf("no calendar-home-set on %s", principal)
	}
	if ms, err = pf(home, "1", "<D:resourcetype/><D:displayname/>"); err != nil {
		return "", fmt.Errorf("list home: %w", err)
	}
	var seen []string
	for _, r := range ms.Responses {
		ps := r.ok()
		if ps == nil || ps.Prop.ResourceType.Calendar == nil {
			continue
		}
		if ps.Prop.DisplayName == name {
			return hrefPath(r.Href), nil
		}
		seen = append(seen, ps.Prop.DisplayName)
	}
	return "", fmt.Errorf("no calendar named %q in %s (saw %q)", name, home, seen)
}

func propfindDepth1() string {
	return xmlHdr + `<D:propfind ` + nsDecl + `><D:prop><D:resourcetype/><D:getcontenttype/><D:getetag/></D:prop></D:propfind>`
}

func calendarQuery(from, to time.Time, prop string) string {
	return xmlHdr + `<C:calendar-query ` + nsDecl + `><D:prop>` + prop + `</D:prop><C:filter><C:comp-filter name="VCALENDAR">` +
		`<C:comp-filter name="VEVENT"><C:time-range start="` + utcStamp(from) + `" end="` + utcStamp(to) + `"/>` +
		`</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`
}

func multiget(calPath string, hrefs []string) string {
	var b strings.Builder
	b.WriteString(xmlHdr + `<C:calendar-multiget ` + nsDecl + `><D:prop><D:getetag/><C:calendar-data/></D:prop>`)
	for _, h := range hrefs {
		b.WriteString("<D:href>" + calPath + h + "</D:href>")
	}
	b.WriteString("</C:calendar-multiget>")
	return b.String()
}

func syncCollection(token string) string {
	var b bytes.Buffer
	b.WriteString(xmlHdr + `<D:sync-collection ` + nsDecl + `><D:sync-token>`)
	xml.EscapeText(&b, []byte(token))
	b.WriteString(`</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`)
	return b.String()
}
