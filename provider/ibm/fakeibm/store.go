package fakeibm

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"
	"time"
)

// writeErr answers in the VPC and platform APIs' error shape, which the
// other APIs' clients read too.
func writeErr(w http.ResponseWriter, status int, code, msg, field string) {
	e := map[string]any{"code": code, "message": msg}
	if field != "" {
		e["target"] = map[string]any{"name": field, "type": "field"}
	}
	writeJSON(w, status, map[string]any{"errors": []any{e}, "trace": "fake-trace-0001", "status_code": status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (c *call) json(status int, v any) { writeJSON(c.w, status, v) }
func (c *call) fail(status int, code, msg, field string) {
	writeErr(c.w, status, code, msg, field)
}
func (c *call) notFound(what string) {
	c.fail(http.StatusNotFound, "not_found", what+" not found", "id")
}

// item is the live object of the kind that the path's {id} names, in scope
// unless scope is ""; when there is none it answers with missing, and is nil.
func (c *call) item(kind, scope string, missing func()) *object {
	o := c.s.find(kind, c.params["id"])
	if o == nil || scope != "" && o.scope != scope {
		missing()
		return nil
	}
	return o
}

// copy sets those of the fields the request body has.
func (c *call) copy(o *object, fields ...string) {
	for _, f := range fields {
		if v, ok := c.body[f]; ok {
			o.body[f] = v
		}
	}
}

func (c *call) q(k string) string { return c.r.URL.Query().Get(k) }

// filter is a list's query filter: an item matches when its field equals
// the query parameter of each key the query sets.
func (c *call) filter(keys ...string) func(map[string]any) bool {
	return func(b map[string]any) bool {
		for _, k := range keys {
			if q := c.q(k); q != "" && b[k] != q {
				return false
			}
		}
		return true
	}
}

// str reads a string at a dotted path of the body.
func (c *call) str(path string) string { s, _ := dig(c.body, path).(string); return s }

func dig(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// newID makes a deterministic id.
func (s *Server) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s-%04d", prefix, s.seq)
}

// put stores a new object. states are its statuses, the first current; a
// later read moves on to the next every Steps reads.
func (s *Server) put(kind, id, scope string, body map[string]any, field string, states ...string) *object {
	o := &object{kind: kind, id: id, scope: scope, body: body, field: field, states: states}
	if field != "" && len(states) > 0 {
		body[field] = states[0]
	}
	s.objs[kind+"/"+id] = o
	return o
}

// find returns a live object.
func (s *Server) find(kind, id string) *object {
	o, ok := s.objs[kind+"/"+id]
	if !ok || o.gone {
		return nil
	}
	return o
}

// read answers an object as of now and moves its lifecycle on.
func (s *Server) read(o *object) map[string]any {
	if o.field != "" && len(o.states) > 0 {
		st := o.states[0]
		h := s.history[o.id]
		if len(h) == 0 || h[len(h)-1] != st {
			s.history[o.id] = append(h, st)
		}
	}
	out := clone(o.body)
	if len(o.timeline) > 0 {
		if o.treads++; o.treads >= s.Steps {
			o.timeline[0](o.body)
			o.timeline = o.timeline[1:]
			o.treads = 0
		}
	}
	o.reads++
	if o.reads >= s.Steps && len(o.states) > 1 {
		o.states = o.states[1:]
		o.body[o.field] = o.states[0]
		o.reads = 0
	} else if o.reads >= s.Steps && o.deleting {
		o.gone = true
	}
	return out
}

// remove deletes an object, at once or through a deleting state.
func (s *Server) remove(o *object, deletingState string) {
	if deletingState == "" || o.field == "" {
		o.gone = true
		return
	}
	o.states = []string{deletingState}
	o.body[o.field] = deletingState
	o.deleting = true
	o.reads = 0
}

// list returns the live objects of a kind in a scope, in creation order.
func (s *Server) list(kind, scope string, keep func(map[string]any) bool) []any {
	var objs []*object
	for _, o := range s.objs {
		if o.kind == kind && !o.gone && (scope == "" || o.scope == scope) && (keep == nil || keep(o.body)) {
			objs = append(objs, o)
		}
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].id < objs[j].id })
	out := make([]any, 0, len(objs))
	for _, o := range objs {
		out = append(out, clone(o.body))
	}
	return out
}

// nameTaken reports whether a live object of the kind in the scope has the name.
func (s *Server) nameTaken(kind, scope, field, name string) bool {
	for _, o := range s.objs {
		if o.kind == kind && !o.gone && o.scope == scope && o.body[field] == name && !o.deleting {
			return true
		}
	}
	return false
}

// token is an unsigned JWT naming the fake account, enough for clients
// that read the account claim.
func token(iamID string) string {
	enc := base64.RawURLEncoding.EncodeToString
	header := enc([]byte(`{"alg":"none","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{"iam_id": iamID, "account": map[string]any{"bss": Account},
		"exp": time.Now().Add(time.Hour).Unix()})
	return header + "." + enc(claims) + ".fake"
}

// tokenIAMID is the iam_id claim of a bearer token token made, "" for
// anything else.
func tokenIAMID(authorization string) string {
	tok, ok := strings.CutPrefix(authorization, "Bearer ")
	if !ok {
		return ""
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		IAMID string `json:"iam_id"`
	}
	if json.Unmarshal(raw, &claims) != nil {
		return ""
	}
	return claims.IAMID
}

// allowed says whether IAM lets iamID act with role on service: the
// administrator may do anything; anyone else through an access policy of
// one of the access groups it is a member of, on that service or on every
// service (a policy without serviceName).
func (s *Server) allowed(iamID, service, role string) bool {
	if iamID == AdminIAMID {
		return true
	}
	groups := map[string]bool{}
	for _, o := range s.objs {
		if o.kind == "group_member" && !o.gone && o.body["iam_id"] == iamID {
			groups[o.scope] = true
		}
	}
	for _, o := range s.objs {
		if o.kind != "policy" || o.gone || o.body["type"] != "access" {
			continue
		}
		if !groups[policyAttr(o.body["subjects"], "access_group_id")] {
			continue
		}
		if svc := policyAttr(o.body["resources"], "serviceName"); svc != "" && svc != service {
			continue
		}
		roles, _ := o.body["roles"].([]any)
		for _, r := range roles {
			if id, _ := r.(map[string]any)["role_id"].(string); strings.HasSuffix(id, ":"+role) {
				return true
			}
		}
	}
	return false
}

// policyAttr is the value of the named attribute in a policy's subjects
// or resources ([{attributes: [{name, value}]}]).
func policyAttr(list any, name string) string {
	items, _ := list.([]any)
	for _, it := range items {
		attrs, _ := it.(map[string]any)["attributes"].([]any)
		for _, a := range attrs {
			if m, _ := a.(map[string]any); m["name"] == name {
				v, _ := m["value"].(string)
				return v
			}
		}
	}
	return ""
}

func now() string { return "2026-01-01T00:00:00Z" }

func writeBody(w http.ResponseWriter, v any) { _ = json.NewEncoder(w).Encode(v) }

// jsonMedia says whether a Content-Type names JSON: application/json or a
// JSON-based type such as application/merge-patch+json (VPC PATCH) or
// application/vnd.ibm.kms.key+json (Key Protect).
func jsonMedia(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// unsupportedMedia answers 415 in the error shape of the API called.
func (c *call) unsupportedMedia() {
	const msg = "The request body has no JSON Content-Type: set Content-Type: application/json"
	got := c.r.Header.Get("Content-Type")
	if got == "" {
		got = "none"
	}
	switch p := c.r.URL.Path; {
	case strings.HasPrefix(p, "/containers/"):
		c.json(http.StatusUnsupportedMediaType, map[string]any{"incidentID": "fake-incident-0415", "code": "E0415",
			"description": msg + " (Content-Type: " + got + ")", "type": "General"})
	case strings.HasPrefix(p, "/kms/"):
		kpErr(c, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", msg+" (Content-Type: "+got+")")
	case strings.HasPrefix(p, "/cis/"):
		c.json(http.StatusUnsupportedMediaType, map[string]any{"success": false, "errors": []any{map[string]any{"code": 415, "message": msg}},
			"messages": []any{}, "result": nil})
	default:
		c.fail(http.StatusUnsupportedMediaType, "unsupported_media_type", msg+" (Content-Type: "+got+")", "Content-Type")
	}
}

// VPCVersion is the VPC API version from which the security-group and
// network-ACL rule protocol 'all' is gone, replaced by 'icmp_tcp_udp' and
// 'any' (IBM/vpc-go-sdk v0.77.0, API 2025-12-09; IBM doc "Updating to the
// 2025-12-09 version (security group and network ACL rules)").
const protocolAllRemoved = "2025-12-09"

// vpcVersion checks the version and generation query parameters every VPC
// API request must carry (https://cloud.ibm.com/apidocs/vpc/latest#api-versioning):
// a missing or malformed version is a 400.
func (c *call) vpcVersion() bool {
	v := c.q("version")
	if v == "" {
		c.fail(http.StatusBadRequest, "missing_version", "The version query parameter is required", "version")
		return false
	}
	if _, err := time.Parse("2006-01-02", v); err != nil {
		c.fail(http.StatusBadRequest, "invalid_version", "version must be a date in the format YYYY-MM-DD, not "+v, "version")
		return false
	}
	if g := c.q("generation"); g != "" && g != "2" {
		c.fail(http.StatusBadRequest, "invalid_generation", "generation must be 2", "generation")
		return false
	}
	return true
}

// note adds an entry to an object's history unless it repeats the last.
func (s *Server) note(id, entry string) {
	h := s.history[id]
	if len(h) == 0 || h[len(h)-1] != entry {
		s.history[id] = append(h, entry)
	}
}
