package caldav

import (
	"context"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// Options configure the CalDAV handler. Zero fields take the defaults
// documented on each.
type Options struct {
	// Prefix is the path the handler serves, "/dav" by default.
	Prefix string
	// Limits bound the iCalendar objects clients store (ical.DefaultLimits
	// by default); Limits.MaxBytes is the advertised max-resource-size.
	Limits ical.Limits
	// MaxBody bounds XML request bodies, 1 MiB by default.
	MaxBody int64
	// MaxXMLDepth bounds the nesting of XML bodies (32), MaxXMLNodes their
	// number of elements (20 000).
	MaxXMLDepth int
	MaxXMLNodes int
	// MaxMultiget bounds the hrefs of one calendar-multiget (1000).
	MaxMultiget int
	// MaxExpand bounds the occurrences one expand or free-busy report
	// produces per object (1000).
	MaxExpand int
	// MaxAnswer bounds, in bytes, the objects of one calendar-query,
	// calendar-multiget or sync-collection answer (16 MiB); past it the
	// answer ends with a 507 response for the request URI carrying
	// DAV:number-of-matches-within-limits (RFC 5323 §3, RFC 6578 §3.6). A
	// free-busy-query that would pass it is refused (403, the same
	// precondition).
	MaxAnswer int
	// Timezone interprets floating and all-day events in time-range
	// queries when the calendar has no calendar-timezone (Europe/Paris).
	Timezone *time.Location
	// Now is the clock (time.Now by default), for tests.
	Now func() time.Time
	// Throttle bounds failed logins; cmd shares one with the web sign-in
	// form. Default: a throttle of this handler's own.
	Throttle *model.LoginThrottle
	// ListingCache bounds, in bytes, the cache of PROPFIND Depth 1
	// listings of unchanged calendars (4 MiB, about 12 000 objects;
	// negative disables it).
	ListingCache int
	// ObjectCache bounds, in bytes, the cache of recently written and read
	// objects that calendar-multiget answers from (16 MiB, about 12 000
	// objects of 1 KiB with their prepared answers; negative disables it).
	ObjectCache int
	// AuthCacheTTL is how long a login with the account password is
	// remembered (60 s), so that bcrypt runs about once a minute per
	// device, not per request. App passwords, checked by one lookup, are
	// not cached: a revoked one stops working at once. A changed password
	// or a disabled account (db.Store.CredentialsEpoch) voids the cache at
	// once.
	AuthCacheTTL time.Duration
	// Without turns fast paths off, so that cmd/caldav-bench can measure
	// what each one gains in the same run (see "How answers stay fast" in
	// the package doc). Servers leave it zero.
	Without FastPaths
}

// FastPaths names the fast paths Options.Without can turn off. The
// listing and object caches have their own switch: a negative size.
type FastPaths struct {
	// Resolution resolves the calendar of every request in the store.
	Resolution bool
}

func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = "/dav"
	}
	o.Prefix = "/" + strings.Trim(o.Prefix, "/")
	if o.Limits == (ical.Limits{}) {
		o.Limits = ical.DefaultLimits()
	}
	if o.Limits.MaxBytes <= 0 {
		o.Limits.MaxBytes = ical.DefaultMaxBytes
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 1 << 20
	}
	if o.MaxXMLDepth <= 0 {
		o.MaxXMLDepth = 32
	}
	if o.MaxXMLNodes <= 0 {
		o.MaxXMLNodes = 20000
	}
	if o.MaxMultiget <= 0 {
		o.MaxMultiget = 1000
	}
	if o.MaxExpand <= 0 {
		o.MaxExpand = 1000
	}
	if o.MaxAnswer <= 0 {
		o.MaxAnswer = 16 << 20
	}
	if o.Timezone == nil {
		loc, err := time.LoadLocation("Europe/Paris")
		if err != nil {
			loc = time.UTC
		}
		o.Timezone = loc
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ListingCache == 0 {
		o.ListingCache = 4 << 20
	}
	if o.ObjectCache == 0 {
		o.ObjectCache = 16 << 20
	}
	if o.AuthCacheTTL <= 0 {
		o.AuthCacheTTL = time.Minute
	}
	if o.Throttle == nil {
		o.Throttle = model.NewLoginThrottle(0, 0, 0)
	}
	return o
}

type handler struct {
	store    *db.Store
	reader   objectReader // the store; see objectReader
	epoch    string       // the store's, in sync tokens
	log      *slog.Logger
	opts     Options
	auth     *authenticator
	listings *listingCache
	objects  *objectCache
	resolved *resolutionCache
}

// NewHandler returns the CalDAV server: mount it at Options.Prefix + "/"
// and at /.well-known/caldav. It also answers PROPFIND, REPORT and OPTIONS
// on "/" as the CalDAV root, for clients given only the server's address:
// route those methods on "/" to it.
func NewHandler(store *db.Store, logger *slog.Logger, opts Options) http.Handler {
	opts = opts.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{store: store, reader: store, epoch: store.Epoch(), log: logger, opts: opts}
	h.auth = newAuthenticator(store, opts)
	h.listings = newListingCache(opts.ListingCache)
	h.objects = newObjectCache(opts.ObjectCache)
	if !opts.Without.Resolution {
		h.resolved = newResolutionCache()
	}
	return h
}

// The DAV header: class 1 and 3 (no locks), CalDAV, extended MKCOL.
const davHeader = "1, 3, calendar-access, extended-mkcol"

// request is one authenticated request.
type request struct {
	*http.Request
	user *model.User
	path davPath
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.EscapedPath()
	if p == "/.well-known/caldav" || p == "/.well-known/caldav/" {
		http.Redirect(w, r, h.rootPath(), http.StatusMovedPermanently)
		return
	}
	user, ok := h.auth.authenticate(w, r)
	if !ok {
		return
	}
	w.Header().Set("DAV", davHeader)
	dp, ok := parsePath(h.opts.Prefix, p)
	if p == "/" && RootDAVMethod(r) {
		dp, ok = davPath{kind: resRoot}, true
	}
	if !ok {
		if r.Method == "MKCALENDAR" || r.Method == "MKCOL" {
			if why := h.refusedCalendarName(user.Username, p); why != "" {
				h.writeError(w, &request{Request: r, user: user, path: dp},
					preconditionErr(http.StatusForbidden, cal("calendar-collection-location-ok"), why))
				return
			}
		}
		notFound(w)
		return
	}
	req := &request{Request: r, user: user, path: dp}
	if dp.user != "" && dp.user != user.Username {
		notFound(w)
		return
	}
	if r.Method == "MKCOL" && r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
		// RFC 4918 §9.3: a body of a type the server does not understand is
		// 415, whatever the place.
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt != "application/xml" && mt != "text/xml" {
			h.writeError(w, req, &httpError{code: http.StatusUnsupportedMediaType, msg: "MKCOL bodies must be XML (RFC 5689 extended MKCOL)"})
			return
		}
	}
	var err error
	if dp.kind == resBelow {
		h.writeError(w, req, h.below(req))
		return
	}
	switch r.Method {
	case http.MethodOptions:
		err = h.options(w, req)
	case "PROPFIND":
		err = h.propfind(w, req)
	case "PROPPATCH":
		err = h.proppatch(w, req)
	case "REPORT":
		err = h.report(w, req)
	case http.MethodGet, http.MethodHead:
		err = h.get(w, req)
	case http.MethodPut:
		err = h.put(w, req)
	case http.MethodDelete:
		err = h.delete(w, req)
	case "MKCALENDAR", "MKCOL":
		err = h.mkcalendar(w, req)
	case "MOVE", "COPY":
		err = h.moveCopy(w, req)
	default:
		err = &httpError{code: http.StatusMethodNotAllowed, msg: "method not supported"}
	}
	if err != nil {
		h.writeError(w, req, err)
	}
}

// RootDAVMethod reports whether a request on the server's "/" is for
// CalDAV: PROPFIND, REPORT and OPTIONS, the methods of discovery, which a
// web page never sends there (GET, HEAD and POST stay with the web
// application).
func RootDAVMethod(r *http.Request) bool {
	return r.Method == "PROPFIND" || r.Method == "REPORT" || r.Method == http.MethodOptions
}

// httpError is an answer other than success. precond, when set, is the
// RFC 4918 / RFC 4791 precondition element of the DAV:error body.
type httpError struct {
	code    int
	precond qname
	href    string // for no-uid-conflict
	msg     string // shown to the person, never internal details
}

func (e *httpError) Error() string { return e.msg }

var (
	errNotFound  = &httpError{code: http.StatusNotFound}
	errForbidden = &httpError{code: http.StatusForbidden}
)

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte("Not Found\n"))
}

func preconditionErr(code int, precond qname, msg string) *httpError {
	return &httpError{code: code, precond: precond, msg: msg}
}

func badRequest(msg string) *httpError { return &httpError{code: http.StatusBadRequest, msg: msg} }

func (h *handler) writeError(w http.ResponseWriter, r *request, err error) {
	var he *httpError
	if !errors.As(err, &he) && db.IsFull(err) {
		h.log.ErrorContext(r.Context(), "caldav: storage full", "method", r.Method, "path", r.URL.Path, "err", err)
		he = &httpError{code: http.StatusInsufficientStorage, msg: "the server's storage is full: nothing was saved; try again later"}
	}
	if he == nil {
		if errors.Is(err, context.Canceled) {
			return
		}
		h.log.ErrorContext(r.Context(), "caldav: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		he = &httpError{code: http.StatusInternalServerError, msg: "internal error"}
	}
	if he.code == http.StatusNotFound && he.precond == (qname{}) {
		notFound(w)
		return
	}
	if he.code == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", allowFor(r.path.kind))
	}
	if he.precond == (qname{}) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(he.code)
		msg := he.msg
		if msg == "" {
			msg = http.StatusText(he.code)
		}
		w.Write([]byte(msg + "\n"))
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(he.code)
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<D:error" + nsDecls + ` xmlns:B="urn:bastide">`)
	p := prefixes[he.precond.Space]
	if he.href != "" {
		sb.WriteString("<" + p + ":" + he.precond.Local + "><D:href>" + escapeXML(he.href) + "</D:href></" + p + ":" + he.precond.Local + ">")
	} else {
		sb.WriteString("<" + p + ":" + he.precond.Local + "/>")
	}
	if he.msg != "" {
		sb.WriteString("<B:message>" + escapeXML(he.msg) + "</B:message>")
	}
	sb.WriteString("</D:error>\n")
	w.Write([]byte(sb.String()))
}

func allowFor(k resKind) string {
	switch k {
	case resCalendar:
		return "OPTIONS, PROPFIND, PROPPATCH, REPORT, DELETE, MKCALENDAR, MKCOL"
	case resObject:
		return "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT, MOVE, COPY"
	case resHome:
		return "OPTIONS, PROPFIND, REPORT, MKCALENDAR, MKCOL"
	}
	return "OPTIONS, PROPFIND, REPORT"
}

func (h *handler) options(w http.ResponseWriter, r *request) error {
	if r.path.kind == resCalendar || r.path.kind == resObject {
		if _, err := h.resolveCalendar(r); err != nil {
			return err
		}
	}
	w.Header().Set("Allow", allowFor(r.path.kind))
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

// below answers requests for paths under a calendar that name no object:
// calendars hold objects only (RFC 4791 §4.2), so creating a collection
// there is 403 and anything deeper has no parent (409, RFC 4918 §9.3.1 and
// §9.7.1); other methods find nothing. A calendar the user cannot reach
// gives 404 as always.
func (h *handler) below(r *request) error {
	if _, err := h.resolveCalendar(r); err != nil {
		return err
	}
	p := r.URL.EscapedPath()
	deep := strings.Count(strings.TrimSuffix(strings.TrimPrefix(p, h.homePath(r.user.Username)), "/"), "/") > 1
	switch r.Method {
	case "MKCOL", "MKCALENDAR":
		if deep {
			return &httpError{code: http.StatusConflict, msg: "the parent collection does not exist"}
		}
		return errInsideCalendar
	case http.MethodPut:
		return &httpError{code: http.StatusConflict, msg: "the parent collection does not exist"}
	}
	return errNotFound
}

// missingParent answers a write into a calendar that does not resolve: 409
// (no parent) in the user's own namespaces, that is a personal calendar
// or an association the user belongs to; 404 otherwise, so that nothing is
// learnt about associations one is not a member of.
func (h *handler) missingParent(r *request) error {
	if r.path.assoc != "" {
		a, err := h.store.GetAssociationBySlug(r.Context(), r.path.assoc)
		if err != nil {
			return errNotFound
		}
		if _, err := h.store.GetRole(r.Context(), r.user.ID, a.ID); err != nil {
			return errNotFound
		}
	}
	return &httpError{code: http.StatusConflict, msg: "the calendar does not exist: create it first (MKCALENDAR)"}
}

// resolveCalendar finds the calendar of the request path for its user;
// errNotFound for any calendar the user cannot reach, existing or not.
func (h *handler) resolveCalendar(r *request) (*db.DAVCalendar, error) {
	return h.resolveCalendarOf(r.Context(), r.user, r.path)
}

func (h *handler) resolveCalendarOf(ctx context.Context, u *model.User, p davPath) (*db.DAVCalendar, error) {
	if p.kind != resCalendar && p.kind != resObject && p.kind != resBelow {
		return nil, errNotFound
	}
	if p.user != u.Username {
		return nil, errNotFound
	}
	dc, err := h.resolved.resolve(ctx, h.store, u.ID, p.assoc, p.slug)
	if errors.Is(err, db.ErrNotFound) {
		return nil, errNotFound
	}
	return dc, err
}

// now returns the clock's time in UTC, to the second.
func (h *handler) now() time.Time { return h.opts.Now().UTC().Truncate(time.Second) }
