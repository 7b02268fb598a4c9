package rules

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Some rule values in provider-rules.json are prose where the provider's
// check is code. These tables translate the ones that can be checked; the
// source stays the rule's own. What is left untranslated is listed by
// Unchecked.

// prosePatterns maps a prose pattern value to the regular expression it describes.
var prosePatterns = map[string]string{
	// hcloud server name: "a valid hostname as per RFC 1123" (docs/resources/server.md).
	"valid hostname per RFC 1123, unique per project": `^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`,
	// iam/role description: validRoleDescription rejects typographic quotes.
	"[\u201c\u2018] (typographic quotes)": "[\u201c\u2018]",
	// s3 bucket: directory buckets end in --x-s3 and take another resource.
	"[bucket_name]--[azid]--x-s3 (directory bucket format)": `--x-s3$`,
	// IBM Kubernetes Service cluster names (Creating VPC clusters).
	"starts with a letter; letters, numbers, periods, hyphens": `^[A-Za-z][A-Za-z0-9.-]*$`,
	// IBM resource controller instance names (resource_controller_v2.go:2525).
	"no special characters other than space - . _ :": `^[\p{L}\p{N} ._:-]*$`,
}

// lengthSuffix is the ", 1-128 characters" some IBM pattern values carry.
var lengthSuffix = regexp.MustCompile(`^(.*), (\d+)-(\d+) characters$`)

// splitPattern separates a pattern value from a length suffix.
func splitPattern(s string) (pattern string, lo, hi int, hasLen bool) {
	m := lengthSuffix.FindStringSubmatch(s)
	if m == nil {
		return s, 0, 0, false
	}
	lo, _ = strconv.Atoi(m[2])
	hi, _ = strconv.Atoi(m[3])
	return m[1], lo, hi, true
}

// proseEnum reads an enum given as "Name enum (a, b, c)".
func proseEnum(k *constraint) ([]string, bool) {
	var s string
	if json.Unmarshal(k.Value, &s) != nil {
		return nil, false
	}
	open, end := strings.Index(s, "("), strings.LastIndex(s, ")")
	if open < 0 || end < open || !strings.Contains(s[:open], "enum") {
		return nil, false
	}
	var out []string
	for _, v := range strings.Split(s[open+1:end], ",") {
		out = append(out, strings.TrimSpace(v))
	}
	return out, true
}

// formatCheck returns the check a format rule describes: it returns the
// problem, or "" when the value is fine.
func formatCheck(k *constraint) func(string) string {
	var s string
	if json.Unmarshal(k.Value, &s) != nil {
		return nil
	}
	switch {
	case strings.HasPrefix(s, "ARN"):
		return arnProblem
	case s == "IPv4 address":
		return func(v string) string {
			if ip := net.ParseIP(v); ip == nil || ip.To4() == nil {
				return "is not a valid IPv4 address"
			}
			return ""
		}
	case s == "IPv6 address":
		return func(v string) string {
			if ip := net.ParseIP(v); ip == nil || ip.To4() != nil {
				return "is not a valid IPv6 address"
			}
			return ""
		}
	case s == "IP address":
		return func(v string) string {
			if net.ParseIP(v) == nil {
				return "is not a valid IP address"
			}
			return ""
		}
	case strings.HasPrefix(s, "IPv4 CIDR network address"):
		return cidrProblem(4)
	case s == "IPv6 CIDR network address":
		return cidrProblem(6)
	case s == "IPv4 or IPv6 CIDR network address", strings.HasPrefix(s, "CIDR whose address is the network start"):
		return cidrProblem(0)
	case s == "CIDR (validation.IsCIDR)", s == "CIDR":
		return func(v string) string {
			if _, _, err := net.ParseCIDR(v); err != nil {
				return "must contain a valid CIDR"
			}
			return ""
		}
	case strings.HasPrefix(s, "IP address, IP range"):
		return cbrAddressProblem
	case strings.HasPrefix(s, "IPv4 CIDR /24 or larger"):
		return tgwCIDRProblem
	case strings.HasPrefix(s, "12-digit") && strings.Contains(s, "or ARN"):
		return func(v string) string {
			if accountID.MatchString(v) || arnProblem(v) == "" {
				return ""
			}
			return "is neither a 12-digit account ID nor an ARN"
		}
	case strings.HasPrefix(s, "12-digit"):
		return func(v string) string {
			if !accountID.MatchString(v) {
				return "is not a valid 12-digit AWS account ID"
			}
			return ""
		}
	case strings.Contains(s, "JSON"):
		iam := strings.Contains(s, "IAM policy")
		return func(v string) string {
			var doc any
			if err := json.Unmarshal([]byte(v), &doc); err != nil {
				return "contains an invalid JSON: " + err.Error()
			}
			if _, ok := doc.(map[string]any); iam && !ok {
				return "contains an invalid JSON policy: not a JSON object"
			}
			return ""
		}
	}
	return nil
}

var (
	accountID = regexp.MustCompile(`^\d{12}$`)
	// verify.ValidARN: arn:partition:service:region:account:resource, with a
	// partition, service and resource.
	arnRE = regexp.MustCompile(`^arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+$`)
)

func arnProblem(v string) string {
	if !arnRE.MatchString(v) {
		return "is an invalid ARN"
	}
	return ""
}

// cidrProblem checks a CIDR network address (host bits zero) of an IP
// version (0: either).
func cidrProblem(version int) func(string) string {
	return func(v string) string {
		ip, n, err := net.ParseCIDR(v)
		if err != nil {
			return "must contain a valid CIDR"
		}
		if is4 := ip.To4() != nil; (version == 4 && !is4) || (version == 6 && is4) {
			return fmt.Sprintf("must contain a valid IPv%d CIDR", version)
		}
		if !ip.Equal(n.IP) {
			return fmt.Sprintf("must contain a valid network CIDR, got %s (network address %s)", v, n)
		}
		return ""
	}
}

// cbrAddressProblem: a context-based restrictions address is an IP address,
// a range <first-ip>-<last-ip> of one family whose first is not past its
// last, or a subnet in CIDR notation (contextbasedrestrictionsv1
// AddressIPAddress, AddressIPAddressRange, AddressSubnet).
func cbrAddressProblem(v string) string {
	if lo, hi, ok := strings.Cut(v, "-"); ok {
		a, errA := netip.ParseAddr(lo)
		b, errB := netip.ParseAddr(hi)
		switch {
		case errA != nil || errB != nil:
			return "is not an IP range <first-ip>-<last-ip>"
		case a.Is4() != b.Is4():
			return "is a range across IPv4 and IPv6"
		case a.Compare(b) > 0:
			return "is a range whose first address is past its last"
		}
		return ""
	}
	if strings.Contains(v, "/") {
		if _, err := netip.ParsePrefix(v); err != nil {
			return "is not a subnet in CIDR notation"
		}
		return ""
	}
	if _, err := netip.ParseAddr(v); err != nil {
		return "is neither an IP address, an IP range nor a subnet"
	}
	return ""
}

// tgwCIDRProblem: IPv4 /24 or larger outside 169.254.0.0/16, or IPv6 /64 or larger.
func tgwCIDRProblem(v string) string {
	ip, n, err := net.ParseCIDR(v)
	if err != nil {
		return "must contain a valid CIDR"
	}
	ones, _ := n.Mask.Size()
	if ip.To4() != nil {
		_, linkLocal, _ := net.ParseCIDR("169.254.0.0/16")
		if ones > 24 || linkLocal.Contains(ip) {
			return "must be an IPv4 /24 or larger outside 169.254.0.0/16"
		}
		return ""
	}
	if ones > 64 {
		return "must be an IPv6 /64 or larger"
	}
	return ""
}

// forbiddenWhen evaluates the three conditional prohibitions of the data,
// whose conditions are prose.
func (c *checker) forbiddenWhen(k *constraint, inputs map[string]any) {
	str := func(m map[string]any, key string) string {
		s, _ := m[key].(string)
		return s
	}
	switch c.typ + " " + k.Property {
	case "aws:ec2/natGateway:NatGateway allocationId":
		// "connectivityType = private (also secondaryAllocationIds)"
		if str(inputs, "connectivityType") != "private" {
			return
		}
		for _, p := range []string{"allocationId", "secondaryAllocationIds"} {
			if set(inputs, p) {
				c.add(Error, p, k.Rule, k.Source, "%q: not allowed when connectivityType is private", p)
			}
		}
	case "aws:lb/targetGroup:TargetGroup healthCheck.path":
		// "healthCheck.protocol = TCP (likewise healthCheck.matcher)"
		eachObject(inputs["healthCheck"], "healthCheck", func(bp string, m map[string]any) {
			if !strings.EqualFold(str(m, "protocol"), "TCP") {
				return
			}
			for _, key := range []string{"path", "matcher"} {
				if set(m, key) {
					c.add(Error, bp+"."+key, k.Rule, k.Source, "%s.%s: health check %s is not supported for target groups with the TCP health check protocol", bp, key, key)
				}
			}
		})
	case "aws:lb/targetGroup:TargetGroup healthCheck.protocol":
		// "protocol is HTTP or HTTPS and healthCheck.protocol = TCP"
		p := strings.ToUpper(str(inputs, "protocol"))
		if p != "HTTP" && p != "HTTPS" {
			return
		}
		eachObject(inputs["healthCheck"], "healthCheck", func(bp string, m map[string]any) {
			if strings.EqualFold(str(m, "protocol"), "TCP") {
				c.add(Error, bp+".protocol", k.Rule, k.Source, "%s.protocol: TCP health checks are not supported for target groups with the %s protocol", bp, p)
			}
		})
	}
}

// forbiddenWhenKnown lists the forbiddenWhen rules forbiddenWhen evaluates.
var forbiddenWhenKnown = map[string]bool{
	"aws:ec2/natGateway:NatGateway allocationId":          true,
	"aws:lb/targetGroup:TargetGroup healthCheck.path":     true,
	"aws:lb/targetGroup:TargetGroup healthCheck.protocol": true,
}

// uniqueBy: hcloud server networks, "networkId; each entry needs networkId or subnetId".
func (c *checker) uniqueBy(k *constraint, inputs map[string]any) {
	var spec string
	if json.Unmarshal(k.Value, &spec) != nil {
		return
	}
	key, _, _ := strings.Cut(spec, ";")
	seen := map[string]string{}
	eachObject(inputs[k.Property], k.Property, func(p string, m map[string]any) {
		v, ok := m[key]
		if !ok || v == nil || unknown(v) {
			return
		}
		s := fmt.Sprint(v)
		if first, dup := seen[s]; dup {
			c.add(Error, p+"."+key, k.Rule, k.Source, "%s.%s: %s is already attached in %s", p, key, s, first)
			return
		}
		seen[s] = p
	})
}

// Unchecked lists the constraints (type, property, rule) that Check cannot
// evaluate: prose the package has no translation for, or rules that need
// the previous value (upgradePath), sorted.
func Unchecked() []string {
	d := load()
	var out []string
	note := func(typ string, k *constraint) {
		if !d.checkable(typ, k) {
			out = append(out, fmt.Sprintf("%s %s %s: %s", typ, k.Property, k.Rule, strings.TrimSpace(string(k.Value))))
		}
	}
	for typ, r := range d.resources {
		for i := range r.Constraints {
			note(typ, &r.Constraints[i])
		}
	}
	for name, o := range d.ibm {
		for i := range o.Constraints {
			note("infra:ibm:"+name, &o.Constraints[i])
		}
	}
	sort.Strings(out)
	return out
}

// checkable reports whether Check evaluates a constraint.
func (d *db) checkable(typ string, k *constraint) bool {
	c := &checker{d: d, typ: typ}
	switch k.Rule {
	case "pattern", "notPattern", "keyPattern", "valuePattern":
		return c.pattern(k) != nil
	case "oneOf", "notOneOf":
		if _, ok := stringList(k.Value); ok {
			return true
		}
		_, ok := proseEnum(k)
		return ok
	case "format":
		return formatCheck(k) != nil
	case "forbiddenWhen":
		return forbiddenWhenKnown[typ+" "+k.Property]
	case "exactlyOneOf", "atLeastOneOf", "conflictsWith", "requiredWith", "warnWithout":
		_, ok := stringList(k.Value)
		return ok
	case "upgradePath":
		return false
	}
	return true
}
