package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bastide47/bastide/web"
)

// Config is what `bastide serve` runs with. It lives only here: packages
// get the values they need as constructor parameters.
type Config struct {
	// Common to every command.
	DataDir   string
	LogFormat string
	LogLevel  string

	// Addr is the host:port to listen on.
	Addr string
	// BaseURL is the public URL of the instance (scheme and host, no path).
	// ActivityPub ids are built from it and must never change.
	BaseURL string
	// Demo seeds demonstration data once.
	Demo bool
	// ShutdownTimeout bounds the wait for requests in flight on shutdown.
	ShutdownTimeout time.Duration
	// AllowPrivateAddresses lets federation reach loopback and private
	// networks: for tests and development only.
	AllowPrivateAddresses bool
	// MemoryLimitMiB is the soft limit of the Go heap, in MiB (0: the
	// runtime's default, or GOMEMLIMIT).
	MemoryLimitMiB int
	// SourceURL is where this instance's source code can be had (AGPL-3.0
	// §13): every page links to it. An instance that runs a modified
	// Bastide must point it at its own modified source.
	SourceURL string
	// MetricsToken, when set, lets a client that sends it as a bearer
	// token read /metrics from anywhere (otherwise: loopback only).
	MetricsToken string
	// TrustedProxies lists the reverse proxies (addresses or CIDR ranges,
	// separated by commas) whose X-Forwarded-For or Forwarded header gives
	// the client's address; see clientAddress.
	TrustedProxies string
	// SyncHorizon is how long the change log keeps a change (0: the
	// default); see pruneChanges.
	SyncHorizon time.Duration
	// SMTPAddr (host:port) and SMTPFrom, when set, let the back office
	// mail invitation links; SMTPUser and SMTPPassword come from the
	// environment only (BASTIDE_SMTP_USER, BASTIDE_SMTP_PASSWORD), never
	// from flags that other users of the machine could read.
	SMTPAddr, SMTPFrom     string
	SMTPUser, SMTPPassword string
	// CPUProfile, when set, is the file serve writes a CPU profile of its
	// whole run to (benchmarks: cmd/agenda-bench -cpuprofile).
	CPUProfile string
}

// defaultMemoryLimitMiB is the default memory budget (see cacheBudget).
const defaultMemoryLimitMiB = 32

// minMemoryLimitMiB is the smallest budget: below it the heap that is not
// cache (templates, the communes, requests in flight) would not fit.
const minMemoryLimitMiB = 16

// cacheSizes are the bytes each cache of serve may hold.
type cacheSizes struct {
	davObjects  int // caldav.Options.ObjectCache
	davListings int // caldav.Options.ListingCache
	webPages    int // web.Options.PageCacheBytes
}

// cacheBudget derives every cache's size from the memory budget
// (--memory-limit, in MiB; 0 takes the default for the sizes): the
// CalDAV object cache 3/8 of it, the CalDAV listings and the web pages
// 1/8 each, so that the caches full hold 5/8 and the heap of requests
// keeps the rest. At 32 MiB: 12 MiB of objects (about 9 000), 4 MiB of
// listings (a calendar of 12 000 objects), 4 MiB of pages. SQLite's page
// caches are outside the Go heap: db/sqlite.go bounds them (about 6 MB).
func cacheBudget(limitMiB int) cacheSizes {
	if limitMiB <= 0 {
		limitMiB = defaultMemoryLimitMiB
	}
	b := limitMiB << 20
	return cacheSizes{davObjects: b / 8 * 3, davListings: b / 8, webPages: b / 8}
}

// registerServe declares serve's own flags.
func (c *Config) registerServe(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "`host:port` to listen on")
	fs.StringVar(&c.BaseURL, "base-url", "", "public `URL` of this instance, e.g. https://agenda.example.org; default http://localhost:PORT when listening on a loopback address, required otherwise")
	fs.BoolVar(&c.Demo, "demo", false, "fill an empty instance with demonstration associations and events of the Lot-et-Garonne (done once)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to wait for requests in flight on shutdown, then for deliveries in flight")
	fs.IntVar(&c.MemoryLimitMiB, "memory-limit", defaultMemoryLimitMiB, "memory budget in `MiB`: the soft limit of the Go heap, and every cache gets a share of it (0: no limit of Bastide's own, caches sized for 32; GOMEMLIMIT, when set, sets the heap limit)")
	fs.StringVar(&c.SourceURL, "source-url", web.DefaultSourceURL, "`URL` of the source code this instance runs, linked from every page (AGPL-3.0 §13): if you run a modified Bastide, give the address of your modified source")
	fs.StringVar(&c.MetricsToken, "metrics-token", "", "`secret` a Prometheus server sends as \"Authorization: Bearer SECRET\" to read /metrics from another machine (without it, /metrics answers loopback only)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", "", "`CIDR,...` of the reverse proxies in front of Bastide (e.g. 127.0.0.1/32): the client address is read from their X-Forwarded-For or Forwarded header, which is ignored from anyone else")
	fs.Var(horizonFlag{&c.SyncHorizon}, "sync-horizon", "how long the change log keeps a change, e.g. 90d (the default) or 2160h: a calendar app that has not synced for longer syncs again from scratch, once")
	fs.BoolVar(&c.AllowPrivateAddresses, "allow-private-addresses", false, "let federation fetch from and deliver to loopback and private addresses (tests and development only)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", "", "`host:port` of a mail server for invitation links (optional; user and password from BASTIDE_SMTP_USER and BASTIDE_SMTP_PASSWORD)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", "", "sender `address` of the mails, e.g. agenda@example.org (required with --smtp-addr)")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the whole run to this `file`, for `go tool pprof` (benchmarks)")
}

// parseServeConfig reads serve's configuration from args and the
// environment and validates it.
func parseServeConfig(args []string, getenv func(string) string) (*Config, error) {
	app := &App{}
	fs := flag.NewFlagSet("bastide serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addCommonFlags(fs, app)
	var c Config
	c.registerServe(fs)
	pos, err := parseFlags(fs, args, getenv)
	if err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return nil, usagef("serve takes no arguments (got %q)", strings.Join(pos, " "))
	}
	c.DataDir, c.LogFormat, c.LogLevel = app.DataDir, app.LogFormat, app.LogLevel
	c.SMTPUser, c.SMTPPassword = getenv("BASTIDE_SMTP_USER"), getenv("BASTIDE_SMTP_PASSWORD")
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// isLoopbackHost reports whether host names this machine only.
func isLoopbackHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Validate rejects values and combinations that cannot work, saying what
// to change. It fills BaseURL when it can be derived from Addr.
func (c *Config) Validate() error {
	var msgs []string
	bad := func(format string, args ...any) { msgs = append(msgs, fmt.Sprintf(format, args...)) }

	if strings.TrimSpace(c.DataDir) == "" {
		bad("--data (BASTIDE_DATA) is empty: give the directory where the database lives, e.g. ./data")
	}
	switch c.LogFormat {
	case "auto", "text", "json":
	default:
		bad("--log-format (BASTIDE_LOG_FORMAT) %q: use text, json or auto", c.LogFormat)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		bad("--log-level (BASTIDE_LOG_LEVEL) %q: use debug, info, warn or error", c.LogLevel)
	}
	if c.ShutdownTimeout <= 0 {
		bad("--shutdown-timeout (BASTIDE_SHUTDOWN_TIMEOUT) must be positive, e.g. 15s")
	}
	if u, err := url.Parse(c.SourceURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("--source-url (BASTIDE_SOURCE_URL) %q is not an http(s) URL of the source code, e.g. %s", c.SourceURL, web.DefaultSourceURL)
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		bad("--metrics-token (BASTIDE_METRICS_TOKEN) is too short to be a secret: give at least 16 characters, e.g. the output of `openssl rand -hex 16`")
	}
	if c.MemoryLimitMiB != 0 && c.MemoryLimitMiB < minMemoryLimitMiB {
		bad("--memory-limit (BASTIDE_MEMORY_LIMIT) %d MiB is too low: Bastide needs about %d MiB beside its caches; give at least %d, or 0 for no limit", c.MemoryLimitMiB, minMemoryLimitMiB/2, minMemoryLimitMiB)
	}

	if c.SyncHorizon != 0 && c.SyncHorizon < minSyncHorizon {
		bad("--sync-horizon (BASTIDE_SYNC_HORIZON) %s is too short: calendar apps that sync less often would sync from scratch every time; give at least 7d", horizonFlag{&c.SyncHorizon})
	}
	if _, err := parseTrustedProxies(c.TrustedProxies); err != nil {
		bad("--trusted-proxies (BASTIDE_TRUSTED_PROXIES): %v; give the addresses or ranges of your reverse proxies separated by commas, e.g. 127.0.0.1/32,::1/128", err)
	}

	host, port, err := net.SplitHostPort(c.Addr)
	addrOK := err == nil
	if err != nil {
		bad("--addr (BASTIDE_ADDR) %q is not host:port, e.g. 127.0.0.1:8080 or :8080", c.Addr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		bad("--addr (BASTIDE_ADDR) %q: the port must be a number from 0 to 65535", c.Addr)
		addrOK = false
	}
	loopback := addrOK && isLoopbackHost(host)

	if c.BaseURL == "" {
		if addrOK && !loopback {
			bad("--base-url (BASTIDE_BASE_URL) is required when listening on %q, which other machines can reach: give the public URL, e.g. https://agenda.example.org (ActivityPub ids are built from it and must never change)", c.Addr)
		}
	} else {
		u, err := url.Parse(c.BaseURL)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
			bad("--base-url (BASTIDE_BASE_URL) %q is not an absolute http(s) URL like https://agenda.example.org", c.BaseURL)
		case u.User != nil || u.RawQuery != "" || u.Fragment != "":
			bad("--base-url (BASTIDE_BASE_URL) %q must not hold a user, a query or a fragment", c.BaseURL)
		case strings.Trim(u.Path, "/") != "":
			bad("--base-url (BASTIDE_BASE_URL) %q has a path; Bastide must be served at the root of its host name (use a subdomain such as https://agenda.example.org)", c.BaseURL)
		default:
			c.BaseURL = u.Scheme + "://" + u.Host
			if c.AllowPrivateAddresses && u.Scheme == "https" && !isLoopbackHost(u.Hostname()) {
				bad("--allow-private-addresses (BASTIDE_ALLOW_PRIVATE_ADDRESSES) is for tests and development; it cannot be used with the public --base-url %q, where it would let remote servers make Bastide reach the local network", c.BaseURL)
			}
		}
	}
	c.validateSMTP(bad)
	if len(msgs) > 0 {
		return &usageError{msg: strings.Join(msgs, "\n")}
	}
	return nil
}

// deriveBaseURL gives the base URL of a loopback listener once its port is
// known (the port may be 0 in the flags).
func deriveBaseURL(listenAddr string) string {
	_, port, _ := net.SplitHostPort(listenAddr)
	return fmt.Sprintf("http://localhost:%s", port)
}
