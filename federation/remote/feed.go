package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync/atomic"
	"time"
)

// ErrNotCalendar: the address gives a web page (a sign-in page, most
// often), not iCalendar.
var ErrNotCalendar = errors.New("remote: a web page, not a calendar")

// Feed is the answer to GetFeed.
type Feed struct {
	// NotModified is true for a 304: the feed did not change since the
	// validators sent; Body is empty.
	NotModified bool
	Body        []byte
	// ETag and LastModified are the validators to send next time.
	ETag         string
	LastModified string
	// URL is the address finally read, after redirects.
	URL string
}

// GetFeed fetches an iCalendar feed (an ICS subscription) with a
// conditional request when etag or lastModified are set. Everything
// bounds the other requests bounds it too: the address guard at dial time
// (on each redirect as well), the redirect cap, the size cap while
// streaming, the total deadline and ReadIdle. An answer that is HTML is
// ErrNotCalendar.
func (c *Client) GetFeed(ctx context.Context, rawURL, etag, lastModified string) (*Feed, error) {
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("remote: bad URL: %w", err)
	}
	req.Header.Set("Accept", "text/calendar, text/plain;q=0.5, */*;q=0.1")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, body, err := c.do(ctx, req)
	var se *StatusError
	if errors.As(err, &se) && se.Code == http.StatusNotModified {
		return &Feed{NotModified: true, URL: resp.Request.URL.String(),
			ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}, nil
	}
	if err != nil {
		return nil, err
	}
	if looksLikeHTML(resp.Header.Get("Content-Type"), body) {
		return nil, fmt.Errorf("%w: %s served %q", ErrNotCalendar, resp.Request.URL.Redacted(), resp.Header.Get("Content-Type"))
	}
	return &Feed{Body: body, URL: resp.Request.URL.String(),
		ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}, nil
}

// looksLikeHTML tells a web page from a calendar: an HTML content type,
// or a body whose first non-blank character opens a tag.
func looksLikeHTML(ct string, body []byte) bool {
	if mt, _, err := mime.ParseMediaType(ct); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return true
	}
	b := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

// idleReader cancels the request when no data came for d.
type idleReader struct {
	r    io.Reader
	d    time.Duration
	t    *time.Timer
	done atomic.Bool
}

func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if n > 0 {
		if !ir.t.Reset(ir.d) {
			ir.done.Store(true) // the timer fired already: the request is cancelled
		}
	}
	return n, err
}

func (ir *idleReader) fired() bool {
	if ir.done.Load() {
		return true
	}
	// Stop reports false when the timer already fired.
	return !ir.t.Stop()
}
