package model

import (
	"net/netip"
	"sync"
	"time"
)

// LoginThrottle bounds failed sign-ins, whatever the door: CalDAV's Basic
// authentication and the back office's sign-in form share one, so that a
// wrong password on either counts for both. Failures are counted in fixed
// windows, per client address (IPv6 addresses by /64) and per username
// (known or not, so that both answer alike):
//
//   - an address with PerAddress failures in Window waits until the window
//     ends, for every username;
//   - a username with PerUser failures in Window is guarded until the window
//     ends: attempts from addresses that never signed in as that user wait,
//     while the addresses the real user signed in from keep working. So an
//     attacker can neither guess on nor lock out the real user for long.
//
// It is safe for concurrent use; its maps are bounded.
type LoginThrottle struct {
	PerAddress int
	PerUser    int
	Window     time.Duration

	mu       sync.Mutex
	addrFail map[string]*failWindow
	userFail map[string]*failWindow
	// known holds, per username, the addresses it signed in from.
	known map[string]map[string]time.Time
}

type failWindow struct {
	start time.Time
	count int
}

// maxTracked bounds each map of a LoginThrottle; past it, expired entries
// are swept and, if that is not enough, the map starts afresh.
const maxTracked = 100000

// NewLoginThrottle returns a throttle; zero or negative values take the
// defaults (20 per address, 10 per user, 10 minutes).
func NewLoginThrottle(perAddress, perUser int, window time.Duration) *LoginThrottle {
	if perAddress <= 0 {
		perAddress = 20
	}
	if perUser <= 0 {
		perUser = 10
	}
	if window <= 0 {
		window = 10 * time.Minute
	}
	return &LoginThrottle{PerAddress: perAddress, PerUser: perUser, Window: window,
		addrFail: map[string]*failWindow{}, userFail: map[string]*failWindow{},
		known: map[string]map[string]time.Time{}}
}

// AddressKey reduces a client address (an http.Request's RemoteAddr,
// host:port, or a bare host) to what the throttle counts: an IPv4 address
// as is, an IPv6 address to its /64.
func AddressKey(addr string) string {
	var ip netip.Addr
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		ip = ap.Addr()
	} else if ip, err = netip.ParseAddr(addr); err != nil {
		return addr
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

func boundName(user string) string {
	if len(user) > MaxUsernameLen {
		return user[:MaxUsernameLen+1] // longer names never exist; bound the maps
	}
	return user
}

// Wait returns how long an attempt by user from addr must wait (0: go
// on). A refused attempt counts as a failure of the address.
func (t *LoginThrottle) Wait(now time.Time, user, addr string) time.Duration {
	user, addr = boundName(user), AddressKey(addr)
	t.mu.Lock()
	defer t.mu.Unlock()
	wait := time.Duration(0)
	if w := t.addrFail[addr]; w != nil && now.Sub(w.start) < t.Window && w.count >= t.PerAddress {
		wait = t.Window - now.Sub(w.start)
	} else if w := t.userFail[user]; w != nil && now.Sub(w.start) < t.Window && w.count >= t.PerUser {
		if _, ok := t.known[user][addr]; !ok {
			wait = t.Window - now.Sub(w.start)
		}
	}
	if wait > 0 {
		t.addrFail = t.bump(now, t.addrFail, addr)
	}
	return wait
}

// Fail counts a wrong password for user from addr.
func (t *LoginThrottle) Fail(now time.Time, user, addr string) {
	user, addr = boundName(user), AddressKey(addr)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.addrFail = t.bump(now, t.addrFail, addr)
	if user != "" {
		t.userFail = t.bump(now, t.userFail, user)
	}
}

// Succeed records that user signed in from addr, which keeps that address
// working while the account is guarded.
func (t *LoginThrottle) Succeed(now time.Time, user, addr string) {
	user, addr = boundName(user), AddressKey(addr)
	t.mu.Lock()
	defer t.mu.Unlock()
	ks := t.known[user]
	if ks == nil {
		if len(t.known) >= maxTracked {
			t.known = map[string]map[string]time.Time{}
		}
		ks = map[string]time.Time{}
		t.known[user] = ks
	}
	if len(ks) < 64 {
		ks[addr] = now
	}
}

// bump counts one failure for k. t.mu is held.
func (t *LoginThrottle) bump(now time.Time, m map[string]*failWindow, k string) map[string]*failWindow {
	if len(m) >= maxTracked {
		for kk, w := range m {
			if now.Sub(w.start) >= t.Window {
				delete(m, kk)
			}
		}
		if len(m) >= maxTracked {
			m = map[string]*failWindow{}
		}
	}
	w := m[k]
	if w == nil || now.Sub(w.start) >= t.Window {
		w = &failWindow{start: now}
		m[k] = w
	}
	w.count++
	return m
}
