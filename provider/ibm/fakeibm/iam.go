package fakeibm

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

func (s *Server) iamRoutes() {
	s.handle(http.MethodPost, "/iam/identity/token", func(c *call) {
		// The token is the identity of the key: the administrator's for
		// APIKey, a service ID's for one of its keys; IAM knows no other.
		iamID := c.s.identityOf(c.r.PostForm.Get("apikey"))
		if iamID == "" || c.r.PostForm.Get("grant_type") != "urn:ibm:params:oauth:grant-type:apikey" {
			c.json(http.StatusBadRequest, map[string]any{"errorCode": "BXNIM0415E", "errorMessage": "Provided API key could not be found"})
			return
		}
		exp := time.Now().Add(time.Hour).Unix()
		c.json(http.StatusOK, map[string]any{"access_token": token(iamID), "refresh_token": "not-used", "token_type": "Bearer",
			"expires_in": 3600, "expiration": exp, "scope": "ibm openid"})
	})

	// IAM Access Groups.
	s.handle(http.MethodPost, "/iam/v2/groups", func(c *call) {
		if c.s.nameTaken("access_group", "", "name", c.str("name")) {
			c.fail(http.StatusConflict, "409", "access group "+c.str("name")+" already exists", "name")
			return
		}
		id := "AccessGroupId-" + c.s.newID("ag")
		o := c.s.put("access_group", id, "", map[string]any{"id": id, "name": c.str("name"), "description": c.str("description"),
			"account_id": c.q("account_id"), "crn": "crn:v1:bluemix:public:iam-groups::a/" + Account + "::access-group:" + id}, "")
		c.json(http.StatusCreated, clone(o.body))
	})
	s.handle(http.MethodGet, "/iam/v2/groups", func(c *call) {
		items := c.s.list("access_group", "", nil)
		c.json(http.StatusOK, map[string]any{"limit": 100, "offset": 0, "total_count": len(items), "groups": items})
	})
	s.single("access_group", "/iam/v2/groups/{id}", http.MethodPatch, true, fields("name", "description"))

	// IAM Identity: service IDs and their API keys. A key's value is
	// answered on create, and later only when it was stored (store_value)
	// (IAM Identity API "Get details of an API key"; iamidentityv1
	// CreateAPIKeyOptions.StoreValue). Deleting a service ID deletes its keys
	// and its memberships.
	newKey := func(c *call, iamID string, spec map[string]any) map[string]any {
		id := "ApiKey-" + c.s.newID("apikey")
		name, _ := spec["name"].(string)
		store, _ := spec["store_value"].(bool)
		value := "fake-apikey-" + strings.ReplaceAll(c.s.newID("secret"), "-", "")
		o := c.s.put("apikey", id, iamID, map[string]any{"id": id, "name": name, "iam_id": iamID, "account_id": Account,
			"description": spec["description"], "crn": "crn:v1:bluemix:public:iam-identity::a/" + Account + "::apikey:" + id}, "")
		o.body["_value"], o.body["_stored"] = value, store
		out := clone(o.body)
		delete(out, "_value")
		delete(out, "_stored")
		out["apikey"] = value
		return out
	}
	keyView := func(b map[string]any, withValue bool) map[string]any {
		out := clone(b)
		delete(out, "_value")
		delete(out, "_stored")
		if withValue && b["_stored"] == true {
			out["apikey"] = b["_value"]
		}
		return out
	}
	s.handle(http.MethodPost, "/iam/v1/serviceids", func(c *call) {
		if c.str("name") == "" || c.str("account_id") == "" {
			c.fail(http.StatusBadRequest, "BXNIM0502E", "name and account_id are required", "name")
			return
		}
		uuid := c.s.newID("sid") + "-0000-4000-8000-000000000000"
		id, iamID := "ServiceId-"+uuid, "iam-ServiceId-"+uuid
		o := c.s.put("serviceid", id, "", map[string]any{"id": id, "iam_id": iamID, "name": c.str("name"),
			"description": c.str("description"), "account_id": c.str("account_id"), "entity_tag": "1-" + uuid,
			"crn": "crn:v1:bluemix:public:iam-identity::a/" + Account + "::serviceid:" + id}, "")
		out := clone(o.body)
		if spec, ok := c.body["apikey"].(map[string]any); ok {
			out["apikey"] = newKey(c, iamID, spec)
		}
		c.json(http.StatusCreated, out)
	})
	s.handle(http.MethodGet, "/iam/v1/serviceids", func(c *call) {
		items := c.s.list("serviceid", "", c.filter("name"))
		c.json(http.StatusOK, map[string]any{"serviceids": items})
	})
	s.handle(http.MethodDelete, "/iam/v1/serviceids/{id}", func(c *call) {
		o := c.item("serviceid", "", func() { c.notFound("service ID") })
		if o == nil {
			return
		}
		o.gone = true
		for _, x := range c.s.objs {
			if (x.kind == "apikey" || x.kind == "group_member") && x.body["iam_id"] == o.body["iam_id"] {
				x.gone = true
			}
		}
		c.w.WriteHeader(http.StatusNoContent)
	})
	s.single("serviceid", "/iam/v1/serviceids/{id}", http.MethodPut, true, fields("name", "description"))
	s.handle(http.MethodPost, "/iam/v1/apikeys", func(c *call) {
		iamID := c.str("iam_id")
		if len(c.s.list("serviceid", "", func(b map[string]any) bool { return b["iam_id"] == iamID })) == 0 {
			c.fail(http.StatusBadRequest, "BXNIM0513E", "iam_id "+iamID+" is no identity of the account", "iam_id")
			return
		}
		c.json(http.StatusCreated, newKey(c, iamID, c.body))
	})
	s.handle(http.MethodGet, "/iam/v1/apikeys", func(c *call) {
		var items []any
		for _, it := range c.s.list("apikey", c.q("iam_id"), nil) {
			items = append(items, keyView(it.(map[string]any), false))
		}
		c.json(http.StatusOK, map[string]any{"apikeys": items})
	})
	s.handle(http.MethodGet, "/iam/v1/apikeys/{id}", func(c *call) {
		o := c.item("apikey", "", func() { c.notFound("API key") })
		if o == nil {
			return
		}
		c.json(http.StatusOK, keyView(o.body, true))
	})

	// Access group members: adding answers 207 with a status per member
	// (iamaccessgroupsv2 AddGroupMembersResponse); an identity the account
	// does not have is refused there.
	s.handle(http.MethodPut, "/iam/v2/groups/{id}/members", func(c *call) {
		g := c.item("access_group", "", func() { c.notFound("access group") })
		if g == nil {
			return
		}
		var out []any
		members, _ := c.body["members"].([]any)
		for _, m := range members {
			m, _ := m.(map[string]any)
			iamID, _ := m["iam_id"].(string)
			typ, _ := m["type"].(string)
			known := typ == "service" && len(c.s.list("serviceid", "", func(b map[string]any) bool { return b["iam_id"] == iamID })) > 0
			if !known {
				out = append(out, map[string]any{"iam_id": iamID, "type": typ, "status_code": 404, "trace": "fake",
					"errors": []any{map[string]any{"code": "member_not_found", "message": "identity " + iamID + " of type " + typ + " not found"}}})
				continue
			}
			c.s.put("group_member", g.id+"/"+iamID, g.id, map[string]any{"iam_id": iamID, "type": typ, "created_at": now()}, "")
			out = append(out, map[string]any{"iam_id": iamID, "type": typ, "status_code": 200, "created_at": now()})
		}
		c.json(http.StatusMultiStatus, map[string]any{"members": out})
	})
	s.handle(http.MethodGet, "/iam/v2/groups/{id}/members", func(c *call) {
		items := c.s.list("group_member", c.params["id"], nil)
		c.json(http.StatusOK, map[string]any{"limit": 100, "offset": 0, "total_count": len(items), "members": items})
	})
	s.handle(http.MethodHead, "/iam/v2/groups/{id}/members/{iam}", func(c *call) {
		if c.s.find("group_member", c.params["id"]+"/"+c.params["iam"]) == nil {
			c.w.WriteHeader(http.StatusNotFound)
			return
		}
		c.w.WriteHeader(http.StatusNoContent)
	})
	s.handle(http.MethodDelete, "/iam/v2/groups/{id}/members/{iam}", func(c *call) {
		o := c.s.find("group_member", c.params["id"]+"/"+c.params["iam"])
		if o == nil {
			c.notFound("member")
			return
		}
		o.gone = true
		c.w.WriteHeader(http.StatusNoContent)
	})

	// IAM Policy Management.
	s.handle(http.MethodPost, "/iam/v1/policies", func(c *call) {
		if msg := badPolicy(c.body); msg != "" {
			c.fail(http.StatusBadRequest, "invalid_body", msg, "roles")
			return
		}
		id := c.s.newID("policy")
		body := clone(c.body)
		body["id"], body["state"], body["created_at"] = id, "active", now()
		o := c.s.put("policy", id, "", body, "")
		c.json(http.StatusCreated, clone(o.body))
	})
	s.handle(http.MethodGet, "/iam/v1/policies", func(c *call) {
		items := c.s.list("policy", "", func(b map[string]any) bool {
			if t := c.q("type"); t != "" && b["type"] != t {
				return false
			}
			if ag := c.q("access_group_id"); ag != "" && !strings.Contains(fmt.Sprint(b["subjects"]), ag) {
				return false
			}
			return true
		})
		// IAM pages the list: limit defaults to 50 (at most 100) and the
		// next page starts at next.start (IAM Policy Management API, "List
		// policies": limit, start; platform-services-go-sdk
		// iampolicymanagementv1 PolicyCollection.Next, NewPoliciesPager).
		page, next, err := pageOf(items, c.q("limit"), c.q("start"), 50, 100)
		if err != "" {
			c.fail(http.StatusBadRequest, "invalid_query", err, "limit")
			return
		}
		out := map[string]any{"limit": len(page), "first": map[string]any{"href": c.r.URL.Path}, "policies": page}
		if next != "" {
			out["next"] = map[string]any{"href": c.r.URL.Path + "?start=" + next, "start": next}
		}
		c.json(http.StatusOK, out)
	})
	s.single("policy", "/iam/v1/policies/{id}", http.MethodPut, true, fields("type", "subjects", "roles", "resources", "description"))
}

// pageOf cuts a list into the page that starts at the token start (an
// index, opaque to clients) with limit items, the default def and at most
// max, and returns the next page's token, empty on the last page.
func pageOf(items []any, limit, start string, def, max int) (page []any, next, bad string) {
	n := def
	if limit != "" {
		if _, err := fmt.Sscan(limit, &n); err != nil || n < 1 || n > max {
			return nil, "", fmt.Sprintf("limit must be between 1 and %d, not %s", max, limit)
		}
	}
	from := 0
	if start != "" {
		if _, err := fmt.Sscan(strings.TrimPrefix(start, "p"), &from); err != nil || from < 0 || from > len(items) {
			return nil, "", "start " + start + " is no page token"
		}
	}
	to := from + n
	if to >= len(items) {
		return items[from:], "", ""
	}
	return items[from:to], fmt.Sprintf("p%d", to), ""
}

// badPolicy checks what IAM checks of a policy's shape.
func badPolicy(b map[string]any) string {
	roles, _ := b["roles"].([]any)
	if len(roles) == 0 {
		return "a policy needs at least one role"
	}
	for _, r := range roles {
		id, _ := dig(r.(map[string]any), "role_id").(string)
		if !strings.HasPrefix(id, "crn:v1:bluemix:public:iam::::") {
			return "role_id " + id + " is not a role CRN"
		}
	}
	subjects, _ := b["subjects"].([]any)
	if len(subjects) == 0 {
		return "a policy needs a subject"
	}
	return ""
}
