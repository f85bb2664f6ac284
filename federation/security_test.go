package federation

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// rawSigned builds a POST signed by hand, so that tests can produce the
// signatures a lax verifier would accept.
type rawSigned struct {
	url, keyID, alg string
	headers         []string // signed headers; nil leaves headers= out
	key             *rsa.PrivateKey
	hmacKey         []byte
	date            time.Time
	body            []byte
	sendBody        []byte // body actually sent (default body)
	digest          string // Digest header (default the body's)
	method, host    string
	signPath        string // path signed in (request-target), default the one sent to
	signMethod      string // method signed in (request-target), default the one sent
	dateHeader      string // Date sent verbatim ("-": none), default date formatted
}

func (r rawSigned) do(t *testing.T) int {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodPost
	}
	if r.date.IsZero() {
		r.date = time.Now()
	}
	send := r.body
	if r.sendBody != nil {
		send = r.sendBody
	}
	req, err := http.NewRequest(r.method, r.url, bytes.NewReader(send))
	if err != nil {
		t.Fatal(err)
	}
	if r.host != "" {
		req.Host = r.host
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	req.Header.Set("Content-Type", "application/activity+json")
	switch r.dateHeader {
	case "":
		req.Header.Set("Date", r.date.UTC().Format(http.TimeFormat))
	case "-":
	default:
		req.Header.Set("Date", r.dateHeader)
	}
	if r.digest == "" {
		r.digest = digestOf(r.body)
	}
	req.Header.Set("Digest", r.digest)
	list := r.headers
	if list == nil {
		list = []string{"date"}
	}
	var lines []string
	for _, h := range list {
		switch h {
		case "(request-target)":
			p := req.URL.Path
			if r.signPath != "" {
				p = r.signPath
			}
			m := r.method
			if r.signMethod != "" {
				m = r.signMethod
			}
			lines = append(lines, "(request-target): "+strings.ToLower(m)+" "+p)
		case "host":
			lines = append(lines, "host: "+host)
		default:
			lines = append(lines, h+": "+req.Header.Get(h))
		}
	}
	signing := []byte(strings.Join(lines, "\n"))
	var sig []byte
	if r.hmacKey != nil {
		m := hmac.New(sha256.New, r.hmacKey)
		m.Write(signing)
		sig = m.Sum(nil)
	} else {
		sum := sha256.Sum256(signing)
		if sig, err = rsa.SignPKCS1v15(rand.Reader, r.key, crypto.SHA256, sum[:]); err != nil {
			t.Fatal(err)
		}
	}
	alg := r.alg
	if alg == "" {
		alg = "rsa-sha256"
	}
	v := fmt.Sprintf(`keyId="%s",algorithm="%s",signature="%s"`, r.keyID, alg, base64.StdEncoding.EncodeToString(sig))
	if r.headers != nil {
		v += fmt.Sprintf(`,headers="%s"`, strings.Join(r.headers, " "))
	}
	req.Header.Set("Signature", v)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// infinite is an endless stream of one byte.
type infinite byte

func (b infinite) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

var strictHeaders = []string{"(request-target)", "host", "date", "digest"}

// sigCase is one signed POST and the status it must get.
type sigCase struct {
	name string
	r    rawSigned
	want int
}

// TestInboxSignatureStrict: the inbox refuses every signature a lax
// verifier would take (security.md F-01 … F-10), and queues nothing.
func TestInboxSignatureStrict(t *testing.T) {
	in := newInstance(t, nil)
	st := newStub(t)
	dbtest.Association(t, in.store, "club")
	actor := st.actor("/@grp", "Group")
	keyID := actor + "#main-key"
	inbox := in.fed.URIs().SharedInbox()
	body := mustJSON(t, createEvent(actor, st.URL()+"/events/1", "Réunion", time.Now().Add(time.Hour), nil))
	other := mustJSON(t, map[string]any{"type": "Delete", "id": st.URL() + "/events/1#delete", "actor": actor, "object": st.URL() + "/events/1"})
	key := st.key
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)

	cases := []sigCase{
		{"date only (no headers=)", rawSigned{url: inbox, keyID: keyID, key: key, body: body}, 401},
		{"digest not signed", rawSigned{url: inbox, keyID: keyID, key: key, body: body, headers: []string{"(request-target)", "host", "date"}}, 401},
		{"host not signed", rawSigned{url: inbox, keyID: keyID, key: key, body: body, headers: []string{"(request-target)", "date", "digest"}}, 401},
		{"body swapped under a signed digest", rawSigned{url: inbox, keyID: keyID, key: key, body: body, sendBody: other, headers: strictHeaders}, 401},
		{"date 13 h old", rawSigned{url: inbox, keyID: keyID, key: key, body: body, headers: strictHeaders, date: time.Now().Add(-13 * time.Hour)}, 401},
		{"date 2 days old", rawSigned{url: inbox, keyID: keyID, key: key, body: body, headers: strictHeaders, date: time.Now().Add(-48 * time.Hour)}, 401},
		{"date 13 h ahead", rawSigned{url: inbox, keyID: keyID, key: key, body: body, headers: strictHeaders, date: time.Now().Add(13 * time.Hour)}, 401},
		{"signed for another path", rawSigned{url: in.fed.URIs().ActorInbox("club"), keyID: keyID, key: key, body: body, headers: strictHeaders, signPath: "/inbox"}, 401},
		{"signed and sent for another host", rawSigned{url: inbox, keyID: keyID, key: key, body: body, headers: strictHeaders, host: "elsewhere.example"}, 401},
		{"signed as PUT, sent as POST", rawSigned{url: inbox, keyID: keyID, key: key, body: body, headers: strictHeaders, signMethod: "PUT"}, 401},
		{"hmac with the public key", rawSigned{url: inbox, keyID: keyID, hmacKey: []byte(pkcs1PublicPEM(key)), alg: "hmac-sha256", body: body, headers: strictHeaders}, 401},
		{"1024-bit key", rawSigned{url: inbox, keyID: st.actor("/@weak", "Person") + "#main-key", key: weak, body: body, headers: strictHeaders}, 401},
		{"signer is not the actor", rawSigned{url: inbox, keyID: st.actor("/@evil", "Person") + "#main-key", key: key, body: body, headers: strictHeaders}, 401},
	}
	// The 1024-bit actor publishes its weak key.
	st.doc("/@weak", func() map[string]any {
		d := st.actorDoc("/@weak", "Person")
		d["publicKey"].(map[string]any)["publicKeyPem"] = pkcs1PublicPEM(weak)
		return d
	}())
	// F-05: unparsable and missing Date.
	cases = append(cases,
		sigCase{"Date: wrong date", rawSigned{url: inbox, keyID: keyID, key: key, body: body, headers: strictHeaders, dateHeader: "wrong date"}, 401},
		sigCase{"Date missing but signed", rawSigned{url: inbox, keyID: keyID, key: key, body: body, headers: strictHeaders, dateHeader: "-"}, 401},
	)
	// F-09: an Ed25519 key claimed as rsa-sha256.
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	edDER, _ := x509.MarshalPKIXPublicKey(edPub)
	st.doc("/@ed", func() map[string]any {
		d := st.actorDoc("/@ed", "Person")
		d["publicKey"].(map[string]any)["publicKeyPem"] = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: edDER}))
		return d
	}())
	edActor := st.URL() + "/@ed"
	cases = append(cases, sigCase{"Ed25519 key as rsa-sha256", rawSigned{url: inbox, keyID: edActor + "#main-key", key: key, headers: strictHeaders,
		body: mustJSON(t, map[string]any{"type": "Like", "id": edActor + "/like/1", "actor": edActor, "object": "x"})}, 401})
	// F-08: a valid signature by evil for every kind of activity of grp.
	evil := newStub(t)
	evilActor := evil.actor("/@u", "Person")
	for _, typ := range []string{"Create", "Update", "Delete", "Follow", "Accept", "Undo", "Announce"} {
		b := mustJSON(t, map[string]any{"type": typ, "id": st.URL() + "/act/" + typ, "actor": actor, "object": st.URL() + "/events/1"})
		cases = append(cases, sigCase{typ + " of grp signed by evil", rawSigned{url: inbox, keyID: evilActor + "#main-key", key: evil.key, body: b, headers: strictHeaders}, 401})
	}
	// F-11: a relay forwards grp's Update carrying an LD signature.
	relay := evil.actor("/relay", "Application")
	ld := mustJSON(t, map[string]any{"type": "Update", "id": st.URL() + "/act/ld", "actor": actor, "object": st.URL() + "/events/1",
		"signature": map[string]any{"type": "RsaSignature2017", "creator": keyID, "signatureValue": "AAAA"}})
	cases = append(cases, sigCase{"relayed with an LD signature", rawSigned{url: inbox, keyID: relay + "#main-key", key: evil.key, body: ld, headers: strictHeaders}, 401})
	// F-08 variant: evil signs as itself an activity whose id is on grp's host.
	stolen := mustJSON(t, map[string]any{"type": "Like", "id": st.URL() + "/act/9", "actor": evilActor, "object": "x"})
	cases = append(cases, sigCase{"id on another origin than the actor", rawSigned{url: inbox, keyID: evilActor + "#main-key", key: evil.key, body: stolen, headers: strictHeaders}, 401})
	for _, c := range cases {
		if got := c.r.do(t); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
	// The genuine st.URL()/act/9 is still taken after the stolen one.
	genuine := rawSigned{url: inbox, keyID: keyID, key: key, headers: strictHeaders,
		body: mustJSON(t, map[string]any{"type": "Like", "id": st.URL() + "/act/9", "actor": actor, "object": "x"})}
	if got := genuine.do(t); got != http.StatusAccepted {
		t.Errorf("the genuine activity after a stolen id: %d, want 202", got)
	}
	eventually(t, 20*time.Second, "the genuine activity to be processed", func() bool {
		n, _ := in.store.InboxQueueLen(context.Background())
		return n == 0
	})
	// Unsigned: 401 and no fetch at all.
	gets := st.getCount("/@grp")
	resp, err := http.Post(inbox, "application/activity+json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || st.getCount("/@grp") != gets {
		t.Errorf("unsigned POST: %d, %d fetches", resp.StatusCode, st.getCount("/@grp")-gets)
	}
	if n, _ := in.store.InboxQueueLen(context.Background()); n != 0 {
		t.Fatalf("%d refused activities were queued", n)
	}
	// The same request, strictly signed, is taken; its replay is not.
	good := rawSigned{url: inbox, keyID: keyID, key: key, body: body, headers: strictHeaders}
	if got := good.do(t); got != http.StatusAccepted {
		t.Fatalf("a good signature: %d", got)
	}
	if got := good.do(t); got != http.StatusConflict {
		t.Fatalf("a replay: %d, want 409", got)
	}
	// hs2019 naming an RSA-SHA256 signature is Mobilizon-compatible.
	hs := rawSigned{url: inbox, keyID: keyID, key: key, alg: "hs2019", headers: strictHeaders,
		body: mustJSON(t, map[string]any{"type": "Like", "id": st.URL() + "/like/1", "actor": actor, "object": "x"})}
	if got := hs.do(t); got != http.StatusAccepted {
		t.Fatalf("hs2019: %d", got)
	}
}

// TestInboxLimits: oversized and too deep bodies are refused before any
// signature work.
func TestInboxLimits(t *testing.T) {
	in := newInstance(t, func(c *Config) { c.MaxInboxBody = 64 << 10 })
	big := bytes.Repeat([]byte(" "), 100<<10)
	resp, err := http.Post(in.fed.URIs().SharedInbox(), "application/activity+json", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", resp.StatusCode)
	}
	// Chunked, no Content-Length: 20 MB offered, refused at the cap.
	chunked := io.LimitReader(infinite('a'), 20<<20)
	req, _ := http.NewRequest(http.MethodPost, in.fed.URIs().SharedInbox(), struct{ io.Reader }{chunked})
	req.Header.Set("Content-Type", "application/activity+json")
	if resp, err = http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized chunked body: %d", resp.StatusCode)
		}
	} // an error means the server closed the connection before the client finished: also refused
	deep := strings.Repeat(`{"object":`, 40) + `"x"` + strings.Repeat("}", 40)
	resp, err = http.Post(in.fed.URIs().SharedInbox(), "application/activity+json", strings.NewReader(deep))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("deep JSON: %d", resp.StatusCode)
	}
}

// TestInboxFlood: past MaxInboxQueue waiting activities the inbox answers
// 503 with Retry-After, and takes activities again once the queue drains.
func TestInboxFlood(t *testing.T) {
	in := newInstance(t, func(c *Config) { c.MaxInboxQueue = 3 })
	in.stop() // no worker: the queue only grows
	<-in.done
	st := newStub(t)
	actor := st.actor("/@grp", "Group")
	codes := []int{}
	for i := 0; i < 6; i++ {
		body := mustJSON(t, map[string]any{"type": "Like", "id": fmt.Sprintf("%s/like/%d", st.URL(), i), "actor": actor, "object": "x"})
		codes = append(codes, signedPost(t, in.fed.URIs().SharedInbox(), actor+"#main-key", st.key, body).StatusCode)
	}
	if codes[0] != 202 || codes[len(codes)-1] != http.StatusServiceUnavailable {
		t.Fatalf("statuses %v: want 202 first and 503 once the queue is full", codes)
	}
	n, _ := in.store.InboxQueueLen(context.Background())
	if n != 3 {
		t.Fatalf("%d activities queued, want exactly the bound of 3", n)
	}
}

// TestKeyRotation: a rotated key is refetched once; garbage signatures do
// not make us refetch more than once per gap.
func TestKeyRotation(t *testing.T) {
	in := newInstance(t, nil)
	st := newStub(t)
	actor := st.actor("/@grp", "Group")
	like := func(n int) []byte {
		return mustJSON(t, map[string]any{"type": "Like", "id": fmt.Sprintf("%s/like/%d", st.URL(), n), "actor": actor, "object": "x"})
	}
	if resp := signedPost(t, in.fed.URIs().SharedInbox(), actor+"#main-key", st.key, like(1)); resp.StatusCode != 202 {
		t.Fatalf("first: %d", resp.StatusCode)
	}
	newKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	st.setKey(newKey)
	before := st.getCount("/@grp")
	if resp := signedPost(t, in.fed.URIs().SharedInbox(), actor+"#main-key", newKey, like(2)); resp.StatusCode != 202 {
		t.Fatalf("after rotation: %d", resp.StatusCode)
	}
	if n := st.getCount("/@grp") - before; n != 1 {
		t.Fatalf("%d refetches after a rotation, want 1", n)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	before = st.getCount("/@grp")
	for i := 0; i < 20; i++ {
		if resp := signedPost(t, in.fed.URIs().SharedInbox(), actor+"#main-key", other, like(10+i)); resp.StatusCode != 401 {
			t.Fatalf("bad key: %d", resp.StatusCode)
		}
	}
	if n := st.getCount("/@grp") - before; n > 1 {
		t.Fatalf("%d refetches for 20 bad signatures, want at most 1", n)
	}
}

// TestOrigins: spoofed updates and deletes, objects claiming to be ours,
// and forged Accepts change nothing (F-12, F-15 … F-18).
func TestOrigins(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, nil)
	good, evil := newStub(t), newStub(t)
	dbtest.Association(t, in.store, "club")
	grp := good.actor("/@grp", "Group")
	good.actor("/@someone", "Person")
	evilActor := evil.actor("/@u", "Person")
	fl, _, err := in.fed.Follow(ctx, grp, true)
	if err != nil {
		t.Fatal(err)
	}
	evID := good.URL() + "/events/1"
	orig := createEvent(grp, evID, "Bal du 14 juillet", time.Now().Add(48*time.Hour), nil)
	obj := orig["object"].(map[string]any)
	servedObj := map[string]any{}
	for k, v := range obj {
		servedObj[k] = v
	}
	servedObj["@context"] = mobilizon.Context()
	good.doc("/events/1", servedObj)
	deliver := func(key *rsa.PrivateKey, actor string, act map[string]any) {
		t.Helper()
		if resp := signedPost(t, in.fed.URIs().SharedInbox(), actor+"#main-key", key, mustJSON(t, act)); resp.StatusCode != 202 {
			t.Fatalf("inbox: %d", resp.StatusCode)
		}
		eventually(t, 20*time.Second, "the queue to drain", func() bool {
			n, _ := in.store.InboxQueueLen(ctx)
			return n == 0
		})
	}
	deliver(good.key, grp, orig)
	stored, err := in.store.GetEventByAPID(ctx, evID)
	if err != nil {
		t.Fatal(err)
	}

	// F-15: evil.test updates good.test's event: the object is refetched
	// from its origin, so the stored copy stays the original.
	spoof := map[string]any{"type": "Update", "id": evil.URL() + "/u/1", "actor": evilActor,
		"object": map[string]any{"type": "Event", "id": evID, "name": "ANNULÉ", "startTime": time.Now().Format(time.RFC3339),
			"attributedTo": evilActor, "to": []any{mobilizon.Public}}}
	deliver(evil.key, evilActor, spoof)
	// F-16: evil.test deletes it.
	deliver(evil.key, evilActor, map[string]any{"type": "Delete", "id": evil.URL() + "/d/1", "actor": evilActor, "object": evID})
	after, err := in.store.GetEventByAPID(ctx, evID)
	if err != nil || after.Summary != stored.Summary || after.ETag != stored.ETag {
		t.Fatalf("spoofed update/delete changed the event: %+v, %v", after, err)
	}
	// F-17: a remote event attributed to our Group is refused.
	local := createEvent(evilActor, evil.URL()+"/events/9", "Faux", time.Now().Add(time.Hour), nil)
	local["object"].(map[string]any)["attributedTo"] = in.fed.URIs().ActorID("club")
	deliver(evil.key, evilActor, local)
	if _, err := in.store.GetEventByAPID(ctx, evil.URL()+"/events/9"); err == nil {
		t.Fatal("an event claiming our Group was stored")
	}
	// F-18: someone else on the same origin accepts our Follow of grp.
	deliver(good.key, good.URL()+"/@someone", map[string]any{"type": "Accept", "id": good.URL() + "/a/1",
		"actor": good.URL() + "/@someone", "object": fl.FollowID})
	if got, _ := in.store.GetFollow(ctx, grp); got.State != db.FollowPending {
		t.Fatalf("a forged Accept made the follow %s", got.State)
	}
	// F-12: an announced object whose document claims another id.
	good.doc("/events/2", map[string]any{"type": "Event", "id": evil.URL() + "/events/2", "name": "Détourné",
		"startTime": time.Now().Add(time.Hour).Format(time.RFC3339), "attributedTo": grp, "to": []any{mobilizon.Public}})
	deliver(good.key, grp, map[string]any{"type": "Announce", "id": good.URL() + "/an/1", "actor": grp, "object": good.URL() + "/events/2"})
	for _, id := range []string{good.URL() + "/events/2", evil.URL() + "/events/2"} {
		if _, err := in.store.GetEventByAPID(ctx, id); err == nil {
			t.Fatalf("an object with a self-reported id was stored as %s", id)
		}
	}
	// The genuine Delete from the origin works.
	deliver(good.key, grp, map[string]any{"type": "Delete", "id": good.URL() + "/d/1", "actor": grp,
		"object": map[string]any{"type": "Tombstone", "id": evID}})
	if _, err := in.store.GetEventByAPID(ctx, evID); err == nil {
		t.Fatal("the origin's Delete did not remove the event")
	}
}

// TestNoPrivateFetches: in production mode (no private addresses), a
// signature whose key lives on a loopback address is refused without any
// connection to it (F-21), and no delivery goes there either (F-23).
func TestNoPrivateFetches(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, func(c *Config) { c.AllowPrivateAddresses = false })
	st := newStub(t)
	actor := st.actor("/@grp", "Group")
	body := mustJSON(t, createEvent(actor, st.URL()+"/events/1", "Réunion", time.Now().Add(time.Hour), nil))
	if resp := signedPost(t, in.fed.URIs().SharedInbox(), actor+"#main-key", st.key, body); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("key on a loopback address: %d", resp.StatusCode)
	}
	if n := st.getCount("/@grp"); n != 0 {
		t.Fatalf("%d connections to a loopback address", n)
	}
	if err := in.store.QueueActivity(ctx, in.fed.URIs().Base()+"/test/3", 0, []byte(`{}`), []string{st.URL() + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	wake(in.fed.wakeDeliver)
	eventually(t, 20*time.Second, "the delivery to a loopback inbox to fail", func() bool {
		ds, _ := in.store.DueDeliveries(ctx, time.Now().Add(48*time.Hour), 10, nil, nil)
		c, _ := in.store.DeliveryCounts(ctx)
		return (len(ds) == 1 && ds[0].Attempts > 0) || c[db.DeliveryDead] == 1
	})
	if got := len(st.received()); got != 0 {
		t.Fatalf("%d POSTs reached a loopback inbox", got)
	}
	if _, _, err := in.fed.Follow(ctx, st.URL()+"/@grp", false); err == nil {
		t.Fatal("following an actor on a loopback address succeeded")
	}
}
