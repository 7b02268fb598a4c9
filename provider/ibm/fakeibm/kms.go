package fakeibm

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
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
			return ""
		}
		// Key Protect enforces context-based restrictions on its instances
		// (IBM doc "Protecting Key Protect resources with context-based
		// restrictions"); a refused call is answered like any other
		// Key Protect error.
		if !c.cbrAdmits("kms", inst, func(msg string) { kpErr(c, cbrForbidden, "FORBIDDEN_ERR", msg) }) {
			return ""
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

// clusterByIDOrName is the live cluster with the id or name, or nil.
func (s *Server) clusterByIDOrName(idOrName string) *object {
	if o := s.find("cluster", idOrName); o != nil {
		return o
	}
	for _, o := range s.objs {
		if o.kind == "cluster" && !o.gone && o.body["name"] == idOrName {
			return o
		}
	}
	return nil
}

// masterVersion is the version the master runs, "1.35.2_1530", without the
// "(pending)" of an update under way.
func masterVersion(cl *object) string {
	v := fmt.Sprint(cl.body["masterKubeVersion"])
	return strings.TrimSpace(strings.TrimSuffix(v, "(pending)"))
}

// liveWorkers are a cluster's workers, by id.
func (s *Server) liveWorkers(cluster string) []*object {
	var out []*object
	for _, o := range s.objs {
		if o.kind == "worker" && !o.gone && o.scope == cluster {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// newWorker deploys a worker of a pool in a zone at the master's version;
// a replacement provisions before it is deployed.
func (s *Server) newWorker(cl *object, pool, poolID string, flavor any, zone string, replacement bool) {
	id := "kube-" + cl.id[:8] + "-" + strings.ReplaceAll(s.newID("w"), "-", "")
	states := []string{"deployed"}
	if replacement {
		states = []string{"provisioning", "deploying", "deployed"}
	}
	v := masterVersion(cl)
	s.put("worker", id, cl.id, map[string]any{"id": id, "poolName": pool, "poolID": poolID, "flavor": flavor, "location": zone,
		"kubeVersion": map[string]any{"actual": v, "desired": v, "target": v},
		"health":      map[string]any{"state": "normal"}}, "_state", states...)
}

// syncWorkers gives every zone of every pool of the cluster its workerCount
// workers: what IKS does after a create, a resize or a new zone.
func (s *Server) syncWorkers(cl *object) {
	have := map[string][]*object{}
	for _, w := range s.liveWorkers(cl.id) {
		k := fmt.Sprint(w.body["poolID"]) + "/" + fmt.Sprint(w.body["location"])
		have[k] = append(have[k], w)
	}
	want := map[string]bool{}
	for _, p := range s.list("worker_pool", cl.id, nil) {
		pool := p.(map[string]any)
		n := 0
		fmt.Sscan(fmt.Sprint(pool["workerCount"]), &n)
		zones, _ := pool["zones"].([]any)
		for _, z := range zones {
			zone := fmt.Sprint(z.(map[string]any)["id"])
			k := fmt.Sprint(pool["id"]) + "/" + zone
			want[k] = true
			for i := len(have[k]); i < n; i++ {
				s.newWorker(cl, fmt.Sprint(pool["poolName"]), fmt.Sprint(pool["id"]), pool["flavor"], zone, false)
			}
			for i := n; i < len(have[k]); i++ {
				have[k][i].gone = true
			}
		}
	}
	for k, ws := range have {
		if !want[k] {
			for _, w := range ws {
				w.gone = true
			}
		}
	}
}
