package federation

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/dbtest"
)

// TestKeyOnAnotherHostIsNotTrusted: an actor document listing a key id of
// another host does not make that key its own. Neither can its author then
// sign under that key id, nor is the genuine owner of the key id refused
// afterwards.
func TestKeyOnAnotherHostIsNotTrusted(t *testing.T) {
	in := newInstance(t, nil)
	dbtest.Association(t, in.store, "club")
	good := newStub(t)
	evil := newStub(t)
	alice := good.actor("/@alice", "Person")
	aliceKey := alice + "#main-key"
	evilID := evil.URL() + "/@evil"
	doc := evil.actorDoc("/@evil", "Person")
	doc["publicKey"] = map[string]any{"id": aliceKey, "owner": evilID, "publicKeyPem": pkcs1PublicPEM(evil.key)}
	evil.doc("/@evil", doc)
	inbox := in.fed.URIs().SharedInbox()
	like := func(actor, n string) []byte {
		return mustJSON(t, map[string]any{"type": "Like", "id": actor + "/likes/" + n, "actor": actor, "object": in.fed.URIs().ActorID("club")})
	}

	// The evil actor signs as its own key id: its document lists no key
	// of its own, so nothing verifies (and its claim is not stored).
	resp := signedPost(t, inbox, evilID+"#main-key", evil.key, like(evilID, "1"))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("evil actor with a foreign key id: status %d, want 401", resp.StatusCode)
	}
	// It then signs under alice's key id with its own key.
	resp = signedPost(t, inbox, aliceKey, evil.key, like(evilID, "2"))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("evil actor signing as alice's key id: status %d, want 401", resp.StatusCode)
	}
	// Alice's own activity still goes through.
	resp = signedPost(t, inbox, aliceKey, good.key, like(alice, "1"))
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("alice after the attack: status %d, want 202", resp.StatusCode)
	}
	if ra, err := in.store.GetRemoteActor(t.Context(), evilID); err == nil && ra.KeyID != "" {
		t.Errorf("the evil actor is stored with key id %q", ra.KeyID)
	}
}

// TestInboxErrorsRevealNothingInternal: when the signing key cannot be
// fetched, the inbox answers a fixed message naming the key id, and
// nothing of the failure (the address dialled, the dial error).
func TestInboxErrorsRevealNothingInternal(t *testing.T) {
	in := newInstance(t, nil)
	dbtest.Association(t, in.store, "club")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + ln.Addr().String()
	ln.Close()
	actor := gone + "/@ghost"
	body := mustJSON(t, map[string]any{"type": "Like", "id": actor + "/likes/1", "actor": actor, "object": in.fed.URIs().ActorID("club")})
	req, err := http.NewRequest(http.MethodPost, in.fed.URIs().SharedInbox(), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := signRequest(req, rsaKey(t), actor+"#main-key", body, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", resp.StatusCode)
	}
	if !strings.Contains(string(answer), "could not be fetched") {
		t.Errorf("answer %s does not say the key could not be fetched", answer)
	}
	// The key id itself (the sender's own input) may be echoed; its
	// address must not appear anywhere else, nor the dial error.
	rest := strings.ReplaceAll(string(answer), actor+"#main-key", "")
	for _, leak := range []string{ln.Addr().String(), "dial", "refused", "connect"} {
		if strings.Contains(rest, leak) {
			t.Errorf("answer %s reveals %q", answer, leak)
		}
	}
}
