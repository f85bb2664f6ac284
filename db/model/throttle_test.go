package model

import (
	"testing"
	"time"
)

func TestLoginThrottle(t *testing.T) {
	now := time.Date(2026, 4, 6, 8, 0, 0, 0, time.UTC)
	th := NewLoginThrottle(3, 4, time.Minute)
	th.Succeed(now, "alice", "198.51.100.1")
	// Per address: the third failure blocks the address for every name.
	for i := 0; i < 3; i++ {
		if w := th.Wait(now, "alice", "203.0.113.7"); w != 0 {
			t.Fatalf("attempt %d waits %s", i, w)
		}
		th.Fail(now, "alice", "203.0.113.7")
	}
	if w := th.Wait(now, "bob", "203.0.113.7"); w != time.Minute {
		t.Fatalf("blocked address waits %s, want 1m", w)
	}
	// An IPv6 /64 is one address.
	for i := 0; i < 3; i++ {
		th.Fail(now, "", "2001:db8:1:2::"+string(rune('1'+i)))
	}
	if th.Wait(now, "bob", "2001:db8:1:2::ff") == 0 {
		t.Fatal("the /64 is not blocked")
	}
	// Per user (alice has 3 failures already; one more guards her): new
	// addresses wait, her known address does not.
	th.Fail(now, "alice", "192.0.2.1")
	if th.Wait(now, "alice", "192.0.2.50") == 0 {
		t.Fatal("a guarded account lets a new address try")
	}
	if w := th.Wait(now, "alice", "198.51.100.1"); w != 0 {
		t.Fatalf("alice's usual address waits %s", w)
	}
	// After the window, everything starts afresh.
	later := now.Add(61 * time.Second)
	if w := th.Wait(later, "alice", "203.0.113.7"); w != 0 {
		t.Fatalf("after the window: %s", w)
	}
	// A request's RemoteAddr (host:port) counts as its host.
	for in, want := range map[string]string{"192.0.2.7:41234": "192.0.2.7", "[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64", "192.0.2.7": "192.0.2.7"} {
		if got := AddressKey(in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got := AddressKey("2001:db8:1:2:3:4:5:6"); got != "2001:db8:1:2::/64" {
		t.Fatalf("AddressKey = %q", got)
	}
}
