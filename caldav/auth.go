package caldav

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// Throttle bounds failed logins. Failures are counted in fixed windows, per
// client address (IPv6 addresses by /64) and per username (known or not,
// so that both answer alike):
//
//   - an address with PerAddress failures in Window gets 429 until the
//     window ends, for every username;
//   - a username with PerUser failures in Window is guarded until the window
//     ends: attempts from addresses that never logged in as that user get 429,
//     while the addresses the real user logged in from keep working. So an
//     attacker can neither guess on nor lock out the real user for long.
//
// Successful logins with the account password are cached
// (Options.AuthCacheTTL) and skip all this; app passwords are cheap to
// check and never cached.
type Throttle struct {
	PerAddress int           // default 20
	PerUser    int           // default 10
	Window     time.Duration // default 10 minutes
}

func (t Throttle) withDefaults() Throttle {
	if t.PerAddress <= 0 {
		t.PerAddress = 20
	}
	if t.PerUser <= 0 {
		t.PerUser = 10
	}
	if t.Window <= 0 {
		t.Window = 10 * time.Minute
	}
	return t
}

type window struct {
	start time.Time
	count int
}

type cachedLogin struct {
	user    model.User
	expires time.Time
}

// maxTracked bounds each map of the authenticator; past it, expired
// entries are swept and, if that is not enough, the map starts afresh.
const maxTracked = 100000

type authenticator struct {
	store  *db.Store
	opts   Options
	secret [32]byte

	mu       sync.Mutex
	cache    map[[32]byte]cachedLogin
	addrFail map[string]*window
	userFail map[string]*window
	// known holds, per username, the addresses it logged in from.
	known map[string]map[string]time.Time
}

func newAuthenticator(store *db.Store, opts Options) *authenticator {
	a := &authenticator{store: store, opts: opts,
		cache:    map[[32]byte]cachedLogin{},
		addrFail: map[string]*window{},
		userFail: map[string]*window{},
		known:    map[string]map[string]time.Time{},
	}
	if _, err := rand.Read(a.secret[:]); err != nil {
		panic(err)
	}
	return a
}

// remoteIP is the client's address, IPv6 reduced to its /64. It reads
// r.RemoteAddr only: behind a reverse proxy, the server's root handler has
// put the client's address there (cmd/bastide's clientAddress), and
// forwarding headers are never read here.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return addressKey(host)
}

func addressKey(host string) string {
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip4 := ip.To4(); ip4 != nil {
		return ip4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
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
	if len(user) > model.MaxUsernameLen {
		user = user[:model.MaxUsernameLen+1] // longer names never exist; bound the maps
	}
	now := a.opts.Now()
	addr := remoteIP(r)
	k := a.key(user, pass)
	a.mu.Lock()
	// The throttle comes before the cache, so that the cache cannot be
	// used to test guesses cheaply from a blocked address.
	if wait := a.blocked(now, user, addr); wait > 0 {
		a.fail(now, "", addr)
		a.mu.Unlock()
		tooMany(w, wait)
		return nil, false
	}
	if c, ok := a.cache[k]; ok && now.Before(c.expires) {
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
		a.mu.Lock()
		a.fail(now, user, addr)
		a.mu.Unlock()
		challenge(w)
		return nil, false
	}
	a.mu.Lock()
	a.remember(now, user, addr)
	if app {
		// App passwords cost one lookup: never cached, so that revoking
		// one takes effect at once.
		a.mu.Unlock()
		return u, true
	}
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
	a.cache[k] = cachedLogin{user: *u, expires: now.Add(a.opts.AuthCacheTTL)}
	a.mu.Unlock()
	return u, true
}

// remember records that user logged in from addr. a.mu is held.
func (a *authenticator) remember(now time.Time, user, addr string) {
	ks := a.known[user]
	if ks == nil {
		if len(a.known) >= maxTracked {
			a.known = map[string]map[string]time.Time{}
		}
		ks = map[string]time.Time{}
		a.known[user] = ks
	}
	if len(ks) < 64 {
		ks[addr] = now
	}
}

// blocked returns how long the attempt must wait (0: go on). a.mu is held.
func (a *authenticator) blocked(now time.Time, user, addr string) time.Duration {
	t := a.opts.Throttle
	if w := a.addrFail[addr]; w != nil && now.Sub(w.start) < t.Window && w.count >= t.PerAddress {
		return t.Window - now.Sub(w.start)
	}
	if w := a.userFail[user]; w != nil && now.Sub(w.start) < t.Window && w.count >= t.PerUser {
		if _, ok := a.known[user][addr]; !ok {
			return t.Window - now.Sub(w.start)
		}
	}
	return 0
}

// fail counts a failed attempt. a.mu is held.
func (a *authenticator) fail(now time.Time, user, addr string) {
	bump := func(m map[string]*window, k string) map[string]*window {
		if len(m) >= maxTracked {
			for kk, w := range m {
				if now.Sub(w.start) >= a.opts.Throttle.Window {
					delete(m, kk)
				}
			}
			if len(m) >= maxTracked {
				m = map[string]*window{}
			}
		}
		w := m[k]
		if w == nil || now.Sub(w.start) >= a.opts.Throttle.Window {
			w = &window{start: now}
			m[k] = w
		}
		w.count++
		return m
	}
	a.addrFail = bump(a.addrFail, addr)
	if user != "" {
		a.userFail = bump(a.userFail, user)
	}
}
