package ibm

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/IBM/platform-services-go-sdk/contextbasedrestrictionsv1"
	"github.com/IBM/platform-services-go-sdk/iamaccessgroupsv2"
	"github.com/IBM/platform-services-go-sdk/iampolicymanagementv1"
	"github.com/IBM/platform-services-go-sdk/resourcecontrollerv2"
	"github.com/IBM/platform-services-go-sdk/resourcemanagerv2"
)

// The account types of the landing zone (platform-services-go-sdk):
// resource groups (Resource Manager), service instances (Resource
// Controller, with plans from the Global Catalog), access groups (IAM
// Access Groups), policies (IAM Policy Management) and context-based
// restrictions.
const (
	resourceGroupType    = "infra:ibm:ResourceGroup"
	accessGroupType      = "infra:ibm:AccessGroup"
	iamPolicyType        = "infra:ibm:IamPolicy"
	cbrZoneType          = "infra:ibm:CbrZone"
	cbrRuleType          = "infra:ibm:CbrRule"
	resourceInstanceType = "infra:ibm:ResourceInstance"
)

// The clients the types here act through, as bind hands them over.
type (
	managerAPI      = *resourcemanagerv2.ResourceManagerV2
	groupsAPI       = *iamaccessgroupsv2.IamAccessGroupsV2
	policiesAPI     = *iampolicymanagementv1.IamPolicyManagementV1
	restrictionsAPI = *contextbasedrestrictionsv1.ContextBasedRestrictionsV1
	controllerAPI   = *resourcecontrollerv2.ResourceControllerV2
)

func iamKinds() []*kind {
	return []*kind{resourceGroupKind(), accessGroupKind(), iamPolicyKind(), cbrZoneKind(), cbrZoneAddressesKind(), cbrRuleKind(),
		resourceInstanceKind(resourceInstanceType, "")}
}

func resourceGroupKind() *kind {
	return bind(&kind{
		token:      resourceGroupType,
		required:   []string{"name"},
		computed:   []string{"crn"},
		uniqueName: true, timeout: 5 * time.Minute,
	}, shared((*clients).manager), calls[managerAPI]{
		find: inAccount(func(ctx context.Context, o *op, rm managerAPI, in props, acct string) (string, error) {
			list, resp, err := rm.ListResourceGroupsWithContext(ctx, &resourcemanagerv2.ListResourceGroupsOptions{AccountID: &acct, Name: in.strp("name")})
			if err != nil {
				return "", o.apiError("list resource groups for", err, resp)
			}
			return named(list.Resources, in.str("name"), func(g resourcemanagerv2.ResourceGroup) (*string, *string) { return g.Name, g.ID }), nil
		}),
		create: inAccount(func(ctx context.Context, o *op, rm managerAPI, in props, acct string) (string, error) {
			g, resp, err := rm.CreateResourceGroupWithContext(ctx, &resourcemanagerv2.CreateResourceGroupOptions{Name: in.strp("name"), AccountID: &acct})
			return o.created(resp, err, func() *string { return g.ID })
		}),
		read: func(ctx context.Context, o *op, rm managerAPI, id string, in props) (*state, error) {
			g, resp, err := rm.GetResourceGroupWithContext(ctx, &resourcemanagerv2.GetResourceGroupOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			if strings.EqualFold(deref(g.State), "deleted") {
				return nil, nil
			}
			return readyState(pm("name", g.Name), pm("crn", g.CRN)), nil
		},
		update: func(ctx context.Context, o *op, rm managerAPI, id string, olds, news props) error {
			_, resp, err := rm.UpdateResourceGroupWithContext(ctx, &resourcemanagerv2.UpdateResourceGroupOptions{ID: &id, Name: news.strp("name")})
			return o.apiError("rename", err, resp)
		},
		del: func(ctx context.Context, o *op, rm managerAPI, id string, in props) error {
			// A group is deleted only when empty, and an instance deleted
			// before it (Key Protect) waits in reclamation for 7 days: reclaim
			// what is scheduled in the group first (Resource Controller:
			// ListReclamations, RunReclamationAction reclaim; IBM Cloud docs
			// "Using resource reclamation").
			if err := o.reclaimGroup(ctx, id); err != nil {
				return err
			}
			return o.deleted(rm.DeleteResourceGroupWithContext(ctx, &resourcemanagerv2.DeleteResourceGroupOptions{ID: &id}))
		},
	})
}

// reclaimGroup reclaims, for good, the instances of a resource group that
// wait in reclamation, so that the group can be deleted.
func (o *op) reclaimGroup(ctx context.Context, group string) error {
	rc, err := o.c.controller()
	if err != nil {
		return err
	}
	acct, err := o.c.accountID()
	if err != nil {
		return err
	}
	list, resp, err := rc.ListReclamationsWithContext(ctx, &resourcecontrollerv2.ListReclamationsOptions{AccountID: &acct, ResourceGroupID: &group})
	if err != nil {
		return o.apiError("list the reclamations of", err, resp)
	}
	for _, r := range list.Resources {
		if st := strings.ToUpper(deref(r.State)); st != "SCHEDULED" && st != "FAILED" {
			continue
		}
		_, resp, err := rc.RunReclamationActionWithContext(ctx, &resourcecontrollerv2.RunReclamationActionOptions{ID: r.ID, ActionName: core.StringPtr("reclaim")})
		if err != nil && (resp == nil || resp.StatusCode != 404) {
			return o.apiError("reclaim "+deref(r.ResourceInstanceID)+" before deleting", err, resp)
		}
	}
	return nil
}

func accessGroupKind() *kind {
	return bind(&kind{
		token:      accessGroupType,
		required:   []string{"name"},
		computed:   []string{"crn"},
		uniqueName: true, timeout: 5 * time.Minute,
	}, shared((*clients).accessGroups), calls[groupsAPI]{
		find: inAccount(func(ctx context.Context, o *op, api groupsAPI, in props, acct string) (string, error) {
			p, err := api.NewAccessGroupsPager(&iamaccessgroupsv2.ListAccessGroupsOptions{AccountID: &acct})
			return findNamed(ctx, o, "list access groups for", in.str("name"), p, err, func(g iamaccessgroupsv2.Group) (*string, *string) { return g.Name, g.ID })
		}),
		create: inAccount(func(ctx context.Context, o *op, api groupsAPI, in props, acct string) (string, error) {
			g, resp, err := api.CreateAccessGroupWithContext(ctx, &iamaccessgroupsv2.CreateAccessGroupOptions{
				AccountID: &acct, Name: in.strp("name"), Description: in.strp("description")})
			return o.created(resp, err, func() *string { return g.ID })
		}),
		read: func(ctx context.Context, o *op, api groupsAPI, id string, in props) (*state, error) {
			g, resp, err := api.GetAccessGroupWithContext(ctx, &iamaccessgroupsv2.GetAccessGroupOptions{AccessGroupID: &id, ShowCRN: core.BoolPtr(true)})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			ins := pm("name", g.Name)
			if in.has("description") || deref(g.Description) != "" {
				ins["description"] = val(g.Description)
			}
			return readyState(ins, pm("crn", g.CRN)), nil
		},
		update: func(ctx context.Context, o *op, api groupsAPI, id string, olds, news props) error {
			// Updates are conditional on the group's current ETag.
			_, resp, err := api.GetAccessGroupWithContext(ctx, &iamaccessgroupsv2.GetAccessGroupOptions{AccessGroupID: &id})
			if err != nil {
				return o.apiError("read", err, resp)
			}
			etag := resp.Headers.Get("ETag")
			_, resp, err = api.UpdateAccessGroupWithContext(ctx, &iamaccessgroupsv2.UpdateAccessGroupOptions{
				AccessGroupID: &id, IfMatch: &etag, Name: news.strp("name"), Description: news.strp("description")})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api groupsAPI, id string, in props) error {
			return o.deleted(api.DeleteAccessGroupWithContext(ctx, &iamaccessgroupsv2.DeleteAccessGroupOptions{AccessGroupID: &id, Force: core.BoolPtr(true)}))
		},
	})
}

// Role names and the CRNs IAM knows them by: platform roles, and the
// service roles every IAM-enabled service defines.
var (
	platformRoles = []string{"Viewer", "Operator", "Editor", "Administrator"}
	serviceRoles  = []string{"Reader", "Writer", "Manager"}
)

// Service roles of VPC Infrastructure Services beyond the common three:
// IP Spoofing Operator lets an identity create an instance with
// allow_ip_spoofing, which Editor and Manager do not (IBM Cloud docs,
// "Managing IAM access for VPC Infrastructure Services", table of role ID
// values: crn:v1:bluemix:public:iam::::serviceRole:IPSpoofingOperator; "About
// IP spoofing checks").
var vpcServiceRoles = []string{"IPSpoofingOperator"}

func roleCRN(name string) (string, bool) {
	for _, r := range vpcServiceRoles {
		if r == name {
			return "crn:v1:bluemix:public:iam::::serviceRole:" + name, true
		}
	}
	for _, r := range platformRoles {
		if r == name {
			return "crn:v1:bluemix:public:iam::::role:" + name, true
		}
	}
	for _, r := range serviceRoles {
		if r == name {
			return "crn:v1:bluemix:public:iam::::serviceRole:" + name, true
		}
	}
	return "", false
}

func roleName(crn string) string { return crn[strings.LastIndex(crn, ":")+1:] }

// policyParts are an IamPolicy's inputs in IAM's terms.
func (o *op) policyParts(in props) (subjects []iampolicymanagementv1.PolicySubject, roles []iampolicymanagementv1.PolicyRole,
	resources []iampolicymanagementv1.PolicyResource, err error) {
	acct, err := o.c.accountID()
	if err != nil {
		return nil, nil, nil, err
	}
	attr := func(n, v string) iampolicymanagementv1.SubjectAttribute {
		return iampolicymanagementv1.SubjectAttribute{Name: core.StringPtr(n), Value: core.StringPtr(v)}
	}
	switch in.str("type") {
	case "access":
		subjects = []iampolicymanagementv1.PolicySubject{{Attributes: []iampolicymanagementv1.SubjectAttribute{attr("access_group_id", in.str("accessGroup"))}}}
	case "authorization":
		subjects = []iampolicymanagementv1.PolicySubject{{Attributes: []iampolicymanagementv1.SubjectAttribute{
			attr("accountId", acct), attr("serviceName", in.str("sourceService"))}}}
	}
	for _, r := range in.strs("roles") {
		crn, _ := roleCRN(r)
		roles = append(roles, iampolicymanagementv1.PolicyRole{RoleID: core.StringPtr(crn)})
	}
	attrs := []iampolicymanagementv1.ResourceAttribute{{Name: core.StringPtr("accountId"), Value: &acct, Operator: core.StringPtr("stringEquals")}}
	m := in.strMap("resourceAttributes")
	keys := slices.Sorted(maps.Keys(m))
	for _, k := range keys {
		attrs = append(attrs, iampolicymanagementv1.ResourceAttribute{Name: core.StringPtr(k), Value: core.StringPtr(m[k]), Operator: core.StringPtr("stringEquals")})
	}
	resources = []iampolicymanagementv1.PolicyResource{{Attributes: attrs}}
	return subjects, roles, resources, nil
}

func subjectValue(subjects []iampolicymanagementv1.PolicySubject, name string) string {
	for _, s := range subjects {
		for _, a := range s.Attributes {
			if deref(a.Name) == name {
				return deref(a.Value)
			}
		}
	}
	return ""
}

func iamPolicyKind() *kind {
	return bind(&kind{
		token:    iamPolicyType,
		required: []string{"type", "roles", "resourceAttributes"},
		replace:  []string{"type"},
		fields:   map[string]string{"subjects": "accessGroup", "roles": "roles", "resources": "resourceAttributes"},
		check: func(in props) []CheckFailure {
			var f []CheckFailure
			switch t := in.str("type"); t {
			case "access":
				if !in.set("accessGroup") {
					f = append(f, CheckFailure{"accessGroup", "an access policy needs accessGroup, the subject"})
				}
			case "authorization":
				if !in.set("sourceService") {
					f = append(f, CheckFailure{"sourceService", "an authorization policy needs sourceService, the subject"})
				}
			case "":
			default:
				f = append(f, CheckFailure{"type", "type must be access or authorization, not " + t})
			}
			for _, r := range in.strs("roles") {
				if _, ok := roleCRN(r); !ok {
					f = append(f, CheckFailure{"roles", fmt.Sprintf("unknown role %q: want one of %s", r,
						strings.Join(append(append(append([]string{}, platformRoles...), serviceRoles...), vpcServiceRoles...), ", "))})
				}
			}
			return f
		},
		timeout: 5 * time.Minute,
	}, shared((*clients).policyAPI), calls[policiesAPI]{
		// Policies have no name: the subject and description identify infra's.
		find: inAccount(func(ctx context.Context, o *op, api policiesAPI, in props, acct string) (string, error) {
			opts := &iampolicymanagementv1.ListPoliciesOptions{AccountID: &acct, Type: in.strp("type")}
			if in.str("type") == "access" {
				opts.AccessGroupID = in.strp("accessGroup")
			}
			// IAM pages policies (50 a page by default), and authorization
			// policies are listed account-wide: read every page
			// (platform-services-go-sdk iampolicymanagementv1 NewPoliciesPager).
			pager, err := api.NewPoliciesPager(opts)
			all, err := listAll(ctx, o, "list policies for", pager, err)
			if err != nil {
				return "", err
			}
			for _, p := range all {
				if deref(p.Description) == in.str("description") && deref(p.State) != "deleted" &&
					subjectValue(p.Subjects, "access_group_id") == in.str("accessGroup") &&
					subjectValue(p.Subjects, "serviceName") == in.str("sourceService") {
					return deref(p.ID), nil
				}
			}
			return "", nil
		}),
		create: func(ctx context.Context, o *op, api policiesAPI, in props) (string, error) {
			subjects, roles, resources, err := o.policyParts(in)
			if err != nil {
				return "", err
			}
			p, resp, err := api.CreatePolicyWithContext(ctx, &iampolicymanagementv1.CreatePolicyOptions{
				Type: in.strp("type"), Subjects: subjects, Roles: roles, Resources: resources, Description: in.strp("description")})
			return o.created(resp, err, func() *string { return p.ID })
		},
		read: func(ctx context.Context, o *op, api policiesAPI, id string, in props) (*state, error) {
			p, resp, err := api.GetPolicyWithContext(ctx, &iampolicymanagementv1.GetPolicyOptions{PolicyID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			if deref(p.State) == "deleted" {
				return nil, nil
			}
			var roles []string
			for _, r := range p.Roles {
				roles = append(roles, roleName(deref(r.RoleID)))
			}
			attrs := map[string]string{}
			for _, r := range p.Resources {
				for _, a := range r.Attributes {
					if deref(a.Name) != "accountId" {
						attrs[deref(a.Name)] = deref(a.Value)
					}
				}
			}
			ins := pm("type", p.Type, "roles", keepOrder(in.strs("roles"), roles), "resourceAttributes", attrs)
			if v := subjectValue(p.Subjects, "access_group_id"); v != "" {
				ins["accessGroup"] = val(v)
			}
			if v := subjectValue(p.Subjects, "serviceName"); v != "" {
				ins["sourceService"] = val(v)
			}
			if in.has("description") {
				ins["description"] = val(p.Description)
			}
			return readyState(ins, nil), nil
		},
		update: func(ctx context.Context, o *op, api policiesAPI, id string, olds, news props) error {
			_, resp, err := api.GetPolicyWithContext(ctx, &iampolicymanagementv1.GetPolicyOptions{PolicyID: &id})
			if err != nil {
				return o.apiError("read", err, resp)
			}
			etag := resp.Headers.Get("ETag")
			subjects, roles, resources, err := o.policyParts(news)
			if err != nil {
				return err
			}
			_, resp, err = api.ReplacePolicyWithContext(ctx, &iampolicymanagementv1.ReplacePolicyOptions{PolicyID: &id, IfMatch: &etag,
				Type: news.strp("type"), Subjects: subjects, Roles: roles, Resources: resources, Description: news.strp("description")})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api policiesAPI, id string, in props) error {
			return o.deleted(api.DeletePolicyWithContext(ctx, &iampolicymanagementv1.DeletePolicyOptions{PolicyID: &id}))
		},
	})
}
