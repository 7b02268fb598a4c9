package provider

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeKube is a Kubernetes API server for tests, as much of one as the
// Manifests client meets: it keeps objects by URL path, takes a
// server-side apply (PATCH application/apply-patch+yaml with a
// fieldManager) as create-or-merge, answers GET and DELETE, refuses an
// object in a namespace that does not exist with 404 as the real API does,
// and checks the bearer token or, when it was started with a client CA,
// the client certificate.
type fakeKube struct {
	token string

	mu      sync.Mutex
	objects map[string]map[string]any
	// unserved counts the requests still answered 404 for an API group
	// and version ("traefik.io/v1alpha1") whose definition is not
	// installed yet, as while a cluster's add-on installs its CRDs.
	unserved map[string]int
	// deleting marks the objects deleted while finalizing holds them.
	deleting map[string]bool
	// finalizing counts, per path, the reads after its delete that still
	// find the object, as while a LoadBalancer Service's finalizer waits
	// for the cloud controller to remove its load balancer.
	finalizing map[string]int
	// log lists the requests, "METHOD path", in order.
	log []string
}

// newFakeKube starts the fake over TLS. With clientCA set it requires a
// client certificate that CA signed and no token. It returns the server
// and its CA certificate in PEM, the one a client must trust.
func newFakeKube(t *testing.T, token, clientCA string) (*fakeKube, *httptest.Server, string) {
	t.Helper()
	f := &fakeKube{token: token, objects: map[string]map[string]any{}, deleting: map[string]bool{}, finalizing: map[string]int{}}
	srv := httptest.NewUnstartedServer(f)
	if clientCA != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(clientCA)) {
			t.Fatal("client CA: no certificate")
		}
		srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	return f, srv, ca
}

// kubeStatus answers with a Kubernetes Status object, as the API refuses.
func kubeStatus(w http.ResponseWriter, code int, format string, args ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure",
		"message": fmt.Sprintf(format, args...), "code": code})
}

func (f *fakeKube) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, r.Method+" "+r.URL.Path)
	if f.token != "" && r.Header.Get("Authorization") != "Bearer "+f.token {
		kubeStatus(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	if f.token == "" && (r.TLS == nil || len(r.TLS.PeerCertificates) == 0) {
		kubeStatus(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	var rest []string
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/api/v1/"):
		rest = strings.Split(strings.TrimPrefix(p, "/api/v1/"), "/")
	case strings.HasPrefix(p, "/apis/"):
		parts := strings.Split(strings.TrimPrefix(p, "/apis/"), "/")
		if gv := strings.Join(parts[:min(2, len(parts))], "/"); f.unserved[gv] > 0 {
			f.unserved[gv]--
			kubeStatus(w, http.StatusNotFound, "the server could not find the requested resource")
			return
		}
		if len(parts) < 3 {
			kubeStatus(w, http.StatusNotFound, "the server could not find the requested resource")
			return
		}
		rest = parts[2:]
	default:
		kubeStatus(w, http.StatusNotFound, "the server could not find the requested resource")
		return
	}
	var name string
	switch {
	case len(rest) == 4 && rest[0] == "namespaces":
		if _, ok := f.objects["/api/v1/namespaces/"+rest[1]]; !ok {
			kubeStatus(w, http.StatusNotFound, "namespaces %q not found", rest[1])
			return
		}
		name = rest[3]
	case len(rest) == 2:
		name = rest[1]
	default:
		kubeStatus(w, http.StatusNotFound, "the server could not find the requested resource")
		return
	}
	path := r.URL.Path
	switch r.Method {
	case http.MethodGet:
		obj, ok := f.objects[path]
		if ok && f.deleting[path] {
			if f.finalizing[path] == 0 {
				delete(f.objects, path)
				delete(f.deleting, path)
				ok = false
			} else {
				f.finalizing[path]--
			}
		}
		if !ok {
			kubeStatus(w, http.StatusNotFound, "%s %q not found", rest[len(rest)-2], name)
			return
		}
		_ = json.NewEncoder(w).Encode(obj)
	case http.MethodDelete:
		if _, ok := f.objects[path]; !ok {
			kubeStatus(w, http.StatusNotFound, "%s %q not found", rest[len(rest)-2], name)
			return
		}
		if f.finalizing[path] > 0 {
			f.deleting[path] = true
			kubeStatus(w, http.StatusAccepted, "deleting")
			return
		}
		delete(f.objects, path)
		kubeStatus(w, http.StatusOK, "deleted")
	case http.MethodPatch:
		if ct := r.Header.Get("Content-Type"); ct != "application/apply-patch+yaml" {
			kubeStatus(w, http.StatusUnsupportedMediaType, "the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml, …; got %s", ct)
			return
		}
		if r.URL.Query().Get("fieldManager") == "" {
			kubeStatus(w, http.StatusBadRequest, "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
			return
		}
		b, _ := io.ReadAll(r.Body)
		var obj map[string]any
		if err := json.Unmarshal(b, &obj); err != nil {
			kubeStatus(w, http.StatusBadRequest, "error decoding YAML: %v", err)
			return
		}
		meta, _ := obj["metadata"].(map[string]any)
		if meta["name"] != name {
			kubeStatus(w, http.StatusBadRequest, "the name of the object (%v) does not match the name on the URL (%s)", meta["name"], name)
			return
		}
		cur, ok := f.objects[path]
		if !ok {
			cur = map[string]any{}
		}
		for k, v := range obj {
			cur[k] = v
		}
		f.objects[path] = cur
		_ = json.NewEncoder(w).Encode(cur)
	default:
		kubeStatus(w, http.StatusMethodNotAllowed, "method %s not allowed", r.Method)
	}
}

// paths lists the stored objects' paths.
func (f *fakeKube) paths() map[string]bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]bool{}
	for p := range f.objects {
		out[p] = true
	}
	return out
}

// requests returns the log of requests and empties it.
func (f *fakeKube) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.log
	f.log = nil
	return out
}
