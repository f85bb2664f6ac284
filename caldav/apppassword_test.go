package caldav

import (
	"context"
	"testing"

	"github.com/bastide47/bastide/db"
)

// TestAppPasswordRevokedAtOnce: app passwords are checked by one lookup,
// not cached, so revoking one cuts the device off at once.
func TestAppPasswordRevokedAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.store.AddAppPassword(ctx, appPassword(e.users["bob"].ID, "phone", db.HashAppPassword("abcdef-ghijkm-npqrst-uvwxyz"))); err != nil {
		t.Fatal(err)
	}
	e.doFrom("192.0.2.1:1", "bob", "abcdef-ghijkm-npqrst-uvwxyz", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 207, "app password")
	e.doFrom("192.0.2.1:1", "alice", "abcdef-ghijkm-npqrst-uvwxyz", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 401, "bob's app password as alice")
	if err := e.store.RevokeAppPassword(ctx, e.users["bob"].ID, "phone"); err != nil {
		t.Fatal(err)
	}
	e.doFrom("192.0.2.1:1", "bob", "abcdef-ghijkm-npqrst-uvwxyz", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 401, "revoked, same minute")
	// The account password is still cached, as before.
	e.doFrom("192.0.2.1:1", "bob", passwords["bob"], "PROPFIND", "/dav/", "", "Depth", "0").must(t, 207, "account password")
}
