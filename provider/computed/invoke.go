package computed

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/topology"
)

// Invoke answers a data source by function token, given its arguments and
// the region of the provider instance asked ("" when it has none). ok is
// false for a function the model does not know: the plan refuses it, the
// simulator answers nothing.
func Invoke(token string, args resource.PropertyMap, region string) (ret resource.PropertyMap, ok bool) {
	fn, ok := invokes[token]
	if !ok {
		return nil, false
	}
	return fn(args, region), true
}

var invokes = map[string]func(args resource.PropertyMap, region string) resource.PropertyMap{
	"aws:index/getAvailabilityZones:getAvailabilityZones": awsAvailabilityZones,
	"aws:index/getRegion:getRegion":                       awsRegion,
	"aws:index/getCallerIdentity:getCallerIdentity":       awsCallerIdentity,
	"aws:eks/getClusterAuth:getClusterAuth":               awsClusterAuth,
	"aws:iam/getSessionContext:getSessionContext":         awsSessionContext,
	"aws:index/getPartition:getPartition":                 awsPartition,
	"aws:ssm/getParameter:getParameter":                   awsSSMParameter,
	"aws:organizations/getOrganization:getOrganization":   awsOrganization,
	"ovh:CloudProject/getFlavors:getFlavors":              ovhFlavors,
	"ovh:CloudProject/getImages:getImages":                ovhImages,
}

// awsSSMParameter answers public parameter lookups, such as the AMI IDs
// AWS publishes under /aws/service/: an AMI ID derived from the name.
func awsSSMParameter(args resource.PropertyMap, region string) resource.PropertyMap {
	name := str(args, "name")
	region = regionOr(region, DefaultRegion)
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": name, "name": name, "type": "String", "value": "ami-" + hexOf(resource.URN("ssm:"+region), name, 17), "version": 1,
		"arn": "arn:aws:ssm:" + region + "::parameter" + name,
	})
}

// ovhFlavors answers with the one flavor asked for, available.
func ovhFlavors(args resource.PropertyMap, _ string) resource.PropertyMap {
	name, region := str(args, "nameFilter"), str(args, "region")
	id := uuidOf(resource.URN("ovh-flavor:"+region), name)
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": id, "region": region, "serviceName": str(args, "serviceName"), "nameFilter": name,
		"flavors": []any{map[string]any{"id": id, "name": name, "region": region, "available": true, "osType": "linux", "type": "ovh.d2"}},
	})
}

// ovhImages answers with a region's Debian and Ubuntu images.
func ovhImages(args resource.PropertyMap, _ string) resource.PropertyMap {
	region := str(args, "region")
	var images []any
	for _, name := range []string{"Debian 12", "Ubuntu 24.04"} {
		images = append(images, map[string]any{"id": uuidOf(resource.URN("ovh-image:"+region), name), "name": name,
			"region": region, "status": "active", "type": "linux", "visibility": "public", "user": "ubuntu"})
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": region, "region": region, "serviceName": str(args, "serviceName"), "osType": "linux", "images": images,
	})
}

// awsAvailabilityZones answers DescribeAvailabilityZones with the zones the
// topology catalog knows for the region (topology.ZonesOf: us-east-1 has a
// to f), a, b and c for another, the n-th zone with the n-th AZ ID: the
// mapping of accounts created since November 2025. It honours excludeNames
// and excludeZoneIds, as the provider filters on them.
func awsAvailabilityZones(args resource.PropertyMap, region string) resource.PropertyMap {
	region = regionOr(region, DefaultRegion)
	zones := topology.ZonesOf(topology.AWS, region)
	if len(zones) == 0 {
		zones = []string{region + "a", region + "b", region + "c"}
	}
	skip := map[string]bool{}
	for _, k := range []resource.PropertyKey{"excludeNames", "excludeZoneIds"} {
		if v, ok := args[k]; ok && v.IsArray() {
			for _, e := range v.ArrayValue() {
				if e.IsString() {
					skip[e.StringValue()] = true
				}
			}
		}
	}
	names, ids, groups := []resource.PropertyValue{}, []resource.PropertyValue{}, []resource.PropertyValue{}
	for i, name := range zones {
		id := fmt.Sprintf("%s-az%d", zoneIDPrefix(region), i+1)
		if skip[name] || skip[id] {
			continue
		}
		names = append(names, value(name))
		ids = append(ids, value(id))
		groups = append(groups, value(region))
	}
	return resource.PropertyMap{
		"id":         value(region),
		"names":      resource.NewProperty(names),
		"zoneIds":    resource.NewProperty(ids),
		"groupNames": resource.NewProperty(groups),
		"state":      value("available"),
	}
}

// zoneIDPrefix abbreviates a region the way AWS zone IDs do, roughly:
// us-east-1 becomes use1, eu-central-1 euc1.
func zoneIDPrefix(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) < 3 {
		return region
	}
	var b strings.Builder
	b.WriteString(parts[0])
	for _, p := range parts[1 : len(parts)-1] {
		if p != "" {
			b.WriteByte(p[0])
		}
	}
	b.WriteString(parts[len(parts)-1])
	return b.String()
}

func awsRegion(args resource.PropertyMap, region string) resource.PropertyMap {
	if n := str(args, "name"); n != "" {
		region = n
	}
	region = regionOr(region, DefaultRegion)
	return resource.PropertyMap{
		"id":          value(region),
		"name":        value(region),
		"description": value("Simulated " + region),
		"endpoint":    value("ec2." + region + ".sim.invalid"),
	}
}

func awsCallerIdentity(resource.PropertyMap, string) resource.PropertyMap {
	return resource.PropertyMap{
		"id":        value(Account),
		"accountId": value(Account),
		"arn":       value("arn:aws:iam::" + Account + ":user/sim"),
		"userId":    value("AIDASIMULATEDUSER0001"),
	}
}

// awsClusterAuth answers as aws eks get-token does: a token of the form
// k8s-aws-v1.<base64url of a presigned STS GetCallerIdentity URL>
// (aws-iam-authenticator pkg/token), here a stand-in of that form derived
// from the cluster name, secret as the provider marks it.
func awsClusterAuth(args resource.PropertyMap, region string) resource.PropertyMap {
	name := str(args, "name")
	return resource.PropertyMap{
		"id":    value(name),
		"name":  value(name),
		"token": resource.MakeSecret(value("k8s-aws-v1." + hexOf(resource.URN("eks-token:"+regionOr(region, DefaultRegion)), name, 64))),
	}
}

// awsSessionContext answers as IAM does for the ARN of an assumed-role
// session: the role's ARN (the simulator's roles have no path); any other
// ARN is its own issuer (terraform-provider-aws iam_session_context).
func awsSessionContext(args resource.PropertyMap, _ string) resource.PropertyMap {
	arn := str(args, "arn")
	issuer, name := arn, ""
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 && parts[2] == "sts" && strings.HasPrefix(parts[5], "assumed-role/") {
		rs := strings.Split(strings.TrimPrefix(parts[5], "assumed-role/"), "/")
		name = rs[0]
		issuer = "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + name
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": arn, "arn": arn, "issuerArn": issuer, "issuerName": name, "issuerId": "", "sessionName": ""})
}

func awsPartition(resource.PropertyMap, string) resource.PropertyMap {
	return resource.PropertyMap{
		"id":               value("aws"),
		"partition":        value("aws"),
		"dnsSuffix":        value("amazonaws.com"),
		"reverseDnsPrefix": value("com.amazonaws"),
	}
}

// awsOrganization answers DescribeOrganization and its companions for a
// landing zone that adopts the management account's organization: one with
// all features, the caller as management account and nothing enabled yet.
// It knows no member accounts, so an account adopted by e-mail address is
// not found offline; one adopted by id is imported by that id.
func awsOrganization(resource.PropertyMap, string) resource.PropertyMap {
	urn := resource.URN("organization:" + Account)
	id := "o-" + hexOf(urn, "organization", 10)
	root := "r-" + hexOf(urn, "root", 4)
	master := resource.NewPropertyMapFromMap(map[string]any{
		"id": Account, "arn": orgARN("account/" + id + "/" + Account), "name": "management",
		"email": "management@sim.invalid", "status": "ACTIVE",
	})
	return resource.PropertyMap{
		"id":                         value(id),
		"arn":                        value(orgARN("organization/" + id)),
		"featureSet":                 value("ALL"),
		"masterAccountId":            value(Account),
		"masterAccountArn":           value(orgARN("account/" + id + "/" + Account)),
		"masterAccountEmail":         value("management@sim.invalid"),
		"masterAccountName":          value("management"),
		"awsServiceAccessPrincipals": resource.NewProperty([]resource.PropertyValue{}),
		"enabledPolicyTypes":         resource.NewProperty([]resource.PropertyValue{}),
		"accounts":                   resource.NewProperty([]resource.PropertyValue{resource.NewProperty(master)}),
		"nonMasterAccounts":          resource.NewProperty([]resource.PropertyValue{}),
		"roots": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
			"id": value(root), "arn": value(orgARN("root/" + id + "/" + root)), "name": value("Root"),
		})}),
	}
}
