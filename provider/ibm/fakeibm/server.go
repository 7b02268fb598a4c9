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
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Account is the account id the fake's tokens name.
const Account = "acc0000000000000000000000000fake"

// APIKey is an API key the fake accepts; it accepts any non-empty one.
const APIKey = "fake-ibm-api-key"

// AdminIAMID is the identity APIKey stands for: the account's
// administrator, whom IAM allows everything.
const AdminIAMID = "iam-ServiceId-fake"

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
	// creator is the IAM id that made the object.
	creator string
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

// KnowsAPIKey reports whether IAM would issue a token for key: the
// administrator's APIKey or a live API key of a service ID.
func (s *Server) KnowsAPIKey(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identityOf(key) != ""
}

// identityOf is the IAM id of an API key, "" for a key IAM does not know.
func (s *Server) identityOf(key string) string {
	if key == APIKey {
		return AdminIAMID
	}
	for _, o := range s.objs {
		if o.kind == "apikey" && !o.gone && key != "" && o.body["_value"] == key {
			id, _ := o.body["iam_id"].(string)
			return id
		}
	}
	return ""
}

// Creator is the IAM id that made an object through the API ("" for
// what the fake seeds or IBM makes on its own).
func (s *Server) Creator(kind, id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.objs[kind+"/"+id]; ok {
		return o.creator
	}
	return ""
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
	// caller is the IAM id the request's token was issued to.
	caller string
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
		c := &call{s: s, w: w, r: r, params: params, caller: tokenIAMID(r.Header.Get("Authorization"))}
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
