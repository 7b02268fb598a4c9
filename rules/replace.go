package rules

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// forceNewPath reports whether a changed path (list indexes allowed)
// replaces a resource unconditionally.
func (d *db) forceNewPath(typ, changed string) bool {
	p := stripIndexes(changed)
	under := func(f string) bool { return p == f || strings.HasPrefix(p, f+".") }
	if r := d.resources[typ]; r != nil {
		for _, f := range r.ForceNew {
			if under(f) {
				return true
			}
		}
	}
	if o := d.ibmObject(typ); o != nil {
		for _, e := range o.Immutable {
			if f, ok := ibmProperty(e); ok && under(f) {
				return true
			}
		}
	}
	return false
}

// appliedOnce reports whether an IBM input is applied at create only.
func (d *db) appliedOnce(typ, changed string) bool {
	o := d.ibmObject(typ)
	if o == nil {
		return false
	}
	p := stripIndexes(changed)
	for _, e := range o.AppliedOnceOnly {
		if f, ok := ibmProperty(e); ok && (p == f || strings.HasPrefix(p, f+".")) {
			return true
		}
	}
	return false
}

func (d *db) replace(typ string, olds, news map[string]any) (bool, []string, bool) {
	changed := diffPaths("", olds, news)
	because := map[string]bool{}
	for _, p := range changed {
		if d.appliedOnce(typ, p) {
			continue
		}
		if d.forceNewPath(typ, p) {
			because[topOf(p, d.forceNewRoot(typ, p))] = true
		}
	}
	if r := d.resources[typ]; r != nil {
		for _, cf := range r.ConditionalForceNew {
			for _, prop := range strings.Split(cf.Property, ", ") {
				if !anyUnder(changed, prop) {
					continue
				}
				if conditionHolds(typ, prop, olds, news) {
					because[prop] = true
				}
			}
		}
	}
	out := slices.Sorted(maps.Keys(because))
	if len(out) == 0 {
		return false, nil, false
	}
	return true, out, d.namedByProgram(typ, news)
}

// forceNewRoot is the force-new path a changed path lies under.
func (d *db) forceNewRoot(typ, changed string) string {
	p := stripIndexes(changed)
	best := ""
	consider := func(f string) {
		if (p == f || strings.HasPrefix(p, f+".")) && len(f) > len(best) {
			best = f
		}
	}
	if r := d.resources[typ]; r != nil {
		for _, f := range r.ForceNew {
			consider(f)
		}
	}
	if o := d.ibmObject(typ); o != nil {
		for _, e := range o.Immutable {
			if f, ok := ibmProperty(e); ok {
				consider(f)
			}
		}
	}
	return best
}

// topOf names a replacement by its force-new path.
func topOf(changed, root string) string {
	if root != "" {
		return root
	}
	return stripIndexes(changed)
}

// namedByProgram: the bridged providers answer delete-before-replace when
// the program set an auto-nameable property itself, since the new resource
// cannot take the old one's name while it exists
// (pulumi-terraform-bridge pkg/tfbridge/schema.go nameRequiresDeleteBeforeReplace).
func (d *db) namedByProgram(typ string, news map[string]any) bool {
	a, ok := d.autoName(typ)
	return ok && set(news, a.Property)
}

func anyUnder(paths []string, prop string) bool {
	for _, p := range paths {
		p = stripIndexes(p)
		if p == prop || strings.HasPrefix(p, prop+".") || strings.HasPrefix(prop, p+".") {
			return true
		}
	}
	return false
}

// diffPaths lists the paths whose values differ between olds and news,
// descending into objects and into lists of objects of equal length. A new
// unknown value counts as a change.
func diffPaths(prefix string, olds, news map[string]any) []string {
	keys := map[string]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var out []string
	for _, k := range sortedKeys(keys) {
		if strings.HasPrefix(k, "__") {
			continue
		}
		out = append(out, diffValue(join(prefix, k), olds[k], news[k])...)
	}
	return out
}

func diffValue(path string, o, n any) []string {
	if unknown(n) {
		return []string{path}
	}
	om, ok1 := o.(map[string]any)
	nm, ok2 := n.(map[string]any)
	if ok1 && ok2 {
		return diffPaths(path, om, nm)
	}
	ol, ok1 := o.([]any)
	nl, ok2 := n.([]any)
	if ok1 && ok2 && len(ol) == len(nl) && len(ol) > 0 {
		_, objects := ol[0].(map[string]any)
		if objects {
			var out []string
			for i := range ol {
				out = append(out, diffValue(fmt.Sprintf("%s[%d]", path, i), ol[i], nl[i])...)
			}
			return out
		}
	}
	if reflect.DeepEqual(o, n) {
		return nil
	}
	return []string{path}
}

// conditionHolds evaluates a conditional replacement of the data. Each
// condition is prose there; the cases below are its code. Conditions that
// need facts a plan cannot have (the version a launch template resolves to,
// the network a load balancer subnet belongs to) do not hold.
func conditionHolds(typ, prop string, olds, news map[string]any) bool {
	str := func(m map[string]any, path string) string {
		s, _ := Get(m, strings.Split(path, ".")...).(string)
		return s
	}
	empty := func(v any) bool {
		l, ok := v.([]any)
		return v == nil || (ok && len(l) == 0)
	}
	switch typ + " " + prop {
	case "aws:ec2/instance:Instance userData", "aws:ec2/instance:Instance userDataBase64":
		b, _ := news["userDataReplaceOnChange"].(bool)
		return b
	case "aws:ec2/instance:Instance instanceType":
		o, n := str(olds, "instanceType"), str(news, "instanceType")
		return o != "" && n != "" && !unknown(n) && arm64(o) != arm64(n)
	case "aws:ec2/instance:Instance enablePrimaryIpv6":
		o, _ := olds["enablePrimaryIpv6"].(bool)
		n, _ := news["enablePrimaryIpv6"].(bool)
		return o && !n
	case "aws:ec2/natGateway:NatGateway secondaryPrivateIpAddressCount":
		return str(news, "connectivityType") == "private"
	case "aws:ec2/vpc:Vpc instanceTenancy":
		return !(str(olds, "instanceTenancy") == "dedicated" && str(news, "instanceTenancy") == "default")
	case "aws:ec2/vpc:Vpc cidrBlock":
		return !set(news, "ipv4NetmaskLength")
	case "aws:ec2transitgateway/transitGateway:TransitGateway defaultRouteTableAssociation",
		"aws:ec2transitgateway/transitGateway:TransitGateway defaultRouteTablePropagation":
		// The provider's default is enable.
		o, n := orText(str(olds, prop), "enable"), orText(str(news, prop), "enable")
		return o == "disable" && n == "enable"
	case "aws:eks/cluster:Cluster encryptionConfig":
		return !empty(olds["encryptionConfig"]) && empty(news["encryptionConfig"])
	case "aws:eks/cluster:Cluster computeConfig.nodeRoleArn":
		return str(olds, prop) != "" && str(olds, prop) != str(news, prop)
	case "aws:lb/loadBalancer:LoadBalancer securityGroups":
		return nlb(news) && empty(olds["securityGroups"]) != empty(news["securityGroups"])
	case "aws:lb/loadBalancer:LoadBalancer subnets":
		return nlb(news) && removed(olds["subnets"], news["subnets"])
	case "aws:lb/loadBalancer:LoadBalancer subnetMappings":
		return removed(olds["subnetMappings"], news["subnetMappings"])
	case "aws:cfg/configurationAggregator:ConfigurationAggregator accountAggregationSource",
		"aws:cfg/configurationAggregator:ConfigurationAggregator organizationAggregationSource":
		// customdiff.ForceNewIfChange: a source where there was none.
		return !set(olds, prop) && set(news, prop)
	case "aws:ec2/networkInterface:NetworkInterface privateIpLists":
		// With the list in control, its first address is the primary one.
		on, _ := news["privateIpListEnabled"].(bool)
		return on && !reflect.DeepEqual(first(olds[prop]), first(news[prop]))
	case "aws:ec2/networkInterface:NetworkInterface privateIps":
		// Without the list, a set that drops the primary address (the old
		// list's first, else the old set's only one) replaces it.
		if on, _ := news["privateIpListEnabled"].(bool); on {
			return false
		}
		primary := first(olds["privateIpLists"])
		if old, _ := olds[prop].([]any); primary == nil && len(old) == 1 {
			primary = old[0]
		}
		return primary != nil && removed([]any{primary}, news[prop])
	case "aws:organizations/organization:Organization featureSet":
		return orText(str(olds, prop), "ALL") == "ALL" && str(news, prop) == "CONSOLIDATED_BILLING"
	}
	return false
}

// first is a list's first element, nil for an empty list or no list.
func first(v any) any {
	if l, ok := v.([]any); ok && len(l) > 0 {
		return l[0]
	}
	return nil
}

func nlb(m map[string]any) bool {
	s, _ := m["loadBalancerType"].(string)
	return s == "network"
}

// removed reports whether a list lost an element.
func removed(o, n any) bool {
	ol, _ := o.([]any)
	nl, _ := n.([]any)
	for _, e := range ol {
		found := false
		for _, f := range nl {
			if reflect.DeepEqual(e, f) {
				found = true
				break
			}
		}
		if !found {
			return true
		}
	}
	return false
}

// graviton matches the arm64 EC2 families: a1 and families with a g after
// the generation digit (t4g, m6gd, c7gn, g5g), not g4dn or inf2.
var graviton = regexp.MustCompile(`^(a1|[a-z]+\d+g[a-z]*)\.`)

func arm64(instanceType string) bool { return graviton.MatchString(instanceType) }
