package ibm

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/IBM/vpc-go-sdk/vpcv1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func floatingIPKind() *kind {
	return vpcBound(&kind{
		token:      floatingIPType,
		required:   []string{"name", "region", "zone", "resourceGroup"},
		replace:    []string{"region", "zone", "resourceGroup"},
		computed:   []string{"address", "crn", "status"},
		fields:     map[string]string{"zone.name": "zone", "resource_group": "resourceGroup"},
		uniqueName: true, tagged: true, timeout: 5 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewFloatingIpsPager(&vpcv1.ListFloatingIpsOptions{})
			return findNamed(ctx, o, "list floating IPs for", in.str("name"), p, err, func(f vpcv1.FloatingIP) (*string, *string) { return f.Name, f.ID })
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			rg, err := o.rg(ctx, in)
			if err != nil {
				return "", err
			}
			f, resp, err := api.CreateFloatingIPWithContext(ctx, &vpcv1.CreateFloatingIPOptions{FloatingIPPrototype: &vpcv1.FloatingIPPrototypeFloatingIPByZone{
				Name: in.strp("name"), ResourceGroup: rg, Zone: &vpcv1.ZoneIdentityByName{Name: in.strp("zone")}}})
			return o.created(resp, err, func() *string { return f.ID })
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			f, resp, err := api.GetFloatingIPWithContext(ctx, &vpcv1.GetFloatingIPOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			return statusState(pm("name", f.Name, "zone", zoneName(f.Zone)), pm("address", f.Address, "crn", f.CRN, "status", f.Status),
				deref(f.Status), available, failedVPC), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			if olds.str("name") == news.str("name") {
				return nil
			}
			_, resp, err := api.UpdateFloatingIPWithContext(ctx, &vpcv1.UpdateFloatingIPOptions{ID: &id, FloatingIPPatch: namePatch(news)})
			return o.apiError("rename", err, resp)
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteFloatingIPWithContext(ctx, &vpcv1.DeleteFloatingIPOptions{ID: &id}))
		},
	})
}

// image finds the newest available public image of an operating system
// (VPC: ListImages, by operating_system.name).
func (o *op) image(ctx context.Context, api *vpcv1.VpcV1, osName string) (string, error) {
	p, err := api.NewImagesPager(&vpcv1.ListImagesOptions{Visibility: core.StringPtr("public"), Status: []string{"available"}})
	all, err := listAll(ctx, o, "list images for", p, err)
	if err != nil {
		return "", err
	}
	var found []vpcv1.Image
	for _, im := range all {
		if im.OperatingSystem != nil && deref(im.OperatingSystem.Name) == osName && deref(im.Status) == "available" {
			found = append(found, im)
		}
	}
	if len(found) == 0 {
		return "", &Error{Op: "create", Type: o.k.token, Name: o.name, Field: "image",
			Message: "no available public image of operating system " + osName}
	}
	sort.Slice(found, func(i, j int) bool {
		a, b := found[i].CreatedAt, found[j].CreatedAt
		if a == nil || b == nil || a.String() == b.String() {
			return deref(found[i].Name) > deref(found[j].Name)
		}
		return a.String() > b.String()
	})
	return deref(found[0].ID), nil
}

func instanceKind() *kind {
	k := vpcBound(&kind{
		token:    instanceType,
		required: []string{"name", "region", "zone", "vpc", "profile", "image", "subnet", "resourceGroup"},
		replace:  []string{"region", "zone", "vpc", "profile", "image", "subnet", "securityGroups", "allowIpSpoofing", "userData", "resourceGroup"},
		computed: []string{"crn", "status", "primaryIpAddress"},
		// The user data may hold keys (the mesh gateway's cloud-init does).
		secret: []string{"userData"},
		fields: map[string]string{"profile.name": "profile", "user_data": "userData", "primary_network_interface.subnet": "subnet",
			"resource_group": "resourceGroup", "zone.name": "zone"},
		uniqueName: true, tagged: true, timeout: 15 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewInstancesPager(&vpcv1.ListInstancesOptions{Name: in.strp("name")})
			return findNamed(ctx, o, "list instances for", in.str("name"), p, err, func(i vpcv1.Instance) (*string, *string) { return i.Name, i.ID })
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			rg, err := o.rg(ctx, in)
			if err != nil {
				return "", err
			}
			image, err := o.image(ctx, api, in.str("image"))
			if err != nil {
				return "", err
			}
			nic := &vpcv1.NetworkInterfacePrototype{
				Name:            core.StringPtr("eth0"),
				Subnet:          &vpcv1.SubnetIdentityByID{ID: in.strp("subnet")},
				AllowIPSpoofing: in.boolp("allowIpSpoofing"),
			}
			for _, sg := range in.strs("securityGroups") {
				nic.SecurityGroups = append(nic.SecurityGroups, &vpcv1.SecurityGroupIdentityByID{ID: core.StringPtr(sg)})
			}
			i, resp, err := api.CreateInstanceWithContext(ctx, &vpcv1.CreateInstanceOptions{InstancePrototype: &vpcv1.InstancePrototypeInstanceByImage{
				Name: in.strp("name"), Zone: &vpcv1.ZoneIdentityByName{Name: in.strp("zone")},
				VPC: &vpcv1.VPCIdentityByID{ID: in.strp("vpc")}, Profile: &vpcv1.InstanceProfileIdentityByName{Name: in.strp("profile")},
				Image: &vpcv1.ImageIdentityByID{ID: &image}, PrimaryNetworkInterface: nic,
				UserData: in.strp("userData"), ResourceGroup: rg,
			}})
			return o.created(resp, err, func() *string { return i.ID })
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			i, resp, err := api.GetInstanceWithContext(ctx, &vpcv1.GetInstanceOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			ins := pm("name", i.Name, "zone", zoneName(i.Zone))
			if i.Profile != nil {
				ins["profile"] = val(i.Profile.Name)
			}
			outs := pm("crn", i.CRN, "status", i.Status)
			if nic := i.PrimaryNetworkInterface; nic != nil {
				if nic.PrimaryIP != nil {
					outs["primaryIpAddress"] = val(nic.PrimaryIP.Address)
				}
				if nic.Subnet != nil {
					ins["subnet"] = val(nic.Subnet.ID)
				}
				if fip := in.str("floatingIp"); fip != "" {
					bound, err := o.boundTo(ctx, api, id, deref(nic.ID), fip)
					if err != nil {
						return nil, err
					}
					if !bound {
						ins["floatingIp"] = resource.NewNullProperty()
					}
				}
			}
			return statusState(ins, outs, deref(i.Status), []string{"running"}, []string{"failed"}), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			if olds.str("name") != news.str("name") {
				_, resp, err := api.UpdateInstanceWithContext(ctx, &vpcv1.UpdateInstanceOptions{ID: &id, InstancePatch: namePatch(news)})
				if err != nil {
					return o.apiError("rename", err, resp)
				}
			}
			if old := olds.str("floatingIp"); old != "" && old != news.str("floatingIp") {
				nic, err := o.primaryNIC(ctx, api, id)
				if err != nil {
					return err
				}
				resp, err := api.RemoveInstanceNetworkInterfaceFloatingIPWithContext(ctx, &vpcv1.RemoveInstanceNetworkInterfaceFloatingIPOptions{
					InstanceID: &id, NetworkInterfaceID: &nic, ID: &old})
				if err != nil && !notFound(resp) {
					return o.apiError("unbind the floating IP of", err, resp)
				}
			}
			// A new floating IP is bound by afterReady.
			return nil
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteInstanceWithContext(ctx, &vpcv1.DeleteInstanceOptions{ID: &id}))
		},
	})
	// The floating IP is bound once the instance runs, also when an earlier
	// attempt made the instance but not the binding.
	k.afterReady = func(ctx context.Context, o *op, id string, in props) error {
		fip := in.str("floatingIp")
		if fip == "" {
			return nil
		}
		api, err := o.vpcAPI(in)
		if err != nil {
			return err
		}
		nic, err := o.primaryNIC(ctx, api, id)
		if err != nil {
			return err
		}
		if bound, err := o.boundTo(ctx, api, id, nic, fip); err != nil || bound {
			return err
		}
		// A replacement made before its predecessor is deleted (the mesh
		// gateway, whose name changes with its configuration) takes the
		// floating IP over: unbind it from the old interface first, since a
		// floating IP has one target (VPC: GetFloatingIP target,
		// RemoveInstanceNetworkInterfaceFloatingIP).
		if err := o.unbindElsewhere(ctx, api, fip, nic); err != nil {
			return err
		}
		_, resp, err := api.AddInstanceNetworkInterfaceFloatingIPWithContext(ctx, &vpcv1.AddInstanceNetworkInterfaceFloatingIPOptions{
			InstanceID: &id, NetworkInterfaceID: &nic, ID: &fip})
		if err != nil {
			return o.apiError("bind the floating IP to", err, resp)
		}
		return nil
	}
	return k
}

func (o *op) primaryNIC(ctx context.Context, api *vpcv1.VpcV1, id string) (string, error) {
	i, resp, err := api.GetInstanceWithContext(ctx, &vpcv1.GetInstanceOptions{ID: &id})
	if err != nil {
		return "", o.apiError("read", err, resp)
	}
	if i.PrimaryNetworkInterface == nil {
		return "", &Error{Op: "read", Type: o.k.token, Name: o.name, Message: "the instance has no primary network interface"}
	}
	return deref(i.PrimaryNetworkInterface.ID), nil
}

// unbindElsewhere unbinds a floating IP from an instance interface other
// than nic, if it is bound to one.
func (o *op) unbindElsewhere(ctx context.Context, api *vpcv1.VpcV1, fip, nic string) error {
	f, resp, err := api.GetFloatingIPWithContext(ctx, &vpcv1.GetFloatingIPOptions{ID: &fip})
	if err != nil {
		return o.apiError("read the floating IP of", err, resp)
	}
	var w struct {
		Target struct {
			ID   string `json:"id"`
			Href string `json:"href"`
		} `json:"target"`
	}
	if err := asJSON(f, &w); err != nil {
		return err
	}
	if w.Target.ID == "" || w.Target.ID == nic {
		return nil
	}
	// The target is an instance's network interface; its href names the
	// instance (/v1/instances/{instance}/network_interfaces/{nic}).
	owner := ""
	if _, rest, ok := strings.Cut(w.Target.Href, "/instances/"); ok {
		owner, _, _ = strings.Cut(rest, "/")
	}
	if owner == "" {
		owner, err = o.instanceOfNIC(ctx, api, w.Target.ID)
		if err != nil || owner == "" {
			return err
		}
	}
	resp, err = api.RemoveInstanceNetworkInterfaceFloatingIPWithContext(ctx, &vpcv1.RemoveInstanceNetworkInterfaceFloatingIPOptions{
		InstanceID: &owner, NetworkInterfaceID: &w.Target.ID, ID: &fip})
	if err != nil && !notFound(resp) {
		return o.apiError("unbind the floating IP from its previous instance for", err, resp)
	}
	return nil
}

// instanceOfNIC finds the instance whose primary interface is nic.
func (o *op) instanceOfNIC(ctx context.Context, api *vpcv1.VpcV1, nic string) (string, error) {
	p, err := api.NewInstancesPager(&vpcv1.ListInstancesOptions{})
	all, err := listAll(ctx, o, "list instances for", p, err)
	if err != nil {
		return "", err
	}
	for _, i := range all {
		if i.PrimaryNetworkInterface != nil && deref(i.PrimaryNetworkInterface.ID) == nic {
			return deref(i.ID), nil
		}
	}
	return "", nil
}

// boundTo says whether a floating IP is bound to an instance's interface
// (VPC: GetInstanceNetworkInterfaceFloatingIP, 404 when it is not).
func (o *op) boundTo(ctx context.Context, api *vpcv1.VpcV1, instance, nic, fip string) (bool, error) {
	_, resp, err := api.GetInstanceNetworkInterfaceFloatingIPWithContext(ctx, &vpcv1.GetInstanceNetworkInterfaceFloatingIPOptions{
		InstanceID: &instance, NetworkInterfaceID: &nic, ID: &fip})
	if notFound(resp) {
		return false, nil
	}
	if err != nil {
		return false, o.apiError("read the floating IP of", err, resp)
	}
	return true, nil
}
