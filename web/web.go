package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris even on hosts without zoneinfo

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/load"
	"github.com/bastide47/bastide/db/model"
)

// Options configures the web application.
type Options struct {
	// SourceURL is where this instance's source code can be had: every
	// page links to it (AGPL-3.0 §13). Default DefaultSourceURL.
	SourceURL string
	// BaseURL is the public URL of the instance, without a trailing slash
	// (https://agenda.example.org). Absolute links in feeds, JSON-LD and
	// fediverse handles are built from it.
	BaseURL string
	// MaxFeedEvents bounds the occurrences of one feed (ICS, RSS, Atom,
	// JSON page). Default 1000.
	MaxFeedEvents int
	// Now returns the current time; tests fix it. Default time.Now.
	Now func() time.Time
	// CacheDisabled turns off the response cache (benchmarks of the render).
	CacheDisabled bool
	// PageCacheBytes bounds what the cache of rendered public pages holds
	// (bodies, keys and a fixed cost per entry), part of the instance's
	// memory budget that serve divides. Default DefaultPageCacheBytes.
	PageCacheBytes int
	// Throttle bounds wrong passwords on the sign-in form; cmd hands the
	// one CalDAV uses, so that both count the same failures. Default: a
	// throttle of its own.
	Throttle *model.LoginThrottle
	// SessionIdle ends a back-office session unused this long (8 h);
	// SessionMaxLife ends it this long after sign-in whatever the
	// activity (7 days).
	SessionIdle, SessionMaxLife time.Duration
	// CalDAVURL is the address calendar apps connect to, shown to members
	// (default BaseURL + "/dav/").
	CalDAVURL string
	// Mailer, when set, lets the back office mail invitation links.
	Mailer Mailer
	// CheckFeedURL, when set, tells whether the instance may fetch a feed
	// address at all (the private-address rule of the subscription
	// worker's client); the subscription form asks it before saving.
	CheckFeedURL func(ctx context.Context, feedURL string) error
	// WakeSubscriptions, when set, tells the subscription worker that a
	// subscription is due now ("refresh now"), so that it does not wait
	// for its next tick.
	WakeSubscriptions func()
	// ImportWait is how long the upload of an .ics file waits for its
	// import before showing the progress page (default 2 s; negative:
	// never waits).
	ImportWait time.Duration
	// MaxImportSize bounds an uploaded .ics file, in bytes (default
	// load.MaxFileSize, the cap of `bastide import`).
	MaxImportSize int
}

const defaultMaxFeedEvents = 1000

// app holds what every handler needs.
type app struct {
	store  *db.Store
	logger *slog.Logger
	opts   Options
	paris  *time.Location
	tmpl   *renderer
	cache  *pageCache
	memo   memo
	cop    *http.CrossOriginProtection
	// siteCache keeps the instance's settings (site.go).
	siteCache siteCache
	jobs      importJobs
}

// New returns the web application as an http.Handler. It panics if an
// embedded template does not parse (a programmer error caught at boot).
// DefaultSourceURL is the repository of Bastide's own source code.
const DefaultSourceURL = "https://github.com/bastide47/bastide"

func New(store *db.Store, logger *slog.Logger, opts Options) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.SourceURL == "" {
		opts.SourceURL = DefaultSourceURL
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	if opts.BaseURL == "" {
		opts.BaseURL = "http://localhost:8080"
	}
	if opts.MaxFeedEvents <= 0 {
		opts.MaxFeedEvents = defaultMaxFeedEvents
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxImportSize <= 0 {
		opts.MaxImportSize = load.MaxFileSize
	}
	opts = opts.adminDefaults()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("web: load Europe/Paris: " + err.Error())
	}
	a := &app{store: store, logger: logger, opts: opts, paris: paris, cache: newPageCache(opts.PageCacheBytes)}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.IPExtractor = echo.ExtractIPDirect()
	a.tmpl = mustTemplates()
	if err := a.tmpl.addAdmin(); err != nil {
		panic("web: admin templates: " + err.Error())
	}
	a.cop = http.NewCrossOriginProtection()
	if err := a.cop.AddTrustedOrigin(opts.BaseURL); err != nil {
		panic("web: base URL as trusted origin: " + err.Error())
	}
	e.HTTPErrorHandler = a.handleError
	e.Use(recoverPanic, secure, language)
	a.routes(e)
	return e
}

func (a *app) routes(e *echo.Echo) {
	get := func(path string, h echo.HandlerFunc) { e.Match([]string{http.MethodGet, http.MethodHead}, path, h) }
	get("/healthz", a.healthzShow)
	get("/", a.agendaShow)
	get("/events/:uuid", a.eventShow)
	get("/@:slug", a.associationShow)
	get("/feeds/agenda.ics", a.feedICS)
	get("/feeds/agenda.rss", a.feedRSS)
	get("/feeds/agenda.atom", a.feedAtom)
	get("/api/events", a.apiEvents)
	get("/embed", a.embedShow)
	get("/embed/theme.css", a.embedTheme)
	get("/lang/:lang", a.langSwitch)
	get("/static/:hash/:name", a.staticShow)
	get("/images/:sha", a.imageShow)
	get("/favicon.ico", a.faviconShow)
	// Anonymous proposals (issue #10, section 7): a public form, closed
	// (404) unless the instance opens it; its POST goes through the
	// cross-origin protection like the back office's.
	pg := e.Group("/proposer", a.adminFaults, a.crossOrigin)
	pg.Match([]string{http.MethodGet, http.MethodHead}, "", a.proposalCreate)
	pg.POST("", a.proposalSave)
	pg.Match([]string{http.MethodGet, http.MethodHead}, "/merci", a.proposalDone)
	for _, p := range instancePages {
		get("/"+p, a.pageShow)
	}
	a.adminRoutes(e)
}
