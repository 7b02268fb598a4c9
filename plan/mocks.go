package plan

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// mocks answers one stack's resource registrations and invokes with
// plausible, deterministic values, and records every registration.
type mocks struct {
	stack string

	mu      sync.Mutex
	records []*Resource
	regions map[string]string // providerKey → the provider's region
	err     error
}

var _ pulumi.MockResourceMonitor = (*mocks)(nil)

func newMocks(stack string) *mocks {
	return &mocks{stack: stack, regions: map[string]string{}}
}

// NewResource records the registration and returns the resource's id and
// state: its inputs plus the computed attributes of its type.
func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rec, err := m.record(args)
	if err != nil {
		m.fail(err)
		return "", nil, err
	}
	t := target{stack: m.stack, typ: args.TypeToken, name: args.Name, inputs: args.Inputs}
	m.mu.Lock()
	m.records = append(m.records, rec)
	if strings.HasPrefix(args.TypeToken, "pulumi:providers:") {
		if r, ok := args.Inputs["region"]; ok && r.IsString() {
			m.regions[providerKey(args.TypeToken, args.Name)] = r.StringValue()
		}
	}
	t.region = m.regions[refKey(args.Provider)]
	m.mu.Unlock()

	id := newID(t)
	t.id = id
	return id, outputsOf(t), nil
}

// Call answers the few provider functions programs may use; any other is
// an error, so a program never silently plans against an invented answer.
func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": mockAccount, "arn": "arn:aws:iam::" + mockAccount + ":user/plan", "userId": "AIDAPLAN",
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws", "dnsSuffix": "amazonaws.com"}), nil
	case "aws:ssm/getParameter:getParameter":
		return ssmParameter(m.stack, args.Args), nil
	case "ovh:CloudProject/getFlavors:getFlavors":
		return ovhFlavors(m.stack, args.Args), nil
	case "ovh:CloudProject/getImages:getImages":
		return ovhImages(m.stack, args.Args), nil
	}
	err := fmt.Errorf("plan: function %s has no mock; derive the value from the spec instead", args.Token)
	m.fail(err)
	return nil, err
}

func (m *mocks) fail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err == nil {
		m.err = err
	}
}

func (m *mocks) failed() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

// resources returns the records sorted by name then type: registration
// order is concurrent inside the SDK and must not leak into the plan.
func (m *mocks) resources() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]*Resource{}, m.records...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// record turns a registration into a plan record. It reads the full RPC
// rather than args.Inputs, which the SDK strips of unknowns.
func (m *mocks) record(args pulumi.MockResourceArgs) (*Resource, error) {
	rec := &Resource{Stack: m.stack, Type: args.TypeToken, Name: args.Name, Inputs: map[string]any{}}
	props := args.Inputs
	if rpc := args.RegisterRPC; rpc != nil {
		var err error
		props, err = plugin.UnmarshalProperties(rpc.GetObject(), plugin.MarshalOptions{
			KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true, SkipNulls: true,
		})
		if err != nil {
			return nil, fmt.Errorf("%s: inputs: %w", args.Name, err)
		}
		rec.Parent = nameOf(rpc.GetParent())
		rec.Provider = nameOf(refURN(rpc.GetProvider()))
		seen := map[string]bool{}
		for _, d := range rpc.GetDependencies() {
			if n := nameOf(d); n != "" && !seen[n] {
				seen[n] = true
				rec.DependsOn = append(rec.DependsOn, n)
			}
		}
		sort.Strings(rec.DependsOn)
	} else {
		rec.Provider = nameOf(refURN(args.Provider))
	}
	for k, v := range props {
		rec.Inputs[string(k)] = plain(v)
	}
	return rec, nil
}

// plain converts a property value to JSON-ready Go values, redacting secrets.
func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Redacted
	case v.IsComputed():
		return Unknown
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return Redacted
		}
		if !o.Known {
			return Unknown
		}
		return plain(o.Element)
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plain(e)
		}
		return out
	case v.IsObject():
		out := map[string]any{}
		for k, e := range v.ObjectValue() {
			out[string(k)] = plain(e)
		}
		return out
	case v.IsResourceReference():
		return "resource " + nameOf(string(v.ResourceReferenceValue().URN))
	case v.IsAsset():
		return "asset " + v.AssetValue().Hash
	case v.IsArchive():
		return "archive " + v.ArchiveValue().Hash
	}
	return fmt.Sprint(v.V)
}

// nameOf is the logical name in a URN; the stack resource itself has none.
func nameOf(u string) string {
	urn := resource.URN(u)
	if u == "" || !urn.IsValid() || urn.QualifiedType() == resource.RootStackType {
		return ""
	}
	return urn.Name()
}

// refURN is the URN part of a provider reference ("urn::id").
func refURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		return ref[:i]
	}
	return ref
}

// providerKey identifies a provider within a stack: its type and name, as
// in the URN of references to it.
func providerKey(typ, name string) string { return typ + "::" + name }

// refKey is providerKey of a provider reference ("urn::id").
func refKey(ref string) string {
	u := resource.URN(refURN(ref))
	if ref == "" || !u.IsValid() {
		return ""
	}
	return providerKey(string(u.Type()), u.Name())
}

// mockAccount is the AWS account of the plan: the one AWS documentation uses.
const mockAccount = "123456789012"

// target is what the generators derive values from.
type target struct {
	stack, typ, name string
	inputs           resource.PropertyMap
	region           string // from the resource's provider; "" for a default provider
	id               string
}

// digest hashes everything that identifies a resource; every mock value is
// taken from it, so the same program gets the same values on every run.
func (t target) digest(salt string) [32]byte {
	return sha256.Sum256([]byte(t.stack + "\x00" + t.typ + "\x00" + t.name + "\x00" + salt))
}

func (t target) hex(salt string, n int) string {
	h := t.digest(salt)
	return hex.EncodeToString(h[:])[:n]
}

// split cuts a type token package:module:Kind.
func split(typ string) (pkg, mod, kind string) {
	parts := strings.SplitN(typ, ":", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return parts[0], parts[1], parts[2]
}

// awsIDPrefixes are the id prefixes AWS uses for the kinds programs declare.
var awsIDPrefixes = map[string]string{
	"Vpc": "vpc", "Subnet": "subnet", "InternetGateway": "igw", "RouteTable": "rtb",
	"RouteTableAssociation": "rtbassoc", "Route": "r", "Eip": "eipalloc", "NatGateway": "nat",
	"SecurityGroup": "sg", "TransitGateway": "tgw", "TransitGatewayVpcAttachment": "tgw-attach",
}

// awsOrgIDs shape the ids of AWS Organizations, whose kinds alone are
// ambiguous (Policy) or whose ids are not prefixed hex (accounts).
var awsOrgIDs = map[string]func(t target) string{
	"aws:organizations/organization:Organization": func(t target) string { return "o-" + t.hex("id", 10) },
	"aws:organizations/organizationalUnit:OrganizationalUnit": func(t target) string {
		return "ou-" + t.hex("root", 4) + "-" + t.hex("id", 8)
	},
	"aws:organizations/policy:Policy": func(t target) string { return "p-" + t.hex("id", 8) },
	"aws:organizations/account:Account": func(t target) string {
		h := t.digest("id")
		return fmt.Sprintf("%012d", binary.BigEndian.Uint64(h[:8])%1_000_000_000_000)
	},
}

// awsNetworkIDs shape the ids of AWS kinds whose names alone are ambiguous
// (a transit gateway's RouteTable) or whose ids are not prefixed hex.
var awsNetworkIDs = map[string]func(t target) string{
	"aws:ec2transitgateway/routeTable:RouteTable":                               func(t target) string { return "tgw-rtb-" + t.hex("id", 17) },
	"aws:ec2transitgateway/vpcAttachment:VpcAttachment":                         func(t target) string { return "tgw-attach-" + t.hex("id", 17) },
	"aws:ec2transitgateway/peeringAttachment:PeeringAttachment":                 func(t target) string { return "tgw-attach-" + t.hex("id", 17) },
	"aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter": func(t target) string { return "tgw-attach-" + t.hex("id", 17) },
	"aws:route53/zone:Zone":                                                     func(t target) string { return zoneID(t) },
	"aws:route53/healthCheck:HealthCheck":                                       uuid,
}

// ibmServiceIDs shape the ids of IBM services outside the VPC API: Transit
// Gateway ids are UUIDs, CIS ids (Cloudflare's) 32 hex digits.
var ibmServiceIDs = map[string]func(t target) string{
	"infra:ibm:TransitGateway":           uuid,
	"infra:ibm:TransitGatewayConnection": uuid,
	"infra:ibm:CisInstance":              cisCRN,
	"infra:ibm:CisDomain":                func(t target) string { return t.hex("id", 32) },
	"infra:ibm:CisHealthCheck":           func(t target) string { return t.hex("id", 32) },
	"infra:ibm:CisOriginPool":            func(t target) string { return t.hex("id", 32) },
	"infra:ibm:CisGlobalLoadBalancer":    func(t target) string { return t.hex("id", 32) },
}

func zoneID(t target) string { return "Z" + strings.ToUpper(t.hex("zone", 13)) }

// cisCRN is a CIS instance's CRN, which is also its id.
func cisCRN(t target) string {
	return "crn:v1:bluemix:public:internet-svcs:global:a/plan:" + uuid(t) + "::"
}

// newID gives a resource an id shaped like its cloud's: AWS <prefix>-<17 hex>,
// Hetzner a number, OVH and providers a UUID, others <kind>-<hex>.
func newID(t target) string {
	pkg, _, kind := split(t.typ)
	switch {
	case pkg == "pulumi":
		return uuid(t)
	case pkg == "aws":
		if f, ok := awsOrgIDs[t.typ]; ok {
			return f(t)
		}
		if f, ok := awsNetworkIDs[t.typ]; ok {
			return f(t)
		}
		if p, ok := awsIDPrefixes[kind]; ok {
			return p + "-" + t.hex("id", 17)
		}
		if kind == "Key" {
			return uuid(t)
		}
		// Most other AWS resources are known by their name.
		if n := physicalName(t); n != "" {
			return n
		}
		return autoName(t).StringValue()
	case pkg == "hcloud":
		h := t.digest("id")
		return fmt.Sprint(1_000_000 + binary.BigEndian.Uint32(h[:4])%9_000_000)
	case pkg == "ovh":
		return uuid(t)
	case pkg == "infra" && strings.HasPrefix(t.typ, "infra:ibm:"):
		if f, ok := ibmServiceIDs[t.typ]; ok {
			return f(t)
		}
		return ibmID(t, "id")
	}
	return strings.ToLower(kind) + "-" + t.hex("id", 17)
}

// ibmID is shaped like IBM VPC ids: a zone-ish prefix and a UUID.
func ibmID(t target, salt string) string {
	h := t.hex(salt, 32)
	return "r006-" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func uuid(t target) string {
	h := t.hex("uuid", 32)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// physicalName is the name the program set, if any.
func physicalName(t target) string {
	if v, ok := t.inputs["name"]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// computedOutputs are the attributes a cloud computes, by type token. A
// trailing * matches every type of a package. Every matching row applies.
// "prop:generator" takes the value from another generator than the
// property's own (OVH's kube url is a bare host name, for instance).
var computedOutputs = []struct {
	typ   string
	props []string
}{
	{"aws:*", []string{"arn", "name"}},
	{"aws:ec2/eip:Eip", []string{"publicIp", "allocationId"}},
	{"aws:ec2/natGateway:NatGateway", []string{"publicIp", "privateIp"}},
	{"aws:lb/loadBalancer:LoadBalancer", []string{"dnsName", "zoneId"}},
	{"aws:eks/cluster:Cluster", []string{"endpoint", "certificateAuthority", "status"}},
	{"aws:kms/key:Key", []string{"keyId"}},
	{"aws:organizations/organization:Organization", []string{"roots", "masterAccountId"}},
	{"infra:ibm:ResourceInstance", []string{"guid:uuid"}},
	{"infra:ibm:KmsKey", []string{"keyId:uuid"}},
	{"ovh:Me/identityGroup:IdentityGroup", []string{"GroupURN:ovhGroupURN"}},
	{"hcloud:*", []string{"name"}},
	{"hcloud:index/server:Server", []string{"ipv4Address", "ipv6Address", "status"}},
	{"hcloud:index/primaryIp:PrimaryIp", []string{"ipAddress"}},
	{"hcloud:index/loadBalancer:LoadBalancer", []string{"ipv4", "ipv6"}},
	{"ovh:*", []string{"name"}},
	{"ovh:CloudProject/kube:Kube", []string{"url:hostname", "status"}},
	{"ovh:CloudProject/networkPrivate:NetworkPrivate", []string{"regionsOpenstackIds"}},
	{"ovh:index/cloudFloatingIp:CloudFloatingIp", []string{"currentState"}},
	{"infra:k3s:Token", []string{"token"}},
	{"aws:ec2/instance:Instance", []string{"primaryNetworkInterfaceId:eni", "privateIp"}},
	{"infra:mesh:WireGuardKey", []string{"privateKey:wgPrivateKey", "publicKey:wgPublicKey"}},
	{"infra:mesh:PresharedKey", []string{"key:wgKey"}},
	{"infra:ibm:FloatingIp", []string{"address:publicIp"}},
	{"infra:ibm:Instance", []string{"primaryIpAddress:privateIp"}},
	{"aws:route53/zone:Zone", []string{"zoneId", "nameServers"}},
	{"infra:ibm:TransitGateway", []string{"crn:transitCrn"}},
	{"infra:ibm:TransitGatewayConnection", []string{"status:attached"}},
	{"infra:ibm:CisInstance", []string{"crn:cisCrn", "guid:uuid"}},
	{"infra:ibm:CisDomain", []string{"nameServers", "status:active"}},
	{"infra:ibm:CisOriginPool", []string{"healthy:true"}},
	{"infra:ibm:*", []string{"crn", "name", "status:available"}},
	{"infra:ibm:Vpc", []string{"defaultSecurityGroup:ibmID", "defaultNetworkAcl:ibmID", "defaultRoutingTable:ibmID"}},
	{"infra:ibm:PublicGateway", []string{"floatingIp:publicIp"}},
	{"infra:ibm:LoadBalancer", []string{"hostname"}},
	{"infra:ibm:VpcCluster", []string{"masterUrl:endpoint", "privateServiceEndpointUrl:endpoint", "ingressHostname", "state:normal"}},
}

// generators give each computed attribute its value; an attribute name
// means the same kind of value on every type.
var generators = map[string]func(t target) resource.PropertyValue{
	"arn":             arn,
	"roots":           orgRoots,
	"masterAccountId": func(target) resource.PropertyValue { return resource.NewProperty(mockAccount) },
	"uuid":            func(t target) resource.PropertyValue { return resource.NewProperty(uuid(t)) },
	"ovhGroupURN": func(t target) resource.PropertyValue {
		return resource.NewProperty("urn:v1:eu:identity:group:xx1111-ovh/" + physicalName(t))
	},
	"name":            autoName,
	"publicIp":        publicIPv4,
	"ipv4Address":     publicIPv4,
	"ipAddress":       publicIPv4,
	"address":         publicIPv4,
	"ipv4":            publicIPv4,
	"ipv6Address":     publicIPv6,
	"ipv6":            publicIPv6,
	"privateIp":       privateIPv4,
	"allocationId":    func(t target) resource.PropertyValue { return resource.NewProperty(t.id) },
	"keyId":           func(t target) resource.PropertyValue { return resource.NewProperty(t.id) },
	"dnsName":         hostname,
	"hostname":        hostname,
	"ingressHostname": hostname,
	"endpoint":        httpsURL,
	"url":             httpsURL,
	"zoneId": func(t target) resource.PropertyValue {
		return resource.NewProperty("Z" + strings.ToUpper(t.hex("zone", 13)))
	},
	"status":               func(target) resource.PropertyValue { return resource.NewProperty("ACTIVE") },
	"available":            func(target) resource.PropertyValue { return resource.NewProperty("available") },
	"normal":               func(target) resource.PropertyValue { return resource.NewProperty("normal") },
	"ibmID":                func(t target) resource.PropertyValue { return resource.NewProperty(ibmID(t, "default")) },
	"crn":                  crn,
	"cisCrn":               func(t target) resource.PropertyValue { return resource.NewProperty(cisCRN(t)) },
	"transitCrn":           transitCRN,
	"nameServers":          nameServers,
	"attached":             func(target) resource.PropertyValue { return resource.NewProperty("attached") },
	"active":               func(target) resource.PropertyValue { return resource.NewProperty("active") },
	"true":                 func(target) resource.PropertyValue { return resource.NewProperty(true) },
	"certificateAuthority": certificateAuthority,
	"token":                secretToken,
	"wgPrivateKey":         wgPrivateKey,
	"eni":                  func(t target) resource.PropertyValue { return resource.NewProperty("eni-" + t.hex("eni", 17)) },
	"wgPublicKey":          wgPublicKey,
	"wgKey":                wgKey,
	"regionsOpenstackIds":  openstackIDs,
	"currentState":         floatingIPState,
}

// outputsOf is the state the mocks return: the inputs, plus every computed
// attribute of the type that the inputs do not set.
func outputsOf(t target) resource.PropertyMap {
	out := t.inputs.Copy()
	for _, row := range computedOutputs {
		if !matches(row.typ, t.typ) {
			continue
		}
		for _, p := range row.props {
			prop, gen, ok := strings.Cut(p, ":")
			if !ok {
				gen = prop
			}
			k := resource.PropertyKey(prop)
			if v, ok := out[k]; ok && !v.IsNull() {
				continue
			}
			out[k] = generators[gen](t)
		}
	}
	return out
}

func matches(pattern, typ string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(typ, p)
	}
	return pattern == typ
}

// documentationNets are the IPv4 blocks reserved for documentation (RFC 5737).
var documentationNets = [][3]byte{{192, 0, 2}, {198, 51, 100}, {203, 0, 113}}

func publicIPv4(t target) resource.PropertyValue {
	h := t.digest("ipv4")
	n := documentationNets[int(h[0])%len(documentationNets)]
	return resource.NewProperty(netip.AddrFrom4([4]byte{n[0], n[1], n[2], 1 + h[1]%254}).String())
}

// publicIPv6 is in 2001:db8::/32, the IPv6 documentation prefix (RFC 3849).
func publicIPv6(t target) resource.PropertyValue {
	h := t.digest("ipv6")
	a := [16]byte{0x20, 0x01, 0x0d, 0xb8}
	copy(a[8:], h[:8])
	return resource.NewProperty(netip.AddrFrom16(a).String())
}

func privateIPv4(t target) resource.PropertyValue {
	h := t.digest("private")
	return resource.NewProperty(netip.AddrFrom4([4]byte{10, h[0], h[1], 1 + h[2]%254}).String())
}

// hostname is under .invalid (RFC 2606), which never resolves.
func hostname(t target) resource.PropertyValue {
	return resource.NewProperty(dnsLabel(t.name) + "-" + t.hex("host", 8) + ".sim.invalid")
}

func httpsURL(t target) resource.PropertyValue {
	return resource.NewProperty("https://" + hostname(t).StringValue())
}

// autoName mimics Pulumi's auto-naming: the logical name and a suffix.
func autoName(t target) resource.PropertyValue {
	return resource.NewProperty(t.name + "-" + t.hex("name", 7))
}

// orgRoots is an organization's one root.
func orgRoots(t target) resource.PropertyValue {
	id := "r-" + t.hex("root", 4)
	return resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
		"id":   resource.NewProperty(id),
		"arn":  resource.NewProperty("arn:aws:organizations::" + mockAccount + ":root/" + t.id + "/" + id),
		"name": resource.NewProperty("Root"),
	})})
}

func arn(t target) resource.PropertyValue {
	_, mod, kind := split(t.typ)
	service, _, _ := strings.Cut(mod, "/")
	region := t.region
	if service == "iam" {
		region = "" // IAM is global: its ARNs carry no region
	}
	return resource.NewProperty(fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service, region, mockAccount, lowerFirst(kind), t.id))
}

func crn(t target) resource.PropertyValue {
	_, _, kind := split(t.typ)
	region := t.region
	if r, ok := t.inputs["region"]; ok && r.IsString() {
		region = r.StringValue()
	}
	return resource.NewProperty(fmt.Sprintf("crn:v1:bluemix:public:is:%s:a/plan::%s:%s", region, strings.ToLower(kind), t.id))
}

// transitCRN is a Transit Gateway's CRN: service transit, in its location.
func transitCRN(t target) resource.PropertyValue {
	loc := ""
	if l, ok := t.inputs["location"]; ok && l.IsString() {
		loc = l.StringValue()
	}
	return resource.NewProperty(fmt.Sprintf("crn:v1:bluemix:public:transit:%s:a/plan::gateway:%s", loc, t.id))
}

// nameServers are a DNS zone's name servers: four for Route 53, two for CIS.
func nameServers(t target) resource.PropertyValue {
	n := 2
	if pkg, _, _ := split(t.typ); pkg == "aws" {
		n = 4
	}
	var out []resource.PropertyValue
	for i := 1; i <= n; i++ {
		out = append(out, resource.NewProperty(fmt.Sprintf("ns%d-%s.sim.invalid", i, t.hex("ns", 8))))
	}
	return resource.NewProperty(out)
}

func certificateAuthority(t target) resource.PropertyValue {
	data := base64.StdEncoding.EncodeToString([]byte("plan certificate authority of " + t.name))
	return resource.NewProperty(resource.PropertyMap{"data": resource.NewProperty(data)})
}

// secretToken stands in for a random secret: a fixed-looking value derived
// from the name, always wrapped as a secret so it is redacted like the real one.
func secretToken(t target) resource.PropertyValue {
	return resource.MakeSecret(resource.NewProperty(t.hex("token", 64)))
}

// openstackIDs maps each region of an OVH private network to the id of its
// OpenStack network there.
func openstackIDs(t target) resource.PropertyValue {
	ids := resource.PropertyMap{}
	if rs, ok := t.inputs["regions"]; ok && rs.IsArray() {
		for _, r := range rs.ArrayValue() {
			if r.IsString() {
				ids[resource.PropertyKey(r.StringValue())] = resource.NewProperty(uuid(target{stack: t.stack, typ: t.typ, name: t.name + "/" + r.StringValue()}))
			}
		}
	}
	return resource.NewProperty(ids)
}

// floatingIPState is an OVH floating IP's current state: its address.
func floatingIPState(t target) resource.PropertyValue {
	return resource.NewProperty(resource.PropertyMap{"ip": publicIPv4(t)})
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// dnsLabel lowercases s and replaces what a DNS label cannot hold.
func dnsLabel(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b), "-")
}

// wgKey is a pre-shared key: key material in WireGuard's exact text form,
// always secret, so a plan that leaked one would fail the key-material
// check of every output (wireguard.KeyMaterial).
func wgKey(t target) resource.PropertyValue {
	h := t.digest("wg-key")
	return resource.MakeSecret(resource.NewProperty(base64.StdEncoding.EncodeToString(h[:])))
}

// wgPrivateKey is a clamped Curve25519 private key, secret like wgKey.
func wgPrivateKey(t target) resource.PropertyValue {
	h := t.digest("wg-private-key")
	h[0] &= 248
	h[31] = h[31]&127 | 64
	return resource.MakeSecret(resource.NewProperty(base64.StdEncoding.EncodeToString(h[:])))
}

// wgPublicKey stands in for a public key. Public keys are no secret, but a
// plan shows none in key form, so that the key-material check has no
// exceptions to make.
func wgPublicKey(t target) resource.PropertyValue {
	return resource.NewProperty("plan-public-key-" + t.hex("wg-public-key", 16))
}

// ssmParameter answers a public SSM parameter lookup: an AMI id for the
// AMI parameters programs read.
func ssmParameter(stack string, args resource.PropertyMap) resource.PropertyMap {
	name := ""
	if v, ok := args["name"]; ok && v.IsString() {
		name = v.StringValue()
	}
	t := target{stack: stack, typ: "aws:ssm/getParameter:getParameter", name: name}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": name, "name": name, "type": "String", "value": "ami-" + t.hex("ami", 17), "version": 1,
		"arn": "arn:aws:ssm:::parameter" + name,
	})
}

// ovhFlavors answers a flavor lookup with the one flavor asked for.
func ovhFlavors(stack string, args resource.PropertyMap) resource.PropertyMap {
	name, region := mockArg(args, "nameFilter"), mockArg(args, "region")
	t := target{stack: stack, typ: "ovh:CloudProject/getFlavors:getFlavors", name: region + "/" + name}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": uuid(t), "region": region, "serviceName": mockArg(args, "serviceName"), "nameFilter": name,
		"flavors": []any{map[string]any{"id": uuid(t), "name": name, "region": region, "available": true, "osType": "linux", "type": "ovh.d2"}},
	})
}

// ovhImages answers an image lookup with the region's Ubuntu and Debian images.
func ovhImages(stack string, args resource.PropertyMap) resource.PropertyMap {
	region := mockArg(args, "region")
	var images []any
	for _, name := range []string{"Debian 12", "Ubuntu 24.04"} {
		t := target{stack: stack, typ: "ovh:CloudProject/getImages:getImages", name: region + "/" + name}
		images = append(images, map[string]any{"id": uuid(t), "name": name, "region": region, "status": "active", "type": "linux", "visibility": "public", "user": "ubuntu"})
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": region, "region": region, "serviceName": mockArg(args, "serviceName"), "osType": "linux", "images": images,
	})
}

func mockArg(args resource.PropertyMap, key string) string {
	if v, ok := args[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}
