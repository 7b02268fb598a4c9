package ibm

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/IBM/platform-services-go-sdk/contextbasedrestrictionsv1"
	"github.com/IBM/platform-services-go-sdk/globalcatalogv1"
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
	return []*kind{resourceGroupKind(), accessGroupKind(), iamPolicyKind(), cbrZoneKind(), cbrRuleKind(),
		resourceInstanceKind(resourceInstanceType, "")}
}

func resourceGroupKind() *kind {
	return bind(&kind{
		token:      resourceGroupType,
		required:   []string{"name"},
		computed:   []string{"crn"},
		uniqueName: true, timeout: 5 * time.Minute,
	}, shared((*clients).manager), calls[managerAPI]{
		find: func(ctx context.Context, o *op, rm managerAPI, in props) (string, error) {
			acct, err := o.c.accountID()
			if err != nil {
				return "", err
			}
			list, resp, err := rm.ListResourceGroupsWithContext(ctx, &resourcemanagerv2.ListResourceGroupsOptions{AccountID: &acct, Name: in.strp("name")})
			if err != nil {
				return "", o.apiError("list resource groups for", err, resp)
			}
			return named(list.Resources, in.str("name"), func(g resourcemanagerv2.ResourceGroup) (*string, *string) { return g.Name, g.ID }), nil
		},
		create: func(ctx context.Context, o *op, rm managerAPI, in props) (string, error) {
			acct, err := o.c.accountID()
			if err != nil {
				return "", err
			}
			g, resp, err := rm.CreateResourceGroupWithContext(ctx, &resourcemanagerv2.CreateResourceGroupOptions{Name: in.strp("name"), AccountID: &acct})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(g.ID), nil
		},
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
		find: func(ctx context.Context, o *op, api groupsAPI, in props) (string, error) {
			acct, err := o.c.accountID()
			if err != nil {
				return "", err
			}
			p, err := api.NewAccessGroupsPager(&iamaccessgroupsv2.ListAccessGroupsOptions{AccountID: &acct})
			return findNamed(ctx, o, "list access groups for", in.str("name"), p, err, func(g iamaccessgroupsv2.Group) (*string, *string) { return g.Name, g.ID })
		},
		create: func(ctx context.Context, o *op, api groupsAPI, in props) (string, error) {
			acct, err := o.c.accountID()
			if err != nil {
				return "", err
			}
			g, resp, err := api.CreateAccessGroupWithContext(ctx, &iamaccessgroupsv2.CreateAccessGroupOptions{
				AccountID: &acct, Name: in.strp("name"), Description: in.strp("description")})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(g.ID), nil
		},
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
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
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
		find: func(ctx context.Context, o *op, api policiesAPI, in props) (string, error) {
			acct, err := o.c.accountID()
			if err != nil {
				return "", err
			}
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
		},
		create: func(ctx context.Context, o *op, api policiesAPI, in props) (string, error) {
			subjects, roles, resources, err := o.policyParts(in)
			if err != nil {
				return "", err
			}
			p, resp, err := api.CreatePolicyWithContext(ctx, &iampolicymanagementv1.CreatePolicyOptions{
				Type: in.strp("type"), Subjects: subjects, Roles: roles, Resources: resources, Description: in.strp("description")})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(p.ID), nil
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

// cbrAddresses are a CbrZone's addresses in the API's variants.
func (o *op) cbrAddresses(in props) ([]contextbasedrestrictionsv1.AddressIntf, error) {
	var out []contextbasedrestrictionsv1.AddressIntf
	acct, err := o.c.accountID()
	if err != nil {
		return nil, err
	}
	for _, s := range in.strs("serviceRefs") {
		out = append(out, &contextbasedrestrictionsv1.AddressServiceRef{Type: core.StringPtr("serviceRef"),
			Ref: &contextbasedrestrictionsv1.ServiceRefValue{AccountID: &acct, ServiceName: core.StringPtr(s)}})
	}
	for _, a := range in.strs("ipAddresses") {
		a := a
		switch {
		case strings.Contains(a, "/"):
			out = append(out, &contextbasedrestrictionsv1.AddressSubnet{Type: core.StringPtr("subnet"), Value: &a})
		case strings.Contains(a, "-"):
			out = append(out, &contextbasedrestrictionsv1.AddressIPAddressRange{Type: core.StringPtr("ipRange"), Value: &a})
		default:
			out = append(out, &contextbasedrestrictionsv1.AddressIPAddress{Type: core.StringPtr("ipAddress"), Value: &a})
		}
	}
	return out, nil
}

func cbrZoneKind() *kind {
	return bind(&kind{
		token:    cbrZoneType,
		required: []string{"name"},
		computed: []string{"crn"},
		fields:   map[string]string{"addresses": "ipAddresses"},
		check: func(in props) []CheckFailure {
			if len(in.strs("serviceRefs"))+len(in.strs("ipAddresses")) == 0 && in.set("name") &&
				!in.set("serviceRefs") && !in.set("ipAddresses") {
				return []CheckFailure{{"ipAddresses", "a CBR zone needs at least one address or service reference"}}
			}
			return nil
		},
		uniqueName: true, timeout: 5 * time.Minute,
	}, shared((*clients).cbrAPI), calls[restrictionsAPI]{
		find: func(ctx context.Context, o *op, api restrictionsAPI, in props) (string, error) {
			acct, err := o.c.accountID()
			if err != nil {
				return "", err
			}
			list, resp, err := api.ListZonesWithContext(ctx, &contextbasedrestrictionsv1.ListZonesOptions{AccountID: &acct, Name: in.strp("name")})
			if err != nil {
				return "", o.apiError("list CBR zones for", err, resp)
			}
			var zones struct {
				Zones []struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"zones"`
			}
			if err := asJSON(list, &zones); err != nil {
				return "", err
			}
			for _, z := range zones.Zones {
				if z.Name == in.str("name") {
					return z.ID, nil
				}
			}
			return "", nil
		},
		create: func(ctx context.Context, o *op, api restrictionsAPI, in props) (string, error) {
			acct, err := o.c.accountID()
			if err != nil {
				return "", err
			}
			addrs, err := o.cbrAddresses(in)
			if err != nil {
				return "", err
			}
			z, resp, err := api.CreateZoneWithContext(ctx, &contextbasedrestrictionsv1.CreateZoneOptions{
				Name: in.strp("name"), AccountID: &acct, Description: in.strp("description"), Addresses: addrs})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(z.ID), nil
		},
		read: func(ctx context.Context, o *op, api restrictionsAPI, id string, in props) (*state, error) {
			z, resp, err := api.GetZoneWithContext(ctx, &contextbasedrestrictionsv1.GetZoneOptions{ZoneID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			var w struct {
				Addresses []struct {
					Type  string `json:"type"`
					Value string `json:"value"`
					Ref   struct {
						ServiceName string `json:"service_name"`
					} `json:"ref"`
				} `json:"addresses"`
			}
			if err := asJSON(z, &w); err != nil {
				return nil, err
			}
			var refs, ips []string
			for _, a := range w.Addresses {
				if a.Type == "serviceRef" {
					refs = append(refs, a.Ref.ServiceName)
				} else {
					ips = append(ips, a.Value)
				}
			}
			ins := pm("name", z.Name)
			if refs != nil || in.has("serviceRefs") {
				ins["serviceRefs"] = val(keepOrder(in.strs("serviceRefs"), refs))
			}
			if ips != nil || in.has("ipAddresses") {
				ins["ipAddresses"] = val(keepOrder(in.strs("ipAddresses"), ips))
			}
			if in.has("description") {
				ins["description"] = val(z.Description)
			}
			return readyState(ins, pm("crn", z.CRN)), nil
		},
		update: func(ctx context.Context, o *op, api restrictionsAPI, id string, olds, news props) error {
			_, resp, err := api.GetZoneWithContext(ctx, &contextbasedrestrictionsv1.GetZoneOptions{ZoneID: &id})
			if err != nil {
				return o.apiError("read", err, resp)
			}
			etag := resp.Headers.Get("ETag")
			acct, err := o.c.accountID()
			if err != nil {
				return err
			}
			addrs, err := o.cbrAddresses(news)
			if err != nil {
				return err
			}
			_, resp, err = api.ReplaceZoneWithContext(ctx, &contextbasedrestrictionsv1.ReplaceZoneOptions{ZoneID: &id, IfMatch: &etag,
				Name: news.strp("name"), AccountID: &acct, Description: news.strp("description"), Addresses: addrs})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api restrictionsAPI, id string, in props) error {
			return o.deleted(api.DeleteZoneWithContext(ctx, &contextbasedrestrictionsv1.DeleteZoneOptions{ZoneID: &id}))
		},
	})
}

// ruleParts are a CbrRule's contexts and resources in the API's terms.
func (o *op) ruleParts(in props) ([]contextbasedrestrictionsv1.RuleContext, []contextbasedrestrictionsv1.Resource, error) {
	acct, err := o.c.accountID()
	if err != nil {
		return nil, nil, err
	}
	var contexts []contextbasedrestrictionsv1.RuleContext
	for _, z := range in.strs("zones") {
		contexts = append(contexts, contextbasedrestrictionsv1.RuleContext{Attributes: []contextbasedrestrictionsv1.RuleContextAttribute{
			{Name: core.StringPtr("networkZoneId"), Value: core.StringPtr(z)},
			{Name: core.StringPtr("endpointType"), Value: in.strp("endpointType")},
		}})
	}
	attrs := []contextbasedrestrictionsv1.ResourceAttribute{{Name: core.StringPtr("accountId"), Value: &acct}}
	m := in.strMap("resourceAttributes")
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		attrs = append(attrs, contextbasedrestrictionsv1.ResourceAttribute{Name: core.StringPtr(k), Value: core.StringPtr(m[k])})
	}
	return contexts, []contextbasedrestrictionsv1.Resource{{Attributes: attrs}}, nil
}

func cbrRuleKind() *kind {
	return bind(&kind{
		token:    cbrRuleType,
		required: []string{"description", "resourceAttributes", "zones", "endpointType", "enforcementMode"},
		computed: []string{"crn"},
		fields:   map[string]string{"contexts": "zones", "resources": "resourceAttributes", "enforcement_mode": "enforcementMode"},
		check: func(in props) []CheckFailure {
			var f []CheckFailure
			switch m := in.str("enforcementMode"); m {
			case "", "enabled", "report", "disabled":
			default:
				f = append(f, CheckFailure{"enforcementMode", "enforcementMode must be enabled, report or disabled, not " + m})
			}
			switch e := in.str("endpointType"); e {
			case "", "private", "public", "direct":
			default:
				f = append(f, CheckFailure{"endpointType", "endpointType must be private, public or direct, not " + e})
			}
			return f
		},
		timeout: 5 * time.Minute,
	}, shared((*clients).cbrAPI), calls[restrictionsAPI]{
		// Rules have no name: the description identifies infra's.
		find: func(ctx context.Context, o *op, api restrictionsAPI, in props) (string, error) {
			acct, err := o.c.accountID()
			if err != nil {
				return "", err
			}
			list, resp, err := api.ListRulesWithContext(ctx, &contextbasedrestrictionsv1.ListRulesOptions{AccountID: &acct})
			if err != nil {
				return "", o.apiError("list CBR rules for", err, resp)
			}
			for _, r := range list.Rules {
				if deref(r.Description) == in.str("description") {
					return deref(r.ID), nil
				}
			}
			return "", nil
		},
		create: func(ctx context.Context, o *op, api restrictionsAPI, in props) (string, error) {
			contexts, resources, err := o.ruleParts(in)
			if err != nil {
				return "", err
			}
			r, resp, err := api.CreateRuleWithContext(ctx, &contextbasedrestrictionsv1.CreateRuleOptions{
				Description: in.strp("description"), Contexts: contexts, Resources: resources, EnforcementMode: in.strp("enforcementMode")})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(r.ID), nil
		},
		read: func(ctx context.Context, o *op, api restrictionsAPI, id string, in props) (*state, error) {
			r, resp, err := api.GetRuleWithContext(ctx, &contextbasedrestrictionsv1.GetRuleOptions{RuleID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			var zones []string
			endpoint := ""
			for _, c := range r.Contexts {
				for _, a := range c.Attributes {
					switch deref(a.Name) {
					case "networkZoneId":
						zones = append(zones, deref(a.Value))
					case "endpointType":
						endpoint = deref(a.Value)
					}
				}
			}
			attrs := map[string]string{}
			for _, res := range r.Resources {
				for _, a := range res.Attributes {
					if deref(a.Name) != "accountId" {
						attrs[deref(a.Name)] = deref(a.Value)
					}
				}
			}
			ins := pm("description", r.Description, "zones", keepOrder(in.strs("zones"), zones), "endpointType", endpoint,
				"enforcementMode", r.EnforcementMode, "resourceAttributes", attrs)
			return readyState(ins, pm("crn", r.CRN)), nil
		},
		update: func(ctx context.Context, o *op, api restrictionsAPI, id string, olds, news props) error {
			_, resp, err := api.GetRuleWithContext(ctx, &contextbasedrestrictionsv1.GetRuleOptions{RuleID: &id})
			if err != nil {
				return o.apiError("read", err, resp)
			}
			etag := resp.Headers.Get("ETag")
			contexts, resources, err := o.ruleParts(news)
			if err != nil {
				return err
			}
			_, resp, err = api.ReplaceRuleWithContext(ctx, &contextbasedrestrictionsv1.ReplaceRuleOptions{RuleID: &id, IfMatch: &etag,
				Description: news.strp("description"), Contexts: contexts, Resources: resources, EnforcementMode: news.strp("enforcementMode")})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api restrictionsAPI, id string, in props) error {
			return o.deleted(api.DeleteRuleWithContext(ctx, &contextbasedrestrictionsv1.DeleteRuleOptions{RuleID: &id}))
		},
	})
}

// planID resolves a catalog service's plan name to the plan's id (Global
// Catalog: ListCatalogEntries, GetChildObjects).
func (o *op) planID(ctx context.Context, service, plan string) (string, error) {
	gc, err := o.c.catalogAPI()
	if err != nil {
		return "", err
	}
	q := "name:" + service
	list, resp, err := gc.ListCatalogEntriesWithContext(ctx, &globalcatalogv1.ListCatalogEntriesOptions{Q: &q, Complete: core.BoolPtr(false)})
	if err != nil {
		return "", o.apiError("look up the catalog service of", err, resp)
	}
	for _, e := range list.Resources {
		if deref(e.Name) != service {
			continue
		}
		plans, resp, err := gc.GetChildObjectsWithContext(ctx, &globalcatalogv1.GetChildObjectsOptions{ID: e.ID, Kind: core.StringPtr("plan")})
		if err != nil {
			return "", o.apiError("look up the plans of", err, resp)
		}
		var names []string
		for _, p := range plans.Resources {
			if deref(p.Name) == plan {
				return deref(p.ID), nil
			}
			names = append(names, deref(p.Name))
		}
		return "", &Error{Op: "create", Type: o.k.token, Name: o.name, Field: "plan",
			Message: fmt.Sprintf("service %s has no plan %q (it has %s)", service, plan, strings.Join(names, ", "))}
	}
	return "", &Error{Op: "create", Type: o.k.token, Name: o.name, Field: "service", Message: "no catalog service " + service}
}

// resourceInstanceKind serves a Resource Controller instance. service fixes
// the catalog service (CisInstance: internet-svcs); empty takes it from the
// service input and the target region from location.
func resourceInstanceKind(token, service string) *kind {
	serviceOf := func(in props) string {
		if service != "" {
			return service
		}
		return in.str("service")
	}
	target := func(in props) string {
		if service == "internet-svcs" {
			return "global"
		}
		return in.str("location")
	}
	required := []string{"name", "plan", "resourceGroup"}
	replace := []string{"plan", "resourceGroup"}
	if service == "" {
		required = append(required, "service", "location")
		replace = append(replace, "service", "location")
	}
	return bind(&kind{
		token:      token,
		required:   required,
		replace:    replace,
		computed:   []string{"crn", "guid", "status"},
		fields:     map[string]string{"resource_plan_id": "plan", "resource_group": "resourceGroup", "target": "location"},
		uniqueName: true, tagged: true, timeout: 30 * time.Minute,
	}, shared((*clients).controller), calls[controllerAPI]{
		find: func(ctx context.Context, o *op, rc controllerAPI, in props) (string, error) {
			rg, err := o.c.resourceGroupID(ctx, o, in.str("resourceGroup"))
			if err != nil {
				return "", err
			}
			list, resp, err := rc.ListResourceInstancesWithContext(ctx, &resourcecontrollerv2.ListResourceInstancesOptions{Name: in.strp("name"), ResourceGroupID: &rg})
			if err != nil {
				return "", o.apiError("list service instances for", err, resp)
			}
			for _, ri := range list.Resources {
				if st := deref(ri.State); deref(ri.Name) == in.str("name") && st != "removed" && st != "pending_removal" && st != "pending_reclamation" {
					return deref(ri.ID), nil
				}
			}
			return "", nil
		},
		create: func(ctx context.Context, o *op, rc controllerAPI, in props) (string, error) {
			rg, err := o.c.resourceGroupID(ctx, o, in.str("resourceGroup"))
			if err != nil {
				return "", err
			}
			plan, err := o.planID(ctx, serviceOf(in), in.str("plan"))
			if err != nil {
				return "", err
			}
			t := target(in)
			ri, resp, err := rc.CreateResourceInstanceWithContext(ctx, &resourcecontrollerv2.CreateResourceInstanceOptions{
				Name: in.strp("name"), Target: &t, ResourceGroup: &rg, ResourcePlanID: &plan})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(ri.ID), nil
		},
		read: func(ctx context.Context, o *op, rc controllerAPI, id string, in props) (*state, error) {
			ri, resp, err := rc.GetResourceInstanceWithContext(ctx, &resourcecontrollerv2.GetResourceInstanceOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			st := deref(ri.State)
			if st == "removed" || st == "pending_reclamation" {
				return nil, nil
			}
			return statusState(pm("name", ri.Name), pm("crn", ri.CRN, "guid", ri.GUID, "status", st), st,
				[]string{"active"}, []string{"failed"}), nil
		},
		update: func(ctx context.Context, o *op, rc controllerAPI, id string, olds, news props) error {
			if olds.str("name") == news.str("name") {
				return nil
			}
			_, resp, err := rc.UpdateResourceInstanceWithContext(ctx, &resourcecontrollerv2.UpdateResourceInstanceOptions{ID: &id, Name: news.strp("name")})
			return o.apiError("rename", err, resp)
		},
		del: func(ctx context.Context, o *op, rc controllerAPI, id string, in props) error {
			return o.deleted(rc.DeleteResourceInstanceWithContext(ctx, &resourcecontrollerv2.DeleteResourceInstanceOptions{ID: &id, Recursive: core.BoolPtr(true)}))
		},
	})
}
