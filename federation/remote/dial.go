package remote

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// blocked lists every range a server-side request must never reach.
var blocked = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network", 0.0.0.0
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // CGNAT
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local, cloud metadata
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // TEST-NET-1
		"192.88.99.0/24",  // 6to4 relay anycast
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // TEST-NET-2
		"203.0.113.0/24",  // TEST-NET-3
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, broadcast
		"::/128",          // unspecified
		"::1/128",         // loopback
		"::/96",           // IPv4-compatible (deprecated)
		"::ffff:0:0/96",   // IPv4-mapped (checked unmapped too)
		"64:ff9b::/96",    // NAT64 well-known prefix
		"64:ff9b:1::/48",  // NAT64 local-use
		"100::/64",        // discard-only
		"2001::/32",       // Teredo
		"2001:db8::/32",   // documentation
		"2002::/16",       // 6to4
		"fc00::/7",        // unique local
		"fe80::/10",       // link-local
		"fec0::/10",       // site-local (deprecated)
		"ff00::/8",        // multicast
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// AllowedAddr reports whether a connection to ip may be made when private
// addresses are not allowed: public IPv4 outside every special-purpose
// range, and IPv6 only inside 2000::/3 (global unicast). Addresses that
// embed IPv4 (IPv4-mapped and -compatible, NAT64 64:ff9b::/96, 6to4
// 2002::/16, Teredo 2001::/32) are refused whole, whatever they embed: a
// real server does not need them and they are the classic ways around an
// IPv4 block list.
func AllowedAddr(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	if ip.Is4In6() {
		if !AllowedAddr(ip.Unmap()) {
			return false
		}
	}
	ip = ip.WithZone("")
	for _, p := range blocked {
		if p.Contains(ip) {
			return false
		}
	}
	if ip.Is6() && !ip.Is4In6() && !netip.MustParsePrefix("2000::/3").Contains(ip) {
		return false
	}
	return !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() &&
		!ip.IsLinkLocalMulticast() && !ip.IsMulticast() && !ip.IsUnspecified() &&
		!ip.IsInterfaceLocalMulticast()
}

// control runs on every socket just before connect, with the resolved IP.
func (c *Client) control(network, address string, _ syscall.RawConn) error {
	if c.opts.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrForbiddenAddr, address)
	}
	if c.opts.allowAddr != nil && c.opts.allowAddr(ap.Addr()) {
		return nil
	}
	if !AllowedAddr(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddr, ap.Addr())
	}
	return nil
}

// dial resolves the host itself (so that tests can map names) and connects
// to each address in turn through a dialer whose Control hook refuses
// forbidden addresses: the check is on the address actually connected to.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: c.opts.Timeout, KeepAlive: 30 * time.Second, Control: c.control}
	var addrs []string
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []string{ip.String()}
	} else if c.opts.LookupHost != nil {
		addrs, err = c.opts.LookupHost(ctx, host)
		if err != nil {
			return nil, err
		}
	} else {
		addrs, err = net.DefaultResolver.LookupHost(ctx, host)
		if err != nil {
			return nil, err
		}
	}
	var firstErr error
	for i, a := range addrs {
		if i >= 8 {
			break
		}
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(a, port))
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("remote: no address for %s", host)
	}
	return nil, firstErr
}
