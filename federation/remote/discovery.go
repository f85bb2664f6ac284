package remote

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/bastide47/bastide/db/model"
)

// ParseAcct reads "@name@host", "name@host" or "acct:name@host".
func ParseAcct(acct string) (name, host string, err error) {
	s := strings.TrimSpace(acct)
	s = strings.TrimPrefix(s, "acct:")
	s = strings.TrimPrefix(s, "@")
	i := strings.LastIndexByte(s, '@')
	if i <= 0 || i == len(s)-1 {
		return "", "", fmt.Errorf("remote: %q is not a handle like @group@host", truncate(acct, 100))
	}
	name, host = s[:i], strings.ToLower(s[i+1:])
	if strings.ContainsAny(name, "/?#@ ") || strings.ContainsAny(host, "/?#@ ") {
		return "", "", fmt.Errorf("remote: %q is not a handle like @group@host", truncate(acct, 100))
	}
	return name, host, nil
}

// getDoc GETs a discovery document (JSON or XML) with its own Accept and
// content-type check, trying https and, with AllowPrivate only, http when
// https cannot connect (development instances on 127.0.0.1).
func (c *Client) getDoc(ctx context.Context, host, pathQuery, accept string, okType func(string) bool) ([]byte, string, error) {
	schemes := []string{"https"}
	if c.opts.AllowPrivate {
		schemes = append(schemes, "http")
	}
	var lastErr error
	for _, scheme := range schemes {
		u := scheme + "://" + host + pathQuery
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, "", fmt.Errorf("remote: bad URL: %w", err)
		}
		req.Header.Set("Accept", accept)
		resp, body, err := c.do(ctx, req)
		if err != nil {
			lastErr = err
			var se *StatusError
			if resp != nil || errors.As(err, &se) || errors.Is(err, ErrTooLarge) {
				return nil, "", err // the server answered: do not try another scheme
			}
			continue
		}
		ct := resp.Header.Get("Content-Type")
		if !okType(ct) {
			return nil, "", fmt.Errorf("%w: %s served %q", ErrContentType, u, ct)
		}
		return body, resp.Request.URL.String(), nil
	}
	return nil, "", lastErr
}

// WebFinger is a JRD document.
type WebFinger struct {
	Subject string   `json:"subject"`
	Aliases []string `json:"aliases"`
	Links   []struct {
		Rel      string `json:"rel"`
		Type     string `json:"type"`
		Href     string `json:"href"`
		Template string `json:"template"`
	} `json:"links"`
}

// ActorURL is the href of the "self" link of type application/activity+json
// (the only one Mobilizon reads), else of type application/ld+json with the
// ActivityStreams profile.
func (w *WebFinger) ActorURL() string {
	fallback := ""
	for _, l := range w.Links {
		if l.Rel != "self" || l.Href == "" {
			continue
		}
		if l.Type == "application/activity+json" {
			return l.Href
		}
		if strings.HasPrefix(l.Type, "application/ld+json") && fallback == "" {
			fallback = l.Href
		}
	}
	return fallback
}

// GetWebFinger resolves "@name@host" (or "name@host", "acct:name@host")
// to an ActivityPub actor URL: GET https://host/.well-known/webfinger
// ?resource=acct:name@host (Accept and Content-Type json or jrd+json),
// then, if that fails, the lrdd template of https://host/.well-known/host-meta,
// as Mobilizon does the other way round (reference §3.4). The actor URL
// is the self link of type application/activity+json and must be an
// http(s) URL on the same host.
func (c *Client) GetWebFinger(ctx context.Context, acct string) (string, error) {
	name, host, err := ParseAcct(acct)
	if err != nil {
		return "", err
	}
	resource := "acct:" + name + "@" + host
	accept := "application/jrd+json, application/json"
	jsonType := func(ct string) bool { return isPlainJSON(ct) }
	body, _, err := c.getDoc(ctx, host, "/.well-known/webfinger?resource="+url.QueryEscape(resource), accept, jsonType)
	if err != nil {
		// host-meta, for servers that put WebFinger elsewhere.
		tmpl, herr := c.hostMetaTemplate(ctx, host)
		if herr != nil || tmpl == "" {
			return "", fmt.Errorf("remote: webfinger %s: %w", resource, err)
		}
		u := strings.ReplaceAll(tmpl, "{uri}", url.QueryEscape(resource))
		if !strings.EqualFold(hostOfURL(u), host) {
			return "", fmt.Errorf("remote: webfinger %s: host-meta points to another host", resource)
		}
		req, rerr := http.NewRequest(http.MethodGet, u, nil)
		if rerr != nil {
			return "", fmt.Errorf("remote: webfinger %s: %w", resource, rerr)
		}
		req.Header.Set("Accept", accept)
		resp, b, derr := c.do(ctx, req)
		if derr != nil {
			return "", fmt.Errorf("remote: webfinger %s: %w", resource, derr)
		}
		if !jsonType(resp.Header.Get("Content-Type")) {
			return "", fmt.Errorf("%w: webfinger %s served %q", ErrContentType, resource, resp.Header.Get("Content-Type"))
		}
		body = b
	}
	if err := CheckDepth(body, c.opts.MaxDepth); err != nil {
		return "", err
	}
	var wf WebFinger
	if err := jsonUnmarshal(body, &wf); err != nil {
		return "", fmt.Errorf("remote: webfinger %s: bad JSON: %w", resource, err)
	}
	actor := wf.ActorURL()
	if actor == "" {
		return "", fmt.Errorf("remote: webfinger %s: no self link of type application/activity+json", resource)
	}
	if err := c.CheckURL(actor); err != nil {
		return "", err
	}
	if !strings.EqualFold(hostOfURL(actor), host) {
		// A handle may be served by another domain (Mastodon's split
		// domains); the actor document's origin check still applies.
		return actor, nil
	}
	return actor, nil
}

// hostOfURL is the host[:port] of an http(s) URL as model.NormalizeIRI
// spells it, "" for anything else.
func hostOfURL(u string) string {
	_, h, _ := strings.Cut(model.IRIOrigin(u), "://")
	return h
}

type xrd struct {
	Links []struct {
		Rel      string `xml:"rel,attr"`
		Type     string `xml:"type,attr"`
		Template string `xml:"template,attr"`
	} `xml:"Link"`
}

func (c *Client) hostMetaTemplate(ctx context.Context, host string) (string, error) {
	body, _, err := c.getDoc(ctx, host, "/.well-known/host-meta", "application/xrd+xml, application/xml, text/xml",
		func(ct string) bool {
			return strings.Contains(ct, "xml")
		})
	if err != nil {
		return "", err
	}
	var doc xrd
	if err := xml.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("remote: host-meta: %w", err)
	}
	tmpl := ""
	for _, l := range doc.Links {
		if l.Rel != "lrdd" || !strings.Contains(l.Template, "{uri}") {
			continue
		}
		if strings.Contains(l.Type, "json") || tmpl == "" {
			tmpl = l.Template
		}
	}
	return tmpl, nil
}

// NodeInfo is what Bastide reads of a server's NodeInfo.
type NodeInfo struct {
	// ApplicationActor is the FEP-2677 instance actor (rel
	// https://www.w3.org/ns/activitystreams#Application), "" if absent.
	ApplicationActor string
	SoftwareName     string
	SoftwareVersion  string
	NodeName         string
}

// ApplicationRel is FEP-2677's link relation for the instance actor.
const ApplicationRel = "https://www.w3.org/ns/activitystreams#Application"

// GetNodeInfo reads https://host/.well-known/nodeinfo and the 2.1 (else
// 2.0) document it links to. Both must be served as application/json.
func (c *Client) GetNodeInfo(ctx context.Context, host string) (*NodeInfo, error) {
	host = strings.ToLower(strings.TrimSpace(host))
	if host == "" || strings.ContainsAny(host, "/?#@ ") {
		return nil, fmt.Errorf("remote: %q is not a host name", truncate(host, 100))
	}
	body, _, err := c.getDoc(ctx, host, "/.well-known/nodeinfo", "application/json", isPlainJSON)
	if err != nil {
		return nil, fmt.Errorf("remote: nodeinfo %s: %w", host, err)
	}
	var index struct {
		Links []struct{ Rel, Href string } `json:"links"`
	}
	if err := CheckDepth(body, c.opts.MaxDepth); err != nil {
		return nil, err
	}
	if err := jsonUnmarshal(body, &index); err != nil {
		return nil, fmt.Errorf("remote: nodeinfo %s: bad JSON: %w", host, err)
	}
	ni := &NodeInfo{}
	docURL := ""
	for _, l := range index.Links {
		switch {
		case l.Rel == ApplicationRel:
			ni.ApplicationActor = l.Href
		case strings.HasSuffix(l.Rel, "/ns/schema/2.1"):
			docURL = l.Href
		case strings.HasSuffix(l.Rel, "/ns/schema/2.0") && docURL == "":
			docURL = l.Href
		}
	}
	if docURL == "" {
		return ni, nil
	}
	req, err := http.NewRequest(http.MethodGet, docURL, nil)
	if err != nil {
		return ni, nil
	}
	req.Header.Set("Accept", "application/json")
	resp, doc, err := c.do(ctx, req)
	if err != nil || !isPlainJSON(resp.Header.Get("Content-Type")) || CheckDepth(doc, c.opts.MaxDepth) != nil {
		return ni, nil // the actor link is what matters
	}
	var d struct {
		Software struct{ Name, Version string } `json:"software"`
		Metadata struct {
			NodeName string `json:"nodeName"`
		} `json:"metadata"`
	}
	if jsonUnmarshal(doc, &d) == nil {
		ni.SoftwareName, ni.SoftwareVersion, ni.NodeName = d.Software.Name, d.Software.Version, d.Metadata.NodeName
	}
	return ni, nil
}

// InstanceActor finds the actor to follow to get every public event of an
// instance: the FEP-2677 NodeInfo link, else WebFinger relay@host (how
// Mobilizon itself resolves an instance, reference §3.5).
func (c *Client) InstanceActor(ctx context.Context, host string) (string, error) {
	if ni, err := c.GetNodeInfo(ctx, host); err == nil && ni.ApplicationActor != "" {
		if err := c.CheckURL(ni.ApplicationActor); err == nil {
			return ni.ApplicationActor, nil
		}
	}
	return c.GetWebFinger(ctx, "relay@"+host)
}
