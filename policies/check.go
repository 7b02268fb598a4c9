package policies

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"infra/topology"
)

// Resource is one planned resource as the checks read it. Callers adapt
// their plan records to it, which keeps this package free of plan/.
type Resource struct {
	// Stack names the stack: a region ID, landingzone-<cloud> or global.
	Stack string
	// Type is the Pulumi type token, e.g. aws:ec2/vpc:Vpc.
	Type string
	// Name is the logical name.
	Name string
	// Provider is the logical name of the resource's explicit provider,
	// "" for the default one.
	Provider string
	// DependsOn are the logical names of the resources it waits for.
	DependsOn []string
	// Inputs as planned: JSON-shaped values, with "[secret]" and "[unknown]"
	// standing for what a plan cannot show.
	Inputs map[string]any
}

// The placeholders a plan puts where it cannot or must not show a value.
const (
	secretValue  = "[secret]"
	unknownValue = "[unknown]"
)

// Result is one guardrail's outcome over a plan.
type Result struct {
	Guardrail   string `json:"guardrail"`
	Enforcement string `json:"enforcement"`
	// Checked counts the resources the guardrail applies to.
	Checked int `json:"checked"`
	// Violations counts the resources that break it.
	Violations int `json:"violations"`
}

// Report is the outcome of every guardrail the spec sets.
type Report struct {
	Results []Result `json:"results"`
	// Diagnostics name the guardrail, the resource and the spec position of
	// each violation: errors for mandatory guardrails, warnings for advisory.
	Diagnostics topology.Diagnostics `json:"diagnostics"`
}

// Failed reports whether a mandatory guardrail is violated.
func (r *Report) Failed() bool { return r.Diagnostics.HasErrors() }

// Check evaluates every guardrail the spec sets against the planned
// resources of every cloud.
func Check(spec *topology.Spec, resources []Resource) *Report {
	c := newChecker(spec, resources)
	rep := &Report{}
	for _, a := range Enabled(spec) {
		c.active = a
		c.checked, c.violations = 0, 0
		switch a.Name {
		case AllowedRegions:
			c.allowedRegions()
		case DenyPublicBuckets:
			c.denyPublicBuckets()
		case DenyRootAccount:
			c.denyRootAccount()
		case ProtectSecurityServices:
			c.protectSecurityServices()
		case RequireEncryption:
			c.requireEncryption()
		case RequireTags:
			c.requireTags()
		}
		rep.Results = append(rep.Results, Result{
			Guardrail: a.Name, Enforcement: a.Spec.Enforcement, Checked: c.checked, Violations: c.violations,
		})
	}
	rep.Diagnostics = c.diags.Sort()
	return rep
}

type checker struct {
	spec      *topology.Spec
	resources []*Resource
	regions   map[string]*topology.Region // by stack name
	// providers by stack and logical name; dependents by stack and the name waited for.
	providers  map[string]*Resource
	dependents map[string][]*Resource
	stacks     map[string]bool

	active              *Active
	checked, violations int
	diags               topology.Diagnostics
}

func newChecker(spec *topology.Spec, resources []Resource) *checker {
	c := &checker{
		spec:       spec,
		regions:    map[string]*topology.Region{},
		providers:  map[string]*Resource{},
		dependents: map[string][]*Resource{},
		stacks:     map[string]bool{},
	}
	for _, r := range spec.Regions() {
		c.regions[r.ID()] = r
	}
	for i := range resources {
		r := &resources[i]
		c.resources = append(c.resources, r)
		c.stacks[r.Stack] = true
		if strings.HasPrefix(r.Type, "pulumi:providers:") {
			c.providers[r.Stack+"\x00"+r.Name] = r
		}
		for _, d := range r.DependsOn {
			c.dependents[r.Stack+"\x00"+d] = append(c.dependents[r.Stack+"\x00"+d], r)
		}
	}
	return c
}

// violate records a violation of the active guardrail by r.
func (c *checker) violate(r *Resource, key, problem, hint string) {
	c.violations++
	g := c.active
	d := topology.Diagnostic{
		Severity: g.Severity(),
		Message:  fmt.Sprintf("%s: %s %s in stack %s %s", g.Name, r.Type, strconv.Quote(r.Name), r.Stack, problem),
		Hint:     hint,
	}
	related := topology.Related{Pos: g.Spec.Pos, Message: "guardrail " + g.Name + " is set here"}
	switch reg := c.regions[r.Stack]; {
	case reg != nil:
		d.Pos = reg.Pos
		if key != "" {
			d.Pos = reg.At(key)
		}
		d.Related = []topology.Related{related}
	case r.Stack == "landingzone-aws" && c.spec.LandingZone.AWS != nil:
		d.Pos = c.spec.LandingZone.AWS.Pos
		d.Related = []topology.Related{related}
	default:
		d.Pos = g.Spec.Pos
	}
	c.diags = append(c.diags, d)
}

// provider returns r's explicit provider, or nil.
func (c *checker) provider(r *Resource) *Resource {
	if r.Provider == "" {
		return nil
	}
	return c.providers[r.Stack+"\x00"+r.Provider]
}

// dependentsOf lists the resources of r's stack that wait for r and have type typ.
func (c *checker) dependentsOf(r *Resource, types ...string) []*Resource {
	var out []*Resource
	for _, d := range c.dependents[r.Stack+"\x00"+r.Name] {
		if slices.Contains(types, d.Type) {
			out = append(out, d)
		}
	}
	return out
}

// cloudOf is the cloud a type token belongs to, "" for none.
func cloudOf(typ string) topology.Cloud {
	pkg := typ
	if p, ok := strings.CutPrefix(typ, "pulumi:providers:"); ok {
		pkg = p
	} else if i := strings.Index(typ, ":"); i >= 0 {
		pkg = typ[:i]
		if pkg == "infra" && strings.HasPrefix(typ, "infra:ibm:") {
			return topology.IBM
		}
	}
	switch pkg {
	case "aws":
		return topology.AWS
	case "hcloud":
		return topology.Hetzner
	case "ovh":
		return topology.OVH
	}
	return ""
}

func isProvider(typ string) bool { return strings.HasPrefix(typ, "pulumi:providers:") }

// get walks nested maps along path.
func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// known reports whether v is a value the plan shows.
func known(v any) bool {
	s, ok := v.(string)
	return !ok || (s != unknownValue && s != secretValue)
}

func str(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || !known(s) {
		return "", false
	}
	return s, true
}

// truthy reads a boolean that providers sometimes take as a string.
func truthy(v any) (val, ok bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		if b == "true" || b == "false" {
			return b == "true", true
		}
	}
	return false, false
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func strs(v any) []string {
	var out []string
	for _, e := range list(v) {
		if s, ok := str(e); ok {
			out = append(out, s)
		}
	}
	return out
}

// ---- allowed-regions ----

func (c *checker) allowedRegions() {
	allowed := c.active.Spec.AllowedRegions
	in := func(cloud topology.Cloud, region string) bool {
		for _, a := range allowed[cloud] {
			// OVH Object Storage names a region by its location (GRA for GRA11).
			if strings.EqualFold(a, region) || (cloud == topology.OVH && strings.EqualFold(strings.TrimRight(a, "0123456789"), region)) {
				return true
			}
		}
		return false
	}
	users := map[string]int{} // resources per AWS provider
	for _, r := range c.resources {
		if r.Provider != "" {
			users[r.Stack+"\x00"+r.Provider]++
		}
	}
	hint := func(cloud topology.Cloud, region string) string {
		return "add " + region + " to allowed-regions." + string(cloud) + ", or deploy elsewhere"
	}
	for _, r := range c.resources {
		cloud := cloudOf(r.Type)
		if _, restricted := allowed[cloud]; !restricted {
			continue
		}
		var places []string
		switch {
		case cloud == topology.AWS && isProvider(r.Type):
			c.checked++
			if reg, ok := str(r.Inputs["region"]); ok && !in(cloud, reg) {
				c.violate(r, "region", fmt.Sprintf("deploys %d resources to %s, which is not an allowed aws region", users[r.Stack+"\x00"+r.Name], reg), hint(cloud, reg))
			} else if _, set := r.Inputs["region"]; !set {
				c.violate(r, "region", "sets no region: it takes one from the environment, which no guardrail sees", "set the provider's region")
			}
			continue
		case cloud == topology.AWS:
			if r.Provider == "" {
				c.checked++
				c.violate(r, "region", "uses the default AWS provider, whose region comes from the environment", "declare it with an explicit provider that sets the region")
			}
			continue
		case isProvider(r.Type):
			continue
		case cloud == topology.IBM:
			places = placesOf(r, "region", "location")
		case cloud == topology.Hetzner:
			places = placesOf(r, "location", "homeLocation")
		case cloud == topology.OVH:
			places = placesOf(r, "region", "regionName", "regions")
		}
		if len(places) == 0 {
			continue
		}
		c.checked++
		for _, p := range places {
			if !in(cloud, p) {
				c.violate(r, "region", fmt.Sprintf("is in %s, which is not an allowed %s region", p, cloud), hint(cloud, p))
				break
			}
		}
	}
}

// placesOf reads the region-like inputs of a resource.
func placesOf(r *Resource, keys ...string) []string {
	var out []string
	for _, k := range keys {
		switch v := r.Inputs[k].(type) {
		case string:
			if known(v) && v != "" {
				out = append(out, v)
			}
		case []any:
			out = append(out, strs(v)...)
		}
	}
	return out
}

// ---- require-tags ----

// awsUntaggable are AWS types with no tags argument; every other AWS type is
// taggable.
var awsUntaggable = map[string]bool{
	"aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount":         true,
	"aws:ebs/defaultKmsKey:DefaultKmsKey":                                                        true,
	"aws:ebs/encryptionByDefault:EncryptionByDefault":                                            true,
	"aws:ec2/eipAssociation:EipAssociation":                                                      true,
	"aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation":                                true,
	"aws:ec2/route:Route":                                                                        true,
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                                        true,
	"aws:ec2/securityGroupRule:SecurityGroupRule":                                                true,
	"aws:ec2/volumeAttachment:VolumeAttachment":                                                  true,
	"aws:ec2transitgateway/route:Route":                                                          true,
	"aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation":                          true,
	"aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation":                          true,
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation":                                    true,
	"aws:iam/policyAttachment:PolicyAttachment":                                                  true,
	"aws:iam/rolePolicy:RolePolicy":                                                              true,
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":                                          true,
	"aws:kms/alias:Alias":                                                                        true,
	"aws:lb/targetGroupAttachment:TargetGroupAttachment":                                         true,
	"aws:organizations/delegatedAdministrator:DelegatedAdministrator":                            true,
	"aws:organizations/organization:Organization":                                                true,
	"aws:organizations/policyAttachment:PolicyAttachment":                                        true,
	"aws:ram/principalAssociation:PrincipalAssociation":                                          true,
	"aws:ram/resourceAssociation:ResourceAssociation":                                            true,
	"aws:ram/sharingWithOrganization:SharingWithOrganization":                                    true,
	"aws:route53/record:Record":                                                                  true,
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock":                                   true,
	"aws:s3/bucketAclV2:BucketAclV2":                                                             true,
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       true,
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     true,
	"aws:s3/bucketPolicy:BucketPolicy":                                                           true,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     true,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": true,
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               true,
}

// labelled are the non-AWS types that take tags or labels, and the input
// that holds them.
var labelled = map[string]string{
	"hcloud:index/certificate:Certificate":                 "labels",
	"hcloud:index/firewall:Firewall":                       "labels",
	"hcloud:index/floatingIp:FloatingIp":                   "labels",
	"hcloud:index/loadBalancer:LoadBalancer":               "labels",
	"hcloud:index/managedCertificate:ManagedCertificate":   "labels",
	"hcloud:index/network:Network":                         "labels",
	"hcloud:index/placementGroup:PlacementGroup":           "labels",
	"hcloud:index/primaryIp:PrimaryIp":                     "labels",
	"hcloud:index/server:Server":                           "labels",
	"hcloud:index/snapshot:Snapshot":                       "labels",
	"hcloud:index/sshKey:SshKey":                           "labels",
	"hcloud:index/uploadedCertificate:UploadedCertificate": "labels",
	"hcloud:index/volume:Volume":                           "labels",
	"ovh:CloudProject/storage:Storage":                     "tags",
	"infra:ibm:FloatingIp":                                 "tags",
	"infra:ibm:Instance":                                   "tags",
	"infra:ibm:LoadBalancer":                               "tags",
	"infra:ibm:PublicGateway":                              "tags",
	"infra:ibm:ResourceInstance":                           "tags",
	"infra:ibm:SecurityGroup":                              "tags",
	"infra:ibm:Subnet":                                     "tags",
	"infra:ibm:Vpc":                                        "tags",
	"infra:ibm:TransitGateway":                             "tags",
	"infra:ibm:CisInstance":                                "tags",
	"infra:ibm:VpcCluster":                                 "tags",
}

// Taggable reports whether resources of a type take tags (labels on
// Hetzner), and the input that holds them.
func Taggable(typ string) (input string, ok bool) {
	switch {
	case isProvider(typ):
		return "", false
	case strings.HasPrefix(typ, "aws:"):
		return "tags", !awsUntaggable[typ]
	}
	input, ok = labelled[typ]
	return input, ok
}

// tagsOf reads a resource's effective tags, keyed as the cloud compares
// them; ok is false when they cannot be known from the plan.
func (c *checker) tagsOf(r *Resource, input string) (map[string]string, bool) {
	out := map[string]string{}
	if cloudOf(r.Type) == topology.AWS {
		// Provider default tags land on every resource of the provider.
		if p := c.provider(r); p != nil {
			if m, ok := get(p.Inputs, "defaultTags", "tags").(map[string]any); ok {
				for k, v := range m {
					out[k], _ = v.(string)
				}
			}
		}
	}
	switch v := r.Inputs[input].(type) {
	case nil:
	case map[string]any:
		for k, e := range v {
			s, ok := e.(string)
			if !ok || !known(s) {
				return nil, false
			}
			out[k] = s
		}
	case []any: // IBM user tags: "key:value", compared without case
		for _, e := range v {
			s, ok := str(e)
			if !ok {
				return nil, false
			}
			k, val, _ := strings.Cut(s, ":")
			out[strings.ToLower(k)] = val
		}
	default:
		return nil, false
	}
	return out, true
}

func (c *checker) requireTags() {
	required := c.active.Spec.Tags
	for _, r := range c.resources {
		input, ok := Taggable(r.Type)
		if !ok {
			continue
		}
		tags, ok := c.tagsOf(r, input)
		if !ok {
			continue
		}
		c.checked++
		var missing []string
		for _, t := range required {
			key := t
			if _, isList := r.Inputs[input].([]any); isList {
				key = strings.ToLower(t)
			}
			if tags[key] == "" {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			what := "tags"
			if input == "labels" {
				what = "labels"
			}
			c.violate(r, "", "lacks the required "+what+" "+strings.Join(missing, ", "),
				"tag it from the spec's tags (spec.TagsFor) in its program")
		}
	}
}

// ---- require-encryption ----

const (
	ebsDefaultType = "aws:ebs/encryptionByDefault:EncryptionByDefault"
	bucketSSEType  = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	bucketSSEType1 = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
	bucketPABType  = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	accountPABType = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
	clusterKmsType = "infra:ibm:ClusterKms"
)

var bucketTypes = []string{"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"}

// ebsDefault reports whether r's stack turns on EBS encryption by default
// for r's provider (the same account and region).
func (c *checker) ebsDefault(r *Resource) bool {
	for _, e := range c.resources {
		if e.Type == ebsDefaultType && e.Stack == r.Stack && e.Provider == r.Provider {
			if on, ok := truthy(e.Inputs["enabled"]); !ok || on {
				return true
			}
		}
	}
	return false
}

func (c *checker) requireEncryption() {
	for _, r := range c.resources {
		switch r.Type {
		case "aws:eks/cluster:Cluster":
			c.checked++
			if !slices.Contains(strs(get(r.Inputs, "encryptionConfig", "resources")), "secrets") {
				c.violate(r, "", "does not encrypt Kubernetes secrets with a KMS key", "set encryptionConfig {resources: [secrets], provider.keyArn}")
			}
		case "aws:ebs/volume:Volume":
			c.checked++
			if on, _ := truthy(r.Inputs["encrypted"]); !on {
				c.violate(r, "", "is not encrypted", "set encrypted: true")
			}
		case "aws:ec2/instance:Instance":
			c.checked++
			if c.ebsDefault(r) {
				continue
			}
			devs := append([]any{r.Inputs["rootBlockDevice"]}, list(r.Inputs["ebsBlockDevices"])...)
			for _, d := range devs {
				if on, _ := truthy(get(d, "encrypted")); !on {
					c.violate(r, "", "has an unencrypted volume and its account does not encrypt EBS by default", "set encrypted on every block device, or add "+ebsDefaultType)
					break
				}
			}
		case "aws:ec2/launchTemplate:LaunchTemplate":
			c.checked++
			if c.ebsDefault(r) {
				continue
			}
			for _, m := range list(r.Inputs["blockDeviceMappings"]) {
				if on, _ := truthy(get(m, "ebs", "encrypted")); !on {
					c.violate(r, "", "maps an unencrypted volume and its account does not encrypt EBS by default", "set ebs.encrypted, or add "+ebsDefaultType)
					break
				}
			}
		case "aws:eks/nodeGroup:NodeGroup":
			c.checked++
			if r.Inputs["launchTemplate"] == nil && !c.ebsDefault(r) {
				c.violate(r, "", "boots nodes from volumes encrypted only if the account encrypts EBS by default, and nothing here turns that on",
					"add "+ebsDefaultType+" {enabled: true} with the same provider")
			}
		case bucketTypes[0], bucketTypes[1]:
			c.checked++
			if r.Inputs["serverSideEncryptionConfiguration"] == nil && len(c.dependentsOf(r, bucketSSEType, bucketSSEType1)) == 0 {
				c.violate(r, "", "has no server-side encryption configuration", "add "+bucketSSEType+" for it")
			}
		case "hcloud:index/volume:Volume":
			c.checked++
			c.violate(r, "", "cannot be encrypted at rest: Hetzner Cloud volumes have no encryption option", "encrypt inside the guest (LUKS), or keep the data elsewhere")
		case "ovh:CloudProject/storage:Storage":
			c.checked++
			if alg, _ := str(get(r.Inputs, "encryption", "sseAlgorithm")); alg == "" || alg == "plaintext" {
				c.violate(r, "", "stores objects unencrypted", "set encryption.sseAlgorithm: AES256")
			}
		case "infra:ibm:VpcCluster":
			c.checked++
			if len(c.dependentsOf(r, clusterKmsType)) == 0 {
				c.violate(r, "", "does not encrypt Kubernetes secrets with a Key Protect root key", "add "+clusterKmsType+" for it")
			}
		}
	}
}

// ---- deny-public-buckets ----

var publicACLs = []string{"authenticated-read", "public-read", "public-read-write"}

func (c *checker) denyPublicBuckets() {
	blocksAll := func(r *Resource) bool {
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			if on, ok := truthy(r.Inputs[k]); !ok || !on {
				return false
			}
		}
		return true
	}
	accountBlocked := map[string]bool{} // stack and provider
	for _, r := range c.resources {
		if r.Type == accountPABType && blocksAll(r) {
			accountBlocked[r.Stack+"\x00"+r.Provider] = true
		}
	}
	for _, r := range c.resources {
		switch r.Type {
		case bucketTypes[0], bucketTypes[1]:
			c.checked++
			if acl, _ := str(r.Inputs["acl"]); slices.Contains(publicACLs, acl) {
				c.violate(r, "", "has the public ACL "+acl, "remove the acl")
				continue
			}
			blocked := accountBlocked[r.Stack+"\x00"+r.Provider]
			for _, b := range c.dependentsOf(r, bucketPABType) {
				blocked = blocked || blocksAll(b)
			}
			if !blocked {
				c.violate(r, "", "has no public access block with all four settings on", "add "+bucketPABType+" with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets")
			}
		case "aws:s3/bucketAclV2:BucketAclV2":
			c.checked++
			if acl, _ := str(r.Inputs["acl"]); slices.Contains(publicACLs, acl) {
				c.violate(r, "", "grants the public ACL "+acl, "remove it")
			}
		case "aws:s3/bucketPolicy:BucketPolicy":
			c.checked++
			if doc, ok := str(r.Inputs["policy"]); ok && publicPolicy(doc) {
				c.violate(r, "", "allows any principal without a condition", "name the principals, or add a condition")
			}
		}
	}
}

// ---- protect-security-services ----

func (c *checker) protectSecurityServices() {
	trail := false
	for _, r := range c.resources {
		switch r.Type {
		case "aws:cloudtrail/trail:Trail":
			c.checked++
			if on, ok := truthy(r.Inputs["enableLogging"]); ok && !on {
				c.violate(r, "", "has logging turned off", "remove enableLogging: false")
				continue
			}
			if org, _ := truthy(r.Inputs["isOrganizationTrail"]); org {
				trail = true
			}
		case "aws:guardduty/detector:Detector":
			c.checked++
			if on, ok := truthy(r.Inputs["enable"]); ok && !on {
				c.violate(r, "", "is disabled", "remove enable: false")
			}
		case "aws:cfg/recorderStatus:RecorderStatus":
			c.checked++
			if on, ok := truthy(r.Inputs["isEnabled"]); ok && !on {
				c.violate(r, "", "stops the Config recorder", "set isEnabled: true")
			}
		case "aws:eks/cluster:Cluster":
			c.checked++
			if !slices.Contains(strs(r.Inputs["enabledClusterLogTypes"]), "audit") {
				c.violate(r, "", "does not send Kubernetes audit logs", "add audit to enabledClusterLogTypes")
			}
		case "infra:ibm:CbrRule":
			c.checked++
			if m, _ := str(r.Inputs["enforcementMode"]); m == "disabled" {
				c.violate(r, "", "is disabled", "set enforcementMode to enabled (or report while trying it)")
			}
		case "ovh:Iam/policy:Policy":
			c.checked++
			for _, a := range strs(r.Inputs["allows"]) {
				if a == "*" || strings.HasPrefix(a, "account:apiovh:iam") || a == "account:apiovh:*" {
					c.violate(r, "", "allows "+a+", which lets its identities change IAM", "allow only publicCloudProject actions")
					break
				}
			}
		}
	}
	// The organization trail is the landing zone's own security service.
	if c.spec.LandingZone.AWS != nil && c.stacks["landingzone-aws"] && !trail {
		c.checked++
		c.violate(&Resource{Stack: "landingzone-aws", Type: "aws:cloudtrail/trail:Trail", Name: "(none)"}, "",
			"is missing: the organization has no organization trail", "the landingzone-aws program declares one; keep it")
	}
}

// ---- deny-root-account ----

func (c *checker) denyRootAccount() {
	lz := c.spec.LandingZone.AWS != nil
	for _, r := range c.resources {
		reg := c.regions[r.Stack]
		switch {
		case r.Type == "pulumi:providers:aws":
			c.checked++
			arn, _ := str(get(r.Inputs, "assumeRole", "roleArn"))
			switch {
			case r.Inputs["accessKey"] != nil || r.Inputs["secretKey"] != nil:
				c.violate(r, "", "carries static access keys", "use the environment's credentials and assume the landing zone's role")
			case strings.HasSuffix(arn, ":root"):
				c.violate(r, "", "assumes the root user", "assume the landing zone's role")
			case lz && r.Stack != "landingzone-aws" && get(r.Inputs, "assumeRole", "roleArn") == nil:
				// Only the landing zone itself works in the management account.
				hint := "assume the deploy role the landing zone creates in the environment's account"
				if reg != nil {
					hint = "assume the role the landing zone creates in the " + reg.Environment + " account"
				}
				c.violate(r, "", "deploys with the caller's own credentials, in the management account where no SCP applies", hint)
			}
		case lz && reg != nil && reg.Cloud == topology.AWS && cloudOf(r.Type) == topology.AWS && r.Provider == "":
			c.checked++
			c.violate(r, "", "uses the default AWS provider: the caller's own credentials, outside the environment's account",
				"declare it with the stack's provider")
		case r.Type == "pulumi:providers:ovh":
			c.checked++
			for _, k := range []string{"applicationKey", "applicationSecret", "consumerKey"} {
				if r.Inputs[k] != nil {
					c.violate(r, "", "carries the account's API keys ("+k+")", "use a service account of the environment's identity group (clientId, clientSecret)")
					break
				}
			}
		case r.Type == "ovh:Me/identityGroup:IdentityGroup":
			c.checked++
			if role, _ := str(r.Inputs["role"]); role == "ADMIN" {
				c.violate(r, "", "gives its members the ADMIN account role", "use role NONE and grant through IAM policies")
			}
		case r.Type == "ovh:Iam/policy:Policy":
			c.checked++
			for _, id := range strs(r.Inputs["identities"]) {
				if strings.Contains(id, ":identity:account:") {
					c.violate(r, "", "grants to the account itself ("+id+")", "grant to an identity group")
					break
				}
			}
		case r.Type == "infra:ibm:IamPolicy":
			c.checked++
			if slices.Contains(strs(r.Inputs["roles"]), "Administrator") {
				scoped := false
				for _, k := range []string{"resourceGroupId", "serviceName", "serviceInstance", "resource"} {
					if v, ok := get(r.Inputs, "resourceAttributes", k).(string); ok && v != "" {
						scoped = true
					}
				}
				if !scoped {
					c.violate(r, "", "grants Administrator on the whole account, as good as the owner's key", "scope it to a resource group or service")
				}
			}
		}
	}
}

// publicPolicy reports whether a bucket policy allows any principal with no
// condition.
func publicPolicy(doc string) bool {
	var d struct {
		Statement []struct {
			Effect    string
			Principal any
			Condition map[string]any
		}
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return false
	}
	for _, s := range d.Statement {
		if s.Effect != "Allow" || len(s.Condition) > 0 {
			continue
		}
		switch p := s.Principal.(type) {
		case string:
			if p == "*" {
				return true
			}
		case map[string]any:
			if aws, _ := p["AWS"].(string); aws == "*" {
				return true
			}
			for _, v := range list(p["AWS"]) {
				if v == "*" {
					return true
				}
			}
		}
	}
	return false
}
