package ibm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/IBM/networking-go-sdk/transitgatewayapisv1"
	"github.com/IBM/platform-services-go-sdk/contextbasedrestrictionsv1"
	"github.com/IBM/platform-services-go-sdk/globalcatalogv1"
	"github.com/IBM/platform-services-go-sdk/globaltaggingv1"
	"github.com/IBM/platform-services-go-sdk/iamaccessgroupsv2"
	"github.com/IBM/platform-services-go-sdk/iamidentityv1"
	"github.com/IBM/platform-services-go-sdk/iampolicymanagementv1"
	"github.com/IBM/platform-services-go-sdk/resourcecontrollerv2"
	"github.com/IBM/platform-services-go-sdk/resourcemanagerv2"
	"github.com/IBM/vpc-go-sdk/vpcv1"
)

// transitVersion is the Transit Gateway API version the requests ask for.
const transitVersion = "2024-07-16"

// vpcVersion is the VPC API version the requests ask for, pinned so that
// an SDK bump cannot change the API contract silently (vpc-go-sdk sends its
// own default otherwise: 2026-08-18 in v0.90.0, vpcv1/vpc_v1.go:136). It is
// the version vpc-go-sdk v0.90.0 documents ("API Version: 2026-04-07",
// vpcv1/vpc_v1.go:41). At it, security-group rule protocols are those of
// 2025-12-09 and later: 'icmp_tcp_udp' and 'any', no 'all'.
const vpcVersion = "2026-04-07"

// attemptTimeout bounds one HTTP exchange; a longer silence counts as a
// failed attempt (retried, or looked for if it was a create). It is per
// attempt: waits between attempts are bounded by the operation's context.
const attemptTimeout = 2 * time.Minute

// clients holds one SDK client per IBM service, made on first use, all
// sharing one IAM authenticator and one retrying HTTP client.
type clients struct {
	cfg    Config
	clock  Clock
	jitter func() float64
	auth   *core.IamAuthenticator
	http   *http.Client

	mu       sync.Mutex
	vpcs     map[string]*vpcv1.VpcV1
	services map[string]*core.BaseService
	transit  *transitgatewayapisv1.TransitGatewayApisV1
	rc       *resourcecontrollerv2.ResourceControllerV2
	rm       *resourcemanagerv2.ResourceManagerV2
	catalog  *globalcatalogv1.GlobalCatalogV1
	tagging  *globaltaggingv1.GlobalTaggingV1
	groups   *iamaccessgroupsv2.IamAccessGroupsV2
	policies *iampolicymanagementv1.IamPolicyManagementV1
	identity *iamidentityv1.IamIdentityV1
	cbr      *contextbasedrestrictionsv1.ContextBasedRestrictionsV1
	rgIDs    map[string]string // resource group name → id
	account  string
}

func newClients(cfg Config) (*clients, error) {
	cfg.defaults()
	if cfg.APIKey == "" {
		return nil, fmt.Errorf("ibm: no API key: set %s", EnvAPIKey)
	}
	hc := &http.Client{
		Transport: &retryTransport{next: cfg.Transport, policy: cfg.Retry, clock: cfg.Clock, jitter: cfg.Jitter, attempt: attemptTimeout},
	}
	auth, err := core.NewIamAuthenticatorBuilder().
		SetApiKey(cfg.APIKey).
		SetURL(cfg.Endpoints.IAM).
		SetClient(hc).
		Build()
	if err != nil {
		return nil, fmt.Errorf("ibm: IAM authenticator: %w", err)
	}
	return &clients{
		cfg: cfg, clock: cfg.Clock, jitter: cfg.Jitter, auth: auth, http: hc,
		vpcs: map[string]*vpcv1.VpcV1{}, services: map[string]*core.BaseService{},
		rgIDs: map[string]string{}, account: cfg.AccountID,
	}, nil
}

// vpc is the VPC API client of a region.
func (c *clients) vpc(region string) (*vpcv1.VpcV1, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.vpcs[region]; ok {
		return s, nil
	}
	if region == "" {
		return nil, fmt.Errorf("ibm: no region given")
	}
	s, err := vpcv1.NewVpcV1(&vpcv1.VpcV1Options{URL: regional(c.cfg.Endpoints.VPC, region), Authenticator: noAuth(),
		Version: core.StringPtr(vpcVersion)})
	if err != nil {
		return nil, err
	}
	c.adopt(s.Service)
	c.vpcs[region] = s
	return s, nil
}

// rest is a plain go-sdk-core client of an API without a Go SDK among the
// pins (Kubernetes Service, Key Protect).
func (c *clients) rest(url string) (*core.BaseService, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.services[url]; ok {
		return s, nil
	}
	s, err := core.NewBaseService(&core.ServiceOptions{URL: url, Authenticator: noAuth()})
	if err != nil {
		return nil, err
	}
	c.adopt(s)
	c.services[url] = s
	return s, nil
}

// noAuth stands in for the shared authenticator while an SDK client is
// built: the generated constructors validate their options by reflection
// (core.ValidateStruct), which reads every field of the authenticator, a
// data race with requests already using it from other goroutines (found
// by go test -race ./provider/ibm). adopt sets the shared one after.
func noAuth() core.Authenticator { return &core.NoAuthAuthenticator{} }

// adopt gives a new SDK client the shared authenticator and HTTP client.
func (c *clients) adopt(s *core.BaseService) {
	s.Options.Authenticator = c.auth
	s.SetHTTPClient(c.http)
}

// once makes a client on first use under the lock.
func once[T any](c *clients, slot **T, make func() (*T, error), set func(*T)) (*T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if *slot != nil {
		return *slot, nil
	}
	s, err := make()
	if err != nil {
		return nil, err
	}
	set(s)
	*slot = s
	return s, nil
}

func (c *clients) transitAPI() (*transitgatewayapisv1.TransitGatewayApisV1, error) {
	return once(c, &c.transit, func() (*transitgatewayapisv1.TransitGatewayApisV1, error) {
		v := transitVersion
		return transitgatewayapisv1.NewTransitGatewayApisV1(&transitgatewayapisv1.TransitGatewayApisV1Options{
			URL: c.cfg.Endpoints.Transit, Authenticator: noAuth(), Version: &v})
	}, func(s *transitgatewayapisv1.TransitGatewayApisV1) { c.adopt(s.Service) })
}

func (c *clients) controller() (*resourcecontrollerv2.ResourceControllerV2, error) {
	return once(c, &c.rc, func() (*resourcecontrollerv2.ResourceControllerV2, error) {
		return resourcecontrollerv2.NewResourceControllerV2(&resourcecontrollerv2.ResourceControllerV2Options{
			URL: c.cfg.Endpoints.ResourceController, Authenticator: noAuth()})
	}, func(s *resourcecontrollerv2.ResourceControllerV2) { c.adopt(s.Service) })
}

func (c *clients) manager() (*resourcemanagerv2.ResourceManagerV2, error) {
	return once(c, &c.rm, func() (*resourcemanagerv2.ResourceManagerV2, error) {
		return resourcemanagerv2.NewResourceManagerV2(&resourcemanagerv2.ResourceManagerV2Options{
			URL: c.cfg.Endpoints.ResourceController, Authenticator: noAuth()})
	}, func(s *resourcemanagerv2.ResourceManagerV2) { c.adopt(s.Service) })
}

func (c *clients) catalogAPI() (*globalcatalogv1.GlobalCatalogV1, error) {
	return once(c, &c.catalog, func() (*globalcatalogv1.GlobalCatalogV1, error) {
		return globalcatalogv1.NewGlobalCatalogV1(&globalcatalogv1.GlobalCatalogV1Options{
			URL: c.cfg.Endpoints.GlobalCatalog, Authenticator: noAuth()})
	}, func(s *globalcatalogv1.GlobalCatalogV1) { c.adopt(s.Service) })
}

func (c *clients) taggingAPI() (*globaltaggingv1.GlobalTaggingV1, error) {
	return once(c, &c.tagging, func() (*globaltaggingv1.GlobalTaggingV1, error) {
		return globaltaggingv1.NewGlobalTaggingV1(&globaltaggingv1.GlobalTaggingV1Options{
			URL: c.cfg.Endpoints.GlobalTagging, Authenticator: noAuth()})
	}, func(s *globaltaggingv1.GlobalTaggingV1) { c.adopt(s.Service) })
}

func (c *clients) accessGroups() (*iamaccessgroupsv2.IamAccessGroupsV2, error) {
	return once(c, &c.groups, func() (*iamaccessgroupsv2.IamAccessGroupsV2, error) {
		return iamaccessgroupsv2.NewIamAccessGroupsV2(&iamaccessgroupsv2.IamAccessGroupsV2Options{
			URL: c.cfg.Endpoints.IAM, Authenticator: noAuth()})
	}, func(s *iamaccessgroupsv2.IamAccessGroupsV2) { c.adopt(s.Service) })
}

func (c *clients) identityAPI() (*iamidentityv1.IamIdentityV1, error) {
	return once(c, &c.identity, func() (*iamidentityv1.IamIdentityV1, error) {
		return iamidentityv1.NewIamIdentityV1(&iamidentityv1.IamIdentityV1Options{URL: c.cfg.Endpoints.IAM, Authenticator: noAuth()})
	}, func(s *iamidentityv1.IamIdentityV1) { c.adopt(s.Service) })
}

func (c *clients) policyAPI() (*iampolicymanagementv1.IamPolicyManagementV1, error) {
	return once(c, &c.policies, func() (*iampolicymanagementv1.IamPolicyManagementV1, error) {
		return iampolicymanagementv1.NewIamPolicyManagementV1(&iampolicymanagementv1.IamPolicyManagementV1Options{
			URL: c.cfg.Endpoints.IAM, Authenticator: noAuth()})
	}, func(s *iampolicymanagementv1.IamPolicyManagementV1) { c.adopt(s.Service) })
}

func (c *clients) cbrAPI() (*contextbasedrestrictionsv1.ContextBasedRestrictionsV1, error) {
	return once(c, &c.cbr, func() (*contextbasedrestrictionsv1.ContextBasedRestrictionsV1, error) {
		return contextbasedrestrictionsv1.NewContextBasedRestrictionsV1(&contextbasedrestrictionsv1.ContextBasedRestrictionsV1Options{
			URL: c.cfg.Endpoints.CBR, Authenticator: noAuth()})
	}, func(s *contextbasedrestrictionsv1.ContextBasedRestrictionsV1) { c.adopt(s.Service) })
}

// accountID is the account of the API key: Config.AccountID, or else the
// account claim (account.bss) of the IAM access token.
func (c *clients) accountID() (string, error) {
	c.mu.Lock()
	if c.account != "" {
		defer c.mu.Unlock()
		return c.account, nil
	}
	c.mu.Unlock()
	tok, err := c.auth.GetToken()
	if err != nil {
		return "", fmt.Errorf("ibm: IAM token: %w", err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("ibm: the IAM access token is no JWT; set %s", EnvAccountID)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("ibm: IAM access token claims: %w", err)
	}
	var claims struct {
		Account struct {
			BSS string `json:"bss"`
		} `json:"account"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil || claims.Account.BSS == "" {
		return "", fmt.Errorf("ibm: the IAM access token names no account; set %s", EnvAccountID)
	}
	c.mu.Lock()
	c.account = claims.Account.BSS
	c.mu.Unlock()
	return claims.Account.BSS, nil
}

// resourceGroupID resolves a resource group's name to its id (Resource
// Manager: ListResourceGroups). An id passes through.
func (c *clients) resourceGroupID(ctx context.Context, o *op, name string) (string, error) {
	c.mu.Lock()
	id, ok := c.rgIDs[name]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	rm, err := c.manager()
	if err != nil {
		return "", err
	}
	acct, err := c.accountID()
	if err != nil {
		return "", err
	}
	list, resp, err := rm.ListResourceGroupsWithContext(ctx, &resourcemanagerv2.ListResourceGroupsOptions{AccountID: &acct, Name: &name})
	if err != nil {
		return "", o.apiError("resolve the resource group of", err, resp)
	}
	for _, g := range list.Resources {
		if deref(g.Name) == name || deref(g.ID) == name {
			c.mu.Lock()
			c.rgIDs[name] = deref(g.ID)
			c.mu.Unlock()
			return deref(g.ID), nil
		}
	}
	return "", &Error{Op: "resolve the resource group of", Type: o.k.token, Name: o.name, Field: "resourceGroup",
		Message: fmt.Sprintf("no resource group named %q in account %s (the landing-zone stack creates it)", name, acct)}
}

// tags are the user tags attached to a resource (Global Tagging: ListTags).
func (c *clients) tags(ctx context.Context, o *op, crn string) ([]string, error) {
	if crn == "" {
		return nil, nil
	}
	gt, err := c.taggingAPI()
	if err != nil {
		return nil, err
	}
	user := "user"
	list, resp, err := gt.ListTagsWithContext(ctx, &globaltaggingv1.ListTagsOptions{AttachedTo: &crn, TagType: &user, Limit: core.Int64Ptr(1000)})
	if err != nil {
		return nil, o.apiError("read the tags of", err, resp)
	}
	var out []string
	for _, t := range list.Items {
		out = append(out, deref(t.Name))
	}
	return out, nil
}

// setTags makes a resource's user tags exactly want (Global Tagging:
// AttachTag, DetachTag).
func (c *clients) setTags(ctx context.Context, o *op, crn string, want []string) error {
	if crn == "" {
		return nil
	}
	have, err := c.tags(ctx, o, crn)
	if err != nil {
		return err
	}
	var add, drop []string
	for _, t := range want {
		if !slices.Contains(have, t) {
			add = append(add, t)
		}
	}
	for _, t := range have {
		if !slices.Contains(want, t) {
			drop = append(drop, t)
		}
	}
	gt, err := c.taggingAPI()
	if err != nil {
		return err
	}
	ctx = idempotent(ctx)
	user := "user"
	res := []globaltaggingv1.Resource{{ResourceID: &crn}}
	if len(add) > 0 {
		if err := c.tagUntilIndexed(ctx, o, "tag", func() (*globaltaggingv1.TagResults, *core.DetailedResponse, error) {
			return gt.AttachTagWithContext(ctx, &globaltaggingv1.AttachTagOptions{Resources: res, TagNames: add, TagType: &user})
		}); err != nil {
			return err
		}
	}
	if len(drop) > 0 {
		if err := c.tagUntilIndexed(ctx, o, "untag", func() (*globaltaggingv1.TagResults, *core.DetailedResponse, error) {
			return gt.DetachTagWithContext(ctx, &globaltaggingv1.DetachTagOptions{Resources: res, TagNames: drop, TagType: &user})
		}); err != nil {
			return err
		}
	}
	return nil
}

// tagUntilIndexed runs a tag attach or detach until no resource of its
// answer has is_error. Global Tagging answers 200 with a per-resource
// is_error, mostly for a resource its index does not know yet
// (platform-services-go-sdk globaltaggingv1 TagResultsItem;
// IBM-Cloud/terraform-provider-ibm ibm/flex/structures.go turns IsError of
// its tag updates into an error): retry with backoff within the type's
// deadline, then fail with IBM's message.
func (c *clients) tagUntilIndexed(ctx context.Context, o *op, verb string, call func() (*globaltaggingv1.TagResults, *core.DetailedResponse, error)) error {
	deadline := c.clock.Now().Add(o.k.deadline())
	for n := 0; ; n++ {
		r, resp, err := call()
		if err != nil {
			return o.apiError(verb, err, resp)
		}
		var msgs []string
		if r != nil {
			for _, it := range r.Results {
				if it.IsError != nil && *it.IsError {
					msgs = append(msgs, deref(it.Message))
				}
			}
		}
		if len(msgs) == 0 {
			return nil
		}
		if !c.clock.Now().Before(deadline) {
			return &Error{Op: verb, Type: o.k.token, Name: o.name, Message: strings.Join(msgs, "; ")}
		}
		if err := c.clock.Sleep(ctx, c.cfg.Poll.delay(n, c.jitter)); err != nil {
			return err
		}
	}
}
