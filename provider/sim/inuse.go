package sim

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	eipType            = "aws:ec2/eip:Eip"
	eipAssociationType = "aws:ec2/eipAssociation:EipAssociation"
)

// refuseDelete is the cloud's answer to deleting the object at urn with
// this id and last known state while other objects still use it; nil when
// the delete goes through.
//
// An Elastic IP still associated cannot be released: ReleaseAddress fails
// with InvalidIPAddress.InUse (EC2 API Reference, ReleaseAddress: "you must
// disassociate the Elastic IP address before you can release it"). The
// provider disassociates first only when its state names an association
// (terraform-provider-aws internal/service/ec2/ec2_eip.go, resourceEIPDelete
// reads association_id from the state, with no read before): an
// association made by an aws:ec2/eipAssociation resource, in this stack or
// another, is not in the Elastic IP's state, so releasing its address
// before that resource is deleted fails. The caller holds c.mu.
func (c *Cloud) refuseDelete(urn resource.URN, id resource.ID, state resource.PropertyMap) error {
	if string(urn.Type()) != eipType || input(state, "associationId") != "" {
		return nil
	}
	for u, o := range c.objects {
		if string(u.Type()) == eipAssociationType && input(o.Inputs, "allocationId") == string(id) {
			return fmt.Errorf("deleting EC2 EIP (%s): operation error EC2: ReleaseAddress, api error InvalidIPAddress.InUse: Address %s is in use by association %s (%s); delete the association first", id, id, o.ID, u.Name())
		}
	}
	return nil
}

// associated is the cloud's answer to associating an Elastic IP that is
// already associated: AssociateAddress fails with Resource.AlreadyAssociated
// unless the request allows reassociation (EC2 API Reference,
// AssociateAddress, AllowReassociation: "If the Elastic IP address is
// already associated with a different instance or a network interface, you
// get an error unless you allow reassociation"). A replacement made before
// the old association is deleted meets it.
var associated = uniqueness{
	scope: func(m resource.PropertyMap, region string) string {
		if v, ok := m["allowReassociation"]; ok && v.IsBool() && v.BoolValue() {
			return ""
		}
		if a := input(m, "allocationId"); a != "" {
			return region + "/" + a
		}
		return ""
	},
	err: func(m resource.PropertyMap, _ string) error {
		return fmt.Errorf("creating EC2 EIP Association: operation error EC2: AssociateAddress, api error Resource.AlreadyAssociated: resource %s is already associated", input(m, "allocationId"))
	},
}
