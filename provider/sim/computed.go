package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// computedOutputs lists, for each type glob, the outputs the simulated cloud
// computes when the program does not set them. Every matching row applies.
// To simulate a new computed field, add a row here and, for a new property
// name, a generator below; "prop:generator" takes the value of another
// generator than the property's own. The rows give downstream stacks what
// the plan's mocks give them (plan/mocks.go), so a program that plans also
// deploys on the simulator.
var computedOutputs = []struct {
	types   string
	outputs []string
}{
	{"aws:*", []string{"arn", "name"}},
	{"aws:ec2/instance:Instance", []string{"publicIp", "publicDns", "privateIp", "primaryNetworkInterfaceId:eni"}},
	{"aws:ec2/eip:Eip", []string{"publicIp", "publicDns", "allocationId:id"}},
	{"aws:ec2/natGateway:NatGateway", []string{"publicIp", "privateIp"}},
	{"aws:lb/loadBalancer:LoadBalancer", []string{"dnsName", "zoneId"}},
	{"aws:eks/cluster:Cluster", []string{"endpoint", "certificateAuthority", "status:active"}},
	{"aws:kms/key:Key", []string{"keyId:id"}},
	{"aws:organizations/organization:Organization", []string{"roots", "masterAccountId"}},
	{"hcloud:*", []string{"name"}},
	{"hcloud:index/server:Server", []string{"ipv4Address", "ipv6Address", "status:running"}},
	{"hcloud:index/primaryIp:PrimaryIp", []string{"ipAddress"}},
	{"hcloud:index/floatingIp:FloatingIp", []string{"ipAddress"}},
	{"hcloud:index/loadBalancer:LoadBalancer", []string{"ipv4", "ipv6"}},
	{"ovh:*", []string{"name"}},
	// OVH's kube url is a bare host name.
	{"ovh:CloudProject/kube:Kube", []string{"url:hostname", "status:ready"}},
	{"ovh:CloudProject/networkPrivate:NetworkPrivate", []string{"regionsOpenstackIds"}},
	{"ovh:index/cloudFloatingIp:CloudFloatingIp", []string{"currentState"}},
	{"ovh:Me/identityGroup:IdentityGroup", []string{"GroupURN:ovhGroupURN"}},
	{"aws:route53/zone:Zone", []string{"zoneId", "nameServers"}},
	{"infra:ibm:CisInstance", []string{"crn:cisCrn", "guid:uuid"}},
	{"infra:ibm:CisDomain", []string{"nameServers", "status:activeLower"}},
	{"infra:ibm:CisOriginPool", []string{"healthy:true"}},
	{"infra:ibm:TransitGateway", []string{"crn:transitCrn"}},
	{"infra:ibm:TransitGatewayConnection", []string{"status:attached"}},
	// Before the catch-all: the first row that sets a property wins.
	// VPN for VPC, before the infra:ibm:* row so that a connection's status
	// is IBM's down (no peer answers a simulated tunnel), not available.
	{"infra:ibm:VpnGateway", []string{"publicIps", "lifecycleState:stable", "healthState:ok"}},
	{"infra:ibm:VpnGatewayConnection", []string{"mode:vpnMode", "status:down"}},
	{"infra:ibm:IkePolicy", []string{"negotiationMode:main"}},
	{"infra:ibm:IpsecPolicy", []string{"encapsulationMode:tunnel", "transformProtocol:esp"}},
	{"infra:ibm:*", []string{"crn", "name", "status:available"}},
	{"infra:ibm:ResourceInstance", []string{"guid:uuid"}},
	{"infra:ibm:KmsKey", []string{"keyId:uuid"}},
	{"infra:ibm:FloatingIp", []string{"address"}},
	{"infra:ibm:Instance", []string{"primaryIpAddress:privateIp"}},
	{"infra:ibm:Vpc", []string{"defaultSecurityGroup:ibmID", "defaultNetworkAcl:ibmID", "defaultRoutingTable:ibmID"}},
	{"infra:ibm:PublicGateway", []string{"floatingIp:publicIp"}},
	{"infra:ibm:LoadBalancer", []string{"hostname"}},
	{"infra:ibm:Cluster", []string{"ingressHostname"}},
	{"infra:ibm:VpcCluster", []string{"masterUrl:endpoint", "privateServiceEndpointUrl:endpoint", "ingressHostname", "state:normal"}},
}

// generators gives each computed property name its value, so a name means
// the same kind of value on every type.
var generators = map[string]func(target) resource.PropertyValue{
	"arn":             arn,
	"crn":             crn,
	"publicIp":        publicIPv4,
	"ipv4Address":     publicIPv4,
	"ipAddress":       publicIPv4,
	"address":         publicIPv4,
	"ipv4":            publicIPv4,
	"ipv6Address":     publicIPv6,
	"ipv6":            publicIPv6,
	"privateIp":       privateIPv4,
	"publicDns":       hostname,
	"dnsName":         hostname,
	"hostname":        hostname,
	"ingressHostname": hostname,
	"endpoint":        httpsURL,
	"url":             httpsURL,
	"name":            autoName,
	"id":              func(t target) resource.PropertyValue { return resource.NewStringProperty(string(t.id)) },
	"eni":             func(t target) resource.PropertyValue { return resource.NewStringProperty("eni-" + hexOf(t, 17)) },
	"zoneId": func(t target) resource.PropertyValue {
		return resource.NewStringProperty("Z" + strings.ToUpper(hexOf(t, 13)))
	},
	"uuid": func(t target) resource.PropertyValue { return resource.NewStringProperty(uuidOf(t.urn, t.prop)) },
	"ibmID": func(t target) resource.PropertyValue {
		return resource.NewStringProperty("r006-" + uuidOf(t.urn, t.prop))
	},
	"active":    constant("ACTIVE"),
	"running":   constant("running"),
	"ready":     constant("READY"),
	"available": constant("available"),
	"normal":    constant("normal"),
	"stable":    constant("stable"),
	"ok":        constant("ok"),
	"down":      constant("down"),
	"main":      constant("main"),
	"tunnel":    constant("tunnel"),
	"esp":       constant("esp"),
	// A VPN gateway's two members (active, standby) each have a public IP.
	"publicIps": func(t target) resource.PropertyValue {
		prop := t.prop
		var ips []resource.PropertyValue
		for _, member := range []string{"active", "standby"} {
			t.prop = prop + "/" + member
			ips = append(ips, publicIPv4(t))
		}
		return resource.NewArrayProperty(ips)
	},
	// A connection is in its gateway's mode: CIDRs mean policy mode.
	"vpnMode": func(t target) resource.PropertyValue {
		if v, ok := t.inputs["peerCidrs"]; ok && !v.IsNull() {
			return resource.NewStringProperty("policy")
		}
		return resource.NewStringProperty("route")
	},
	"masterAccountId": constant(simAccount),
	"roots":           orgRoots,
	"ovhGroupURN": func(t target) resource.PropertyValue {
		return resource.NewStringProperty("urn:v1:eu:identity:group:sim-ovh/" + resourceName(t))
	},
	"certificateAuthority": func(t target) resource.PropertyValue {
		data := base64.StdEncoding.EncodeToString([]byte("simulated certificate authority of " + t.urn.Name()))
		return resource.NewObjectProperty(resource.PropertyMap{"data": resource.NewStringProperty(data)})
	},
	"regionsOpenstackIds": openstackIDs,
	"attached":            constant("attached"),
	"activeLower":         constant("active"),
	"true":                func(target) resource.PropertyValue { return resource.NewBoolProperty(true) },
	"transitCrn": func(t target) resource.PropertyValue {
		loc := ""
		if l, ok := t.inputs["location"]; ok && l.IsString() {
			loc = l.StringValue()
		}
		return resource.NewStringProperty(fmt.Sprintf("crn:v1:bluemix:public:transit:%s:a/sim::gateway:%s", loc, t.id))
	},
	"cisCrn": func(t target) resource.PropertyValue {
		return resource.NewStringProperty("crn:v1:bluemix:public:internet-svcs:global:a/sim:" + uuidOf(t.urn, "cis") + "::")
	},
	// A DNS zone's name servers, to delegate it to.
	"nameServers": func(t target) resource.PropertyValue {
		var out []resource.PropertyValue
		for i := 1; i <= 2; i++ {
			out = append(out, resource.NewStringProperty(fmt.Sprintf("ns%d.%s.sim.invalid", i, hexOf(t, 8))))
		}
		return resource.NewArrayProperty(out)
	},
	"currentState": func(t target) resource.PropertyValue {
		return resource.NewObjectProperty(resource.PropertyMap{"ip": publicIPv4(t)})
	},
}

func constant(s string) func(target) resource.PropertyValue {
	return func(target) resource.PropertyValue { return resource.NewStringProperty(s) }
}

// hexOf is n hex digits of the digest of the target's property.
func hexOf(t target, n int) string { return hex.EncodeToString(digestBytes(t.urn, t.prop))[:n] }

func digestBytes(urn resource.URN, salt string) []byte {
	h := digest(urn, salt)
	return h[:]
}

// uuidOf is a UUID-shaped value derived from the URN.
func uuidOf(urn resource.URN, salt string) string {
	h := hex.EncodeToString(digestBytes(urn, "uuid/"+salt))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// autoName mimics the providers' auto-naming: the logical name and a suffix.
func autoName(t target) resource.PropertyValue {
	return resource.NewStringProperty(t.urn.Name() + "-" + hexOf(t, 7))
}

// orgRoots is an AWS organization's one root.
func orgRoots(t target) resource.PropertyValue {
	id := "r-" + hexOf(t, 4)
	return resource.NewArrayProperty([]resource.PropertyValue{resource.NewObjectProperty(resource.PropertyMap{
		"id":   resource.NewStringProperty(id),
		"arn":  resource.NewStringProperty("arn:aws:organizations::" + simAccount + ":root/" + string(t.id) + "/" + id),
		"name": resource.NewStringProperty("Root"),
	})})
}

// openstackIDs maps each region of an OVH private network to the id of its
// OpenStack network there.
func openstackIDs(t target) resource.PropertyValue {
	ids := resource.PropertyMap{}
	if rs, ok := t.inputs["regions"]; ok && rs.IsArray() {
		for _, r := range rs.ArrayValue() {
			if r.IsString() {
				ids[resource.PropertyKey(r.StringValue())] = resource.NewStringProperty(uuidOf(t.urn, "openstack/"+r.StringValue()))
			}
		}
	}
	return resource.NewObjectProperty(ids)
}

// target is what a generator may derive a value from.
type target struct {
	urn    resource.URN
	id     resource.ID
	prop   string
	inputs resource.PropertyMap
	region string // from the provider's configuration; "" when unknown
}

// computeOutputs returns the outputs of a resource: its inputs plus the
// computed fields of its type that the inputs do not set. In a preview the
// object does not exist yet, so computed fields are unknown, as a real
// provider reports them.
func computeOutputs(t target, preview bool) resource.PropertyMap {
	out := deepCopy(t.inputs)
	for _, c := range computed(string(t.urn.Type())) {
		key := resource.PropertyKey(c.name)
		if v, ok := out[key]; ok && !v.IsNull() {
			continue
		}
		if preview {
			out[key] = resource.MakeComputed(resource.NewStringProperty(""))
			continue
		}
		t.prop = c.name
		out[key] = generators[c.generator](t)
	}
	return out
}

// computedNames returns the computed outputs of a type token, in table order.
func computedNames(typ string) []string {
	var names []string
	for _, c := range computed(typ) {
		names = append(names, c.name)
	}
	return names
}

type computedOutput struct{ name, generator string }

// computed returns the computed outputs of a type token with their
// generators, in table order.
func computed(typ string) []computedOutput {
	var out []computedOutput
	for _, row := range computedOutputs {
		if !glob(row.types, typ) {
			continue
		}
		for _, n := range row.outputs {
			name, gen, ok := strings.Cut(n, ":")
			if !ok {
				gen = name
			}
			if _, ok := generators[gen]; !ok {
				panic("sim: no generator for computed output " + n)
			}
			out = append(out, computedOutput{name, gen})
		}
	}
	return out
}

// digest hashes the URN with some salt: every simulated value comes from it,
// so the same program yields the same values on every run.
func digest(urn resource.URN, salt string) [32]byte {
	return sha256.Sum256([]byte(string(urn) + "\x00" + salt))
}

// documentationNets are the IPv4 blocks reserved for documentation (RFC
// 5737): addresses that can never reach a real host.
var documentationNets = [][3]byte{{192, 0, 2}, {198, 51, 100}, {203, 0, 113}}

func publicIPv4(t target) resource.PropertyValue {
	h := digest(t.urn, t.prop)
	n := documentationNets[int(h[0])%len(documentationNets)]
	host := 1 + h[1]%254
	return resource.NewStringProperty(netip.AddrFrom4([4]byte{n[0], n[1], n[2], host}).String())
}

// publicIPv6 takes an address in 2001:db8::/32, the IPv6 documentation
// prefix (RFC 3849).
func publicIPv6(t target) resource.PropertyValue {
	h := digest(t.urn, t.prop)
	var a [16]byte
	a[0], a[1], a[2], a[3] = 0x20, 0x01, 0x0d, 0xb8
	copy(a[8:], h[:8])
	return resource.NewStringProperty(netip.AddrFrom16(a).String())
}

// privateIPv4 takes an address in 10.0.0.0/8; it names nothing reachable
// from here either.
func privateIPv4(t target) resource.PropertyValue {
	h := digest(t.urn, t.prop)
	return resource.NewStringProperty(netip.AddrFrom4([4]byte{10, h[0], h[1], 1 + h[2]%254}).String())
}

// hostname is <name>.sim.invalid: the .invalid top-level domain never
// resolves (RFC 2606).
func hostname(t target) resource.PropertyValue {
	return resource.NewStringProperty(dnsLabel(resourceName(t)) + ".sim.invalid")
}

func httpsURL(t target) resource.PropertyValue {
	return resource.NewStringProperty("https://" + hostname(t).StringValue())
}

// arn is arn:aws:<service>:<region>:<account>:<kind>/<id>, with the service
// taken from the type token's module (aws:ec2/vpc:Vpc is service ec2).
func arn(t target) resource.PropertyValue {
	_, mod, kind := splitToken(string(t.urn.Type()))
	service, _, _ := strings.Cut(mod, "/")
	return resource.NewStringProperty(fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s",
		service, regionOr(t.region, "sim"), simAccount, strings.ToLower(kind), t.id))
}

// crn is an IBM Cloud resource name for the VPC service ("is") of account
// "sim".
func crn(t target) resource.PropertyValue {
	_, _, kind := splitToken(string(t.urn.Type()))
	return resource.NewStringProperty(fmt.Sprintf("crn:v1:bluemix:public:is:%s:a/sim::%s:%s",
		regionOr(t.region, "sim"), strings.ToLower(kind), t.id))
}

// simAccount is the AWS account the simulated cloud lives in: the account
// number AWS's own documentation uses.
const simAccount = "123456789012"

// newID returns the provider ID of the gen-th object created for urn. Hetzner
// IDs are numbers; the others look like AWS's <kind>-<hex>.
func newID(urn resource.URN, gen int) resource.ID {
	h := digest(urn, fmt.Sprintf("id/%d", gen))
	pkg, _, kind := splitToken(string(urn.Type()))
	if f, ok := idShapes[string(urn.Type())]; ok {
		return resource.ID(f(h))
	}
	if pkg == "hcloud" {
		return resource.ID(fmt.Sprint(1_000_000 + binary.BigEndian.Uint32(h[:4])%9_000_000))
	}
	// 17 hex digits, as in vpc-0a1b2c3d4e5f67890.
	return resource.ID(fmt.Sprintf("%s-%x", strings.ToLower(kind), h[:9])[:len(kind)+1+17])
}

// idShapes are the types whose ids programs parse or embed: AWS accounts
// are 12 digits (they go into role ARNs), organizations, OUs and policies
// have prefixes of their own.
var idShapes = map[string]func(h [32]byte) string{
	"aws:organizations/account:Account": func(h [32]byte) string {
		return fmt.Sprintf("%012d", binary.BigEndian.Uint64(h[:8])%1_000_000_000_000)
	},
	"aws:organizations/organization:Organization": func(h [32]byte) string { return fmt.Sprintf("o-%x", h[:5]) },
	"aws:organizations/organizationalUnit:OrganizationalUnit": func(h [32]byte) string {
		return fmt.Sprintf("ou-%x-%x", h[:2], h[2:6])
	},
	"aws:organizations/policy:Policy": func(h [32]byte) string { return fmt.Sprintf("p-%x", h[:4]) },
}

// resourceName prefers the cloud-side name the program set, and falls back
// to the Pulumi resource name.
func resourceName(t target) string {
	if v, ok := t.inputs["name"]; ok && v.IsString() && v.StringValue() != "" {
		return v.StringValue()
	}
	return t.urn.Name()
}

// dnsLabel lowercases s and replaces what a DNS label cannot hold.
func dnsLabel(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '.' {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b), "-.")
}

// splitToken splits a type token pkg:module:Name. Module may be empty.
func splitToken(tok string) (pkg, mod, name string) {
	parts := strings.SplitN(tok, ":", 3)
	switch len(parts) {
	case 3:
		return parts[0], parts[1], parts[2]
	case 2:
		return parts[0], "", parts[1]
	default:
		return tok, "", tok
	}
}

func regionOr(region, def string) string {
	if region == "" {
		return def
	}
	return region
}

// glob reports whether s matches pattern, where '*' matches any run of
// characters, '/' and ':' included (path.Match stops at '/', and type
// tokens are full of them).
func glob(pattern, s string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == s
	}
	if !strings.HasPrefix(s, pattern[:star]) {
		return false
	}
	// Try every place where the rest of the pattern could start.
	rest := pattern[star+1:]
	for i := star; i <= len(s); i++ {
		if glob(rest, s[i:]) {
			return true
		}
	}
	return false
}
