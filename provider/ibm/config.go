package ibm

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Endpoints are the base URLs of the IBM Cloud APIs. "{region}" in VPC and
// KMS stands for the resource's region. Every one can be overridden, so the
// provider can be pointed at the fake API (package fakeibm).
type Endpoints struct {
	IAM                string // token, access groups, policies
	VPC                string // https://{region}.iaas.cloud.ibm.com/v1
	Containers         string // Kubernetes Service, .../global
	Transit            string
	CIS                string
	ResourceController string // resource controller and resource manager
	GlobalCatalog      string
	GlobalTagging      string
	CBR                string
	KMS                string // https://{region}.kms.cloud.ibm.com
}

// DefaultEndpoints are IBM Cloud's public endpoints.
var DefaultEndpoints = Endpoints{
	IAM:                "https://iam.cloud.ibm.com",
	VPC:                "https://{region}.iaas.cloud.ibm.com/v1",
	Containers:         "https://containers.cloud.ibm.com/global",
	Transit:            "https://transit.cloud.ibm.com/v1",
	CIS:                "https://api.cis.cloud.ibm.com",
	ResourceController: "https://resource-controller.cloud.ibm.com",
	GlobalCatalog:      "https://globalcatalog.cloud.ibm.com/api/v1",
	GlobalTagging:      "https://tags.global-search-tagging.cloud.ibm.com",
	CBR:                "https://cbr.cloud.ibm.com",
	KMS:                "https://{region}.kms.cloud.ibm.com",
}

// Environment variables read by ConfigFromEnv. The endpoint names are those
// IBM's Terraform provider and CLI use.
const (
	EnvAPIKey             = "IBMCLOUD_API_KEY"
	EnvAccountID          = "IBMCLOUD_ACCOUNT_ID"
	EnvIAMEndpoint        = "IBMCLOUD_IAM_API_ENDPOINT"
	EnvVPCEndpoint        = "IBMCLOUD_VPC_API_ENDPOINT"
	EnvContainersEndpoint = "IBMCLOUD_CS_API_ENDPOINT"
	EnvTransitEndpoint    = "IBMCLOUD_TG_API_ENDPOINT"
	EnvCISEndpoint        = "IBMCLOUD_CIS_API_ENDPOINT"
	EnvResourceEndpoint   = "IBMCLOUD_RESOURCE_CONTROLLER_API_ENDPOINT"
	EnvCatalogEndpoint    = "IBMCLOUD_RESOURCE_CATALOG_API_ENDPOINT"
	EnvTaggingEndpoint    = "IBMCLOUD_GT_API_ENDPOINT"
	EnvCBREndpoint        = "IBMCLOUD_CONTEXT_BASED_RESTRICTIONS_ENDPOINT"
	EnvKMSEndpoint        = "IBMCLOUD_KP_API_ENDPOINT"
)

// Clock is the time the provider waits by. Tests pass a fake one so that
// backoff and readiness waits take no real time.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, whichever is first.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Config is how the provider reaches IBM Cloud.
type Config struct {
	// APIKey is exchanged for IAM tokens. Required.
	APIKey string
	// AccountID is the account IAM policies are written in; when empty it
	// is read from the IAM token's claims.
	AccountID string
	Endpoints Endpoints
	// Transport carries the HTTP requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Clock and Jitter (a source of [0,1) numbers) drive backoff and
	// waits; nil means real time and math/rand.
	Clock  Clock
	Jitter func() float64
	// Retry bounds the retries of throttled and failed requests.
	Retry RetryPolicy
	// Timeouts override the readiness timeout of a type, by type token.
	Timeouts map[string]time.Duration
	// Poll bounds the intervals between readiness polls.
	Poll Backoff
}

// RetryPolicy is how 429 and 5xx answers are retried.
type RetryPolicy struct {
	// Attempts is the number of tries in all, first one included.
	Attempts int
	Backoff  Backoff
	// MaxRetryAfter caps the wait a Retry-After header may ask for.
	MaxRetryAfter time.Duration
}

// Backoff is exponential backoff with full jitter: the n-th wait is a random
// duration in [Base·2ⁿ/2, Base·2ⁿ], capped at Max.
type Backoff struct {
	Base, Max time.Duration
}

// delay is the n-th wait (n from 0).
func (b Backoff) delay(n int, jitter func() float64) time.Duration {
	d := b.Base
	for i := 0; i < n && d < b.Max; i++ {
		d *= 2
	}
	if d > b.Max {
		d = b.Max
	}
	// Half fixed, half random: never zero, never in lockstep with other clients.
	return d/2 + time.Duration(jitter()*float64(d/2))
}

// DefaultRetry retries a request up to 6 times over about a minute.
var DefaultRetry = RetryPolicy{Attempts: 7, Backoff: Backoff{Base: time.Second, Max: 30 * time.Second}, MaxRetryAfter: 5 * time.Minute}

// DefaultPoll polls readiness every 2 s at first, then up to every 30 s.
var DefaultPoll = Backoff{Base: 2 * time.Second, Max: 30 * time.Second}

// ConfigFromEnv reads the API key, the account and endpoint overrides
// through getenv (os.Getenv, or a fake in tests).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		APIKey:    strings.TrimSpace(getenv(EnvAPIKey)),
		AccountID: strings.TrimSpace(getenv(EnvAccountID)),
		Endpoints: DefaultEndpoints,
	}
	if cfg.APIKey == "" {
		return cfg, fmt.Errorf("ibm: %s is not set: create an API key (ibmcloud iam api-key-create) and export it", EnvAPIKey)
	}
	for _, o := range []struct {
		env string
		url *string
	}{
		{EnvIAMEndpoint, &cfg.Endpoints.IAM},
		{EnvVPCEndpoint, &cfg.Endpoints.VPC},
		{EnvContainersEndpoint, &cfg.Endpoints.Containers},
		{EnvTransitEndpoint, &cfg.Endpoints.Transit},
		{EnvCISEndpoint, &cfg.Endpoints.CIS},
		{EnvResourceEndpoint, &cfg.Endpoints.ResourceController},
		{EnvCatalogEndpoint, &cfg.Endpoints.GlobalCatalog},
		{EnvTaggingEndpoint, &cfg.Endpoints.GlobalTagging},
		{EnvCBREndpoint, &cfg.Endpoints.CBR},
		{EnvKMSEndpoint, &cfg.Endpoints.KMS},
	} {
		if v := strings.TrimSpace(getenv(o.env)); v != "" {
			if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
				return cfg, fmt.Errorf("ibm: %s=%q: want an http(s) URL", o.env, v)
			}
			*o.url = strings.TrimRight(v, "/")
		}
	}
	return cfg, nil
}

func (c *Config) defaults() {
	if c.Endpoints == (Endpoints{}) {
		c.Endpoints = DefaultEndpoints
	}
	if c.Transport == nil {
		c.Transport = http.DefaultTransport
	}
	if c.Clock == nil {
		c.Clock = realClock{}
	}
	if c.Jitter == nil {
		c.Jitter = rand.Float64
	}
	if c.Retry.Attempts == 0 {
		c.Retry = DefaultRetry
	}
	if c.Poll == (Backoff{}) {
		c.Poll = DefaultPoll
	}
}

// regional fills a region into an endpoint template.
func regional(tmpl, region string) string {
	return strings.ReplaceAll(tmpl, "{region}", region)
}
