package db_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// TestFailedLoginWorkIsConstant: a wrong password used to cost one bcrypt
// per app password of the user, which told users apart and let one
// request cost seconds of CPU. Now it costs one, whoever the user.
func TestFailedLoginWorkIsConstant(t *testing.T) {
	s := dbtest.New(t)
	ctx := context.Background()
	h, err := bcrypt.GenerateFromPassword([]byte("human-password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, n := range []int{0, 1, 30} {
		u := &model.User{Username: "u" + strconv.Itoa(i), DisplayName: "U", Email: "u" + strconv.Itoa(i) + "@example.org", PasswordHash: string(h)}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
		for j := 0; j < n; j++ {
			if err := s.AddAppPassword(ctx, &model.AppPassword{UserID: u.ID, Name: "device" + strconv.Itoa(j), Hash: db.HashAppPassword("secret-" + strconv.Itoa(i) + "-" + strconv.Itoa(j))}); err != nil {
				t.Fatal(err)
			}
		}
	}
	count := db.CountBcrypt(t)
	for _, user := range []string{"u0", "u1", "u2", "nobody"} {
		count.Store(0)
		if _, err := s.CheckUserPassword(ctx, user, "wrong-password"); !errors.Is(err, db.ErrBadCredentials) {
			t.Fatalf("%s: %v", user, err)
		}
		if n := count.Load(); n != 1 {
			t.Errorf("%s: a wrong password cost %d bcrypt comparisons, want 1", user, n)
		}
	}
	// The right app password costs no bcrypt at all, and only for its user.
	count.Store(0)
	u, app, err := s.CheckPassword(ctx, "u2", "secret-2-17")
	if err != nil || !app || u.Username != "u2" || count.Load() != 0 {
		t.Errorf("app password: %v %v %v, %d bcrypt", u, app, err, count.Load())
	}
	if _, err := s.CheckUserPassword(ctx, "u1", "secret-2-17"); !errors.Is(err, db.ErrBadCredentials) {
		t.Errorf("another user's app password: %v", err)
	}
	aps, _ := s.ListAppPasswords(ctx, ids[2])
	for _, ap := range aps {
		if ap.Name == "device17" && ap.LastUsedAt.IsZero() {
			t.Error("last use not recorded")
		}
	}
	// The account password still works, through bcrypt.
	if u, app, err := s.CheckPassword(ctx, "u2", "human-password"); err != nil || app || u.Username != "u2" {
		t.Errorf("account password: %v %v %v", u, app, err)
	}
	// Revocation takes effect at once.
	if err := s.RevokeAppPassword(ctx, ids[2], "device17"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckUserPassword(ctx, "u2", "secret-2-17"); !errors.Is(err, db.ErrBadCredentials) {
		t.Errorf("revoked app password: %v", err)
	}
}

// TestLegacyAppPasswords: app passwords stored as bcrypt before migration
// 0004 keep working, and are stored the new way on first use.
func TestLegacyAppPasswords(t *testing.T) {
	s := dbtest.New(t)
	ctx := context.Background()
	u := &model.User{Username: "old", DisplayName: "Old", Email: "old@example.org"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		h, err := bcrypt.GenerateFromPassword([]byte("legacy-"+n), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddAppPassword(ctx, &model.AppPassword{UserID: u.ID, Name: n, Hash: string(h)}); err != nil {
			t.Fatal(err)
		}
	}
	count := db.CountBcrypt(t)
	if _, err := s.CheckUserPassword(ctx, "old", "wrong-password"); !errors.Is(err, db.ErrBadCredentials) || count.Load() != 3 {
		t.Errorf("wrong password with two legacy app passwords: %v, %d bcrypt (want 1 + 2)", err, count.Load())
	}
	if u, app, err := s.CheckPassword(ctx, "old", "legacy-b"); err != nil || !app || u.Username != "old" {
		t.Fatalf("legacy app password: %v %v %v", u, app, err)
	}
	aps, _ := s.ListAppPasswords(ctx, u.ID)
	if len(aps) != 2 || strings.HasPrefix(aps[0].Hash, "sha256:") || !strings.HasPrefix(aps[1].Hash, "sha256:") || aps[1].LastUsedAt.IsZero() {
		t.Errorf("after use: %+v %+v", aps[0], aps[1])
	}
	count.Store(0)
	if _, app, err := s.CheckPassword(ctx, "old", "legacy-b"); err != nil || !app || count.Load() != 0 {
		t.Errorf("rehashed app password: %v %v, %d bcrypt", app, err, count.Load())
	}
	count.Store(0)
	if _, err := s.CheckUserPassword(ctx, "old", "wrong-password"); !errors.Is(err, db.ErrBadCredentials) || count.Load() != 2 {
		t.Errorf("wrong password with one legacy app password left: %v, %d bcrypt", err, count.Load())
	}
}
