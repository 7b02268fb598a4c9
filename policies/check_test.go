package policies

import (
	"slices"
	"strings"
	"testing"

	"infra/topology"
	"infra/topology/topologytest"
)

// specWith is a topology on all four clouds with an AWS landing zone and
// one guardrail entry (line 19).
func specWith(guardrail string) string {
	return `name: acme
tags: {Owner: me, CostCenter: cc-1}
clouds:
  ibm:
    regions:
      - {region: us-south, environment: prod}
  aws:
    regions:
      - {region: us-east-1, environment: prod}
  hetzner:
    regions:
      - {region: nbg1, environment: prod}
  ovh:
    regions:
      - {region: GRA11, environment: prod}
landingZone:
  aws: {accounts: [prod]}
  guardrails:
    - ` + guardrail + "\n"
}

func tags(env string) map[string]any {
	return map[string]any{"Owner": "me", "CostCenter": "cc-1", "Environment": env}
}

// compliant is a plan that keeps every guardrail: a few resources of each
// kind the checks read, shaped as plan records are.
func compliant() []Resource {
	const aws, lz = "aws-us-east-1-prod", "landingzone-aws"
	prov := "aws-us-east-1-prod-provider"
	return []Resource{
		{Stack: aws, Type: "pulumi:providers:aws", Name: prov, Inputs: map[string]any{
			"region": "us-east-1", "assumeRole": map[string]any{"roleArn": "arn:aws:iam::111122223333:role/infra-deployer"}}},
		{Stack: aws, Type: "aws:ec2/vpc:Vpc", Name: "vpc", Provider: prov, Inputs: map[string]any{"tags": tags("prod")}},
		{Stack: aws, Type: "aws:ec2/route:Route", Name: "route", Provider: prov, Inputs: map[string]any{}},
		{Stack: aws, Type: "aws:ebs/encryptionByDefault:EncryptionByDefault", Name: "ebs", Provider: prov, Inputs: map[string]any{"enabled": true}},
		{Stack: aws, Type: "aws:eks/cluster:Cluster", Name: "eks", Provider: prov, Inputs: map[string]any{
			"tags":                   tags("prod"),
			"encryptionConfig":       map[string]any{"resources": []any{"secrets"}, "provider": map[string]any{"keyArn": "[unknown]"}},
			"enabledClusterLogTypes": []any{"api", "audit"}}},
		{Stack: aws, Type: "aws:eks/nodeGroup:NodeGroup", Name: "nodes", Provider: prov, Inputs: map[string]any{"tags": tags("prod")}},

		{Stack: lz, Type: "pulumi:providers:aws", Name: "lz-provider", Inputs: map[string]any{
			"region": "us-east-1", "defaultTags": map[string]any{"tags": tags("shared")}}},
		{Stack: lz, Type: "aws:cloudtrail/trail:Trail", Name: "trail", Provider: "lz-provider", Inputs: map[string]any{
			"isOrganizationTrail": true, "enableLogging": true}},
		{Stack: lz, Type: "aws:s3/bucketV2:BucketV2", Name: "bucket", Provider: "lz-provider", Inputs: map[string]any{"bucket": "acme-trail"}},
		{Stack: lz, Type: bucketSSEType, Name: "bucket-sse", Provider: "lz-provider", DependsOn: []string{"bucket", "key"}, Inputs: map[string]any{}},
		{Stack: lz, Type: bucketPABType, Name: "bucket-pab", Provider: "lz-provider", DependsOn: []string{"bucket"}, Inputs: map[string]any{
			"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}},
		{Stack: lz, Type: "aws:s3/bucketPolicy:BucketPolicy", Name: "bucket-policy", Provider: "lz-provider", DependsOn: []string{"bucket"}, Inputs: map[string]any{
			"policy": `{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}]}`}},

		{Stack: "ibm-us-south-prod", Type: "infra:ibm:Vpc", Name: "ibm-vpc", Inputs: map[string]any{
			"region": "us-south", "tags": []any{"costcenter:cc-1", "environment:prod", "owner:me"}}},
		{Stack: "ibm-us-south-prod", Type: "infra:ibm:VpcCluster", Name: "ibm-cluster", Inputs: map[string]any{
			"region": "us-south", "tags": []any{"costcenter:cc-1", "environment:prod", "owner:me"}}},
		{Stack: "ibm-us-south-prod", Type: clusterKmsType, Name: "ibm-cluster-kms", DependsOn: []string{"ibm-cluster"}, Inputs: map[string]any{"region": "us-south"}},
		{Stack: "landingzone-ibm", Type: "infra:ibm:IamPolicy", Name: "ibm-grant", Inputs: map[string]any{
			"roles": []any{"Editor", "Manager"}, "resourceAttributes": map[string]any{"resourceGroupId": "rg"}}},
		{Stack: "landingzone-ibm", Type: "infra:ibm:CbrRule", Name: "ibm-cbr", Inputs: map[string]any{"enforcementMode": "enabled"}},

		{Stack: "hetzner-nbg1-prod", Type: "hcloud:index/server:Server", Name: "server", Inputs: map[string]any{
			"location": "nbg1", "labels": tags("prod"), "userData": "[secret]"}},
		{Stack: "hetzner-nbg1-prod", Type: "hcloud:index/networkSubnet:NetworkSubnet", Name: "subnet", Inputs: map[string]any{"networkZone": "eu-central"}},

		{Stack: "ovh-gra11-prod", Type: "ovh:CloudProject/kube:Kube", Name: "kube", Inputs: map[string]any{"region": "GRA11"}},
		{Stack: "ovh-gra11-prod", Type: "ovh:CloudProject/storage:Storage", Name: "storage", Inputs: map[string]any{
			"regionName": "GRA", "tags": tags("prod"), "encryption": map[string]any{"sseAlgorithm": "AES256"}}},
		{Stack: "landingzone-ovh", Type: "ovh:Me/identityGroup:IdentityGroup", Name: "group", Inputs: map[string]any{"role": "NONE"}},
		{Stack: "landingzone-ovh", Type: "ovh:Iam/policy:Policy", Name: "ovh-policy", Inputs: map[string]any{
			"allows": []any{"publicCloudProject:apiovh:*"}, "identities": []any{"urn:v1:eu:identity:group:xx1111-ovh/acme-prod"}}},
	}
}

// edit returns the compliant plan with changes applied to named resources;
// a change to a name not in the plan adds the resource.
func edit(changes map[string]func(*Resource)) []Resource {
	rs := compliant()
	for name, f := range changes {
		i := slices.IndexFunc(rs, func(r Resource) bool { return r.Name == name })
		if i < 0 {
			rs = append(rs, Resource{Name: name, Inputs: map[string]any{}})
			i = len(rs) - 1
		}
		f(&rs[i])
	}
	return rs
}

func del(key string) func(*Resource) { return func(r *Resource) { delete(r.Inputs, key) } }

func set(key string, v any) func(*Resource) { return func(r *Resource) { r.Inputs[key] = v } }

func TestCheck(t *testing.T) {
	const regions = "allowed-regions: {ibm: [us-south], aws: [us-east-1], hetzner: [nbg1], ovh: [GRA11]}"
	rel := " (t.yaml:19:7: guardrail %s is set here)"
	for _, tc := range []struct {
		name      string
		guardrail string
		plan      []Resource
		want      []string
		// checked is the guardrail's count of resources it applies to.
		checked int
	}{
		{
			name: "allowed-regions", guardrail: regions, checked: 9,
			plan: edit(map[string]func(*Resource){
				"aws-us-east-1-prod-provider": set("region", "eu-west-3"),
				"ibm-vpc":                     set("region", "eu-de"),
				"server":                      set("location", "hel1"),
				"kube":                        set("region", "BHS5"),
				"stray": func(r *Resource) {
					r.Stack, r.Type = "aws-us-east-1-prod", "aws:s3/bucketV2:BucketV2"
				},
			}),
			want: []string{
				`t.yaml:6:18: error: allowed-regions: infra:ibm:Vpc "ibm-vpc" in stack ibm-us-south-prod is in eu-de, which is not an allowed ibm region` + sub(rel, AllowedRegions) + "; add eu-de to allowed-regions.ibm, or deploy elsewhere",
				`t.yaml:9:18: error: allowed-regions: aws:s3/bucketV2:BucketV2 "stray" in stack aws-us-east-1-prod uses the default AWS provider, whose region comes from the environment` + sub(rel, AllowedRegions) + "; declare it with an explicit provider that sets the region",
				`t.yaml:9:18: error: allowed-regions: pulumi:providers:aws "aws-us-east-1-prod-provider" in stack aws-us-east-1-prod deploys 5 resources to eu-west-3, which is not an allowed aws region` + sub(rel, AllowedRegions) + "; add eu-west-3 to allowed-regions.aws, or deploy elsewhere",
				`t.yaml:12:18: error: allowed-regions: hcloud:index/server:Server "server" in stack hetzner-nbg1-prod is in hel1, which is not an allowed hetzner region` + sub(rel, AllowedRegions) + "; add hel1 to allowed-regions.hetzner, or deploy elsewhere",
				`t.yaml:15:18: error: allowed-regions: ovh:CloudProject/kube:Kube "kube" in stack ovh-gra11-prod is in BHS5, which is not an allowed ovh region` + sub(rel, AllowedRegions) + "; add BHS5 to allowed-regions.ovh, or deploy elsewhere",
			},
		},
		{
			name: "allowed-regions advisory", guardrail: regions + "\n      enforcement: advisory", checked: 8,
			plan: edit(map[string]func(*Resource){"server": set("location", "fsn1")}),
			want: []string{
				`t.yaml:12:18: warning: allowed-regions: hcloud:index/server:Server "server" in stack hetzner-nbg1-prod is in fsn1, which is not an allowed hetzner region` + sub(rel, AllowedRegions) + "; add fsn1 to allowed-regions.hetzner, or deploy elsewhere",
			},
		},
		{
			name: "require-tags", guardrail: "require-tags: [Owner, CostCenter]", checked: 9,
			plan: edit(map[string]func(*Resource){
				"vpc":     del("tags"),
				"nodes":   set("tags", map[string]any{"Owner": "me", "CostCenter": ""}),
				"ibm-vpc": set("tags", []any{"environment:prod", "owner:me"}),
				"server":  set("labels", map[string]any{"owner": "me", "CostCenter": "cc-1"}),
				"storage": del("tags"),
				// The landing zone's provider tags its bucket by default.
				"lz-provider": func(r *Resource) {},
			}),
			want: []string{
				`t.yaml:6:9: error: require-tags: infra:ibm:Vpc "ibm-vpc" in stack ibm-us-south-prod lacks the required tags CostCenter` + sub(rel, RequireTags) + "; add CostCenter: <value> to the topology's tags, which every resource carries",
				`t.yaml:9:9: error: require-tags: aws:ec2/vpc:Vpc "vpc" in stack aws-us-east-1-prod lacks the required tags Owner, CostCenter` + sub(rel, RequireTags) + "; add Owner: <value>, CostCenter: <value> to the topology's tags, which every resource carries",
				`t.yaml:9:9: error: require-tags: aws:eks/nodeGroup:NodeGroup "nodes" in stack aws-us-east-1-prod lacks the required tags CostCenter` + sub(rel, RequireTags) + "; add CostCenter: <value> to the topology's tags, which every resource carries",
				`t.yaml:12:9: error: require-tags: hcloud:index/server:Server "server" in stack hetzner-nbg1-prod lacks the required labels Owner` + sub(rel, RequireTags) + "; add Owner: <value> to the topology's tags, which every resource carries",
				`t.yaml:15:9: error: require-tags: ovh:CloudProject/storage:Storage "storage" in stack ovh-gra11-prod lacks the required tags Owner, CostCenter` + sub(rel, RequireTags) + "; add Owner: <value>, CostCenter: <value> to the topology's tags, which every resource carries",
			},
		},
		{
			name: "require-encryption", guardrail: "require-encryption", checked: 6,
			plan: edit(map[string]func(*Resource){
				"eks":        del("encryptionConfig"),
				"ebs":        set("enabled", false),
				"bucket-sse": func(r *Resource) { r.DependsOn = []string{"key"} },
				"ibm-cluster-kms": func(r *Resource) {
					r.DependsOn = nil
				},
				"storage": set("encryption", map[string]any{"sseAlgorithm": "plaintext"}),
				"volume": func(r *Resource) {
					r.Stack, r.Type, r.Inputs = "hetzner-nbg1-prod", "hcloud:index/volume:Volume", map[string]any{"labels": tags("prod"), "location": "nbg1"}
				},
			}),
			want: []string{
				`t.yaml:6:9: error: require-encryption: infra:ibm:VpcCluster "ibm-cluster" in stack ibm-us-south-prod does not encrypt Kubernetes secrets with a Key Protect root key` + sub(rel, RequireEncryption) + "; add infra:ibm:ClusterKms for it",
				`t.yaml:9:9: error: require-encryption: aws:eks/cluster:Cluster "eks" in stack aws-us-east-1-prod does not encrypt Kubernetes secrets with a KMS key` + sub(rel, RequireEncryption) + "; set encryptionConfig {resources: [secrets], provider.keyArn}",
				`t.yaml:9:9: error: require-encryption: aws:eks/nodeGroup:NodeGroup "nodes" in stack aws-us-east-1-prod boots nodes from volumes encrypted only if the account encrypts EBS by default, and nothing here turns that on` + sub(rel, RequireEncryption) + "; add aws:ebs/encryptionByDefault:EncryptionByDefault {enabled: true} with the same provider",
				`t.yaml:12:9: error: require-encryption: hcloud:index/volume:Volume "volume" in stack hetzner-nbg1-prod cannot be encrypted at rest: Hetzner Cloud volumes have no encryption option` + sub(rel, RequireEncryption) + "; encrypt inside the guest (LUKS), or keep the data elsewhere",
				`t.yaml:15:9: error: require-encryption: ovh:CloudProject/storage:Storage "storage" in stack ovh-gra11-prod stores objects unencrypted` + sub(rel, RequireEncryption) + "; set encryption.sseAlgorithm: AES256",
				`t.yaml:17:8: error: require-encryption: aws:s3/bucketV2:BucketV2 "bucket" in stack landingzone-aws has no server-side encryption configuration` + sub(rel, RequireEncryption) + "; add aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2 for it",
			},
		},
		{
			name: "deny-public-buckets", guardrail: "deny-public-buckets", checked: 3,
			plan: edit(map[string]func(*Resource){
				"bucket-pab":    set("restrictPublicBuckets", false),
				"bucket-policy": set("policy", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"}]}`),
				"website": func(r *Resource) {
					r.Stack, r.Type, r.Provider = "aws-us-east-1-prod", "aws:s3/bucketV2:BucketV2", "aws-us-east-1-prod-provider"
					r.Inputs = map[string]any{"acl": "public-read", "tags": tags("prod")}
				},
			}),
			want: []string{
				`t.yaml:9:9: error: deny-public-buckets: aws:s3/bucketV2:BucketV2 "website" in stack aws-us-east-1-prod has the public ACL public-read` + sub(rel, DenyPublicBuckets) + "; remove the acl",
				`t.yaml:17:8: error: deny-public-buckets: aws:s3/bucketPolicy:BucketPolicy "bucket-policy" in stack landingzone-aws allows any principal without a condition` + sub(rel, DenyPublicBuckets) + "; name the principals, or add a condition",
				`t.yaml:17:8: error: deny-public-buckets: aws:s3/bucketV2:BucketV2 "bucket" in stack landingzone-aws has no public access block with all four settings on` + sub(rel, DenyPublicBuckets) +
					"; add aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets",
			},
		},
		{
			name: "protect-security-services", guardrail: "protect-security-services", checked: 5,
			plan: edit(map[string]func(*Resource){
				"trail":      set("isOrganizationTrail", false),
				"eks":        set("enabledClusterLogTypes", []any{"api"}),
				"ibm-cbr":    set("enforcementMode", "disabled"),
				"ovh-policy": set("allows", []any{"publicCloudProject:apiovh:*", "account:apiovh:iam/policy/*"}),
			}),
			want: []string{
				`t.yaml:9:9: error: protect-security-services: aws:eks/cluster:Cluster "eks" in stack aws-us-east-1-prod does not send Kubernetes audit logs` + sub(rel, ProtectSecurityServices) + "; add audit to enabledClusterLogTypes",
				`t.yaml:17:8: error: protect-security-services: aws:cloudtrail/trail:Trail "(none)" in stack landingzone-aws is missing: the organization has no organization trail` + sub(rel, ProtectSecurityServices) + "; the landingzone-aws program declares one; keep it",
				`t.yaml:19:7: error: protect-security-services: infra:ibm:CbrRule "ibm-cbr" in stack landingzone-ibm is disabled; set enforcementMode to enabled (or report while trying it)`,
				`t.yaml:19:7: error: protect-security-services: ovh:Iam/policy:Policy "ovh-policy" in stack landingzone-ovh allows account:apiovh:iam/policy/*, which lets its identities change IAM; allow only publicCloudProject actions`,
			},
		},
		{
			name: "deny-root-account", guardrail: "deny-root-account", checked: 7,
			plan: edit(map[string]func(*Resource){
				"aws-us-east-1-prod-provider": del("assumeRole"),
				"lz-provider":                 set("accessKey", "[secret]"),
				"ibm-grant": func(r *Resource) {
					r.Inputs = map[string]any{"roles": []any{"Administrator"}, "resourceAttributes": map[string]any{}}
				},
				"group":      set("role", "ADMIN"),
				"ovh-policy": set("identities", []any{"urn:v1:eu:identity:account:xx1111-ovh"}),
				"ovh-provider": func(r *Resource) {
					r.Stack, r.Type, r.Inputs = "ovh-gra11-prod", "pulumi:providers:ovh", map[string]any{"applicationKey": "k", "applicationSecret": "[secret]"}
				},
				"mesh-provider": func(r *Resource) {
					r.Stack, r.Type, r.Inputs = "global", "pulumi:providers:aws", map[string]any{"region": "us-east-1"}
				},
			}),
			want: []string{
				`t.yaml:9:9: error: deny-root-account: pulumi:providers:aws "aws-us-east-1-prod-provider" in stack aws-us-east-1-prod deploys with the caller's own credentials, in the management account where no SCP applies` + sub(rel, DenyRootAccount) + "; assume the role the landing zone creates in the prod account",
				`t.yaml:15:9: error: deny-root-account: pulumi:providers:ovh "ovh-provider" in stack ovh-gra11-prod carries the account's API keys (applicationKey)` + sub(rel, DenyRootAccount) + "; use a service account of the environment's identity group (clientId, clientSecret)",
				`t.yaml:17:8: error: deny-root-account: pulumi:providers:aws "lz-provider" in stack landingzone-aws carries static access keys` + sub(rel, DenyRootAccount) + "; use the environment's credentials and assume the landing zone's role",
				`t.yaml:19:7: error: deny-root-account: infra:ibm:IamPolicy "ibm-grant" in stack landingzone-ibm grants Administrator on the whole account, as good as the owner's key; scope it to a resource group or service`,
				`t.yaml:19:7: error: deny-root-account: ovh:Iam/policy:Policy "ovh-policy" in stack landingzone-ovh grants to the account itself (urn:v1:eu:identity:account:xx1111-ovh); grant to an identity group`,
				`t.yaml:19:7: error: deny-root-account: ovh:Me/identityGroup:IdentityGroup "group" in stack landingzone-ovh gives its members the ADMIN account role; use role NONE and grant through IAM policies`,
				`t.yaml:19:7: error: deny-root-account: pulumi:providers:aws "mesh-provider" in stack global deploys with the caller's own credentials, in the management account where no SCP applies; assume the deploy role the landing zone creates in the environment's account`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := topologytest.Parse(t, specWith(tc.guardrail))
			if rep := Check(spec, compliant()); len(rep.Diagnostics) != 0 || rep.Failed() {
				t.Fatalf("the compliant plan fails:\n%v", rep.Diagnostics)
			}
			rep := Check(spec, tc.plan)
			var got []string
			for _, d := range rep.Diagnostics {
				got = append(got, d.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			mandatory := !strings.Contains(tc.guardrail, "advisory")
			if rep.Failed() != mandatory {
				t.Errorf("Failed() = %v with a mandatory guardrail %v", rep.Failed(), mandatory)
			}
			if len(rep.Results) != 1 || rep.Results[0].Violations != len(tc.want) || rep.Results[0].Checked != tc.checked {
				t.Errorf("results = %+v, want %d checked, %d violations", rep.Results, tc.checked, len(tc.want))
			}
		})
	}
}

func sub(format, guardrail string) string { return strings.ReplaceAll(format, "%s", guardrail) }

// Unknown and secret values are never mistaken for violations.
func TestCheckIgnoresUnknowns(t *testing.T) {
	spec := topologytest.Parse(t, specWith("allowed-regions: {aws: [us-east-1], ibm: [us-south]}"))
	rs := edit(map[string]func(*Resource){
		"aws-us-east-1-prod-provider": set("region", "[unknown]"),
		"ibm-vpc":                     set("region", "[unknown]"),
	})
	if rep := Check(spec, rs); len(rep.Diagnostics) != 0 {
		t.Errorf("diagnostics: %v", rep.Diagnostics)
	}
	spec = topologytest.Parse(t, specWith("require-tags: [Owner]"))
	rs = edit(map[string]func(*Resource){"vpc": set("tags", "[unknown]")})
	if rep := Check(spec, rs); len(rep.Diagnostics) != 0 {
		t.Errorf("diagnostics: %v", rep.Diagnostics)
	}
}

// Every guardrail of the catalogue is one the spec accepts, and the other
// way round.
func TestCatalogueMatchesSpec(t *testing.T) {
	var names []string
	for _, i := range Catalogue() {
		names = append(names, i.Name)
		if i.SCP == "" || i.Summary == "" || i.Checks == "" {
			t.Errorf("%s: incomplete entry %+v", i.Name, i)
		}
	}
	if want := topology.GuardrailNames(); !slices.Equal(names, want) {
		t.Errorf("catalogue = %v, spec accepts %v", names, want)
	}
}

func TestTaggable(t *testing.T) {
	for typ, want := range map[string]bool{
		"aws:ec2/vpc:Vpc":                          true,
		"aws:ec2/route:Route":                      false,
		"pulumi:providers:aws":                     false,
		"hcloud:index/server:Server":               true,
		"hcloud:index/networkSubnet:NetworkSubnet": false,
		"infra:ibm:VpcCluster":                     true,
		"infra:ibm:VpcAddressPrefix":               false,
		"ovh:CloudProject/kube:Kube":               false,
		"ovh:CloudProject/storage:Storage":         true,
	} {
		if _, got := Taggable(typ); got != want {
			t.Errorf("Taggable(%s) = %v, want %v", typ, got, want)
		}
	}
}
