package topology

import (
	"slices"
	"strings"
)

// The catalog of regions, zones, locations and node types that validation
// checks against. Every table is taken from ../shared/reference/clouds.md
// (compiled 2026-11-21 from the providers' docs, SDKs and acceptance tests;
// source ids in brackets). Account-dependent facts are snapshots: the
// provider's API stays the final arbiter, so unknown node types only warn.

// awsRegions maps AWS commercial regions to their AZ letters. Letters are
// listed only where clouds.md §1.2 has them [A2, A3, A4]; other regions accept
// a, b and c, which every commercial region has [A1].
var awsRegions = map[string]string{
	"us-east-1": "abcdef", "us-east-2": "abc", "us-west-1": "abc", "us-west-2": "abcd",
	"ca-central-1": "abd", "ca-west-1": "abc", "mx-central-1": "abc", "sa-east-1": "abc",
	"eu-west-1": "abc", "eu-west-2": "abc", "eu-west-3": "abc", "eu-central-1": "abc",
	"eu-central-2": "abc", "eu-north-1": "abc", "eu-south-1": "abc", "eu-south-2": "abc",
	"af-south-1": "abc", "ap-northeast-1": "acd", "ap-northeast-2": "abc", "ap-northeast-3": "abc",
	"ap-south-1": "abc", "ap-south-2": "abc", "ap-southeast-1": "abc", "ap-southeast-2": "abc",
	"ap-southeast-3": "abc", "ap-southeast-4": "abc", "ap-southeast-5": "abc", "ap-southeast-6": "abc",
	"ap-southeast-7": "abc", "ap-east-1": "abc", "ap-east-2": "abc", "me-central-1": "abc",
	"me-south-1": "abc", "il-central-1": "abc",
}

// ibmRegions lists IBM Cloud VPC multi-zone regions; each has zones -1, -2 and -3 [I1].
var ibmRegions = []string{
	"au-syd", "br-sao", "ca-mon", "ca-tor", "eu-de", "eu-es", "eu-gb",
	"in-che", "in-mum", "jp-osa", "jp-tok", "us-east", "us-south",
}

// ibmFlavorFamilies are IKS VPC worker flavor families and their sizes [I2].
var ibmFlavorFamilies = map[string][]string{
	"bx2":  {"2x8", "4x16", "8x32", "16x64", "32x128", "48x192", "64x256", "96x384", "128x512"},
	"cx2":  {"2x4", "4x8", "8x16", "16x32", "32x64", "48x96", "64x128", "96x192", "128x256"},
	"mx2":  {"2x16", "4x32", "8x64", "16x128", "32x256", "48x384", "64x512", "96x768", "128x1024"},
	"ox2":  {"4x32", "8x64", "16x128", "32x256", "64x512", "96x768", "128x1024"},
	"bx3d": {"4x20", "8x40", "16x80", "24x120", "32x160", "48x240", "64x320", "96x480", "128x640", "176x880"},
	"cx3d": {"4x10", "8x20", "16x40", "24x60", "32x80", "48x120", "64x160", "96x240", "128x320", "176x440"},
	"mx3d": {"4x40", "8x80", "16x160", "24x240", "32x320", "48x480", "64x640", "96x960", "128x1280", "176x1760"},
}

// ibmThirdGenOnly are IBM regions that offer only the 3d flavor families [I2, I3].
var ibmThirdGenOnly = []string{"ca-mon", "in-che", "in-mum"}

// hetznerLocations maps Hetzner Cloud locations to their network zones [H1, H2].
var hetznerLocations = map[string]string{
	"fsn1": "eu-central", "nbg1": "eu-central", "hel1": "eu-central",
	"ash": "us-east", "hil": "us-west", "sin": "ap-southeast",
}

// hetznerRetired are server types Hetzner removed, with the replacement to suggest [H1, H4].
var hetznerRetired = map[string]string{
	"cx11": "cx23", "cx21": "cx23", "cx31": "cx33", "cx41": "cx43", "cx51": "cx53",
	"cx22": "cx23", "cx32": "cx33", "cx42": "cx43", "cx52": "cx53",
}

// hetznerDeprecated are server types deprecated per location but still listed [H1].
var hetznerDeprecated = map[string]string{
	"cpx11": "cpx12", "cpx21": "cpx22", "cpx31": "cpx32", "cpx41": "cpx42", "cpx51": "cpx52",
}

// hetznerCurrent are the current server types [H1].
var hetznerCurrent = []string{
	"cx23", "cx33", "cx43", "cx53",
	"cpx12", "cpx22", "cpx32", "cpx42", "cpx52", "cpx62",
	"cax11", "cax21", "cax31", "cax41",
	"ccx13", "ccx23", "ccx33", "ccx43", "ccx53", "ccx63",
}

// ovhRegions maps OVH Managed Kubernetes regions to their zones; single-AZ
// regions have none [O1, O2, O3]. Milan's zone names are unverified (clouds.md §4.1).
var ovhRegions = map[string][]string{
	"GRA5": nil, "GRA7": nil, "GRA9": nil, "GRA11": nil, "SBG5": nil, "DE1": nil,
	"UK1": nil, "WAW1": nil, "BHS5": nil, "SGP1": nil, "SYD1": nil,
	"US-EAST-VA-1": nil, "US-WEST-OR-1": nil, "EU-WEST-RBX": nil, "AP-SOUTH-MUM": nil,
	"EU-WEST-PAR":  {"eu-west-par-a", "eu-west-par-b", "eu-west-par-c"},
	"EU-SOUTH-MIL": {"eu-south-mil-a", "eu-south-mil-b", "eu-south-mil-c"},
}

// ovhUSRegions are the MKS regions of OVHcloud US (a separate company
// with its own accounts, API endpoint api.us.ovhcloud.com and IAM URNs
// urn:v1:us:), while the programs speak to the EU API (stacks/ovh
// landingzone.go writes urn:v1:eu:): review hetzner-ovh-mesh.md item 10.
var ovhUSRegions = []string{"US-EAST-VA-1", "US-WEST-OR-1"}

// ovhStandardOnly are MKS regions that only offer the Standard plan [O1].
var ovhStandardOnly = []string{"AP-SOUTH-MUM", "EU-SOUTH-MIL", "EU-WEST-PAR", "EU-WEST-RBX"}

// ovhFlavors are MKS worker flavors; the 3rd-generation families exist only
// in the regions listed [O1].
var (
	ovhFlavorsEverywhere = []string{
		"b2-7", "b2-15", "b2-30", "b2-60", "b2-120",
		"c2-7", "c2-15", "c2-30", "c2-60", "c2-120",
		"r2-15", "r2-30", "r2-60", "r2-120", "r2-240",
		"d2-4", "d2-8",
	}
	ovhFlavorsGen3 = []string{
		"b3-8", "b3-16", "b3-32", "b3-64", "b3-128", "b3-256",
		"c3-4", "c3-8", "c3-16", "c3-32", "c3-64", "c3-128",
		"r3-16", "r3-32", "r3-64", "r3-128", "r3-256", "r3-512",
	}
	ovhGen3Regions = []string{"DE1", "GRA11", "UK1", "WAW1", "EU-WEST-PAR"}
)

// cisRegions are the IBM CIS (Cloudflare) load-balancer region codes [I5].
var cisRegions = []string{"EEU", "ENAM", "ME", "NAF", "NEAS", "NSAM", "OC", "SAF", "SAS", "SEAS", "SSAM", "WEU", "WNAM"}

// kubernetesVersions are the minor versions each managed service supports,
// and the ones that still work past their end of support [I3, I4, O2].
// EKS has no source in clouds.md, so any 1.x version is accepted there.
var kubernetesVersions = map[Cloud]struct{ supported, deprecated []string }{
	IBM: {supported: []string{"1.35", "1.36"}, deprecated: []string{"1.33", "1.34"}},
	OVH: {supported: []string{"1.33", "1.34", "1.35"}},
}

// RegionNames lists the catalog's regions (or locations) for a cloud, sorted.
func RegionNames(c Cloud) []string {
	var out []string
	switch c {
	case AWS:
		for r := range awsRegions {
			out = append(out, r)
		}
	case IBM:
		out = append(out, ibmRegions...)
	case Hetzner:
		for r := range hetznerLocations {
			out = append(out, r)
		}
	case OVH:
		for r := range ovhRegions {
			if !slices.Contains(ovhUSRegions, r) { // known, but refused (ovhUSRegions)
				out = append(out, r)
			}
		}
	}
	slices.Sort(out)
	return out
}

// KnownRegion reports whether a region exists for the cloud.
func KnownRegion(c Cloud, region string) bool {
	// Called per region entry, so it looks up rather than listing and sorting.
	switch c {
	case AWS:
		_, ok := awsRegions[region]
		return ok
	case IBM:
		return slices.Contains(ibmRegions, region)
	case Hetzner:
		_, ok := hetznerLocations[region]
		return ok
	case OVH:
		_, ok := ovhRegions[region]
		return ok
	}
	return false
}

// ZonesOf lists the zones of a known region. Hetzner has none (a location is
// one site); neither have single-AZ OVH regions.
func ZonesOf(c Cloud, region string) []string {
	switch c {
	case AWS:
		var out []string
		for _, l := range awsRegions[region] {
			out = append(out, region+string(l))
		}
		return out
	case IBM:
		if slices.Contains(ibmRegions, region) {
			return []string{region + "-1", region + "-2", region + "-3"}
		}
	case OVH:
		return slices.Clone(ovhRegions[region])
	}
	return nil
}

// NetworkZone is the Hetzner network zone of a location.
func NetworkZone(location string) string { return hetznerLocations[location] }

// OVHStandardOnly reports whether an OVH region offers only the Standard plan.
func OVHStandardOnly(region string) bool { return slices.Contains(ovhStandardOnly, region) }

// IsCISRegion reports whether code is an IBM CIS load-balancer region.
func IsCISRegion(code string) bool { return slices.Contains(cisRegions, code) }

// CISRegions lists the IBM CIS load-balancer region codes, sorted.
func CISRegions() []string { return slices.Clone(cisRegions) }

// ibmFlavorOK reports whether an IKS flavor exists, and whether the region offers it.
func ibmFlavorOK(region, flavor string) (exists, offered bool) {
	family, size, ok := strings.Cut(flavor, ".")
	if !ok {
		return false, false
	}
	if !slices.Contains(ibmFlavorFamilies[family], size) {
		return false, false
	}
	if slices.Contains(ibmThirdGenOnly, region) && !strings.HasSuffix(family, "3d") {
		return true, false
	}
	return true, true
}

// ovhFlavorOK reports whether an MKS flavor exists, and whether the region offers it.
func ovhFlavorOK(region, flavor string) (exists, offered bool) {
	f := strings.TrimSuffix(flavor, "-flex")
	switch {
	case slices.Contains(ovhFlavorsEverywhere, f):
		return true, true
	case slices.Contains(ovhFlavorsGen3, f):
		return true, slices.Contains(ovhGen3Regions, region)
	}
	return false, false
}
