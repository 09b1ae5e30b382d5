package ratelimit

import "net"

// ClientKey is the key under which a client address is counted. An IPv6
// client usually holds a whole /64 network and can pick any address in it,
// so IPv6 addresses count per /64; IPv4 addresses (and IPv4-mapped IPv6
// ones) count alone. Anything that is not an address is its own key.
func ClientKey(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}
