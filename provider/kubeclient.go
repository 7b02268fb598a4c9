package provider

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// kubeClient talks to one cluster's API.
type kubeClient struct {
	cluster, server, token string
	http                   *http.Client
}

func newKubeClient(inputs resource.PropertyMap) (*kubeClient, error) {
	c := &kubeClient{cluster: plainString(inputs, "cluster"), server: strings.TrimSuffix(plainString(inputs, "server"), "/"),
		token: plainString(inputs, "token")}
	if !strings.HasPrefix(c.server, "https://") {
		return nil, fmt.Errorf("%s %s: server %q: want the API's https:// URL", ManifestsType, c.cluster, c.server)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(plainString(inputs, "caCert"))) {
		return nil, fmt.Errorf("%s %s: caCert holds no PEM certificate", ManifestsType, c.cluster)
	}
	// tlsServerName, when set, is the name the server's certificate must
	// hold instead of the URL's host: a k3s API reached on a control
	// plane's public address presents the registration address's
	// certificate (as a kubeconfig's tls-server-name).
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12, ServerName: plainString(inputs, "tlsServerName")}
	cert, key := plainString(inputs, "clientCert"), plainString(inputs, "clientKey")
	switch {
	case cert != "" && key != "":
		pair, err := tls.X509KeyPair([]byte(cert), []byte(key))
		if err != nil {
			// The error of X509KeyPair never quotes the key.
			return nil, fmt.Errorf("%s %s: client certificate: %w", ManifestsType, c.cluster, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	case c.token == "":
		return nil, fmt.Errorf("%s %s: want a token, or a clientCert and clientKey", ManifestsType, c.cluster)
	}
	c.http = &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		TLSClientConfig: cfg, DialContext: kubeDial, TLSHandshakeTimeout: 15 * time.Second,
	}}
	return c, nil
}

// apiError is the API's answer to a request it refused.
type apiError struct {
	code    int
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.code, e.message) }

// do sends one request and returns the API's refusal as an *apiError,
// with the message of its Status body.
func (c *kubeClient) do(ctx context.Context, method, path, contentType string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, method, c.server+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 300 {
		return nil
	}
	var st struct {
		Message string `json:"message"`
	}
	msg := http.StatusText(resp.StatusCode)
	if json.Unmarshal(b, &st) == nil && st.Message != "" {
		msg = st.Message
	}
	return &apiError{code: resp.StatusCode, message: msg}
}

// retryable says whether an error means the API is not there yet: no
// connection, or an answer that it is not serving (a control plane
// starting). A refusal of the request or of the TLS certificate is final.
func retryable(err error) bool {
	if errors.As(err, new(notServedYet)) || errors.As(err, new(stillThere)) {
		return true
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.code == http.StatusTooManyRequests || ae.code >= 500
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		var certErr *tls.CertificateVerificationError
		var unknown x509.UnknownAuthorityError
		var hostname x509.HostnameError
		if errors.As(err, &certErr) || errors.As(err, &unknown) || errors.As(err, &hostname) {
			return false
		}
		// The server's TLS alert, such as a refused client certificate: its
		// type is not exported (crypto/tls alert.go), only its text.
		if strings.Contains(err.Error(), "remote error: tls: ") {
			return false
		}
		return true
	}
	return false
}

// notServedYet is a 404 for a kind whose definition the cluster's add-ons
// install (kind.addon): the API is up, the definition not yet.
type notServedYet struct{ error }

func (e notServedYet) Unwrap() error { return e.error }

// retry runs f until it succeeds, fails for good, or ApplyTimeout passes.
func (c *kubeClient) retry(ctx context.Context, f func() error) error {
	ctx, cancel := context.WithTimeout(ctx, ApplyTimeout)
	defer cancel()
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 10*time.Second) {
		err := f()
		if err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			if errors.As(err, new(stillThere)) {
				return fmt.Errorf("%w (waited %s)", err, ApplyTimeout)
			}
			return fmt.Errorf("the API at %s was not reachable within %s: %w", c.server, ApplyTimeout, err)
		case <-time.After(wait):
		}
	}
}

// apply applies one object with server-side apply: the API creates it or
// merges the fields infra manages, taking them over from another manager
// (force), as `kubectl apply --server-side --force-conflicts` does.
func (c *kubeClient) apply(ctx context.Context, o object) error {
	body, err := json.Marshal(o.raw)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%s %s: apply %s", ManifestsType, c.cluster, o.id())
	// JSON is YAML, which apply-patch+yaml takes.
	err = c.retry(ctx, func() error {
		err := c.do(ctx, http.MethodPatch, o.path()+"?fieldManager=infra&force=true", "application/apply-patch+yaml", body)
		var ae *apiError
		if o.k.addon && errors.As(err, &ae) && ae.code == http.StatusNotFound {
			return notServedYet{err}
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// remove deletes one object; one already gone is deleted.
func (c *kubeClient) remove(ctx context.Context, o object) error {
	what := fmt.Sprintf("%s %s: delete %s", ManifestsType, c.cluster, o.id())
	err := c.retry(ctx, func() error {
		return c.do(ctx, http.MethodDelete, o.path(), "", nil)
	})
	var ae *apiError
	if errors.As(err, &ae) && ae.code == http.StatusNotFound {
		return nil
	}
	if err == nil && loadBalancer(o) {
		err = c.gone(ctx, o)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// loadBalancer reports whether o is a Service of type LoadBalancer.
func loadBalancer(o object) bool {
	spec, _ := o.raw["spec"].(map[string]any)
	return o.apiVersion == "v1" && o.kind == "Service" && spec["type"] == "LoadBalancer"
}

// gone waits, within ApplyTimeout, until the API no longer has o. A
// LoadBalancer Service outlives its delete until the cloud controller has
// removed its load balancer (the finalizer
// service.kubernetes.io/load-balancer-cleanup; Kubernetes documentation,
// Service, "Garbage collecting load balancers"), and what the balancer holds
// (an OVH floating IP) is free only then: the stack deletes it next.
func (c *kubeClient) gone(ctx context.Context, o object) error {
	return c.retry(ctx, func() error {
		err := c.do(ctx, http.MethodGet, o.path(), "", nil)
		var ae *apiError
		if errors.As(err, &ae) && ae.code == http.StatusNotFound {
			return nil
		}
		if err == nil {
			return stillThere{}
		}
		return err
	})
}

// stillThere is an object read back after its delete: its finalizers have
// not run yet.
type stillThere struct{}

func (stillThere) Error() string {
	return "still there after its delete: its load balancer's finalizer has not run (is the cloud controller manager up?)"
}

// removeAll deletes objects in the reverse of their apply order.
func (c *kubeClient) removeAll(ctx context.Context, objs []object) error {
	for i := len(objs) - 1; i >= 0; i-- {
		if err := c.remove(ctx, objs[i]); err != nil {
			return err
		}
	}
	return nil
}
