package caldav

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// XML namespaces of the protocol.
const (
	nsDAV    = "DAV:"
	nsCalDAV = "urn:ietf:params:xml:ns:caldav"
	nsCS     = "http://calendarserver.org/ns/"
	nsApple  = "http://apple.com/ns/ical/"
)

// qname is an XML element name.
type qname struct{ Space, Local string }

func dav(local string) qname    { return qname{nsDAV, local} }
func cal(local string) qname    { return qname{nsCalDAV, local} }
func cs(local string) qname     { return qname{nsCS, local} }
func apple(local string) qname  { return qname{nsApple, local} }
func (q qname) String() string  { return "{" + q.Space + "}" + q.Local }
func (n *node) is(q qname) bool { return n != nil && n.Space == q.Space && n.Local == q.Local }

// node is a parsed XML element: requests are small, so a tree is simplest.
type node struct {
	qname
	Attr     []xml.Attr
	Children []*node
	Text     string
}

// child returns the first child named q.
func (n *node) child(q qname) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.is(q) {
			return c
		}
	}
	return nil
}

func (n *node) attr(name string) string {
	for _, a := range n.Attr {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

var (
	errXMLDoctype = errors.New("XML document type declarations and entities are not accepted")
	errXMLDepth   = errors.New("the XML body is nested too deeply")
	errXMLSize    = errors.New("the XML body has too many elements")
	errXMLEmpty   = errors.New("the XML body is empty")
)

// xmlURL is the namespace bound to the prefix xml.
const xmlURL = "http://www.w3.org/XML/1998/namespace"

// parseXML reads one XML document into a tree, with encoding/xml. It
// refuses DOCTYPE (and so every entity declaration: no billion laughs, no
// external entities), bounds nesting and the number of elements, and
// never recurses.
//
// A hand-written one-pass reader for what apps send was here until
// 2026-12: measured switched off in cmd/caldav-bench at 10 000 objects, it
// made a multiget of 100 hrefs 1.36 times faster (0.14 ms) and nothing
// else measurably, under the 2x a fast path must give.
func parseXML(r io.Reader, maxDepth, maxNodes int) (*node, error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	var stack []*node
	var root *node
	count := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("malformed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, errXMLDoctype
		case xml.StartElement:
			count++
			if count > maxNodes {
				return nil, errXMLSize
			}
			if len(stack) >= maxDepth {
				return nil, errXMLDepth
			}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" && a.Value == "" {
					// Namespaces in XML 1.0 §3: a prefix cannot be undeclared.
					return nil, fmt.Errorf("malformed XML: empty namespace declaration for prefix %q", a.Name.Local)
				}
			}
			n := &node{Attr: t.Attr}
			n.Local = t.Name.Local
			n.Space = t.Name.Space
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("malformed XML: several root elements")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("malformed XML: unexpected end element")
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("malformed XML: text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errXMLEmpty
	}
	if len(stack) != 0 {
		return nil, errors.New("malformed XML: unclosed element")
	}
	return root, nil
}

// readXMLBody parses the request body, bounded by opts. An empty body gives
// a nil node and no error.
func (h *handler) readXMLBody(r *http.Request) (*node, error) {
	if r.Body == nil {
		return nil, nil
	}
	var b []byte
	var err error
	body := http.MaxBytesReader(nil, r.Body, h.opts.MaxBody)
	if n := r.ContentLength; n > 0 && n <= h.opts.MaxBody {
		// The announced length, read at once (a body shorter than it
		// is cut short by the server already).
		b = make([]byte, n)
		var got int
		got, err = io.ReadFull(body, b)
		b = b[:got]
	} else {
		b, err = io.ReadAll(body)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, errBodyTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	if len(b) == 0 {
		return nil, nil
	}
	n, err := parseXML(bytes.NewReader(b), h.opts.MaxXMLDepth, h.opts.MaxXMLNodes)
	if errors.Is(err, errXMLEmpty) {
		return nil, nil // whitespace only: no body
	}
	return n, err
}

var errBodyTooLarge = errors.New("the request body is too large")

// innerXML serialises the content of n (for dead properties), declaring
// namespaces where they are used.
// lang returns the xml:lang of n, or inherited when n has none.
func (n *node) lang(inherited string) string {
	for _, a := range n.Attr {
		if a.Name.Space == xmlURL && a.Name.Local == "lang" {
			return a.Value
		}
	}
	return inherited
}

func (n *node) innerXML() string {
	var sb strings.Builder
	if len(n.Children) == 0 {
		xmlText(&sb, n.Text)
		return sb.String()
	}
	type frame struct {
		n    *node
		open bool
	}
	var stack []frame
	for i := len(n.Children) - 1; i >= 0; i-- {
		stack = append(stack, frame{n.Children[i], false})
	}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f.open {
			sb.WriteString("</X:" + f.n.Local + ">")
			continue
		}
		sb.WriteString("<X:" + f.n.Local + ` xmlns:X="`)
		xmlText(&sb, f.n.Space)
		sb.WriteString(`"`)
		for _, a := range f.n.Attr {
			if a.Name.Space == "" && a.Name.Local != "xmlns" {
				sb.WriteString(" " + a.Name.Local + `="`)
				xmlText(&sb, a.Value)
				sb.WriteString(`"`)
			} else if a.Name.Space == xmlURL && (a.Name.Local == "lang" || a.Name.Local == "space") {
				sb.WriteString(" xml:" + a.Name.Local + `="`)
				xmlText(&sb, a.Value)
				sb.WriteString(`"`)
			}
		}
		sb.WriteString(">")
		if len(f.n.Children) == 0 {
			xmlText(&sb, f.n.Text)
			sb.WriteString("</X:" + f.n.Local + ">")
			continue
		}
		stack = append(stack, frame{f.n, true})
		for i := len(f.n.Children) - 1; i >= 0; i-- {
			stack = append(stack, frame{f.n.Children[i], false})
		}
	}
	return sb.String()
}

// xmlEscapes holds the replacement of every byte xmlText escapes ("" for
// the others): markup characters, the quote of attribute values, and CR,
// which XML parsers would otherwise turn into LF (calendar data keeps its
// CRLF line ends).
var xmlEscapes = [256]string{'<': "&lt;", '>': "&gt;", '&': "&amp;", '"': "&quot;", '\r': "&#13;"}

// xmlPlain is true for the bytes xmlText copies as they are.
var xmlPlain = func() (t [256]bool) {
	for i := range t {
		t[i] = xmlEscapes[i] == ""
	}
	return t
}()

// xmlText writes s escaped for XML text and attribute values. Runs of
// plain bytes are found with a table and copied whole: calendar data, the
// bulk of multiget and expand answers, has one escape (CR) per line.
func xmlText(w io.StringWriter, s string) {
	if bw, ok := w.(*bufio.Writer); ok {
		// the common case, without an interface call per run
		for len(s) > 0 {
			i := 0
			for i < len(s) && xmlPlain[s[i]] {
				i++
			}
			bw.WriteString(s[:i])
			if i == len(s) {
				return
			}
			bw.WriteString(xmlEscapes[s[i]])
			s = s[i+1:]
		}
		return
	}
	for len(s) > 0 {
		i := 0
		for i < len(s) && xmlPlain[s[i]] {
			i++
		}
		w.WriteString(s[:i])
		if i == len(s) {
			return
		}
		w.WriteString(xmlEscapes[s[i]])
		s = s[i+1:]
	}
}

// xmlUnescape undoes xmlText: esc must be its output, size the length of
// the original. ok is false for anything else (an escape xmlText does not
// write, or another length), which callers then read from the store.
func xmlUnescape(esc string, size int) (out []byte, ok bool) {
	out = make([]byte, 0, size)
	for len(esc) > 0 {
		i := strings.IndexByte(esc, '&')
		if i < 0 {
			out = append(out, esc...)
			break
		}
		out = append(out, esc[:i]...)
		esc = esc[i:]
		j := strings.IndexByte(esc, ';')
		if j < 0 {
			return nil, false
		}
		c, known := xmlUnescapes[esc[:j+1]]
		if !known {
			return nil, false
		}
		out = append(out, c)
		esc = esc[j+1:]
	}
	return out, len(out) == size
}

// xmlUnescapes maps each escape of xmlEscapes back to its byte.
var xmlUnescapes = func() map[string]byte {
	m := map[string]byte{}
	for i, e := range xmlEscapes {
		if e != "" {
			m[e] = byte(i)
		}
	}
	return m
}()

func escapeXML(s string) string {
	var sb strings.Builder
	xmlText(&sb, s)
	return sb.String()
}

// prefixes of the namespaces declared on every multistatus.
var prefixes = map[string]string{nsDAV: "D", nsCalDAV: "C", nsCS: "CS", nsApple: "A"}

const nsDecls = ` xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/" xmlns:A="http://apple.com/ns/ical/"`

// openTag and closeTag write an element name with a known prefix, or with
// a local declaration for other namespaces.
func openTag(w *bufio.Writer, q qname, empty bool) {
	openTagLang(w, q, "", empty)
}

// openTagLang is openTag with an xml:lang attribute when lang is set.
func openTagLang(w *bufio.Writer, q qname, lang string, empty bool) {
	if p, ok := prefixes[q.Space]; ok {
		w.WriteString("<" + p + ":" + q.Local)
	} else if q.Space == "" {
		w.WriteString("<" + q.Local + ` xmlns=""`)
	} else {
		w.WriteString("<X:" + q.Local + ` xmlns:X="`)
		xmlText(w, q.Space)
		w.WriteString(`"`)
	}
	if lang != "" {
		w.WriteString(` xml:lang="`)
		xmlText(w, lang)
		w.WriteString(`"`)
	}
	if empty {
		w.WriteString("/>")
	} else {
		w.WriteString(">")
	}
}

func closeTag(w *bufio.Writer, q qname) {
	if p, ok := prefixes[q.Space]; ok {
		w.WriteString("</" + p + ":" + q.Local + ">")
	} else if q.Space == "" {
		w.WriteString("</" + q.Local + ">")
	} else {
		w.WriteString("</X:" + q.Local + ">")
	}
}

// prop is one property value to write: inner is XML already escaped.
type prop struct {
	name  qname
	inner string
	lang  string // xml:lang of a dead property
}

// multistatus writes a 207 response. Its buffer holds spoolLimit bytes:
// an answer that fits is sent at the end with its length, in one write,
// and the client reads it in one go; a larger one streams.
type multistatus struct {
	w       *bufio.Writer
	cw      *captureWriter
	out     *lazyStatus
	minimal bool
	// limit bounds the answer's size for fits (0: none).
	limit int
}

// spoolLimit is the size of the answer buffer: a multiget of 100 objects
// (about 130 KB) fits; a listing of a large calendar streams.
const spoolLimit = 256 << 10

// lazyStatus sends the 207 status before the first bytes that reach it.
type lazyStatus struct {
	w       http.ResponseWriter
	started bool
	n       int // bytes sent
}

func (l *lazyStatus) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.w.WriteHeader(http.StatusMultiStatus)
	}
	n, err := l.w.Write(p)
	l.n += n
	return n, err
}

func newMultistatus(w http.ResponseWriter, minimal bool) *multistatus {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	if minimal {
		w.Header().Set("Preference-Applied", "return=minimal")
	}
	out := &lazyStatus{w: w}
	cw := &captureWriter{w: out}
	bw := bufio.NewWriterSize(cw, spoolLimit)
	bw.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<D:multistatus" + nsDecls + ">")
	return &multistatus{w: bw, cw: cw, out: out, minimal: minimal}
}

func statusLine(code int) string {
	return "HTTP/1.1 " + strconv.Itoa(code) + " " + http.StatusText(code)
}

// response writes one resource with its found and missing properties.
func (m *multistatus) response(href string, found []prop, missing []qname) {
	w := m.w
	w.WriteString("<D:response><D:href>")
	xmlText(w, href)
	w.WriteString("</D:href>")
	if len(found) > 0 || (len(missing) == 0 || m.minimal) {
		w.WriteString("<D:propstat><D:prop>")
		for _, p := range found {
			if p.inner == "" {
				openTagLang(w, p.name, p.lang, true)
				continue
			}
			openTagLang(w, p.name, p.lang, false)
			w.WriteString(p.inner)
			closeTag(w, p.name)
		}
		w.WriteString("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>")
	}
	if len(missing) > 0 && !m.minimal {
		w.WriteString("<D:propstat><D:prop>")
		for _, q := range missing {
			openTag(w, q, true)
		}
		w.WriteString("</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>")
	}
	w.WriteString("</D:response>")
}

// propstats writes one resource with properties grouped by status.
func (m *multistatus) propstats(href string, groups map[int][]qname, order []int) {
	w := m.w
	w.WriteString("<D:response><D:href>")
	xmlText(w, href)
	w.WriteString("</D:href>")
	for _, code := range order {
		names := groups[code]
		if len(names) == 0 {
			continue
		}
		w.WriteString("<D:propstat><D:prop>")
		for _, q := range names {
			openTag(w, q, true)
		}
		w.WriteString("</D:prop><D:status>" + statusLine(code) + "</D:status></D:propstat>")
	}
	w.WriteString("</D:response>")
}

// status writes a resource that has only a status (404 in multiget and
// sync-collection).
func (m *multistatus) status(href string, code int) {
	m.w.WriteString("<D:response><D:href>")
	xmlText(m.w, href)
	m.w.WriteString("</D:href><D:status>" + statusLine(code) + "</D:status></D:response>")
}

func (m *multistatus) raw(s string) { m.w.WriteString(s) }

// room is how many more bytes the answer may hold before its limit.
func (m *multistatus) room() int {
	if m.limit <= 0 {
		return math.MaxInt
	}
	return m.limit - m.out.n - m.w.Buffered()
}

// truncated ends the responses of an answer cut at its size limit: a 507
// for the request URI with DAV:number-of-matches-within-limits, as RFC
// 5323 §3 and RFC 6578 §3.6 do for results past a server's limit.
func (m *multistatus) truncated(href, why string) {
	m.w.WriteString("<D:response><D:href>")
	xmlText(m.w, href)
	m.w.WriteString("</D:href><D:status>" + statusLine(http.StatusInsufficientStorage) +
		"</D:status><D:error><D:number-of-matches-within-limits/></D:error><D:responsedescription>")
	xmlText(m.w, why)
	m.w.WriteString("</D:responsedescription></D:response>")
}

// capture starts keeping a copy of what is written (up to limit bytes);
// captured stops and returns it (nil if it overflowed).
func (m *multistatus) capture(limit int) {
	m.w.Flush()
	m.cw.on, m.cw.limit, m.cw.buf, m.cw.n, m.cw.over = true, limit, nil, 0, false
}

func (m *multistatus) captured() [][]byte {
	m.w.Flush()
	m.cw.on = false
	if m.cw.over {
		return nil
	}
	return m.cw.buf
}

// abort drops what is still buffered of an answer that cannot be
// completed. When part of it was sent already it panics with
// http.ErrAbortHandler, which cuts the connection: the client sees a
// broken answer rather than a short one that looks whole.
func (m *multistatus) abort() {
	m.w.Reset(nil)
	if m.out.started {
		panic(http.ErrAbortHandler)
	}
	m.out.w.Header().Del("Content-Type")
}

func (m *multistatus) end() error {
	m.w.WriteString("</D:multistatus>\n")
	if !m.out.started {
		// All of it is still in the buffer: its length is known.
		m.out.w.Header().Set("Content-Length", strconv.Itoa(m.w.Buffered()))
	}
	return m.w.Flush()
}
