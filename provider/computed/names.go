package computed

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// autoName is how a provider names a resource the program gave no name:
// Pulumi's auto-naming, the logical name, a separator and 7 random hex
// characters, at most maxLen long. The bridged providers apply it to every
// input called "name" (SetAutonaming(255, "-"): pulumi-hcloud
// provider/resources.go:159, pulumi-ovh provider/resources.go:1202,
// pulumi-aws provider/autonaming.go) and to a few others with their own
// limits (pulumi-aws provider/resources.go). The services' own limits
// (a load balancer's 32 characters) are rules, checked on the result.
type autoName struct {
	prop   string
	maxLen int
	// transform applies to the logical name before the suffix, post to the
	// result.
	transform, post func(string) string
}

func named(maxLen int) autoName { return autoName{prop: "name", maxLen: maxLen} }

var autoNames = map[string]autoName{
	"aws:cloudtrail/trail:Trail":            named(255),
	"aws:ec2/securityGroup:SecurityGroup":   named(255),
	"aws:ec2/launchTemplate:LaunchTemplate": named(255),
	"aws:eks/cluster:Cluster":               named(255),
	// pulumi-aws resources.go aws_eks_node_group: AutoName("nodeGroupName", 255, "-").
	"aws:eks/nodeGroup:NodeGroup": {prop: "nodeGroupName", maxLen: 255},
	// aws_iam_role: AutoName("name", 64, "-").
	"aws:iam/role:Role": named(64),
	// aws_kms_alias: Maxlen 238, and "alias/" prefixed after (PostTransform).
	"aws:kms/alias:Alias": {prop: "name", maxLen: 238, post: func(s string) string {
		if strings.HasPrefix(s, "alias/") {
			return s
		}
		return "alias/" + s
	}},
	"aws:lb/loadBalancer:LoadBalancer":                        named(255),
	"aws:lb/targetGroup:TargetGroup":                          named(255),
	"aws:organizations/account:Account":                       named(255),
	"aws:organizations/organizationalUnit:OrganizationalUnit": named(255),
	"aws:organizations/policy:Policy":                         named(255),
	"aws:ram/resourceShare:ResourceShare":                     named(255),
	"aws:route53/zone:Zone":                                   named(255),
	// aws_s3_bucket: AutoNameTransform("bucket", 63, strings.ToLower).
	"aws:s3/bucketV2:BucketV2": {prop: "bucket", maxLen: 63, transform: strings.ToLower},

	"hcloud:index/firewall:Firewall":             named(255),
	"hcloud:index/floatingIp:FloatingIp":         named(255),
	"hcloud:index/loadBalancer:LoadBalancer":     named(255),
	"hcloud:index/network:Network":               named(255),
	"hcloud:index/placementGroup:PlacementGroup": named(255),
	"hcloud:index/primaryIp:PrimaryIp":           named(255),
	"hcloud:index/server:Server":                 named(255),

	"ovh:CloudProject/gateway:Gateway":               named(255),
	"ovh:CloudProject/instance:Instance":             named(255),
	"ovh:CloudProject/kube:Kube":                     named(255),
	"ovh:CloudProject/kubeNodePool:KubeNodePool":     named(255),
	"ovh:CloudProject/networkPrivate:NetworkPrivate": named(255),
	"ovh:Iam/policy:Policy":                          named(255),
	"ovh:Me/identityGroup:IdentityGroup":             named(255),
}

// inputDefaults are inputs a provider fills in when the program leaves
// them out. pulumi-aws resources.go aws_security_group: description
// Default managedByPulumi.
var inputDefaults = map[string]map[string]string{
	"aws:ec2/securityGroup:SecurityGroup": {"description": "Managed by Pulumi"},
}

// AutoNamed returns the input a type's provider auto-names, if it does.
func AutoNamed(typ string) (prop string, ok bool) {
	a, ok := autoNames[typ]
	return a.prop, ok
}

// Defaults returns the inputs as the provider's Check returns them: an
// auto-name where the type takes one and the program set none, and the
// provider's other defaults. gen is the generation of the object the inputs
// are for (0 for the first; a replacement checks again and gets a new
// name), so a name is deterministic but never reused by a replacement.
// Like Pulumi's, the auto-name fails when the logical name leaves no room
// for the suffix.
func Defaults(urn resource.URN, inputs resource.PropertyMap, gen int) (resource.PropertyMap, error) {
	out := inputs.Copy()
	if out == nil {
		out = resource.PropertyMap{}
	}
	typ := string(urn.Type())
	for k, v := range inputDefaults[typ] {
		if cur, ok := out[resource.PropertyKey(k)]; !ok || cur.IsNull() {
			out[resource.PropertyKey(k)] = value(v)
		}
	}
	a, ok := autoNames[typ]
	if !ok {
		return out, nil
	}
	key := resource.PropertyKey(a.prop)
	if cur, ok := out[key]; ok && !cur.IsNull() {
		return out, nil
	}
	name, err := a.make(urn, gen)
	if err != nil {
		return nil, err
	}
	out[key] = value(name)
	return out, nil
}

// make is the name for the gen-th object of urn. The message is Pulumi's
// (resource.NewUniqueHex wrapped by the bridge's ComputeAutoNameDefault).
func (a autoName) make(urn resource.URN, gen int) (string, error) {
	const randLen = 7
	prefix := urn.Name()
	if a.transform != nil {
		prefix = a.transform(prefix)
	}
	prefix += "-"
	if a.maxLen > 0 && len(prefix)+randLen > a.maxLen {
		return "", fmt.Errorf("could not make instance of '%s': name '%s' plus %d random chars is longer than maximum length %d",
			urn.Type(), prefix, randLen, a.maxLen)
	}
	name := prefix + hexOf(urn, fmt.Sprintf("autoname/%d", gen), randLen)
	if a.post != nil {
		name = a.post(name)
	}
	return name, nil
}

// IsAutoName reports whether value is the auto-name the provider of typ
// gives a resource of that logical name (of any generation): a plan
// records auto-names among the inputs, and a reader may want to say which
// names the program did not choose.
func IsAutoName(typ, logical, value string) bool {
	a, ok := autoNames[typ]
	if !ok {
		return false
	}
	if a.transform != nil {
		logical = a.transform(logical)
	}
	if a.post != nil {
		value = strings.TrimPrefix(value, a.post(""))
	}
	suffix, ok := strings.CutPrefix(value, logical+"-")
	if !ok || len(suffix) != 7 {
		return false
	}
	return strings.Trim(suffix, "0123456789abcdef") == ""
}
