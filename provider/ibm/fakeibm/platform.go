package fakeibm

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

func (s *Server) routes() {
	s.iamRoutes()
	s.vpcRoutes()
	s.platformRoutes()
	s.containerRoutes()
	s.kubeconfigRoutes()
	s.transitRoutes()
	s.cisRoutes()
	s.kmsRoutes()
}

// seed makes what every account has: the Default resource group, public
// images and the catalog entries of the services infra creates.
func (s *Server) seed() {
	s.put("resource_group", "default0000000000000000000000001", "", map[string]any{"id": "default0000000000000000000000001",
		"name": "Default", "crn": "crn:v1:bluemix:public:resource-controller::a/" + Account + "::resource-group:default0000000000000000000000001",
		"account_id": Account, "state": "ACTIVE", "default": true}, "")
	for i, im := range []struct{ name, os string }{
		{"ibm-ubuntu-22-04-5-minimal-amd64-1", "ubuntu-22-04-amd64"},
		{"ibm-ubuntu-24-04-2-minimal-amd64-1", "ubuntu-24-04-amd64"},
		{"ibm-ubuntu-24-04-3-minimal-amd64-2", "ubuntu-24-04-amd64"},
	} {
		id := fmt.Sprintf("r006-image-%04d", i+1)
		s.put("image", id, "", map[string]any{"id": id, "name": im.name, "status": "available", "visibility": "public",
			"created_at": fmt.Sprintf("2026-0%d-01T00:00:00Z", i+1), "crn": s.crn("is", "global", "image", id),
			"operating_system": map[string]any{"name": im.os, "architecture": "amd64", "family": "Ubuntu Linux"}}, "")
	}
	for _, svc := range []struct {
		name  string
		plans []string
	}{
		{"kms", []string{"tiered-pricing", "cross-region-resiliency"}},
		{"internet-svcs", []string{"standard-next", "enterprise-usage", "trial"}},
	} {
		id := svc.name + "-service-id"
		s.put("catalog", id, "", map[string]any{"id": id, "name": svc.name, "kind": "service", "active": true}, "")
		for _, p := range svc.plans {
			pid := svc.name + "-" + p + "-plan-id"
			s.put("plan", pid, id, map[string]any{"id": pid, "name": p, "kind": "plan", "active": true, "parent_id": id}, "")
		}
	}
}

func (s *Server) defaultGroup() string { return "default0000000000000000000000001" }

// single serves GET, an update (apply) and DELETE of one object. With
// ifMatch the object carries an ETag and the update wants it in If-Match,
// as IAM, access groups and CBR do.
func (s *Server) single(kind, path, method string, ifMatch bool, apply func(c *call, o *object)) {
	etag := func(o *object) string { return fmt.Sprintf(`W/"%s-%d"`, o.id, len(fmt.Sprint(o.body))) }
	s.handle(http.MethodGet, path, func(c *call) {
		o := c.item(kind, "", func() { c.notFound(kind) })
		if o == nil {
			return
		}
		if ifMatch {
			c.w.Header().Set("ETag", etag(o))
		}
		c.json(http.StatusOK, c.s.read(o))
	})
	s.handle(method, path, func(c *call) {
		o := c.item(kind, "", func() { c.notFound(kind) })
		if o == nil {
			return
		}
		if ifMatch && c.r.Header.Get("If-Match") != etag(o) {
			c.fail(http.StatusPreconditionFailed, "precondition_failed", "If-Match does not match the current ETag", "If-Match")
			return
		}
		apply(c, o)
		if ifMatch {
			c.w.Header().Set("ETag", etag(o))
		}
		c.json(http.StatusOK, clone(o.body))
	})
	s.handle(http.MethodDelete, path, func(c *call) {
		o := c.item(kind, "", func() { c.notFound(kind) })
		if o == nil {
			return
		}
		o.gone = true
		c.w.WriteHeader(http.StatusNoContent)
	})
}

// fields is an update that sets those of the fields the request body has.
func fields(names ...string) func(c *call, o *object) {
	return func(c *call, o *object) { c.copy(o, names...) }
}

func (s *Server) platformRoutes() {
	// Resource Manager.
	s.handle(http.MethodPost, "/rc/v2/resource_groups", func(c *call) {
		if c.s.nameTaken("resource_group", "", "name", c.str("name")) {
			c.fail(http.StatusBadRequest, "resource_group_name_exists", "a resource group named "+c.str("name")+" exists", "name")
			return
		}
		id := strings.ReplaceAll(c.s.newID("rg"), "-", "") + strings.Repeat("0", 24)
		crn := "crn:v1:bluemix:public:resource-controller::a/" + Account + "::resource-group:" + id
		c.s.put("resource_group", id, "", map[string]any{"id": id, "name": c.str("name"), "crn": crn, "account_id": Account,
			"state": "ACTIVE", "default": false}, "")
		c.json(http.StatusCreated, map[string]any{"id": id, "crn": crn})
	})
	s.handle(http.MethodGet, "/rc/v2/resource_groups", func(c *call) {
		items := c.s.list("resource_group", "", c.filter("name"))
		c.json(http.StatusOK, map[string]any{"resources": items})
	})
	s.handle(http.MethodDelete, "/rc/v2/resource_groups/{id}", func(c *call) {
		o := c.item("resource_group", "", func() { c.notFound("resource group") })
		if o == nil {
			return
		}
		// A resource group is deleted only when empty: instances in
		// reclamation still count (IBM Cloud docs, "Deleting a resource
		// group": "you can't delete a resource group that contains
		// resources, including those pending reclamation").
		held := c.s.list("resource_instance", "", func(b map[string]any) bool {
			return b["resource_group_id"] == o.id && b["state"] != "removed"
		})
		if len(held) > 0 {
			var names []string
			for _, h := range held {
				b := h.(map[string]any)
				names = append(names, fmt.Sprintf("%v (%v)", b["name"], b["state"]))
			}
			c.fail(http.StatusBadRequest, "resource_group_not_empty",
				"resource group "+o.id+" contains resources and cannot be deleted: "+strings.Join(names, ", "), "id")
			return
		}
		o.gone = true
		c.w.WriteHeader(http.StatusNoContent)
	})
	s.single("resource_group", "/rc/v2/resource_groups/{id}", http.MethodPatch, false, fields("name", "state"))

	// Reclamations: a deleted instance waits here (7 days on IBM) unless
	// reclaimed (Resource Controller: GET /v1/reclamations,
	// POST /v1/reclamations/{id}/actions/{reclaim|restore}).
	s.handle(http.MethodGet, "/rc/v1/reclamations", func(c *call) {
		items := c.s.list("reclamation", "", func(b map[string]any) bool {
			return (c.q("resource_group_id") == "" || b["resource_group_id"] == c.q("resource_group_id")) &&
				(c.q("resource_instance_id") == "" || b["resource_instance_id"] == c.q("resource_instance_id"))
		})
		c.json(http.StatusOK, map[string]any{"resources": items})
	})
	s.handle(http.MethodPost, "/rc/v1/reclamations/{id}/actions/{action}", func(c *call) {
		r := c.item("reclamation", "", func() { c.notFound("reclamation") })
		if r == nil {
			return
		}
		inst := c.s.find("resource_instance", fmt.Sprint(r.body["entity_crn"]))
		switch c.params["action"] {
		case "reclaim":
			if inst != nil {
				inst.states, inst.body["state"] = []string{"removed"}, "removed"
			}
			r.body["state"] = "RECLAIMING"
			r.gone = true
		case "restore":
			if inst != nil {
				inst.states, inst.body["state"] = []string{"active"}, "active"
			}
			r.body["state"] = "RESTORING"
			r.gone = true
		default:
			c.fail(http.StatusBadRequest, "invalid_action", "action must be reclaim or restore", "action_name")
			return
		}
		c.json(http.StatusOK, clone(r.body))
	})

	// Resource Controller.
	s.handle(http.MethodPost, "/rc/v2/resource_instances", func(c *call) {
		plan := c.s.find("plan", c.str("resource_plan_id"))
		if plan == nil {
			c.fail(http.StatusBadRequest, "invalid_plan", "resource_plan_id "+c.str("resource_plan_id")+" is no catalog plan", "resource_plan_id")
			return
		}
		if c.s.find("resource_group", c.str("resource_group")) == nil {
			c.fail(http.StatusBadRequest, "invalid_resource_group", "resource_group "+c.str("resource_group")+" not found", "resource_group")
			return
		}
		service := c.s.objs["catalog/"+plan.scope].body["name"].(string)
		guid := c.s.newID("guid") + "-0000-4000-8000-000000000000"
		target := c.str("target")
		crn := fmt.Sprintf("crn:v1:bluemix:public:%s:%s:a/%s:%s::", service, target, Account, guid)
		o := c.s.put("resource_instance", crn, "", map[string]any{"id": crn, "guid": guid, "crn": crn, "name": c.str("name"),
			"resource_plan_id": plan.id, "resource_group_id": c.str("resource_group"), "region_id": target, "account_id": Account,
			"resource_id": plan.scope, "type": "service_instance", "created_at": now()}, "state", "provisioning", "active")
		c.json(http.StatusCreated, clone(o.body))
	})
	s.handle(http.MethodGet, "/rc/v2/resource_instances", func(c *call) {
		items := c.s.list("resource_instance", "", c.filter("name", "resource_group_id"))
		c.json(http.StatusOK, map[string]any{"rows_count": len(items), "next_url": nil, "resources": items})
	})
	s.handle(http.MethodGet, "/rc/v2/resource_instances/{id}", func(c *call) {
		o := c.item("resource_instance", "", func() { c.notFound("resource instance") })
		if o == nil {
			return
		}
		c.json(http.StatusOK, c.s.read(o))
	})
	s.handle(http.MethodPatch, "/rc/v2/resource_instances/{id}", func(c *call) {
		o := c.item("resource_instance", "", func() { c.notFound("resource instance") })
		if o == nil {
			return
		}
		c.copy(o, "name")
		c.json(http.StatusOK, clone(o.body))
	})
	s.handle(http.MethodDelete, "/rc/v2/resource_instances/{id}", func(c *call) {
		o := c.item("resource_instance", "", func() { c.notFound("resource instance") })
		if o == nil {
			return
		}
		// A deleted instance of a reclaimable service (Key Protect, CIS...)
		// goes to pending_reclamation and keeps its resource group busy until
		// it is reclaimed (Resource Controller API, "Delete a resource
		// instance"; IBM Cloud docs "Using resource reclamation").
		o.states = []string{"pending_reclamation"}
		o.body["state"] = "pending_reclamation"
		rid := c.s.newID("reclamation")
		c.s.put("reclamation", rid, "", map[string]any{"id": rid, "entity_id": o.body["guid"], "entity_crn": o.id,
			"resource_instance_id": o.body["guid"], "resource_group_id": o.body["resource_group_id"], "account_id": Account,
			"state": "SCHEDULED"}, "")
		c.w.WriteHeader(http.StatusAccepted)
	})

	// Global Catalog.
	s.handle(http.MethodGet, "/catalog/api/v1", func(c *call) {
		name := strings.TrimPrefix(c.q("q"), "name:")
		items := c.s.list("catalog", "", func(b map[string]any) bool { return b["name"] == name })
		c.json(http.StatusOK, map[string]any{"offset": 0, "limit": 50, "count": len(items), "resource_count": len(items), "resources": items})
	})
	s.handle(http.MethodGet, "/catalog/api/v1/{id}/{kind}", func(c *call) {
		if c.s.find("catalog", c.params["id"]) == nil {
			c.notFound("catalog entry")
			return
		}
		items := c.s.list(c.params["kind"], c.params["id"], nil)
		c.json(http.StatusOK, map[string]any{"offset": 0, "limit": 50, "count": len(items), "resource_count": len(items), "resources": items})
	})

	// Global Tagging: tags are kept per CRN.
	s.handle(http.MethodGet, "/tags/v3/tags", func(c *call) {
		var items []any
		if o := c.s.find("tags", c.q("attached_to")); o != nil {
			for _, t := range o.body["tags"].([]string) {
				items = append(items, map[string]any{"name": t})
			}
		}
		c.json(http.StatusOK, map[string]any{"total_count": len(items), "offset": 0, "limit": 1000, "items": items})
	})
	for _, verb := range []string{"attach", "detach"} {
		verb := verb
		s.handle(http.MethodPost, "/tags/v3/tags/"+verb, func(c *call) {
			var results []any
			resources, _ := c.body["resources"].([]any)
			names, _ := c.body["tag_names"].([]any)
			for _, r := range resources {
				crn, _ := r.(map[string]any)["resource_id"].(string)
				// Global Tagging answers 200 with a per-resource is_error
				// (platform-services-go-sdk globaltaggingv1 TagResultsItem;
				// IBM-Cloud/terraform-provider-ibm flex/structures.go turns it
				// into an error): for a CRN no live resource has, and for a new
				// one until the search index knows it.
				if !c.s.crnLive(crn) {
					results = append(results, map[string]any{"resource_id": crn, "is_error": true,
						"message": "The resource " + crn + " was not found"})
					continue
				}
				if c.s.tagged[crn] < c.s.TagLag {
					c.s.tagged[crn]++
					results = append(results, map[string]any{"resource_id": crn, "is_error": true,
						"message": "The resource " + crn + " is not yet indexed; try again later"})
					continue
				}
				o := c.s.find("tags", crn)
				if o == nil {
					o = c.s.put("tags", crn, "", map[string]any{"tags": []string{}}, "")
				}
				have := o.body["tags"].([]string)
				for _, n := range names {
					t := n.(string)
					if verb == "attach" && !slices.Contains(have, t) {
						have = append(have, t)
					}
					if verb == "detach" {
						have = without(have, t)
					}
				}
				o.body["tags"] = have
				results = append(results, map[string]any{"resource_id": crn, "is_error": false})
			}
			c.json(http.StatusOK, map[string]any{"results": results})
		})
	}

	// Context-based restrictions.
	for _, kind := range []string{"zone", "rule"} {
		kind := kind
		s.handle(http.MethodPost, "/cbr/v1/"+kind+"s", func(c *call) {
			if kind == "zone" {
				if addrs, _ := c.body["addresses"].([]any); len(addrs) == 0 {
					c.fail(http.StatusBadRequest, "invalid_zone", "a zone needs at least one address", "addresses")
					return
				}
			}
			id := strings.ReplaceAll(c.s.newID("cbr"+kind), "-", "")
			body := clone(c.body)
			body["id"], body["crn"] = id, "crn:v1:bluemix:public:context-based-restrictions::a/"+Account+"::"+kind+":"+id
			o := c.s.put("cbr_"+kind, id, "", body, "")
			c.json(http.StatusCreated, clone(o.body))
		})
		s.handle(http.MethodGet, "/cbr/v1/"+kind+"s", func(c *call) {
			items := c.s.list("cbr_"+kind, "", c.filter("name"))
			c.json(http.StatusOK, map[string]any{"count": len(items), kind + "s": items})
		})
		s.single("cbr_"+kind, "/cbr/v1/"+kind+"s/{id}", http.MethodPut, true, func(c *call, o *object) {
			id, crn := o.body["id"], o.body["crn"]
			o.body = clone(c.body)
			o.body["id"], o.body["crn"] = id, crn
		})
	}
}

// crnLive reports whether a live object has the CRN.
func (s *Server) crnLive(crn string) bool {
	for _, o := range s.objs {
		if !o.gone && o.kind != "tags" && o.body["crn"] == crn {
			return true
		}
	}
	return false
}

func without(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
