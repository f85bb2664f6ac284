// Package federation is Bastide's ActivityPub side: discovery (WebFinger,
// NodeInfo, host-meta), one Group actor per association and the instance
// relay (an Application), the inboxes with strict HTTP signature checks and
// a durable processing queue, the publisher that follows the store's change
// log, the delivery workers, and the pulling of Mobilizon groups and
// instances into remote calendars.
//
// Nothing is sent from a request handler: handlers write rows (inbox queue,
// deliveries) and the workers started by Run do the network work, so that a
// crash loses nothing.
package federation

import (
	"context"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/federation/remote"
)

// Config is federation's configuration; zero fields take their defaults.
type Config struct {
	// BaseURL is the public base URL (https://agenda.example.org). Every
	// ActivityPub id derives from it and must never change.
	BaseURL string
	// AllowPrivateAddresses lets fetches and deliveries reach loopback and
	// private addresses (tests and development only).
	AllowPrivateAddresses bool
	// NodeName and NodeDescription are shown by NodeInfo.
	NodeName        string
	NodeDescription string
	// Version is the software version NodeInfo reports.
	Version string

	// MaxInboxBody bounds an inbox POST body (default 1 MiB).
	MaxInboxBody int64
	// MaxJSONDepth bounds the nesting of incoming JSON (default 32).
	MaxJSONDepth int
	// MaxInboxQueue bounds the activities waiting to be processed; past it
	// the inbox answers 503 with Retry-After (default 20 000).
	MaxInboxQueue int
	// DeliveryWorkers bounds concurrent deliveries (default 32).
	DeliveryWorkers int
	// PerHostConcurrency bounds concurrent deliveries to one host (default 4).
	PerHostConcurrency int
	// MaxDeliveryAttempts is the number of attempts before a delivery is
	// marked dead (default 16: with RetryBase 1 min and the 24 h cap, about
	// six days of retries).
	MaxDeliveryAttempts int
	// RetryBase is the first retry delay, doubled at each attempt up to 24 h
	// (default 1 min).
	RetryBase time.Duration
	// PollInterval is how often the workers look for work they were not told
	// about (another process wrote it; default 1 s).
	PollInterval time.Duration
	// RefreshInterval is how often followed sources are polled again, since
	// Mobilizon never retries a push (default 6 h).
	RefreshInterval time.Duration
	// OccurrenceCount and OccurrenceWindow bound the occurrences of a
	// recurring series published as separate Events (default 5 within 90 days).
	OccurrenceCount  int
	OccurrenceWindow time.Duration
	// KeyRefetchGap is the least time between two refetches of one remote
	// actor's key after a failed verification (default 10 min).
	KeyRefetchGap time.Duration
	// BackfillPages and BackfillItems bound the backfill of a source.
	BackfillPages, BackfillItems int
	// ShutdownGrace is how long deliveries in flight may still take once
	// Run's context is done, before they are cut and left to the restart
	// (default 10 s).
	ShutdownGrace time.Duration
	// FetchTimeout bounds one remote request (default 10 s).
	FetchTimeout time.Duration
	// Now is the clock (tests inject one); default time.Now.
	Now func() time.Time

	// failPublish, when set (tests only), makes publishing the event of
	// that uuid fail with the error it returns.
	failPublish func(uuid string) error
}

func (c *Config) defaults() {
	if c.MaxInboxBody <= 0 {
		c.MaxInboxBody = 1 << 20
	}
	if c.MaxJSONDepth <= 0 {
		c.MaxJSONDepth = 32
	}
	if c.MaxInboxQueue <= 0 {
		c.MaxInboxQueue = 20000
	}
	if c.DeliveryWorkers <= 0 {
		c.DeliveryWorkers = 32
	}
	if c.PerHostConcurrency <= 0 {
		c.PerHostConcurrency = 4
	}
	if c.MaxDeliveryAttempts <= 0 {
		c.MaxDeliveryAttempts = 16
	}
	if c.RetryBase <= 0 {
		c.RetryBase = time.Minute
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.RefreshInterval <= 0 {
		c.RefreshInterval = 6 * time.Hour
	}
	if c.OccurrenceCount <= 0 {
		c.OccurrenceCount = 5
	}
	if c.OccurrenceWindow <= 0 {
		c.OccurrenceWindow = 90 * 24 * time.Hour
	}
	if c.KeyRefetchGap <= 0 {
		c.KeyRefetchGap = 10 * time.Minute
	}
	if c.BackfillPages <= 0 {
		c.BackfillPages = 20
	}
	if c.BackfillItems <= 0 {
		c.BackfillItems = 200
	}
	if c.FetchTimeout <= 0 {
		c.FetchTimeout = 10 * time.Second
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = 10 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.NodeName == "" {
		c.NodeName = "Bastide"
	}
	if c.Version == "" {
		c.Version = "0.1.0"
	}
}

// userAgent is the User-Agent of every request federation sends, from
// serve and from the CLI's commands alike: the version and the instance.
func (c Config) userAgent(u *URIs) string {
	return "Bastide/" + c.Version + " (+" + u.Base() + ")"
}

// Federation is the ActivityPub side of one instance.
type Federation struct {
	store  *db.Store
	log    *slog.Logger
	cfg    Config
	uris   *URIs
	keys   *keyring
	client *remote.Client
	verify *verifier

	wakePublish chan struct{}
	wakeDeliver chan struct{}
	wakeInbox   chan struct{}
	wakeRefresh chan struct{}

	keyMu    sync.Mutex
	keyCache map[string]cachedKey

	// failing holds the inboxes whose last delivery failed and will be
	// retried (see inboxAnswered).
	failingMu sync.Mutex
	failing   map[string]bool

	queueMu  sync.Mutex
	queueAt  time.Time
	queueLen int

	handler http.Handler

	// token and newUUID make the random parts of ids (tests fix them).
	token   func() string
	newUUID func() string
}

type cachedKey struct {
	owner string
	key   any
}

// New builds the federation side over store. It does no network work.
func New(store *db.Store, logger *slog.Logger, cfg Config) (*Federation, error) {
	if store == nil {
		return nil, errors.New("federation: nil store")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg.defaults()
	u, err := NewURIs(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	f := &Federation{
		store:       store,
		log:         logger,
		cfg:         cfg,
		uris:        u,
		keys:        newKeyring(store),
		wakePublish: make(chan struct{}, 1),
		wakeDeliver: make(chan struct{}, 1),
		wakeInbox:   make(chan struct{}, 1),
		wakeRefresh: make(chan struct{}, 1),
		keyCache:    map[string]cachedKey{},
		failing:     map[string]bool{},
		token:       randomToken,
		newUUID:     db.NewUUID,
	}
	f.client = remote.New(remote.Options{
		AllowPrivate: cfg.AllowPrivateAddresses,
		Timeout:      cfg.FetchTimeout,
		MaxBody:      cfg.MaxInboxBody,
		MaxRedirects: 5,
		UserAgent:    cfg.userAgent(u),
		Signer:       f.signFetch,
	})
	// A write in this process wakes the publisher at once; the poll is for
	// the others' (a CLI import).
	store.OnCommit(func() { wake(f.wakePublish) })
	f.verify = newVerifier(f.publicKey, cfg.Now, cfg.KeyRefetchGap)
	f.handler = f.routes()
	return f, nil
}

// URIs returns the id builder (for the CLI and tests).
func (f *Federation) URIs() *URIs { return f.uris }

// Handler serves discovery, the actors, the inboxes, the collections and
// the ActivityPub side of /@{association} and /events/{uuid}.
func (f *Federation) Handler() http.Handler { return f.handler }

// Run runs the publisher, the delivery workers, the inbox worker and the
// refresher of followed sources until ctx is done.
func (f *Federation) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	loops := []func(context.Context){f.runPublisher, f.runDelivery, f.runInbox, f.runRefresher, f.runHousekeeping}
	for _, l := range loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l(ctx)
		}()
	}
	wg.Wait()
	return nil
}

func wake(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// activityTypes are the media types of ActivityPub documents.
func isActivityPubType(mt string) bool {
	return mt == "application/activity+json" || mt == "application/ld+json"
}

// WantsActivityPub reports whether a request asks for an ActivityPub
// document (Accept: application/activity+json, or application/ld+json with
// or without the ActivityStreams profile) rather than an HTML page.
func WantsActivityPub(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			if q, ok := params["q"]; ok && (q == "0" || q == "0.0" || q == "0.00" || q == "0.000") {
				continue
			}
			if isActivityPubType(mt) {
				return true
			}
		}
	}
	return false
}

// signFetch signs our GETs as the relay (Mobilizon and others may require
// signed fetches; public content does not).
func (f *Federation) signFetch(r *http.Request) error {
	key, _, err := f.keys.relay(r.Context())
	if err != nil {
		return err
	}
	return signRequest(r, key, f.uris.KeyID(f.uris.RelayID()), nil, f.cfg.Now())
}
