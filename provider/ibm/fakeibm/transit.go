package fakeibm

import (
	"net/http"
	"strings"
)

// The Transit Gateway API, under /transit/v1.
func (s *Server) transitRoutes() {
	const base = "/transit/v1/transit_gateways"
	s.handle(http.MethodPost, base, func(c *call) {
		if c.s.nameTaken("transit_gateway", "", "name", c.str("name")) {
			c.fail(http.StatusConflict, "transit_gateway_name_exists", "a transit gateway named "+c.str("name")+" exists", "name")
			return
		}
		id := c.s.newID("tgw") + "-0000-4000-8000-000000000000"
		global, _ := c.body["global"].(bool)
		o := c.s.put("transit_gateway", id, "", map[string]any{"id": id, "name": c.str("name"), "location": c.str("location"),
			"global": global, "crn": "crn:v1:bluemix:public:transit:" + c.str("location") + ":a/" + Account + "::gateway:" + id,
			"resource_group": ref(c.str("resource_group.id")), "created_at": now()}, "status", "pending", "available")
		c.json(http.StatusCreated, clone(o.body))
	})
	s.handle(http.MethodGet, base, func(c *call) {
		c.json(http.StatusOK, map[string]any{"transit_gateways": c.s.list("transit_gateway", "", nil), "limit": 50})
	})
	s.handle(http.MethodGet, base+"/{id}", func(c *call) {
		if o := c.s.find("transit_gateway", c.params["id"]); o != nil {
			c.json(http.StatusOK, c.s.read(o))
			return
		}
		c.notFound("transit gateway")
	})
	s.handle(http.MethodPatch, base+"/{id}", func(c *call) {
		o := c.item("transit_gateway", "", func() { c.notFound("transit gateway") })
		if o == nil {
			return
		}
		c.copy(o, "name", "global")
		c.json(http.StatusOK, clone(o.body))
	})
	s.handle(http.MethodDelete, base+"/{id}", func(c *call) {
		o := c.item("transit_gateway", "", func() { c.notFound("transit gateway") })
		if o == nil {
			return
		}
		if len(c.s.list("transit_connection", o.id, nil)) > 0 {
			c.fail(http.StatusConflict, "transit_gateway_has_connections", "delete the gateway's connections first", "id")
			return
		}
		c.s.remove(o, "deleting")
		c.w.WriteHeader(http.StatusNoContent)
	})
	s.handle(http.MethodPost, base+"/{gw}/connections", func(c *call) {
		if c.s.find("transit_gateway", c.params["gw"]) == nil {
			c.notFound("transit gateway")
			return
		}
		if c.str("network_type") == "vpc" && !strings.HasPrefix(c.str("network_id"), "crn:v1:") {
			c.fail(http.StatusBadRequest, "invalid_network_id", "a vpc connection's network_id must be the VPC's CRN", "network_id")
			return
		}
		if c.s.nameTaken("transit_connection", c.params["gw"], "name", c.str("name")) {
			c.fail(http.StatusConflict, "connection_name_exists", "a connection named "+c.str("name")+" exists", "name")
			return
		}
		id := c.s.newID("conn") + "-0000-4000-8000-000000000000"
		body := map[string]any{"id": id, "name": c.str("name"), "network_type": c.str("network_type"), "created_at": now(),
			"request_status": "approved"}
		if n := c.str("network_id"); n != "" {
			body["network_id"] = n
		}
		o := c.s.put("transit_connection", id, c.params["gw"], body, "status", "pending", "attached")
		c.json(http.StatusCreated, clone(o.body))
	})
	s.handle(http.MethodGet, base+"/{gw}/connections", func(c *call) {
		c.json(http.StatusOK, map[string]any{"connections": c.s.list("transit_connection", c.params["gw"], nil), "limit": 50})
	})
	s.handle(http.MethodGet, base+"/{gw}/connections/{id}", func(c *call) {
		if o := c.s.find("transit_connection", c.params["id"]); o != nil && o.scope == c.params["gw"] {
			c.json(http.StatusOK, c.s.read(o))
			return
		}
		c.notFound("connection")
	})
	s.handle(http.MethodPatch, base+"/{gw}/connections/{id}", func(c *call) {
		o := c.item("transit_connection", "", func() { c.notFound("connection") })
		if o == nil {
			return
		}
		c.copy(o, "name")
		c.json(http.StatusOK, clone(o.body))
	})
	s.handle(http.MethodDelete, base+"/{gw}/connections/{id}", func(c *call) {
		o := c.item("transit_connection", "", func() { c.notFound("connection") })
		if o == nil {
			return
		}
		c.s.remove(o, "deleting")
		c.w.WriteHeader(http.StatusNoContent)
	})
}
