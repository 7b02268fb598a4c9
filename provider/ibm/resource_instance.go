package ibm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/IBM/platform-services-go-sdk/globalcatalogv1"
	"github.com/IBM/platform-services-go-sdk/resourcecontrollerv2"
)

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
			return o.created(resp, err, func() *string { return ri.ID })
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
