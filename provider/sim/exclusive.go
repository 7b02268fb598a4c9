package sim

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider/computed"
)

// uniqueness is what a cloud allows only once within a scope: the key two
// objects of a type must not share, and the error the cloud answers a
// create with when they would. scope returns "" when the rule does not
// apply (no name given yet, for example).
type uniqueness struct {
	scope func(inputs resource.PropertyMap, region string) string
	err   func(inputs resource.PropertyMap, region string) error
}

func input(m resource.PropertyMap, key string) string {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsNumber() {
		return fmt.Sprint(int64(v.NumberValue()))
	}
	return ""
}

// by scopes a rule to the values of some inputs (and the region when
// regional); a rule with a missing input does not apply.
func by(regional bool, keys ...string) func(resource.PropertyMap, string) string {
	return func(m resource.PropertyMap, region string) string {
		scope := ""
		if regional {
			scope = region + "/"
		}
		for _, k := range keys {
			v := input(m, k)
			if v == "" {
				return ""
			}
			scope += v + "/"
		}
		return scope
	}
}

// hcloudName is Hetzner Cloud's answer to a second object of a name: names
// are unique per project and resource kind (Hetzner Cloud API, Errors:
// uniqueness_error).
var hcloudName = uniqueness{
	scope: by(false, "name"),
	err: func(m resource.PropertyMap, _ string) error {
		return fmt.Errorf("name is already used (uniqueness_error)")
	},
}

// exclusive holds the uniqueness rules of the types a deployment may
// collide on with what the account already has. The error codes are the
// ones the API references document for the create call; the messages are
// the APIs' wording as commonly reported.
var exclusive = map[string]uniqueness{
	// One organization per management account (AWS Organizations API
	// Reference, CreateOrganization: AlreadyInOrganizationException).
	"aws:organizations/organization:Organization": {
		scope: func(resource.PropertyMap, string) string { return computed.Account },
		err: func(resource.PropertyMap, string) error {
			//lint:ignore ST1005 the cloud API's own wording, full stop included
			return fmt.Errorf("creating Organization: AlreadyInOrganizationException: This account is already a member of an organization. An account can belong to only one organization.")
		},
	},
	// OU names are unique under a parent (CreateOrganizationalUnit:
	// DuplicateOrganizationalUnitException).
	"aws:organizations/organizationalUnit:OrganizationalUnit": {
		scope: by(false, "parentId", "name"),
		err: func(m resource.PropertyMap, _ string) error {
			//lint:ignore ST1005 the cloud API's own wording, full stop included
			return fmt.Errorf("creating Organizations Organizational Unit (%s): DuplicateOrganizationalUnitException: An OU with the same name already exists.", input(m, "name"))
		},
	},
	// Policy names are unique in an organization (CreatePolicy:
	// DuplicatePolicyException).
	"aws:organizations/policy:Policy": {
		scope: by(false, "name"),
		err: func(m resource.PropertyMap, _ string) error {
			//lint:ignore ST1005 the cloud API's own wording, full stop included
			return fmt.Errorf("creating Organizations Policy (%s): DuplicatePolicyException: A policy with the same name already exists.", input(m, "name"))
		},
	},
	// IAM role names are unique in an account (CreateRole:
	// EntityAlreadyExists).
	"aws:iam/role:Role": {
		scope: by(false, "name"),
		err: func(m resource.PropertyMap, _ string) error {
			//lint:ignore ST1005 the cloud API's own wording, full stop included
			return fmt.Errorf("creating IAM Role (%s): EntityAlreadyExists: Role with name %s already exists.", input(m, "name"), input(m, "name"))
		},
	},
	// Group names are unique in a VPC (CreateSecurityGroup:
	// InvalidGroup.Duplicate).
	"aws:ec2/securityGroup:SecurityGroup": {
		scope: by(true, "vpcId", "name"),
		err: func(m resource.PropertyMap, _ string) error {
			return fmt.Errorf("creating Security Group (%s): InvalidGroup.Duplicate: The security group '%s' already exists for VPC '%s'",
				input(m, "name"), input(m, "name"), input(m, "vpcId"))
		},
	},
	// EKS cluster names are unique in a region (CreateCluster:
	// ResourceInUseException).
	"aws:eks/cluster:Cluster": {
		scope: by(true, "name"),
		err: func(m resource.PropertyMap, _ string) error {
			return fmt.Errorf("creating EKS Cluster (%s): ResourceInUseException: Cluster already exists with name: %s", input(m, "name"), input(m, "name"))
		},
	},
	// Load balancer and target group names are unique in a region
	// (CreateLoadBalancer: DuplicateLoadBalancerName; CreateTargetGroup:
	// DuplicateTargetGroupName).
	"aws:lb/loadBalancer:LoadBalancer": {
		scope: by(true, "name"),
		err: func(m resource.PropertyMap, _ string) error {
			return fmt.Errorf("creating ELBv2 Load Balancer (%s): DuplicateLoadBalancerName: A load balancer with the same name '%s' exists", input(m, "name"), input(m, "name"))
		},
	},
	"aws:lb/targetGroup:TargetGroup": {
		scope: by(true, "name"),
		err: func(m resource.PropertyMap, _ string) error {
			return fmt.Errorf("creating ELBv2 Target Group (%s): DuplicateTargetGroupName: A target group with the same name '%s' exists", input(m, "name"), input(m, "name"))
		},
	},
	// Bucket names are global (CreateBucket: BucketAlreadyOwnedByYou when
	// the account holds it).
	"aws:s3/bucketV2:BucketV2": {
		scope: by(false, "bucket"),
		err: func(m resource.PropertyMap, _ string) error {
			//lint:ignore ST1005 the cloud API's own wording, full stop included
			return fmt.Errorf("creating S3 Bucket (%s): BucketAlreadyOwnedByYou: Your previous request to create the named bucket succeeded and you already own it.", input(m, "bucket"))
		},
	},
	// A network interface is attached to one instance at a time: launching
	// an instance on one that another instance holds fails (RunInstances:
	// InvalidNetworkInterface.InUse, EC2 API Reference, Error codes). A
	// replacement made before the old instance is deleted meets it.
	"aws:ec2/instance:Instance": {
		scope: func(m resource.PropertyMap, region string) string {
			if eni := primaryInterface(m); eni != "" {
				return region + "/" + eni
			}
			return ""
		},
		err: func(m resource.PropertyMap, _ string) error {
			//lint:ignore ST1005 the cloud API's own wording, full stop included
			return fmt.Errorf("creating EC2 Instance: InvalidNetworkInterface.InUse: Interface: [%s] in use.", primaryInterface(m))
		},
	},
	eipAssociationType:                           associated,
	"hcloud:index/firewall:Firewall":             hcloudName,
	"hcloud:index/floatingIp:FloatingIp":         hcloudName,
	"hcloud:index/loadBalancer:LoadBalancer":     hcloudName,
	"hcloud:index/network:Network":               hcloudName,
	"hcloud:index/placementGroup:PlacementGroup": hcloudName,
	"hcloud:index/primaryIp:PrimaryIp":           hcloudName,
	"hcloud:index/server:Server":                 hcloudName,
}

// primaryInterface is the network interface an instance is launched on
// (networkInterfaces, device index 0), "" when it makes its own.
func primaryInterface(m resource.PropertyMap) string {
	v, ok := m["networkInterfaces"]
	if !ok || !v.IsArray() {
		return ""
	}
	for _, e := range v.ArrayValue() {
		if !e.IsObject() {
			continue
		}
		o := e.ObjectValue()
		if d, ok := o["deviceIndex"]; ok && d.IsNumber() && d.NumberValue() == 0 {
			return input(o, "networkInterfaceId")
		}
	}
	return ""
}

// collision returns the cloud's error when creating r would collide with
// an object that exists (seeded or made), other than the one at skip. The
// caller holds c.mu.
func (c *Cloud) collision(r computed.Resource) error {
	if err := c.routeOverlap(r); err != nil {
		return err
	}
	u, ok := exclusive[r.Type()]
	if !ok {
		return nil
	}
	scope := u.scope(r.Inputs, r.Region)
	if scope == "" {
		return nil
	}
	check := func(o *Object) bool {
		return string(o.URN.Type()) == r.Type() && u.scope(o.Inputs, o.region) == scope
	}
	for _, o := range c.objects {
		if check(o) {
			return u.err(r.Inputs, r.Region)
		}
	}
	for _, o := range c.existing {
		if check(o) {
			return u.err(r.Inputs, r.Region)
		}
	}
	return nil
}

// hcloudRoute is the type of a Hetzner network route.
const hcloudRoute = "hcloud:index/networkRoute:NetworkRoute"

// routeOverlap is Hetzner's answer to a network route whose destination
// overlaps another route of the same network: a route's destination may
// not overlap other routes (Hetzner Cloud API, "Add a route to a Network";
// ../shared/reference/clouds.md §3.3, Routes). A create-before-delete
// change of the routes meets it, the old route still present. The caller
// holds c.mu.
func (c *Cloud) routeOverlap(r computed.Resource) error {
	if r.Type() != hcloudRoute {
		return nil
	}
	network := input(r.Inputs, "networkId")
	dest, err := netip.ParsePrefix(input(r.Inputs, "destination"))
	if network == "" || err != nil {
		return nil
	}
	for _, o := range c.objects {
		if string(o.URN.Type()) != hcloudRoute || input(o.Inputs, "networkId") != network {
			continue
		}
		if d, err := netip.ParsePrefix(input(o.Inputs, "destination")); err == nil && d.Overlaps(dest) {
			return fmt.Errorf("error adding route: destination %s overlaps route %s of network %s (invalid_input)", dest, d, network)
		}
	}
	return nil
}
