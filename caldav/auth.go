package caldav

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

type cachedLogin struct {
	user    model.User
	expires time.Time
	// epoch is the store's credentials epoch when the login was checked:
	// a password change or a disabled account moves it and voids every
	// cached login at once.
	epoch int64
}

// maxTracked bounds the login cache; past it, expired entries are swept
// and, if that is not enough, the cache starts afresh.
const maxTracked = 100000

type authenticator struct {
	store  *db.Store
	opts   Options
	secret [32]byte

	mu    sync.Mutex
	cache map[[32]byte]cachedLogin
}

func newAuthenticator(store *db.Store, opts Options) *authenticator {
	a := &authenticator{store: store, opts: opts, cache: map[[32]byte]cachedLogin{}}
	if _, err := rand.Read(a.secret[:]); err != nil {
		panic(err)
	}
	return a
}

func challenge(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="Bastide", charset="UTF-8"`)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	w.Write([]byte("Unauthorized: sign in with your Bastide username and password (or an app password)\n"))
}

func tooMany(w http.ResponseWriter, retry time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())+1))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write([]byte("Too many failed sign-ins: wait a few minutes and try again\n"))
}

func (a *authenticator) key(user, pass string) [32]byte {
	m := hmac.New(sha256.New, a.secret[:])
	m.Write([]byte(user))
	m.Write([]byte{0})
	m.Write([]byte(pass))
	var k [32]byte
	copy(k[:], m.Sum(nil))
	return k
}

// authenticate answers 401 or 429 itself and returns false when the
// request may not go on.
func (a *authenticator) authenticate(w http.ResponseWriter, r *http.Request) (*model.User, bool) {
	user, pass, ok := r.BasicAuth()
	if !ok || user == "" {
		challenge(w)
		return nil, false
	}
	now := a.opts.Now()
	addr := r.RemoteAddr // the client's, set by cmd's root handler behind a trusted proxy
	k := a.key(user, pass)
	// The throttle comes before the cache, so that the cache cannot be
	// used to test guesses cheaply from a blocked address.
	if wait := a.opts.Throttle.Wait(now, user, addr); wait > 0 {
		tooMany(w, wait)
		return nil, false
	}
	// A failed read of the epoch (-1) matches no entry: the login is
	// checked in full. It is read before the check, so that a change
	// during the check voids the new entry.
	epoch, err := a.store.CredentialsEpoch(r.Context())
	if err != nil {
		epoch = -1
	}
	a.mu.Lock()
	if c, ok := a.cache[k]; ok && now.Before(c.expires) && c.epoch == epoch && epoch >= 0 {
		a.mu.Unlock()
		u := c.user
		return &u, true
	}
	a.mu.Unlock()

	u, app, err := a.store.CheckPassword(r.Context(), user, pass)
	if err != nil {
		if !errors.Is(err, db.ErrBadCredentials) {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return nil, false
		}
		a.opts.Throttle.Fail(now, user, addr)
		challenge(w)
		return nil, false
	}
	a.opts.Throttle.Succeed(now, user, addr)
	if app {
		// App passwords cost one lookup: never cached, so that revoking
		// one takes effect at once.
		return u, true
	}
	a.mu.Lock()
	if len(a.cache) >= maxTracked {
		for kk, c := range a.cache {
			if !now.Before(c.expires) {
				delete(a.cache, kk)
			}
		}
		if len(a.cache) >= maxTracked {
			a.cache = map[[32]byte]cachedLogin{}
		}
	}
	a.cache[k] = cachedLogin{user: *u, expires: now.Add(a.opts.AuthCacheTTL), epoch: epoch}
	a.mu.Unlock()
	return u, true
}
