package computed

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// NewID returns the provider ID of the gen-th object created for r (0 for
// the first; a replacement gets the next), shaped like its cloud's: AWS
// <prefix>-<17 hex> or the name or ARN the provider uses as ID, Hetzner a
// number, OVH a UUID, IBM VPC r006-<uuid>. Composite IDs follow the import
// ID formats of provider-rules (importId).
func NewID(r Resource, gen int) resource.ID {
	salt := fmt.Sprintf("id/%d", gen)
	if k, ok := kinds[r.Type()]; ok && k.id != nil {
		return resource.ID(k.id(r, salt))
	}
	pkg, _, kind := splitToken(r.Type())
	switch pkg {
	case "pulumi", "ovh":
		return resource.ID(uuidOf(r.URN, salt))
	case "hcloud":
		return resource.ID(hcloudID(r, salt))
	case "infra":
		if strings.HasPrefix(r.Type(), "infra:ibm:") {
			return resource.ID(ibmID(r, salt))
		}
	}
	if n := physicalName(r); n != "" {
		return resource.ID(n)
	}
	return resource.ID(strings.ToLower(kind) + "-" + hexOf(r.URN, salt, 17))
}

// prefixed is the ID of EC2 kinds: a prefix and 17 hex digits, as in
// vpc-0a1b2c3d4e5f67890.
func prefixed(prefix string) func(Resource, string) string {
	return func(r Resource, salt string) string { return prefix + "-" + hexOf(r.URN, salt, 17) }
}

// joined is an ID made of inputs, as the provider builds it (the importId
// formats of provider-rules).
func joined(sep string, keys ...string) func(Resource, string) string {
	return func(r Resource, _ string) string {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = text(r.Inputs, k)
		}
		return strings.Join(parts, sep)
	}
}

// byName is the ID of resources a provider knows by their name.
func byName(r Resource, salt string) string {
	if n := physicalName(r); n != "" {
		return n
	}
	return r.URN.Name() + "-" + hexOf(r.URN, salt, 7)
}

// byARN is the ID of resources a provider knows by their ARN.
func byARN(r Resource, salt string) string { return arnOf(r, salt) }

func uuidID(r Resource, salt string) string { return uuidOf(r.URN, salt) }

// hcloudID is a Hetzner Cloud ID: a number.
func hcloudID(r Resource, salt string) string {
	h := digest(r.URN, salt)
	return fmt.Sprint(1_000_000 + binary.BigEndian.Uint32(h[:4])%9_000_000)
}

// ibmID is shaped like an IBM VPC ID: a regional prefix and a UUID.
func ibmID(r Resource, salt string) string { return "r006-" + uuidOf(r.URN, salt) }

// accountID is an AWS account number: 12 digits.
func accountID(r Resource, salt string) string {
	h := digest(r.URN, salt)
	return fmt.Sprintf("%012d", binary.BigEndian.Uint64(h[:8])%1_000_000_000_000)
}

// The AWS Organization is one per management account, so its ID and root
// derive from the stack (the management account's landing zone) rather
// than from one resource: accounts, OUs and policies of the same stack
// embed them in their ARNs.
func orgID(urn resource.URN) string { return "o-" + hexOf(orgURN(urn), "organization", 10) }

func orgRootID(urn resource.URN) string { return "r-" + hexOf(orgURN(urn), "root", 4) }

func orgURN(urn resource.URN) resource.URN {
	return resource.URN("urn:pulumi:" + urn.Stack().String() + "::" + urn.Project().String() + "::organization")
}

// routeID is an EC2 route's ID: route table and destination (provider-rules
// importId ROUTETABLEID_DESTINATION).
func routeID(r Resource, _ string) string {
	dest := str(r.Inputs, "destinationCidrBlock")
	if dest == "" {
		dest = str(r.Inputs, "destinationIpv6CidrBlock")
	}
	return str(r.Inputs, "routeTableId") + "_" + dest
}

// recordID is a Route 53 record's ID: ZONEID_NAME_TYPE[_SETIDENTIFIER].
func recordID(r Resource, _ string) string {
	id := str(r.Inputs, "zoneId") + "_" + str(r.Inputs, "name") + "_" + str(r.Inputs, "type")
	if s := str(r.Inputs, "setIdentifier"); s != "" {
		id += "_" + s
	}
	return id
}

// text is an input as the provider would print it in an ID: strings as
// they are, numbers (Hetzner IDs are integers) without a fraction.
func text(m resource.PropertyMap, key string) string {
	v, ok := m[resource.PropertyKey(key)]
	switch {
	case !ok:
		return ""
	case v.IsString():
		return v.StringValue()
	case v.IsNumber():
		return fmt.Sprint(int64(v.NumberValue()))
	}
	return ""
}

// hcloudTargetID is a load balancer target's ID: <lb>__<type>__<identifier>
// (provider-rules importId), the identifier being the server ID, the label
// selector or the IP.
func hcloudTargetID(r Resource, _ string) string {
	ident := text(r.Inputs, "serverId")
	if ident == "" {
		ident = text(r.Inputs, "labelSelector")
	}
	if ident == "" {
		ident = text(r.Inputs, "ip")
	}
	return text(r.Inputs, "loadBalancerId") + "__" + text(r.Inputs, "type") + "__" + ident
}

// rolePolicyAttachmentID is ROLENAME/POLICYARN.
func rolePolicyAttachmentID(r Resource, _ string) string {
	return str(r.Inputs, "role") + "/" + str(r.Inputs, "policyArn")
}

// ovhNetworkID is an OVH private network's ID: pn-<vRack number>_<VLAN>,
// the form provider-rules' importId gives (pn-xxxx).
func ovhNetworkID(r Resource, salt string) string {
	h := digest(r.URN, salt)
	vlan := "0"
	if v, ok := r.Inputs["vlanId"]; ok && v.IsNumber() {
		vlan = fmt.Sprint(int(v.NumberValue()))
	}
	return fmt.Sprintf("pn-%d_%s", 1_000_000+binary.BigEndian.Uint32(h[:4])%9_000_000, vlan)
}
