// Package remote is Bastide's one client for everything remote: ActivityPub
// fetches, inbox deliveries, WebFinger, NodeInfo and Mobilizon's GraphQL.
//
// Every request has a total deadline, a response size cap enforced while
// streaming, at most a few redirects (http and https only), and goes
// through a dialer that refuses private, loopback, link-local, unique-local,
// CGNAT, multicast, unspecified and IPv4-embedding IPv6 addresses at
// connect time, on the resolved IP, so that neither a hostname nor DNS
// rebinding can reach the inside. Options.AllowPrivate lifts that guard
// (and allows plain http) for tests and development only.
package remote

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// Defaults for Options' zero values.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxBody      = 1 << 20
	DefaultMaxRedirects = 3
	DefaultMaxDepth     = 32
	DefaultUserAgent    = "Bastide (+https://github.com/bastide47/bastide)"
)

// Options configure a Client. Zero values take the defaults above.
type Options struct {
	// AllowPrivate lets the client reach private and loopback addresses and
	// use plain http: tests and development only.
	AllowPrivate bool
	// AllowHTTP lets the client use plain http to public addresses: ICS
	// feeds, which many club websites still serve without TLS. The
	// address guard applies all the same.
	AllowHTTP bool
	// Timeout bounds a whole request: connect, headers and body.
	Timeout time.Duration
	// MaxBody caps a response body; a longer one is an error (never a
	// silent truncation).
	MaxBody int64
	// MaxRedirects is the most redirects followed by a GET (POSTs follow
	// none). Negative means none.
	MaxRedirects int
	// MaxDepth bounds the nesting of a JSON response, checked before it is
	// decoded.
	MaxDepth  int
	UserAgent string
	// Signer, when set, signs every GET (authorized fetch), again after
	// each redirect.
	Signer func(*http.Request) error
	// LookupHost resolves host names (tests); default net.DefaultResolver.
	// The dial-time guard checks whatever it returns.
	LookupHost func(ctx context.Context, host string) ([]string, error)
	// Now is the clock used to tell upcoming from past events (tests).
	Now func() time.Time
	// ReadIdle, when set, bounds the wait for each piece of a response
	// body, within Timeout: a server that stalls is dropped early.
	ReadIdle time.Duration

	// Tests of this package only: addresses let through the guard (a
	// stand-in for "public") and the TLS configuration trusting test
	// servers.
	allowAddr func(netip.Addr) bool
	tlsConfig *tls.Config
}

// Client does every remote HTTP request of Bastide. It is safe for
// concurrent use.
type Client struct {
	opts Options
	hc   *http.Client
}

// Errors a caller may test with errors.Is.
var (
	ErrTooLarge         = errors.New("remote: response too large")
	ErrTooDeep          = errors.New("remote: JSON nested too deeply")
	ErrContentType      = errors.New("remote: unexpected content type")
	ErrOrigin           = errors.New("remote: object id not on the fetched origin")
	ErrForbiddenAddr    = errors.New("remote: address not allowed")
	ErrScheme           = errors.New("remote: URL scheme not allowed")
	ErrTooManyRedirects = errors.New("remote: too many redirects")
	ErrGone             = errors.New("remote: gone")
	ErrNotFound         = errors.New("remote: not found")
	ErrTimeout          = errors.New("remote: too slow")
)

// StatusError is a non-2xx answer. It wraps ErrGone for 410 and
// ErrNotFound for 404.
type StatusError struct {
	Code int
	URL  string
	// Body is the start of the answer, for logs.
	Body string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("remote: %s answered %d", e.URL, e.Code)
}

// Unwrap maps 410 and 404 to the sentinels.
func (e *StatusError) Unwrap() error {
	switch e.Code {
	case http.StatusGone:
		return ErrGone
	case http.StatusNotFound:
		return ErrNotFound
	}
	return nil
}

// New builds a client.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Client{opts: opts}
	tr := &http.Transport{
		Proxy:                  nil, // never an environment proxy: it would dodge the guard
		DialContext:            c.dial,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    4,
		MaxConnsPerHost:        8,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    opts.Timeout,
		ResponseHeaderTimeout:  opts.Timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		TLSClientConfig:        opts.tlsConfig,
	}
	c.hc = &http.Client{
		Transport:     tr,
		Timeout:       opts.Timeout,
		CheckRedirect: c.checkRedirect,
	}
	return c
}

// AllowPrivate reports whether the guard is lifted (tests, development).
func (c *Client) AllowPrivate() bool { return c.opts.AllowPrivate }

// CheckURL tells whether u may be requested at all: an absolute http or
// https URL (https only unless AllowPrivate) without user info. The
// address check happens later, at dial time.
func (c *Client) CheckURL(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("remote: bad URL: %w", err)
	}
	return c.checkParsed(p)
}

func (c *Client) checkParsed(p *url.URL) error {
	switch p.Scheme {
	case "https":
	case "http":
		if !c.opts.AllowPrivate && !c.opts.AllowHTTP {
			return fmt.Errorf("%w: http (https only)", ErrScheme)
		}
	default:
		return fmt.Errorf("%w: %q", ErrScheme, p.Scheme)
	}
	if p.Host == "" || p.User != nil {
		return fmt.Errorf("remote: bad URL %q: no host, or user info", p.Redacted())
	}
	return nil
}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if via[0].Method != http.MethodGet {
		return http.ErrUseLastResponse // a POST answers for itself
	}
	if len(via) > c.opts.MaxRedirects || c.opts.MaxRedirects < 0 {
		return fmt.Errorf("%w (%d)", ErrTooManyRedirects, len(via))
	}
	if err := c.checkParsed(req.URL); err != nil {
		return err
	}
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return fmt.Errorf("%w: loop at %s", ErrTooManyRedirects, req.URL.Redacted())
		}
	}
	// Never carry a signature to another host.
	if !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
		req.Header.Del("Authorization")
		req.Header.Del("Signature")
	}
	if c.opts.Signer != nil {
		req.Header.Del("Signature")
		return c.opts.Signer(req)
	}
	return nil
}

// do sends req with the deadline and returns the response and its body,
// read up to the cap.
func (c *Client) do(ctx context.Context, req *http.Request) (*http.Response, []byte, error) {
	if err := c.checkParsed(req.URL); err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req = req.WithContext(ctx)
	req.Header.Set("User-Agent", c.opts.UserAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > c.opts.MaxBody {
		return resp, nil, fmt.Errorf("%w: %s announces %d bytes, the limit is %d", ErrTooLarge, resp.Request.URL.Redacted(), resp.ContentLength, c.opts.MaxBody)
	}
	var rd io.Reader = io.LimitReader(resp.Body, c.opts.MaxBody+1)
	var idle *idleReader
	if c.opts.ReadIdle > 0 {
		idle = &idleReader{r: rd, d: c.opts.ReadIdle, t: time.AfterFunc(c.opts.ReadIdle, cancel)}
		defer idle.t.Stop()
		rd = idle
	}
	body, err := io.ReadAll(rd)
	if err != nil {
		if idle != nil && idle.fired() {
			return resp, nil, fmt.Errorf("%w: %s sent nothing for %s: %w", ErrTimeout, resp.Request.URL.Redacted(), c.opts.ReadIdle, err)
		}
		if ctx.Err() != nil {
			// The cause stays wrapped: callers that retry timeouts see it.
			return resp, nil, fmt.Errorf("%w: %s did not finish within %s: %w", ErrTimeout, resp.Request.URL.Redacted(), c.opts.Timeout, err)
		}
		return resp, nil, fmt.Errorf("remote: read %s: %w", resp.Request.URL.Redacted(), err)
	}
	if int64(len(body)) > c.opts.MaxBody {
		return resp, nil, fmt.Errorf("%w: %s sent more than %d bytes", ErrTooLarge, resp.Request.URL.Redacted(), c.opts.MaxBody)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		snippet := body
		if len(snippet) > 256 {
			snippet = snippet[:256]
		}
		return resp, body, &StatusError{Code: resp.StatusCode, URL: resp.Request.URL.Redacted(), Body: string(snippet)}
	}
	return resp, body, nil
}

// ActivityAccept is the Accept header of ActivityPub GETs. Mobilizon
// answers 406 to application/json alone and HTML to */*.
const ActivityAccept = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// GetJSON fetches an ActivityStreams document. The answer must be 2xx, be
// served as application/activity+json or application/ld+json, nest at
// most MaxDepth levels, be one JSON object, and its "id" (when it has one,
// as collections pages may not) must be on the origin of the final URL,
// after redirects: a server cannot speak for another. It returns the
// object and the raw body.
func (c *Client) GetJSON(ctx context.Context, rawURL string) (map[string]any, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("remote: bad URL: %w", err)
	}
	req.Header.Set("Accept", ActivityAccept)
	if c.opts.Signer != nil {
		if err := c.opts.Signer(req); err != nil {
			return nil, nil, fmt.Errorf("remote: sign GET %s: %w", req.URL.Redacted(), err)
		}
	}
	resp, body, err := c.do(ctx, req)
	if err != nil {
		return nil, body, err
	}
	if !IsActivityJSON(resp.Header.Get("Content-Type")) {
		return nil, nil, fmt.Errorf("%w: %s served %q", ErrContentType, resp.Request.URL.Redacted(), resp.Header.Get("Content-Type"))
	}
	obj, err := c.decode(body)
	if err != nil {
		return nil, nil, fmt.Errorf("remote: %s: %w", resp.Request.URL.Redacted(), err)
	}
	final := resp.Request.URL.String()
	if id, ok := obj["id"]; ok {
		s, _ := id.(string)
		if s == "" || !mobilizon.SameOrigin(s, final) {
			return nil, nil, fmt.Errorf("%w: %s served id %q", ErrOrigin, resp.Request.URL.Redacted(), truncate(s, 200))
		}
	}
	return obj, body, nil
}

// GetObject fetches the object whose id is rawURL and requires the id it
// carries to be exactly rawURL (fragment aside). When the server answers
// with another id on its own origin (a redirect to a canonical URL), that
// id is fetched once more and must then match exactly.
func (c *Client) GetObject(ctx context.Context, rawURL string) (map[string]any, []byte, error) {
	obj, body, err := c.GetJSON(ctx, rawURL)
	if err != nil {
		return nil, nil, err
	}
	id, _ := obj["id"].(string)
	if sameID(id, rawURL) {
		return obj, body, nil
	}
	if id == "" {
		return nil, nil, fmt.Errorf("%w: %s has no id", ErrOrigin, rawURL)
	}
	obj, body, err = c.GetJSON(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if got, _ := obj["id"].(string); !sameID(got, id) {
		return nil, nil, fmt.Errorf("%w: %s served id %q", ErrOrigin, id, truncate(got, 200))
	}
	return obj, body, nil
}

func sameID(a, b string) bool {
	strip := func(s string) string {
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		return model.NormalizeIRI(s)
	}
	return a != "" && strip(a) == strip(b)
}

// IsActivityJSON reports whether a Content-Type is an ActivityStreams one:
// application/activity+json, or application/ld+json (with or without the
// ActivityStreams profile).
func IsActivityJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/activity+json" || mt == "application/ld+json")
}

func isPlainJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || mt == "application/jrd+json" || IsActivityJSON(ct))
}

// decode checks the nesting depth, then decodes one JSON object.
func (c *Client) decode(body []byte) (map[string]any, error) {
	if err := CheckDepth(body, c.opts.MaxDepth); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("bad JSON: %w", err)
	}
	if obj == nil {
		return nil, errors.New("bad JSON: not an object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("bad JSON: trailing data")
	}
	return obj, nil
}

// CheckDepth scans JSON text and fails with ErrTooDeep when objects and
// arrays nest more than max levels. It does not validate the JSON.
func CheckDepth(data []byte, max int) error {
	depth := 0
	inString, escaped := false, false
	for _, b := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
			continue
		}
		switch b {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return fmt.Errorf("%w (more than %d levels)", ErrTooDeep, max)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// Post sends an ActivityPub POST (Content-Type application/activity+json),
// signed by sign (which sees the final request, with GetBody set so that
// it can digest the body). Redirects are not followed. It returns the
// status; err is non-nil for transport failures and for non-2xx answers
// (a *StatusError).
func (c *Client) Post(ctx context.Context, rawURL string, body []byte, sign func(*http.Request) error) (int, error) {
	req, err := http.NewRequest(http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("remote: bad URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Accept", ActivityAccept)
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if sign != nil {
		if err := sign(req); err != nil {
			return 0, fmt.Errorf("remote: sign POST %s: %w", req.URL.Redacted(), err)
		}
	}
	resp, _, err := c.do(ctx, req)
	if resp != nil {
		if errors.Is(err, ErrTooLarge) { // the answer to a POST does not matter
			err = nil
		}
		return resp.StatusCode, err
	}
	return 0, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
