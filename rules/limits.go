package rules

import (
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Cloud limits are prose in the data (a limit name, a value, a unit, the
// documentation page as source). Each one the package enforces is matched
// here by its limit name, so its value and source stay the data's.
const (
	limitSCPSize        = "maximum size of a service control policy document"
	limitSCPPerTarget   = "SCPs attached to one root, OU or account"
	limitPoliciesPerOrg = "policies of each type in an organization"
	limitAccountsPerOrg = "accounts in an organization (default, raisable)"
	limitSGCharset      = "security group description (GroupDescription) and name character set"
	limitServersPerPG   = "servers per spread placement group"
	limitNetworkZones   = "network zones within one network"
	limitIKSSubnets     = "VPC subnets used by IKS clusters"
)

// limitsCovered are the limits other rules already enforce with the same
// effect (constraints or IBM name rules), so that no input is reported twice,
// and the one superseded by the documented quota.
var limitsCovered = map[string]string{
	"IAM role name":    "iam/role name constraints (lengthBetween, pattern)",
	"EKS cluster name": "eks/cluster name constraints (lengthBetween, pattern)",
	"server name":      "hcloud server name pattern (RFC 1123)",
	"IBM Cloud Kubernetes Service VPC cluster name":                      "ibm.VpcCluster.name",
	"SCP size and per-target count after the 15 May 2026 quota increase": "medium confidence (third-party write-ups); the documented quota (5 per target, 5,120 characters) is enforced",
}

func (d *db) limit(name string) *cloudLimit {
	for i := range d.limits {
		if d.limits[i].Limit == name {
			return &d.limits[i]
		}
	}
	return nil
}

func (l *cloudLimit) intValue() int {
	var n int
	_ = json.Unmarshal(l.Value, &n)
	return n
}

func (l *cloudLimit) applies(typ string) bool {
	for _, t := range l.AppliesTo {
		if t == typ {
			return true
		}
	}
	return false
}

// sgCharset is the CreateSecurityGroup character set: "a-z, A-Z, 0-9,
// spaces, and ._-:/()#,@[]+=&;{}!$*", up to 255 characters.
var sgCharset = regexp.MustCompile(`^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*$`)

// iksReserved are the ranges an IKS cluster's VPC subnets must not use.
var iksReserved = []string{"172.16.0.0/16", "172.18.0.0/16", "172.19.0.0/16", "172.20.0.0/16"}

// checkResourceLimits applies the cloud limits that concern one resource.
func (d *db) checkResourceLimits(typ string, inputs map[string]any) []Violation {
	c := &checker{d: d, typ: typ}
	if l := d.limit(limitSGCharset); l != nil && l.applies(typ) {
		for _, p := range []string{"description", "name"} {
			s, ok := inputs[p].(string)
			if !ok || unknown(s) {
				continue
			}
			if !sgCharset.MatchString(s) || utf8.RuneCountInString(s) > 255 {
				c.add(Error, p, RuleCloudLimit, l.Source, "InvalidParameterValue: Value (%s) for parameter Group%s is invalid. Valid characters: %s", s, strings.ToUpper(p[:1])+p[1:], valueText(l.Value))
			}
		}
	}
	if typ == "infra:ibm:CisDomain" {
		// RFC 2606 reserves example.com, .net and .org and the .test,
		// .example, .invalid and .localhost TLDs: nobody can delegate them,
		// so a CIS zone for one stays pending forever, and Route 53 refuses
		// them outright (InvalidDomainName). Whether CIS refuses the zone is
		// unverified, hence a warning (ibm.md item 18).
		if dom, ok := inputs["domain"].(string); ok && !unknown(dom) && isReserved(dom) {
			c.add(Warning, "domain", RuleCloudLimit, "RFC 2606 (reserved top-level and second-level domain names)",
				"%s is a reserved domain (RFC 2606): no registrar delegates it, so the CIS zone never becomes active; use a domain the organisation owns", dom)
		}
	}
	if l := d.limit(limitIKSSubnets); l != nil && typ == "infra:ibm:Subnet" {
		if s, ok := inputs["ipv4CidrBlock"].(string); ok {
			if _, n, err := net.ParseCIDR(s); err == nil {
				for _, r := range iksReserved {
					_, rn, _ := net.ParseCIDR(r)
					if rn.Contains(n.IP) || n.Contains(rn.IP) {
						c.add(Error, "ipv4CidrBlock", RuleCloudLimit, l.Source, "subnet %s overlaps %s, which IBM Cloud Kubernetes Service reserves: %s", s, r, valueText(l.Value))
					}
				}
			}
		}
	}
	if typ == "hcloud:index/server:Server" {
		c.checkHetznerServer(inputs)
	}
	return c.out
}

func valueText(raw json.RawMessage) string {
	if s := rawString(raw); s != "" {
		return s
	}
	return string(raw)
}

// checkLimits applies the limits that span resources.
func (d *db) checkLimits(resources []Resource) []Violation {
	var out []Violation
	add := func(r *Resource, prop string, l *cloudLimit, sev Severity, format string, args ...any) {
		out = append(out, Violation{Type: r.Type, Resource: r.Name, Property: prop, Rule: RuleCloudLimit,
			Source: l.Source, Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
	str := func(r *Resource, key string) (string, bool) {
		s, ok := r.Inputs[key].(string)
		return s, ok && !unknown(s)
	}
	const (
		policyType     = "aws:organizations/policy:Policy"
		attachmentType = "aws:organizations/policyAttachment:PolicyAttachment"
		accountType    = "aws:organizations/account:Account"
		serverType     = "hcloud:index/server:Server"
		subnetType     = "hcloud:index/networkSubnet:NetworkSubnet"
	)
	byType := map[string][]*Resource{}
	for i := range resources {
		r := &resources[i]
		byType[r.Type] = append(byType[r.Type], r)
	}

	if l := d.limit(limitSCPSize); l != nil {
		max := l.intValue()
		for _, r := range byType[policyType] {
			t, _ := str(r, "type")
			content, ok := str(r, "content")
			// A resource control policy has the same limit (Organizations
			// User Guide, "Quotas for AWS Organizations": 5,120 characters
			// for SCPs and RCPs alike).
			kind := "an SCP"
			switch {
			case !ok:
				continue
			case t == "RESOURCE_CONTROL_POLICY":
				kind = "an RCP"
			case t != "" && t != "SERVICE_CONTROL_POLICY":
				continue
			}
			if n := utf8.RuneCountInString(content); n > max {
				add(r, "content", l, Error, "ConstraintViolationException: POLICY_CONTENT_LIMIT_EXCEEDED: the policy document is %d characters; %s holds at most %d", n, kind, max)
			}
		}
	}
	if l := d.limit(limitSCPPerTarget); l != nil {
		max := l.intValue()
		// Only SCPs count against the SCP quota: a resource control
		// policy attached to the same OU has a quota of its own (the same
		// 5 per target, RCPFullAWSAccess included; Organizations User
		// Guide, "Quotas for AWS Organizations"), and so do tag policies.
		policyTypes := map[string]string{}
		for _, r := range byType[policyType] {
			if t, ok := str(r, "type"); ok && r.ID != "" {
				policyTypes[r.ID] = t
			}
		}
		perTarget := map[string][]*Resource{}
		var targets []string
		for _, r := range byType[attachmentType] {
			target, ok := str(r, "targetId")
			if !ok {
				continue
			}
			if id, _ := str(r, "policyId"); policyTypes[id] != "" && policyTypes[id] != "SERVICE_CONTROL_POLICY" {
				continue
			}
			if _, seen := perTarget[target]; !seen {
				targets = append(targets, target)
			}
			perTarget[target] = append(perTarget[target], r)
		}
		sort.Strings(targets)
		for _, t := range targets {
			atts := perTarget[t]
			// FullAWSAccess is attached to every root, OU and account when
			// SCPs are enabled, and one SCP must stay attached (DetachPolicy,
			// Organizations API Reference): it counts against the quota.
			if n := len(atts) + 1; n > max {
				last := atts[len(atts)-1]
				add(last, "targetId", l, Error, "ConstraintViolationException: POLICY_NUMBER_LIMIT_EXCEEDED: target %s would have %d SCPs (%d attached here plus FullAWSAccess); the quota is %d", t, n, len(atts), max)
			}
		}
	}
	if l := d.limit(limitPoliciesPerOrg); l != nil {
		perType := map[string][]*Resource{}
		for _, r := range byType[policyType] {
			t, _ := str(r, "type")
			perType[t] = append(perType[t], r)
		}
		for _, t := range sortedKeys(perType) {
			if ps := perType[t]; len(ps) > l.intValue() {
				add(ps[len(ps)-1], "type", l, Error, "ConstraintViolationException: POLICY_NUMBER_LIMIT_EXCEEDED: %d policies of type %s; an organization holds at most %d", len(ps), t, l.intValue())
			}
		}
	}
	// An IBM Transit Gateway routes between its connections: with one it
	// routes nothing and only costs, and global routing over connections in
	// one region is billed at the global rate for nothing (IBM Cloud docs,
	// "About IBM Cloud Transit Gateway": local routing connects networks in
	// one region, global across regions; "Transit Gateway pricing").
	if gws := byType["infra:ibm:TransitGateway"]; len(gws) == 1 {
		const source = "IBM Cloud docs, About IBM Cloud Transit Gateway (local and global routing) and Transit Gateway pricing"
		gw, conns := gws[0], byType["infra:ibm:TransitGatewayConnection"]
		warn := func(prop, format string, args ...any) {
			out = append(out, Violation{Type: gw.Type, Resource: gw.Name, Property: prop, Rule: RuleCloudLimit,
				Source: source, Severity: Warning, Message: fmt.Sprintf(format, args...)})
		}
		regions := map[string]bool{}
		for _, c := range conns {
			if crn, ok := str(c, "networkId"); ok {
				// crn:v1:bluemix:public:is:<region>:a/<account>::vpc:<id>
				if parts := strings.Split(crn, ":"); len(parts) > 5 && parts[5] != "" {
					regions[parts[5]] = true
				}
			}
		}
		switch global, _ := gw.Inputs["global"].(bool); {
		case len(conns) < 2:
			warn("", "the transit gateway has %d connection(s): it routes between its connections, so it routes nothing until a second network joins", len(conns))
		case global && len(regions) == 1:
			warn("global", "global routing connects networks in several regions; every connection is in one region, where local routing does the same at a lower price")
		}
	}
	if l := d.limit(limitAccountsPerOrg); l != nil {
		// The quota counts every account of the organization, the
		// management account included, and "for newly created accounts
		// and organizations, this quota might be lower than the default
		// of 10" (Organizations User Guide, "Quotas for AWS
		// Organizations", Default maximum number of accounts).
		if as := byType[accountType]; len(as)+1 > l.intValue() {
			add(as[len(as)-1], "", l, Warning, "ConstraintViolationException: ACCOUNT_NUMBER_LIMIT_EXCEEDED unless the quota was raised: the organization would have %d accounts (%d members and the management account); the default quota is %d, and new organizations may get fewer: ask for more in Service Quotas (us-east-1) before up", len(as)+1, len(as), l.intValue())
		}
	}
	out = append(out, accountsOneAtATime(resources, byType[accountType])...)
	if l := d.limit(limitServersPerPG); l != nil {
		perGroup := map[string][]*Resource{}
		for _, r := range byType[serverType] {
			if pg, ok := r.Inputs["placementGroupId"]; ok && pg != nil && !unknown(pg) {
				k := fmt.Sprint(pg)
				perGroup[k] = append(perGroup[k], r)
			}
		}
		for _, pg := range sortedKeys(perGroup) {
			if ss := perGroup[pg]; len(ss) > l.intValue() {
				add(ss[len(ss)-1], "placementGroupId", l, Error, "placement_error: spread placement group %s would hold %d servers; at most %d", pg, len(ss), l.intValue())
			}
		}
	}
	if l := d.limit(limitNetworkZones); l != nil {
		zones := map[string]map[string]*Resource{}
		for _, r := range byType[subnetType] {
			nz, ok1 := str(r, "networkZone")
			nid, ok2 := r.Inputs["networkId"]
			if !ok1 || !ok2 || nid == nil || unknown(nid) {
				continue
			}
			k := fmt.Sprint(nid)
			if zones[k] == nil {
				zones[k] = map[string]*Resource{}
			}
			if _, seen := zones[k][nz]; !seen {
				zones[k][nz] = r
			}
		}
		for _, nid := range sortedKeys(zones) {
			if zs := zones[nid]; len(zs) > 1 {
				names := sortedKeys(zs)
				add(zs[names[len(names)-1]], "networkZone", l, Error, "invalid_input: network %s would span the network zones %s; all subnets of a network are in one zone", nid, strings.Join(names, ", "))
			}
		}
	}
	return out
}

func sortStrings(s []string) { sort.Strings(s) }

// RuleSerialCreate names the rule that creations of a type must not overlap.
const RuleSerialCreate = "serialCreate"

// sourceAccountsOneAtATime is where AWS says account creations must not
// overlap.
const sourceAccountsOneAtATime = "AWS CloudFormation User Guide, AWS::Organizations::Account: " +
	"\"If you create multiple accounts at the same time, Organizations returns an error\" " +
	"(quoted in pulumi/pulumi-aws-native#1687); Organizations API Reference, CreateAccountStatus FailureReason CONCURRENT_ACCOUNT_MODIFICATION"

// accountsOneAtATime checks that the accounts a deployment creates (not
// those it imports) are created one after another: every two of them must
// be ordered by a chain of dependencies, or the engine runs their
// CreateAccount calls at the same time.
func accountsOneAtATime(all []Resource, accounts []*Resource) []Violation {
	var created []*Resource
	for _, r := range accounts {
		if r.Import == "" {
			created = append(created, r)
		}
	}
	if len(created) < 2 {
		return nil
	}
	// Any chain orders two creates, through other resources too.
	deps := map[string][]string{}
	for _, r := range all {
		deps[r.Name] = append(deps[r.Name], r.DependsOn...)
	}
	reach := func(from, to string) bool {
		seen := map[string]bool{}
		stack := []string{from}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, d := range deps[n] {
				if d == to {
					return true
				}
				if !seen[d] {
					seen[d] = true
					stack = append(stack, d)
				}
			}
		}
		return false
	}
	var out []Violation
	for i, b := range created {
		for _, a := range created[:i] {
			if reach(a.Name, b.Name) || reach(b.Name, a.Name) {
				continue
			}
			out = append(out, Violation{Type: b.Type, Resource: b.Name, Rule: RuleSerialCreate, Severity: Error, Source: sourceAccountsOneAtATime,
				Message: fmt.Sprintf("CreateAccount of %s may run at the same time as that of %s: Organizations creates one account at a time and fails the other (CONCURRENT_ACCOUNT_MODIFICATION); make each new account depend on the one before", b.Name, a.Name)})
			break
		}
	}
	return out
}
