// Package cidr carves the VPC range into subnets keyed by zone letter, so a
// subnet's range depends only on its zone, never on the order of the zone list.
package cidr

import (
	"fmt"
	"net/netip"
)

// Subnets of one zone.
type Subnets struct {
	Public, Private, Database netip.Prefix
}

// ForZone returns the subnets of the zone with the given letter index (a=0 … f=5).
//
// The VPC (/p) is split into eight /(p+3) blocks: blocks 0–5 are the private
// subnets of zones a–f (the large ones: EKS pods take an address each);
// block 6 is split into eight /(p+6) public subnets and block 7 into eight
// /(p+6) database subnets, again indexed by zone letter.
func ForZone(vpc netip.Prefix, letter int) (Subnets, error) {
	if letter < 0 || letter > 5 {
		return Subnets{}, fmt.Errorf("zone letter index %d is outside a–f", letter)
	}
	if !vpc.Addr().Is4() || vpc.Bits() > 22 {
		return Subnets{}, fmt.Errorf("VPC range %s is too small to carve", vpc)
	}
	private, err := Sub(vpc, 3, letter)
	if err != nil {
		return Subnets{}, err
	}
	publicBlock, _ := Sub(vpc, 3, 6)
	databaseBlock, _ := Sub(vpc, 3, 7)
	public, _ := Sub(publicBlock, 3, letter)
	database, _ := Sub(databaseBlock, 3, letter)
	return Subnets{Public: public, Private: private, Database: database}, nil
}

// Sub is Terraform's cidrsubnet for IPv4: the num-th block of prefix+newBits.
func Sub(base netip.Prefix, newBits, num int) (netip.Prefix, error) {
	bits := base.Bits() + newBits
	if bits > 32 || num < 0 || num >= 1<<newBits {
		return netip.Prefix{}, fmt.Errorf("cannot take block %d of /%d from %s", num, bits, base)
	}
	a := base.Masked().Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= uint32(num) << (32 - bits)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits), nil
}
