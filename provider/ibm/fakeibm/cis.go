package fakeibm

import (
	"fmt"
	"net/http"
	"strings"
)

// The CIS API, under /cis. Answers come in CIS's envelope.
func (s *Server) cisRoutes() {
	ok := func(c *call, status int, result any) {
		c.json(status, map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": result})
	}
	cisErr := func(c *call, status, code int, msg string) {
		c.json(status, map[string]any{"success": false, "errors": []any{map[string]any{"code": code, "message": msg}}, "messages": []any{}, "result": nil})
	}
	instance := func(c *call) bool {
		if o := c.s.find("resource_instance", c.params["crn"]); o != nil && strings.Contains(o.id, ":internet-svcs:") {
			return true
		}
		cisErr(c, http.StatusNotFound, 1001, "no CIS instance "+c.params["crn"])
		return false
	}
	type coll struct {
		kind, path, scopeParam string
		build                  func(c *call, id string) (map[string]any, bool)
		status                 []string
		// valid, when set, refuses a create or update body as CIS does.
		valid func(c *call) bool
	}
	for _, cl := range []coll{
		{kind: "cis_zone", path: "/cis/v1/{crn}/zones", status: []string{"pending"}, build: func(c *call, id string) (map[string]any, bool) {
			if !strings.Contains(c.str("name"), ".") {
				cisErr(c, http.StatusBadRequest, 1049, c.str("name")+" is not a registered domain")
				return nil, false
			}
			typ := c.str("type")
			if typ == "" {
				typ = "full"
			}
			return map[string]any{"name": c.str("name"), "type": typ, "paused": false,
				"name_servers": []string{"ns1.fake-cis.invalid", "ns2.fake-cis.invalid"}, "original_name_servers": []string{}}, true
		}},
		{kind: "cis_monitor", path: "/cis/v1/{crn}/load_balancers/monitors", valid: func(c *call) bool {
			// CIS health checks run at most once a minute below the
			// Enterprise plans (IBM Cloud docs, CIS "Setting health check
			// intervals"; Cloudflare's monitors: interval default 60), and at
			// least once an hour; the fake's instances are standard-next.
			if v, ok := c.body["interval"].(float64); ok && (v < 60 || v > 3600) {
				cisErr(c, http.StatusBadRequest, 1002, fmt.Sprintf("interval %v must be between 60 and 3600 seconds on this plan", v))
				return false
			}
			return true
		}, build: func(c *call, id string) (map[string]any, bool) {
			b := clone(c.body)
			if b["type"] == nil {
				b["type"] = "http"
			}
			return b, true
		}},
		{kind: "cis_pool", path: "/cis/v1/{crn}/load_balancers/pools", build: func(c *call, id string) (map[string]any, bool) {
			if m, _ := c.body["monitor"].(string); m != "" && c.s.find("cis_monitor", m) == nil {
				cisErr(c, http.StatusBadRequest, 1002, "monitor "+m+" not found")
				return nil, false
			}
			b := clone(c.body)
			b["healthy"] = true
			return b, true
		}},
		{kind: "cis_glb", path: "/cis/v1/{crn}/zones/{zone}/load_balancers", scopeParam: "zone", build: func(c *call, id string) (map[string]any, bool) {
			if c.s.find("cis_zone", c.params["zone"]) == nil {
				cisErr(c, http.StatusNotFound, 1001, "zone "+c.params["zone"]+" not found")
				return nil, false
			}
			pools, _ := c.body["default_pools"].([]any)
			for _, p := range append(pools, c.body["fallback_pool"]) {
				if c.s.find("cis_pool", fmt.Sprint(p)) == nil {
					cisErr(c, http.StatusBadRequest, 1002, fmt.Sprintf("pool %v not found", p))
					return nil, false
				}
			}
			b := clone(c.body)
			if b["ttl"] == nil {
				b["ttl"] = 30
			}
			return b, true
		}},
	} {
		cl := cl
		scope := func(c *call) string {
			if cl.scopeParam != "" {
				return c.params[cl.scopeParam]
			}
			return c.params["crn"]
		}
		s.handle(http.MethodPost, cl.path, func(c *call) {
			if !instance(c) {
				return
			}
			if n, _ := c.body["name"].(string); n != "" && c.s.nameTaken(cl.kind, scope(c), "name", n) {
				cisErr(c, http.StatusBadRequest, 1061, n+" already exists")
				return
			}
			if cl.valid != nil && !cl.valid(c) {
				return
			}
			id := strings.ReplaceAll(c.s.newID(strings.TrimPrefix(cl.kind, "cis_")), "-", "")
			b, good := cl.build(c, id)
			if !good {
				return
			}
			b["id"], b["created_on"], b["modified_on"] = id, now(), now()
			field := ""
			if len(cl.status) > 0 {
				field = "status"
			}
			o := c.s.put(cl.kind, id, scope(c), b, field, cl.status...)
			ok(c, http.StatusOK, clone(o.body))
		})
		s.handle(http.MethodGet, cl.path, func(c *call) {
			if !instance(c) {
				return
			}
			items := c.s.list(cl.kind, scope(c), nil)
			c.json(http.StatusOK, map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": items,
				"result_info": map[string]any{"page": 1, "per_page": 50, "count": len(items), "total_count": len(items)}})
		})
		item := cl.path + "/{id}"
		s.handle(http.MethodGet, item, func(c *call) {
			o := c.item(cl.kind, scope(c), func() { cisErr(c, http.StatusNotFound, 1001, cl.kind+" not found") })
			if o == nil {
				return
			}
			ok(c, http.StatusOK, c.s.read(o))
		})
		for _, m := range []string{http.MethodPut, http.MethodPatch} {
			s.handle(m, item, func(c *call) {
				o := c.item(cl.kind, scope(c), func() { cisErr(c, http.StatusNotFound, 1001, cl.kind+" not found") })
				if o == nil || (cl.valid != nil && !cl.valid(c)) {
					return
				}
				for k, v := range c.body {
					o.body[k] = v
				}
				o.body["modified_on"] = now()
				ok(c, http.StatusOK, clone(o.body))
			})
		}
		s.handle(http.MethodDelete, item, func(c *call) {
			o := c.item(cl.kind, scope(c), func() { cisErr(c, http.StatusNotFound, 1001, cl.kind+" not found") })
			if o == nil {
				return
			}
			o.gone = true
			ok(c, http.StatusOK, map[string]any{"id": o.id})
		})
	}
}
