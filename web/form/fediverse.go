package form

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// Follow asks to follow a Mobilizon group or instance.
type Follow struct {
	// Target is a handle (@group@host), an actor URL, or an instance's
	// domain.
	Target  string
	Trusted bool
}

var handleRe = regexp.MustCompile(`^@?[^@\s/]+@[^@\s/]+$`)

// NewFollow reads the form.
func NewFollow(v url.Values) *Follow {
	return &Follow{Target: strings.TrimSpace(v.Get("target")), Trusted: v.Get("trusted") == "yes"}
}

// Validate checks that the target is one of the three accepted shapes.
func (f *Follow) Validate() Errors {
	e := Errors{}
	t := f.Target
	switch {
	case t == "":
		e.add("target", "form.follow.required")
	case len(t) > db.MaxFollowTarget:
		e.add("target", "form.follow.long", db.MaxFollowTarget)
	case handleRe.MatchString(t):
	case strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://"):
		if u, err := url.Parse(t); err != nil || u.Host == "" {
			e.add("target", "form.follow.invalid")
		}
	default:
		if _, err := model.NormalizeDomain(t); err != nil || strings.Contains(t, "/") {
			e.add("target", "form.follow.invalid")
		}
	}
	return e
}

// Host is the host the target names ("" if it names none).
func (f *Follow) Host() string {
	if handleRe.MatchString(f.Target) {
		return f.Target[strings.LastIndex(f.Target, "@")+1:]
	}
	if u, err := url.Parse(f.Target); err == nil && u.Host != "" {
		return u.Host
	}
	return f.Target
}

// DomainBlock blocks a domain, with a note saying why.
type DomainBlock struct {
	Domain string
	Reason string
	// Normalized is the domain as stored, set by Validate.
	Normalized string
}

// maxReason bounds the note of a block.
const maxReason = 500

// NewDomainBlock reads the form.
func NewDomainBlock(v url.Values) *DomainBlock {
	return &DomainBlock{Domain: strings.TrimSpace(v.Get("domain")), Reason: strings.TrimSpace(v.Get("reason"))}
}

// Validate checks the domain and the note.
func (f *DomainBlock) Validate() Errors {
	e := Errors{}
	if len(f.Domain) > 2*model.MaxDomainLen {
		e.add("domain", "form.domain.invalid")
	} else if d, err := model.NormalizeDomain(f.Domain); err != nil {
		if f.Domain == "" {
			e.add("domain", "form.domain.required")
		} else {
			e.add("domain", "form.domain.invalid")
		}
	} else {
		f.Normalized = d
	}
	if len(f.Reason) > maxReason {
		e.add("reason", "form.reason.long", maxReason)
	}
	return e
}
