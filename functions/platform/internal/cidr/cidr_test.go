package cidr

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestForZone(t *testing.T) {
	cases := map[string]struct {
		vpc    string
		letter int
		want   Subnets
	}{
		"ZoneAOfA16": {
			vpc: "10.0.0.0/16", letter: 0,
			want: Subnets{Private: mp("10.0.0.0/19"), Public: mp("10.0.192.0/22"), Database: mp("10.0.224.0/22")},
		},
		"ZoneCOfA16": {
			vpc: "10.0.0.0/16", letter: 2,
			want: Subnets{Private: mp("10.0.64.0/19"), Public: mp("10.0.200.0/22"), Database: mp("10.0.232.0/22")},
		},
		"ZoneFOfA20": {
			vpc: "172.16.16.0/20", letter: 5,
			want: Subnets{Private: mp("172.16.26.0/23"), Public: mp("172.16.29.64/26"), Database: mp("172.16.31.64/26")},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ForZone(mp(tc.vpc), tc.letter)
			if err != nil {
				t.Fatalf("ForZone(%s, %d): %v", tc.vpc, tc.letter, err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
				t.Errorf("ForZone(%s, %d): subnets differ from the documented layout (-want +got):\n%s", tc.vpc, tc.letter, diff)
			}
		})
	}
}

func TestForZoneNeverOverlaps(t *testing.T) {
	for _, vpc := range []string{"10.0.0.0/16", "10.8.0.0/18", "192.168.16.0/20"} {
		var all []netip.Prefix
		for l := 0; l < 6; l++ {
			s, err := ForZone(mp(vpc), l)
			if err != nil {
				t.Fatalf("ForZone(%s, %d): %v", vpc, l, err)
			}
			all = append(all, s.Public, s.Private, s.Database)
		}
		for i, a := range all {
			if !mp(vpc).Contains(a.Addr()) {
				t.Errorf("%s: subnet %s lies outside the VPC", vpc, a)
			}
			for _, b := range all[i+1:] {
				if a.Overlaps(b) {
					t.Errorf("%s: subnets %s and %s overlap; every zone's subnets must be disjoint", vpc, a, b)
				}
			}
		}
	}
}

func TestForZoneRejectsUnknownLetter(t *testing.T) {
	if _, err := ForZone(mp("10.0.0.0/16"), 6); err == nil {
		t.Error("ForZone(10.0.0.0/16, 6): want an error for zone letter g, got none")
	}
}

func mp(s string) netip.Prefix { return netip.MustParsePrefix(s) }
