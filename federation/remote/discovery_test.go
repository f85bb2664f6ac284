package remote

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseAcct(t *testing.T) {
	for in, want := range map[string]string{
		"@amis@mobilizon.fr": "amis mobilizon.fr", "amis@Mobilizon.FR": "amis mobilizon.fr",
		"acct:relay@h.example:8443": "relay h.example:8443", " @a.b_c@h ": "a.b_c h",
	} {
		n, h, err := ParseAcct(in)
		if err != nil || n+" "+h != want {
			t.Errorf("ParseAcct(%q) = %q %q %v", in, n, h, err)
		}
	}
	for _, bad := range []string{"", "@", "amis", "@amis@", "a@b/c", "https://h/@a", "a b@h"} {
		if _, _, err := ParseAcct(bad); err == nil {
			t.Errorf("ParseAcct(%q) accepted", bad)
		}
	}
}

// WebFinger as Mobilizon answers it (the shared fixtures), from a server
// on 127.0.0.1 reached over http by a development client.
func TestWebFingerAndNodeInfo(t *testing.T) {
	fx := fixtureDir(t)
	jrd := readFile(t, filepath.Join(fx, "webfinger", "gancio-webfinger.json"))
	hostMeta := readFile(t, filepath.Join(fx, "webfinger", "gancio-host-meta.xml"))
	nodeinfo := readFile(t, filepath.Join(fx, "nodeinfo", "wp-event-federation.json"))
	var srv *httptest.Server
	var lastAccept, lastResource string
	mode := "webfinger"
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/webfinger":
			lastAccept, lastResource = r.Header.Get("Accept"), r.URL.Query().Get("resource")
			if mode != "webfinger" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/jrd+json; charset=utf-8")
			w.Write(jrd)
		case "/.well-known/host-meta":
			w.Header().Set("Content-Type", "application/xrd+xml")
			if mode == "host-meta-foreign" {
				w.Write(hostMeta) // points at demo.gancio.org: refused
				return
			}
			fmt.Fprintf(w, `<?xml version="1.0"?><XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0"><Link rel="lrdd" type="application/json" template="%s/wf?resource={uri}"/></XRD>`, srv.URL)
		case "/wf":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"subject":"%s","links":[{"rel":"self","type":"application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"","href":"%s/ld"},{"rel":"self","type":"application/activity+json","href":"%s/actor"}]}`,
				r.URL.Query().Get("resource"), srv.URL, srv.URL)
		case "/.well-known/nodeinfo":
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			if mode == "host-meta" {
				http.NotFound(w, r)
				return
			}
			if mode == "no-application" {
				fmt.Fprintf(w, `{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"%s/nodeinfo/2.1"}]}`, srv.URL)
				return
			}
			w.Write(nodeinfo)
		case "/nodeinfo/2.1":
			w.Header().Set("Content-Type", `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"`)
			w.Write([]byte(`{"version":"2.1","software":{"name":"mobilizon","version":"5.1.3"},"metadata":{"nodeName":"Mobilizon 47"}}`))
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	c := open(Options{})

	actor, err := c.GetWebFinger(ctx(t), "@gancio@"+host)
	if err != nil || actor != "https://demo.gancio.org/federation/u/gancio" {
		t.Fatalf("webfinger: %q %v", actor, err)
	}
	if lastResource != "acct:gancio@"+host || !strings.Contains(lastAccept, "application/jrd+json") {
		t.Errorf("resource %q accept %q", lastResource, lastAccept)
	}

	mode = "host-meta"
	actor, err = c.GetWebFinger(ctx(t), "amis@"+host)
	if err != nil || actor != srv.URL+"/actor" {
		t.Errorf("host-meta fallback, activity+json self link preferred: %q %v", actor, err)
	}
	mode = "host-meta-foreign"
	if _, err := c.GetWebFinger(ctx(t), "amis@"+host); err == nil {
		t.Error("a host-meta template on another host was followed")
	}

	mode = "webfinger"
	ni, err := c.GetNodeInfo(ctx(t), host)
	if err != nil || ni.ApplicationActor != "https://event-federation.eu/actor-relay" {
		t.Errorf("nodeinfo: %+v %v", ni, err)
	}
	if a, err := c.InstanceActor(ctx(t), host); err != nil || a != "https://event-federation.eu/actor-relay" {
		t.Errorf("instance actor from FEP-2677: %q %v", a, err)
	}
	mode = "no-application"
	ni, err = c.GetNodeInfo(ctx(t), host)
	if err != nil || ni.ApplicationActor != "" || ni.SoftwareName != "mobilizon" || ni.SoftwareVersion != "5.1.3" || ni.NodeName != "Mobilizon 47" {
		t.Errorf("nodeinfo 2.1: %+v %v", ni, err)
	}
	mode = "host-meta"
	if a, err := c.InstanceActor(ctx(t), host); err != nil || a != srv.URL+"/actor" || lastResource != "acct:relay@"+host {
		t.Errorf("instance actor by relay@host: %q %v (resource %q)", a, err, lastResource)
	}
}

// The recorded Mobilizon WebFinger answer for acct:relay@… has the self
// link Mobilizon itself requires.
func TestWebFingerHistorical(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtureDir(t), "historical", "fetch_relay_follow.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cassette []struct {
		Response struct {
			Body string `json:"body"`
		} `json:"response"`
	}
	if err := json.Unmarshal(data, &cassette); err != nil {
		t.Fatal(err)
	}
	var wf WebFinger
	if err := json.Unmarshal([]byte(cassette[0].Response.Body), &wf); err != nil {
		t.Fatal(err)
	}
	if wf.Subject != "acct:relay@mobilizon1.com" || wf.ActorURL() != "http://mobilizon1.com/relay" {
		t.Errorf("%+v → %q", wf, wf.ActorURL())
	}
}

func TestDiscoveryContentTypes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`{"subject":"x","links":[{"rel":"self","type":"application/activity+json","href":"http://x/a"}]}`))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	c := open(Options{})
	if _, err := c.GetWebFinger(ctx(t), "a@"+host); err == nil {
		t.Error("WebFinger served as text/html accepted")
	}
	if _, err := c.GetNodeInfo(ctx(t), host); !errors.Is(err, ErrContentType) {
		t.Errorf("NodeInfo served as text/html: %v", err)
	}
	// Production clients never fall back to http, nor reach loopback.
	prod := New(Options{})
	if _, err := prod.GetWebFinger(ctx(t), "a@"+host); err == nil {
		t.Error("production client reached a loopback WebFinger")
	}
}
