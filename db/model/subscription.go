package model

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Subscription intervals and backoff.
const (
	DefaultSubscriptionInterval = time.Hour
	MinSubscriptionInterval     = 5 * time.Minute
	// MaxSubscriptionBackoff caps the wait after repeated failures.
	MaxSubscriptionBackoff = 24 * time.Hour
	maxFeedURL             = 2048
)

// Subscription is a calendar that follows an ICS feed.
type Subscription struct {
	ID              int64
	CalendarID      int64
	CalendarSlug    string
	AssociationID   int64
	AssociationSlug string
	URL             string
	Interval        time.Duration
	// ETag and LastModified are the validators of the last 200 answer,
	// sent back in conditional requests.
	ETag         string
	LastModified string
	// BodySHA256 is the hash of the last body applied: a server that
	// ignores conditional requests and sends the same body again costs no
	// parsing.
	BodySHA256  string
	LastSuccess time.Time
	// LastErrorCode is one of the FeedErr codes (the pages translate it),
	// LastError the technical detail; both empty after a success.
	LastErrorCode string
	LastError     string
	LastErrorAt   time.Time
	NextAt        time.Time
	Failures      int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Failure codes of a subscription refresh, stored as they are and
// translated by the pages; the detail beside them is for the curious.
const (
	FeedErrStatus      = "http_status"        // the server answered an error status
	FeedErrNotFound    = "not_found"          // 404 or 410: the address no longer exists
	FeedErrAuth        = "forbidden"          // 401 or 403: the calendar is private
	FeedErrTooLarge    = "too_large"          // the feed is above the size cap
	FeedErrTimeout     = "timeout"            // the server was too slow
	FeedErrAddress     = "forbidden_address"  // the address (or a redirect) is private, or not http(s)
	FeedErrRedirects   = "too_many_redirects" // redirect loop or chain
	FeedErrNotCalendar = "not_calendar"       // a web page (a sign-in page), not iCalendar
	FeedErrBadCalendar = "bad_calendar"       // iCalendar that cannot be read at all
	FeedErrNetwork     = "network"            // DNS, connection refused, TLS
	FeedErrStore       = "store"              // our side failed to write
)

// FeedErrorText is the English sentence for a failure code, in words an
// association's volunteer can act on; pages translate the code.
func FeedErrorText(code string) string {
	switch code {
	case FeedErrNotFound:
		return "the address of the calendar does not exist any more: copy it again from the calendar's sharing settings"
	case FeedErrAuth:
		return "the server refuses to give the calendar: it is private; make it public or use its secret iCal address"
	case FeedErrStatus:
		return "the server of the calendar answered with an error; it will be tried again later"
	case FeedErrTooLarge:
		return "the calendar is too large to be followed"
	case FeedErrTimeout:
		return "the server of the calendar is too slow to answer; it will be tried again later"
	case FeedErrAddress:
		return "the address (or where it redirects) is not a public http or https address: Bastide does not reach private networks"
	case FeedErrRedirects:
		return "the address redirects too many times"
	case FeedErrNotCalendar:
		return "this address gives a web page, not a calendar: check that the calendar is public, or use its secret iCal address"
	case FeedErrBadCalendar:
		return "the address gives something that is not a readable iCalendar file"
	case FeedErrNetwork:
		return "the server of the calendar cannot be reached; it will be tried again later"
	case FeedErrStore:
		return "Bastide could not store the events; the administrators have been told in the logs"
	}
	return ""
}

// NormalizeFeedURL checks a feed address and returns it as it will be
// fetched: webcal:// and webcals:// become https://; only absolute http
// and https addresses without user info are accepted.
func NormalizeFeedURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > maxFeedURL {
		return "", &ValidationError{Field: "url", Msg: fmt.Sprintf("the address is longer than %d characters", maxFeedURL)}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", &ValidationError{Field: "url", Msg: "not a web address: " + raw}
	}
	switch strings.ToLower(u.Scheme) {
	case "webcal", "webcals", "https":
		u.Scheme = "https"
	case "http":
		u.Scheme = "http"
	default:
		return "", &ValidationError{Field: "url", Msg: "the address must start with https://, http:// or webcal://"}
	}
	if u.Host == "" {
		return "", &ValidationError{Field: "url", Msg: "the address has no server name"}
	}
	if u.User != nil {
		return "", &ValidationError{Field: "url", Msg: "the address must not hold a user name or password"}
	}
	u.Fragment = ""
	return u.String(), nil
}

// SubscriptionBackoff is the wait before the next try after the given
// number of consecutive failures: five minutes after the first, doubled
// after each other one, capped at a day.
func SubscriptionBackoff(failures int) time.Duration {
	d := MinSubscriptionInterval
	for i := 1; i < failures && d < MaxSubscriptionBackoff; i++ {
		d *= 2
	}
	return min(d, MaxSubscriptionBackoff)
}
