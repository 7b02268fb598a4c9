package sim

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider/computed"
)

// An Elastic IP associated by an association resource cannot be released
// until the association is gone, unless its own state names the
// association (the provider disassociates first); a second association of
// it fails unless it allows reassociation.
func TestElasticIPInUse(t *testing.T) {
	c := NewCloud()
	outs := func(computed.Resource) resource.PropertyMap { return resource.PropertyMap{} }
	res := func(typ, name string, in resource.PropertyMap) computed.Resource {
		return computed.Resource{URN: resource.URN(urnOf(typ, name)), Region: "eu-central-1", Inputs: in}
	}
	eip, err := c.create(res(eipType, "eip", resource.PropertyMap{"domain": str("vpc")}), outs)
	if err != nil {
		t.Fatal(err)
	}
	assoc := func(name, eni string, reassociate bool) computed.Resource {
		in := resource.PropertyMap{"allocationId": str(string(eip.ID)), "networkInterfaceId": str(eni)}
		if reassociate {
			in["allowReassociation"] = resource.NewProperty(true)
		}
		return res(eipAssociationType, name, in)
	}
	a, err := c.create(assoc("assoc", "eni-1", false), outs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.create(assoc("assoc-new", "eni-2", false), outs); err == nil || !strings.Contains(err.Error(), "Resource.AlreadyAssociated") {
		t.Errorf("a second association: %v", err)
	}
	moved, err := c.create(assoc("assoc-moved", "eni-2", true), outs)
	if err != nil {
		t.Errorf("a second association that allows reassociation: %v", err)
	}
	if err := c.delete(moved.URN, moved.ID, nil); err != nil {
		t.Fatal(err)
	}

	if err := c.delete(eip.URN, eip.ID, resource.PropertyMap{"domain": str("vpc")}); err == nil || !strings.Contains(err.Error(), "InvalidIPAddress.InUse") {
		t.Errorf("releasing an associated address: %v", err)
	}
	if _, ok := c.Lookup(eip.URN); !ok {
		t.Fatal("a refused release removed the address")
	}
	if err := c.delete(a.URN, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.delete(eip.URN, eip.ID, nil); err != nil {
		t.Errorf("releasing an address after its association: %v", err)
	}

	eip, _ = c.create(res(eipType, "eip", nil), outs)
	if _, err := c.create(assoc("assoc", "eni-1", false), outs); err != nil {
		t.Fatal(err)
	}
	if err := c.delete(eip.URN, eip.ID, resource.PropertyMap{"associationId": str("eipassoc-1")}); err != nil {
		t.Errorf("releasing an address whose state names its association (the provider disassociates first): %v", err)
	}
}
