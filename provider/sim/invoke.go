package sim

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// defaultRegion is the AWS region of a provider configured with none.
const defaultRegion = "us-east-1"

// invokes answers data sources by function token, given the arguments and
// the region of the provider instance that was asked ("" when it has none).
var invokes = map[string]func(args resource.PropertyMap, region string) resource.PropertyMap{
	"aws:index/getAvailabilityZones:getAvailabilityZones": awsAvailabilityZones,
	"aws:index/getRegion:getRegion":                       awsRegion,
	"aws:index/getCallerIdentity:getCallerIdentity":       awsCallerIdentity,
	"aws:index/getPartition:getPartition":                 awsPartition,
	"aws:ssm/getParameter:getParameter":                   awsSSMParameter,
	"ovh:CloudProject/getFlavors:getFlavors":              ovhFlavors,
	"ovh:CloudProject/getImages:getImages":                ovhImages,
}

func str(args resource.PropertyMap, key string) string {
	if v, ok := args[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// awsSSMParameter answers public parameter lookups, such as the AMI ids
// AWS publishes under /aws/service/: an AMI id derived from the name.
func awsSSMParameter(args resource.PropertyMap, region string) resource.PropertyMap {
	name := str(args, "name")
	h := digest(resource.URN("ssm:"+regionOr(region, defaultRegion)), name)
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": name, "name": name, "type": "String", "value": fmt.Sprintf("ami-%x", h[:9])[:21], "version": 1,
		"arn": "arn:aws:ssm:" + regionOr(region, defaultRegion) + "::parameter" + name,
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

// awsAvailabilityZones answers with three zones, a to c, as most regions
// have.
func awsAvailabilityZones(_ resource.PropertyMap, region string) resource.PropertyMap {
	region = regionOr(region, defaultRegion)
	var names, ids, groups []resource.PropertyValue
	for i, suffix := range []string{"a", "b", "c"} {
		names = append(names, resource.NewStringProperty(region+suffix))
		ids = append(ids, resource.NewStringProperty(zoneIDPrefix(region)+"-az"+string(rune('1'+i))))
		groups = append(groups, resource.NewStringProperty(region))
	}
	return resource.PropertyMap{
		"id":         resource.NewStringProperty(region),
		"names":      resource.NewArrayProperty(names),
		"zoneIds":    resource.NewArrayProperty(ids),
		"groupNames": resource.NewArrayProperty(groups),
		"state":      resource.NewStringProperty("available"),
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
	if v, ok := args["name"]; ok && v.IsString() && v.StringValue() != "" {
		region = v.StringValue()
	}
	region = regionOr(region, defaultRegion)
	return resource.PropertyMap{
		"id":          resource.NewStringProperty(region),
		"name":        resource.NewStringProperty(region),
		"description": resource.NewStringProperty("Simulated " + region),
		"endpoint":    resource.NewStringProperty("ec2." + region + ".sim.invalid"),
	}
}

func awsCallerIdentity(resource.PropertyMap, string) resource.PropertyMap {
	return resource.PropertyMap{
		"id":        resource.NewStringProperty(simAccount),
		"accountId": resource.NewStringProperty(simAccount),
		"arn":       resource.NewStringProperty("arn:aws:iam::" + simAccount + ":user/sim"),
		"userId":    resource.NewStringProperty("AIDASIMULATEDUSER0001"),
	}
}

func awsPartition(resource.PropertyMap, string) resource.PropertyMap {
	return resource.PropertyMap{
		"id":               resource.NewStringProperty("aws"),
		"partition":        resource.NewStringProperty("aws"),
		"dnsSuffix":        resource.NewStringProperty("amazonaws.com"),
		"reverseDnsPrefix": resource.NewStringProperty("com.amazonaws"),
	}
}
