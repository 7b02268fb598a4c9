// Package fakeibm is an in-memory IBM Cloud: an HTTP server that answers the
// requests IBM's Go SDKs send to the APIs infra uses (IAM, VPC, Kubernetes
// Service, Transit Gateway, CIS, Resource Controller and Manager, Global
// Catalog, Global Tagging, IAM Access Groups and Policies, Context-Based
// Restrictions, Key Protect) with the response shapes of IBM's API
// documentation. Asynchronous resources go through their intermediate
// states, one per read, as the real ones do over minutes.
//
// It serves the provider's tests, and infra's fake-IBM mode, in which the
// real provider code deploys to it end to end. Faults (throttling, server
// errors, a create that succeeds but whose answer is lost) can be injected.
package fakeibm

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Account is the account id the fake's tokens name.
const Account = "acc0000000000000000000000000fake"

// APIKey is an API key the fake accepts; it accepts any non-empty one.
const APIKey = "fake-ibm-api-key"

// Server is a running fake IBM Cloud.
type Server struct {
	URL string
	srv *httptest.Server

	mu      sync.Mutex
	objs    map[string]*object // by kind/id
	seq     int
	faults  []*Fault
	log     []string
	uris    []string            // "METHOD uri content-type" of every request
	history map[string][]string // statuses answered, by id
	// Steps is how many reads an asynchronous resource takes to move from
	// one state to the next.
	Steps int
	// TagLag is how many tagging requests for a new resource Global
	// Tagging answers with is_error before its search index knows the
	// resource (IBM's tags are kept in Global Search, indexed
	// asynchronously after the resource is created).
	TagLag int
	tagged map[string]int // tagging requests per CRN
	rt     []route
}

type object struct {
	kind   string
	id     string
	scope  string // region, parent id or CRN the object lives in
	body   map[string]any
	states []string // statuses still to come, first is current
	field  string   // the status field
	reads  int
	gone   bool // deleted, answered as 404 from now on
	// deleting: removed after the current state's reads.
	deleting bool
	// timeline is a second state machine beside the status field (a
	// cluster master redeploying, say): each entry changes the body, one per
	// Steps reads, after the status has moved on.
	timeline []func(body map[string]any)
	treads   int
	// ttl, when positive, is how many more requests to the fake the object
	// lives: what IBM deletes on its own after a while (the load balancers
	// of a deleted cluster).
	ttl int
}

// Fault makes requests fail. Method and Path (a prefix of the URL path)
// select requests; Times counts how many fail (0: every one).
type Fault struct {
	Method, Path string
	Status       int
	RetryAfter   string
	Times        int
	// Commit carries the request out before failing it, as when a create
	// succeeds but its answer is lost to a gateway timeout.
	Commit bool
	hits   int
}

// New starts a fake IBM Cloud on a loopback port.
func New() *Server {
	s := &Server{objs: map[string]*object{}, history: map[string][]string{}, Steps: 1, TagLag: 1, tagged: map[string]int{}}
	s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	s.seed()
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Env is the environment that points infra's IBM provider at the fake.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"IBMCLOUD_API_KEY":                             APIKey,
		"IBMCLOUD_IAM_API_ENDPOINT":                    s.URL + "/iam",
		"IBMCLOUD_VPC_API_ENDPOINT":                    s.URL + "/vpc/{region}/v1",
		"IBMCLOUD_CS_API_ENDPOINT":                     s.URL + "/containers/global",
		"IBMCLOUD_TG_API_ENDPOINT":                     s.URL + "/transit/v1",
		"IBMCLOUD_CIS_API_ENDPOINT":                    s.URL + "/cis",
		"IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT":    s.URL + "/rc",
		"IBMCLOUD_RESOURCE_CATALOG_API_ENDPOINT":       s.URL + "/catalog/api/v1",
		"IBMCLOUD_GT_API_ENDPOINT":                     s.URL + "/tags",
		"IBMCLOUD_CONTEXT_BASED_RESTRICTIONS_ENDPOINT": s.URL + "/cbr",
		"IBMCLOUD_KP_API_ENDPOINT":                     s.URL + "/kms/{region}",
	}
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Requests returns "METHOD path" of every request answered so far.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// RequestURIs returns "METHOD path?query Content-Type" of every request
// answered so far.
func (s *Server) RequestURIs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.uris...)
}

// Count is the number of live objects of a kind (vpc, subnet, cluster, ...).
func (s *Server) Count(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, o := range s.objs {
		if o.kind == kind && !o.gone {
			n++
		}
	}
	return n
}

// IDs lists the ids of the live objects of a kind, sorted.
func (s *Server) IDs(kind string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, o := range s.objs {
		if o.kind == kind && !o.gone {
			out = append(out, o.id)
		}
	}
	sort.Strings(out)
	return out
}

// Get returns a copy of an object's body, as the API would answer it.
func (s *Server) Get(kind, id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objs[kind+"/"+id]
	if !ok || o.gone {
		return nil, false
	}
	return clone(o.body), true
}

// Remove deletes an object behind infra's back, as someone with the
// console would.
func (s *Server) Remove(kind, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objs[kind+"/"+id]
	if !ok || o.gone {
		return false
	}
	o.gone = true
	return true
}

// Set changes a field of an object behind infra's back (drift).
func (s *Server) Set(kind, id, field string, value any) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objs[kind+"/"+id]
	if !ok || o.gone {
		return false
	}
	o.body[field] = value
	return true
}

// History lists the statuses the fake answered for an object, in order,
// without repeats; a cluster's master states appear as "master:<status>".
func (s *Server) History(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.history[id]...)
}

// serve logs, injects faults and routes.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.log = append(s.log, r.Method+" "+r.URL.Path)
	s.uris = append(s.uris, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Content-Type"))
	for _, o := range s.objs {
		if o.ttl > 0 && !o.gone {
			if o.ttl--; o.ttl == 0 {
				o.gone = true
			}
		}
	}
	var fault *Fault
	for _, f := range s.faults {
		if (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.Path) && (f.Times == 0 || f.hits < f.Times) {
			f.hits++
			fault = f
			break
		}
	}
	s.mu.Unlock()
	if fault != nil {
		if fault.Commit {
			s.route(httptest.NewRecorder(), r)
		}
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		writeErr(w, fault.Status, "injected_fault", fmt.Sprintf("fake IBM: injected HTTP %d", fault.Status), "")
		return
	}
	s.route(w, r)
}

// route is a pattern of path segments; {x} matches any one segment.
type route struct {
	method  string
	pattern []string
	handle  func(c *call)
}

// call is one request being answered.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	params map[string]string
	body   map[string]any
}

func (s *Server) handle(method, pattern string, h func(c *call)) {
	s.rt = append(s.rt, route{method: method, pattern: strings.Split(strings.Trim(pattern, "/"), "/"), handle: h})
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i, seg := range segs {
		if u, err := url.PathUnescape(seg); err == nil {
			segs[i] = u
		}
	}
	for _, rt := range s.rt {
		if rt.method != r.Method || len(rt.pattern) != len(segs) {
			continue
		}
		params := map[string]string{}
		ok := true
		for i, p := range rt.pattern {
			if strings.HasPrefix(p, "{") {
				params[strings.Trim(p, "{}")] = segs[i]
			} else if p != segs[i] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		c := &call{s: s, w: w, r: r, params: params}
		if r.Body != nil && (r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch) {
			if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				_ = r.ParseForm()
			} else {
				raw, err := io.ReadAll(r.Body)
				if err != nil {
					writeErr(w, http.StatusBadRequest, "bad_request", "cannot read the body: "+err.Error(), "")
					return
				}
				if len(bytes.TrimSpace(raw)) > 0 {
					// IBM's APIs bind a body by its declared media type: one
					// without a JSON Content-Type is refused, not guessed at
					// (every IBM client sets it: go-sdk-core's generated calls,
					// e.g. vpcv1 CreateVPC "Content-Type: application/json",
					// and bluemix-go rest/client.go:173-174). 415 is HTTP's
					// answer to an unsupported media type (RFC 9110 §15.5.16).
					if !jsonMedia(r.Header.Get("Content-Type")) {
						c.unsupportedMedia()
						return
					}
					var body map[string]any
					if err := json.Unmarshal(raw, &body); err != nil {
						writeErr(w, http.StatusBadRequest, "bad_request", "the body is not a JSON object: "+err.Error(), "")
						return
					}
					c.body = body
				}
			}
		}
		if strings.HasPrefix(r.URL.Path, "/vpc/") && !c.vpcVersion() {
			return
		}
		if !strings.HasSuffix(r.URL.Path, "/identity/token") && !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			writeErr(w, http.StatusUnauthorized, "not_authorized", "missing or malformed Authorization header", "")
			return
		}
		// Handlers see and change the objects: one request at a time.
		s.mu.Lock()
		defer s.mu.Unlock()
		rt.handle(c)
		return
	}
	writeErr(w, http.StatusNotFound, "not_found", "fake IBM: no such API: "+r.Method+" "+r.URL.Path, "")
}

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
func token() string {
	enc := base64.RawURLEncoding.EncodeToString
	header := enc([]byte(`{"alg":"none","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{"iam_id": "iam-ServiceId-fake", "account": map[string]any{"bss": Account},
		"exp": time.Now().Add(time.Hour).Unix()})
	return header + "." + enc(claims) + ".fake"
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
