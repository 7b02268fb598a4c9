package fakeibm

import (
	"fmt"
	"net/http"
)

// Key Protect, under /kms/{region}. Destroyed keys answer 410 Gone.
func (s *Server) kmsRoutes() {
	const mime = "application/vnd.ibm.kms.key+json"
	envelope := func(c *call, status int, keys []any) {
		c.w.Header().Set("Content-Type", mime)
		c.w.WriteHeader(status)
		writeBody(c.w, map[string]any{"metadata": map[string]any{"collectionType": mime, "collectionTotal": len(keys)}, "resources": keys})
	}
	instance := func(c *call) string {
		inst := c.r.Header.Get("bluemix-instance")
		if inst == "" {
			kpErr(c, http.StatusBadRequest, "BAD_HEADER", "the bluemix-instance header is required")
		}
		return inst
	}
	s.handle(http.MethodPost, "/kms/{region}/api/v2/keys", func(c *call) {
		inst := instance(c)
		if inst == "" {
			return
		}
		res, _ := c.body["resources"].([]any)
		if len(res) != 1 {
			kpErr(c, http.StatusBadRequest, "BAD_BODY_ERR", "resources must hold one key")
			return
		}
		k := res[0].(map[string]any)
		name, _ := k["name"].(string)
		if len(name) < 2 {
			kpErr(c, http.StatusBadRequest, "BAD_BODY_ERR", "key names are 2 to 90 characters")
			return
		}
		id := c.s.newID("key") + "-0000-4000-8000-000000000000"
		extractable, _ := k["extractable"].(bool)
		o := c.s.put("kms_key", id, inst, map[string]any{"id": id, "name": name, "type": mime, "extractable": extractable,
			"state": 1, "crn": fmt.Sprintf("crn:v1:bluemix:public:kms:%s:a/%s:%s:key:%s", c.params["region"], Account, inst, id),
			"creationDate": now(), "deleted": false}, "")
		envelope(c, http.StatusCreated, []any{clone(o.body)})
	})
	s.handle(http.MethodGet, "/kms/{region}/api/v2/keys", func(c *call) {
		inst := instance(c)
		if inst == "" {
			return
		}
		envelope(c, http.StatusOK, c.s.list("kms_key", inst, nil))
	})
	s.handle(http.MethodGet, "/kms/{region}/api/v2/keys/{id}", func(c *call) {
		inst := instance(c)
		if inst == "" {
			return
		}
		o, exists := c.s.objs["kms_key/"+c.params["id"]]
		switch {
		case !exists || o.scope != inst:
			kpErr(c, http.StatusNotFound, "KEY_NOT_FOUND_ERR", "Key does not exist")
		case o.gone:
			kpErr(c, http.StatusGone, "KEY_DELETED_ERR", "The key has been deleted")
		default:
			envelope(c, http.StatusOK, []any{c.s.read(o)})
		}
	})
	s.handle(http.MethodDelete, "/kms/{region}/api/v2/keys/{id}", func(c *call) {
		inst := instance(c)
		if inst == "" {
			return
		}
		o := c.item("kms_key", inst, func() { kpErr(c, http.StatusNotFound, "KEY_NOT_FOUND_ERR", "Key does not exist") })
		if o == nil {
			return
		}
		o.gone = true
		o.body["state"], o.body["deleted"] = 5, true
		c.w.WriteHeader(http.StatusNoContent)
	})
}

// kpErr answers in Key Protect's error shape (IBM/keyprotect-go-client
// kp.go: Error{errorMsg, reasons[{code, message, status, moreInfo}]} in a
// collection of type application/vnd.ibm.kms.error+json), with its trace in
// the Correlation-Id header.
func kpErr(c *call, status int, code, msg string) {
	const mime = "application/vnd.ibm.kms.error+json"
	c.w.Header().Set("Content-Type", mime)
	c.w.Header().Set("Correlation-Id", "fake-correlation-0001")
	c.w.WriteHeader(status)
	writeBody(c.w, map[string]any{"metadata": map[string]any{"collectionType": mime, "collectionTotal": 1},
		"resources": []any{map[string]any{"errorMsg": http.StatusText(status) + ": " + msg,
			"reasons": []any{map[string]any{"code": code, "message": msg, "status": status,
				"moreInfo": "https://cloud.ibm.com/apidocs/key-protect"}}}}})
}
