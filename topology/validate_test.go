package topology

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// want is one expected diagnostic: its exact position, a substring of its
// message, and (when set) substrings of its hint and related positions.
type want struct {
	pos     string
	msg     string
	hint    string
	related []string
}

// base is the smallest valid topology; cases append to it or replace it.
const base = `name: acme
clouds:
  aws:
    regions:
      - region: us-east-1
        environment: prod
`

func TestValidateInvalid(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []want // every error diagnostic, in order
	}{
		{
			name: "unknown top-level field with suggestion",
			yaml: "nmae: acme\nclouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: prod}\n",
			want: []want{
				{pos: "t.yaml:1:1", msg: `missing required field name in the topology`, hint: "add name"},
				{pos: "t.yaml:1:1", msg: `unknown field "nmae" in the topology`, hint: "did you mean name?"},
			},
		},
		{
			name: "unknown region field with suggestion",
			yaml: base + "        zonez: [us-east-1a, us-east-1b]\n",
			want: []want{{pos: "t.yaml:7:9", msg: `unknown field "zonez" in clouds.aws.regions[0]`, hint: "did you mean zones?"}},
		},
		{
			name: "unknown cluster field is case-insensitive suggestion",
			yaml: base + "        cluster:\n          instancetype: t3.large\n",
			want: []want{{pos: "t.yaml:8:11", msg: `unknown field "instancetype" in clouds.aws.regions[0].cluster`, hint: "did you mean instanceType?"}},
		},
		{
			name: "unknown field without a close match lists the valid ones",
			yaml: base + "network:\n  firewall: strict\n",
			want: []want{{pos: "t.yaml:8:3", msg: `unknown field "firewall" in network`, hint: "valid fields: supernet, transit, mesh, globalLoadBalancer"}},
		},
		{
			name: "adopted accounts need the existing organization; ids and roles are checked",
			yaml: base + "landingZone:\n  aws:\n    organizationId: o-abc\n    accounts:\n      - prod\n      - {name: staging, id: \"12345\"}\n      - {name: dev, id: \"111122223333\", existing: false}\n      - {name: qa, existing: true, role: \"bad role\"}\n",
			want: []want{
				{pos: "t.yaml:9:21", msg: "organizationId names an organization to adopt, but organization is create", hint: "organization: existing"},
				{pos: "t.yaml:12:9", msg: "account staging exists already, but the landing zone creates a new organization", related: []string{"t.yaml:9:5"}},
				{pos: "t.yaml:12:29", msg: `account staging: id "12345" is not a 12-digit account id`},
				{pos: "t.yaml:13:51", msg: "account dev has an id but existing: false"},
				{pos: "t.yaml:14:9", msg: "account qa exists already"},
				{pos: "t.yaml:14:42", msg: `account qa: "bad role" is not an IAM role name`},
			},
		},
		{
			name: "pipeline role and cluster admins are IAM roles, each admin once",
			yaml: base + "        cluster:\n          admins: [platform-admins, \"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0a1b\", \"bad role\", platform-admins, \"arn:aws:iam::12:role/x\"]\nlandingZone:\n  aws:\n    pipelineRole: \"arn:aws:iam::123456789012:user/ci\"\n    accounts: [prod]\n",
			want: []want{
				{pos: "t.yaml:8:128", msg: `cluster admin "bad role" is neither an IAM role name nor a role ARN`},
				{pos: "t.yaml:8:140", msg: "cluster admin platform-admins is listed twice"},
				{pos: "t.yaml:8:157", msg: `cluster admin "arn:aws:iam::12:role/x" is neither an IAM role name nor a role ARN`},
				{pos: "t.yaml:11:19", msg: `pipelineRole "arn:aws:iam::123456789012:user/ci" is neither an IAM role name nor a role ARN`},
			},
		},
		{
			name: "organization mode and adopted ids and e-mails",
			yaml: base + "landingZone:\n  aws:\n    organization: exists\n    accounts: [prod, {name: prod, id: \"111122223333\", email: aws+prod@example.com}]\n",
			want: []want{
				{pos: "t.yaml:9:19", msg: `organization must be create or existing, got "exists"`},
				{pos: "t.yaml:10:22", msg: "account prod exists already"},
				{pos: "t.yaml:10:22", msg: "account prod is listed twice", related: []string{"t.yaml:10:16"}},
				{pos: "t.yaml:10:22", msg: "accounts prod and prod have the same e-mail address"},
			},
		},
		{
			name: "number expected",
			yaml: "name: acme\nclouds:\n  ibm:\n    regions:\n      - region: us-south\n        environment: prod\n        cluster: {workersPerZone: two}\n",
			want: []want{{pos: "t.yaml:7:35", msg: `clouds.ibm.regions[0].cluster.workersPerZone must be a whole number, got "two"`}},
		},
		{
			name: "list expected",
			yaml: base + "        zones: us-east-1a\n",
			want: []want{{pos: "t.yaml:7:16", msg: `clouds.aws.regions[0].zones must be a list, got "us-east-1a"`, hint: "[a, b]"}},
		},
		{
			name: "mapping expected",
			yaml: base + "tags: [Owner]\n",
			want: []want{{pos: "t.yaml:7:7", msg: "tags must be a mapping, got a list", hint: "key: value"}},
		},
		{
			name: "a node count's field is named by its path",
			yaml: base + "        cluster: {nodesPerZone: {min: x, max: 3}}\n",
			want: []want{{pos: "t.yaml:7:39", msg: `clouds.aws.regions[0].cluster.nodesPerZone.min must be a whole number, got "x"`}},
		},
		{
			name: "allowed-regions written as one list: one error, the mapping it means as the hint",
			yaml: base + "landingZone:\n  guardrails:\n    - allowed-regions: [us-east-1, nbg1]\n",
			want: []want{{pos: "t.yaml:9:24", msg: "allowed-regions takes the regions allowed per cloud, not one list",
				hint: "write allowed-regions: {aws: [us-east-1], hetzner: [nbg1]}"}},
		},
		{
			name: "boolean expected (yes is a string in YAML 1.2)",
			yaml: base + "network:\n  transit:\n    aws: {peering: yes}\n",
			want: []want{{pos: "t.yaml:9:20", msg: `network.transit.aws.peering must be true or false, got "yes"`, hint: "use true or false"}},
		},
		{
			name: "string expected",
			yaml: "name: [acme]\nclouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: prod}\n",
			want: []want{{pos: "t.yaml:1:7", msg: "name must be a string, got a list"}},
		},
		{
			name: "duration without unit",
			yaml: base + "network:\n  mesh: {keepalive: 25}\n",
			want: []want{{pos: "t.yaml:8:21", msg: `invalid duration "25"`, hint: "30s or 5m"}},
		},
		{
			name: "missing required region fields",
			yaml: "name: acme\nclouds:\n  aws:\n    regions:\n      - zones: [us-east-1a, us-east-1b]\n",
			want: []want{
				{pos: "t.yaml:5:9", msg: "missing required field environment in clouds.aws.regions[0]", hint: "add environment"},
				{pos: "t.yaml:5:9", msg: "missing required field region in clouds.aws.regions[0]", hint: "add region"},
			},
		},
		{
			name: "missing clouds",
			yaml: "name: acme\ntags: {Owner: me}\n",
			want: []want{{pos: "t.yaml:1:1", msg: "missing required field clouds in the topology"}},
		},
		{
			name: "no regions at all",
			yaml: "name: acme\nclouds:\n  aws: {regions: []}\n",
			want: []want{{pos: "t.yaml:3:3", msg: "the topology has no regions", hint: "add at least one cloud"}},
		},
		{
			name: "invalid CIDR",
			yaml: base + "        cidr: 10.0.0.0/33\n",
			want: []want{{pos: "t.yaml:7:15", msg: `aws/us-east-1/prod: "10.0.0.0/33" is not a valid CIDR`, hint: "10.1.0.0/16"}},
		},
		{
			name: "CIDR with host bits set",
			yaml: base + "        cidr: 10.1.2.0/16\n",
			want: []want{{pos: "t.yaml:7:15", msg: "10.1.2.0/16 has host bits set", hint: "write 10.1.0.0/16"}},
		},
		{
			name: "IPv6 supernet",
			yaml: base + "network: {supernet: \"fd00::/8\"}\n",
			want: []want{{pos: "t.yaml:7:21", msg: "supernet: fd00::/8 is not IPv4", hint: "IPv4"}},
		},
		{
			name: "CIDR overlap across clouds",
			yaml: base + "        cidr: 10.10.0.0/16\n" +
				"  ibm:\n    regions:\n      - region: us-south\n        environment: prod\n        cidr: 10.10.128.0/17\n",
			want: []want{{pos: "t.yaml:12:15", msg: "ibm/us-south/prod 10.10.128.0/17 overlaps aws/us-east-1/prod 10.10.0.0/16",
				related: []string{"t.yaml:7:15"}}},
		},
		{
			name: "identical CIDRs in one cloud",
			yaml: base + "        cidr: 10.10.0.0/16\n      - region: us-west-2\n        environment: prod\n        cidr: 10.10.0.0/16\n",
			want: []want{{pos: "t.yaml:10:15", msg: "aws/us-west-2/prod 10.10.0.0/16 overlaps aws/us-east-1/prod 10.10.0.0/16",
				related: []string{"t.yaml:7:15"}, hint: "a range of its own"}},
		},
		{
			name: "mesh overlay inside a region",
			yaml: base + "        cidr: 10.10.0.0/16\n      - {region: us-west-2, environment: prod}\nnetwork:\n  mesh:\n    overlay: 10.10.255.0/24\n",
			want: []want{{pos: "t.yaml:11:14", msg: "the mesh overlay 10.10.255.0/24 overlaps aws/us-east-1/prod 10.10.0.0/16",
				related: []string{"t.yaml:7:15"}}},
		},
		{
			name: "unknown AWS region",
			yaml: "name: acme\nclouds:\n  aws:\n    regions:\n      - region: us-east-7\n        environment: prod\n",
			want: []want{{pos: "t.yaml:5:17", msg: `aws has no region "us-east-7"`, hint: "did you mean us-east-1?"}},
		},
		{
			name: "unknown AWS zone",
			yaml: base + "        zones: [us-east-1a, us-east-1z]\n",
			want: []want{{pos: "t.yaml:7:29", msg: `aws region us-east-1 has no zone "us-east-1z"`, hint: "did you mean us-east-1a?"}},
		},
		{
			name: "AWS zone letter the region lacks",
			yaml: "name: acme\nclouds:\n  aws:\n    regions:\n      - region: ap-northeast-1\n        environment: prod\n        zones: [ap-northeast-1a, ap-northeast-1b]\n",
			want: []want{{pos: "t.yaml:7:34", msg: `aws region ap-northeast-1 has no zone "ap-northeast-1b"`}},
		},
		{
			name: "unknown IBM zone and a single AWS zone",
			yaml: base + "        zones: [us-east-1a]\n  ibm:\n    regions:\n      - region: us-south\n        environment: prod\n        zones: [us-south-1, us-south-4]\n",
			want: []want{
				{pos: "t.yaml:7:16", msg: "AWS region us-east-1 has 1 zone", hint: "at least two AZs"},
				{pos: "t.yaml:12:29", msg: `ibm region us-south has no zone "us-south-4"`, hint: "did you mean us-south-1?"},
			},
		},
		{
			name: "Hetzner locations have no zones",
			yaml: "name: acme\nclouds:\n  hetzner:\n    regions:\n      - region: nbg1\n        environment: prod\n        zones: [nbg1-dc3]\n",
			want: []want{{pos: "t.yaml:7:16", msg: "Hetzner location nbg1 has no zones", hint: "placement group"}},
		},
		{
			name: "unknown Hetzner location",
			yaml: "name: acme\nclouds:\n  hetzner:\n    regions:\n      - region: nbg2\n        environment: prod\n",
			want: []want{{pos: "t.yaml:5:17", msg: `hetzner has no region "nbg2"`, hint: "did you mean nbg1?"}},
		},
		{
			name: "unknown IBM region",
			yaml: "name: acme\nclouds:\n  ibm:\n    regions:\n      - region: us-sout\n        environment: prod\n",
			want: []want{{pos: "t.yaml:5:17", msg: `ibm has no region "us-sout"`, hint: "did you mean us-south?"}},
		},
		{
			name: "unknown OVH region (case matters)",
			yaml: "name: acme\nclouds:\n  ovh:\n    regions:\n      - region: gra11\n        environment: prod\n",
			want: []want{{pos: "t.yaml:5:17", msg: `ovh has no region "gra11"`, hint: "did you mean GRA11?"}},
		},
		{
			name: "unknown OVH zone in a 3-AZ region",
			yaml: "name: acme\nclouds:\n  ovh:\n    regions:\n      - region: EU-WEST-PAR\n        environment: prod\n        zones: [eu-west-par-a, eu-west-par-d]\n        cluster: {plan: standard}\n",
			want: []want{{pos: "t.yaml:7:32", msg: `ovh region EU-WEST-PAR has no zone "eu-west-par-d"`, hint: "did you mean eu-west-par-a?"}},
		},
		{
			name: "OVH single-zone region with zones",
			yaml: "name: acme\nclouds:\n  ovh:\n    regions:\n      - region: GRA11\n        environment: prod\n        zones: [gra11-a]\n",
			want: []want{{pos: "t.yaml:7:16", msg: "OVH region GRA11 is a single-zone region", hint: "EU-WEST-PAR"}},
		},
		{
			name: "same region and environment twice",
			yaml: base + "      - region: us-east-1\n        environment: prod\n",
			want: []want{{pos: "t.yaml:7:9", msg: "aws/us-east-1 is declared twice for environment prod", related: []string{"t.yaml:5:9"}}},
		},
		{
			name: "name is not a DNS label",
			yaml: "name: Acme_Platform\nclouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: prod}\n",
			want: []want{{pos: "t.yaml:1:7", msg: `name "Acme_Platform" is not a DNS label`, hint: "lower-case"}},
		},
		{
			name: "environment is not a DNS label",
			yaml: "name: acme\nclouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: Prod}\n",
			want: []want{{pos: "t.yaml:5:42", msg: `environment "Prod" is not a DNS label`}},
		},
		{
			name: "pool member that is not a region",
			yaml: base + glb("[aws/us-west-2]", "", "us"),
			want: []want{{pos: "t.yaml:11:30", msg: `pool us: member "aws/us-west-2" is not a region of this topology`, hint: "did you mean aws/us-east-1?"}},
		},
		{
			name: "ambiguous pool member",
			yaml: base + "      - {region: us-east-1, environment: staging}\n" + glb("[aws/us-east-1]", "", "us"),
			want: []want{{pos: "t.yaml:12:30", msg: "member aws/us-east-1 matches 2 region entries", hint: "aws/us-east-1/prod or aws/us-east-1/staging"}},
		},
		{
			name: "undefined fallback pool",
			yaml: base + glb("[aws/us-east-1]", "", "usa"),
			want: []want{{pos: "t.yaml:12:15", msg: `fallback pool "usa" is not defined`, hint: "did you mean us?"}},
		},
		{
			name: "fallback without any pools",
			yaml: base + "network:\n  globalLoadBalancer:\n    hostname: app.example.com\n    pools: []\n    fallback: us\n",
			want: []want{
				{pos: "t.yaml:10:12", msg: "the global load balancer has no pools"},
				{pos: "t.yaml:11:15", msg: `fallback pool "us" is not defined`, hint: "define a pool named us under pools"},
			},
		},
		{
			name: "unknown geo code",
			yaml: base + glb("[aws/us-east-1]", "[WNAN]", "us"),
			want: []want{{pos: "t.yaml:11:52", msg: `unknown load-balancer region "WNAN"`, hint: "did you mean WNAM?"}},
		},
		{
			name: "geo code steered to two pools",
			yaml: base + "      - {region: us-west-2, environment: prod}\n" + glb("[aws/us-east-1], geo: [ENAM]}\n      - {name: west, members: [aws/us-west-2]", "[ENAM]", "us"),
			want: []want{{pos: "t.yaml:13:54", msg: "region ENAM is already steered to pool us", related: []string{"t.yaml:12:9"}}},
		},
		{
			name: "allowed-regions contradicts a region",
			yaml: base + "landingZone:\n  guardrails:\n    - allowed-regions: {aws: [eu-west-1]}\n",
			want: []want{{pos: "t.yaml:5:17", msg: "region us-east-1 is not in the guardrail's allowed regions for aws",
				hint: "add us-east-1 to allowed-regions.aws", related: []string{"t.yaml:9:30"}}},
		},
		{
			name: "allowed-regions names an unknown region and cloud",
			yaml: base + "landingZone:\n  guardrails:\n    - allowed-regions:\n        aws: [us-east-1, eu-wset-1]\n        gcp: [us-central1]\n",
			want: []want{
				{pos: "t.yaml:10:26", msg: `allowed-regions: aws has no region "eu-wset-1"`, hint: "did you mean eu-west-1?"},
				{pos: "t.yaml:11:9", msg: `allowed-regions: unknown cloud "gcp"`},
			},
		},
		{
			name: "require-tags not satisfiable by the default tags",
			yaml: "name: acme\ntags: {Owner: me}\nclouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: prod}\n" +
				"landingZone:\n  guardrails:\n    - require-tags: [Environment, Owner, CostCenter]\n",
			want: []want{{pos: "t.yaml:9:42", msg: "required tag CostCenter is not among the default tags", hint: "add CostCenter",
				related: []string{"t.yaml:2:7"}}},
		},
		{
			name: "Environment tag is reserved",
			yaml: "name: acme\ntags: {Environment: prod}\nclouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: prod}\n",
			want: []want{{pos: "t.yaml:2:21", msg: "tag Environment is reserved"}},
		},
		{
			name: "tag IBM cannot hold",
			yaml: "name: acme\ntags: {Owner: a@b}\nclouds:\n  ibm:\n    regions:\n      - {region: us-south, environment: prod}\n",
			want: []want{{pos: "t.yaml:2:15", msg: `tag Owner="a@b" cannot be an IBM tag`, hint: "IBM tags allow"}},
		},
		{
			name: "Key Protect restriction without deployFrom",
			yaml: "name: acme\nclouds:\n  ibm:\n    regions:\n      - {region: us-south, environment: prod}\n" +
				"landingZone:\n  guardrails: [require-encryption, protect-security-services]\n",
			want: []want{{pos: "t.yaml:4:5", msg: "clouds.ibm has no deployFrom", hint: "add deployFrom"}},
		},
		{
			name: "deployFrom private or not a CIDR",
			yaml: "name: acme\nclouds:\n  ibm:\n    deployFrom: [10.0.0.0/8, 198.51.100.7]\n    regions:\n      - {region: us-south, environment: prod}\n",
			want: []want{{pos: "t.yaml:4:18", msg: "deployFrom: 10.0.0.0/8 is not a public range"},
				{pos: "t.yaml:4:30", msg: `deployFrom: "198.51.100.7" is not a valid CIDR`}},
		},
		{
			name: "region CIDR inside the IKS pod network",
			yaml: "name: acme\nclouds:\n  ibm:\n    regions:\n      - {region: us-south, environment: prod, cidr: 172.21.0.0/16}\n",
			want: []want{{pos: "t.yaml:5:53", msg: "ibm/us-south/prod 172.21.0.0/16 overlaps the IKS pod/service network 172.21.0.0/16", hint: "outside 172.17.0.0/18"}},
		},
		{
			name: "retired Hetzner server type",
			yaml: "name: acme\nclouds:\n  hetzner:\n    regions:\n      - region: nbg1\n        environment: prod\n        cluster: {serverType: cx22}\n",
			want: []want{{pos: "t.yaml:7:31", msg: "Hetzner server type cx22 has been retired", hint: "use cx23"}},
		},
		{
			name: "Hetzner server type not sold in the location",
			yaml: "name: acme\nclouds:\n  hetzner:\n    regions:\n      - region: ash\n        environment: prod\n        cluster: {serverType: cx33}\n",
			want: []want{{pos: "t.yaml:7:31", msg: "Hetzner does not sell server type cx33 in ash", hint: "cpx22"}},
		},
		{
			name: "OVH region of OVHcloud US",
			yaml: "name: acme\nclouds:\n  ovh:\n    regions:\n      - {region: US-EAST-VA-1, environment: prod}\n",
			want: []want{{pos: "t.yaml:5:18", msg: "OVH region US-EAST-VA-1 is sold only by OVHcloud US", hint: "OVHcloud US account"}},
		},
		{
			name: "region CIDR inside the k3s pod network",
			yaml: "name: acme\nclouds:\n  hetzner:\n    regions:\n      - {region: nbg1, environment: prod, cidr: 10.42.0.0/16}\n",
			want: []want{{pos: "t.yaml:5:49", msg: "hetzner/nbg1/prod 10.42.0.0/16 overlaps the hetzner clusters' pod/service network 10.42.0.0/16", hint: "outside the clusters'"}},
		},
		{
			name: "unknown guardrail",
			yaml: base + "landingZone:\n  guardrails: [deny-root]\n",
			want: []want{{pos: "t.yaml:8:16", msg: `unknown guardrail "deny-root"`, hint: "did you mean deny-root-account?"}},
		},
		{
			name: "guardrail without parameters it needs, and with parameters it does not take",
			yaml: base + "landingZone:\n  guardrails:\n    - require-tags:\n    - deny-root-account: [x]\n",
			want: []want{
				{pos: "t.yaml:9:7", msg: "require-tags needs the list of tags"},
				{pos: "t.yaml:10:26", msg: "guardrail deny-root-account takes no parameters"},
			},
		},
		{
			name: "mesh overlay too small",
			yaml: base + "      - {region: us-west-2, environment: prod}\n      - {region: eu-west-1, environment: prod}\nnetwork:\n  mesh: {overlay: 10.255.0.0/30}\n",
			want: []want{{pos: "t.yaml:10:19", msg: "overlay 10.255.0.0/30 has room for 2 gateways, but 3 regions join the mesh", hint: "use a /29 or larger"}},
		},
		{
			name: "AWS environment without a member account",
			yaml: base + "landingZone:\n  aws: {accounts: [security, dev]}\n",
			want: []want{{pos: "t.yaml:6:22", msg: "AWS environment prod has no member account", related: []string{"t.yaml:8:19"}}},
		},
		{
			name: "invalid YAML syntax",
			yaml: "name: acme\nclouds: [aws\n",
			want: []want{{pos: "t.yaml:2", msg: "invalid YAML: did not find expected ',' or ']'", hint: "indentation"}},
		},
		{
			name: "bad indentation points at the offending line",
			yaml: "name: acme\nclouds:\n  aws: {}\n bad: y\n",
			want: []want{{pos: "t.yaml:4:2", msg: "invalid YAML: did not find expected key"}},
		},
		{
			// yaml.v3 names the line where the list starts (5); the
			// misindented key is on line 7.
			name: "a misindented key inside a list item points at its own line and column",
			yaml: "name: acme\nclouds:\n  aws:\n    regions:\n      - region: us-east-1\n        cidr: 10.0.0.0/16\n       zones: 2\n",
			want: []want{{pos: "t.yaml:7:8", msg: "invalid YAML: did not find expected '-' indicator"}},
		},
		{
			name: "unterminated quote",
			yaml: "name: \"acme\nclouds: {}\n",
			want: []want{{pos: "t.yaml:3", msg: "invalid YAML: found unexpected end of stream"}},
		},
		{
			name: "tab indentation",
			yaml: "name: acme\nclouds:\n\taws: {}\n",
			want: []want{{pos: "t.yaml:3", msg: "invalid YAML: found character that cannot start any token"}},
		},
		{
			name: "empty file",
			yaml: "",
			want: []want{{pos: "t.yaml:1:1", msg: "the file is empty", hint: "infra init"}},
		},
		{
			name: "only comments",
			yaml: "# nothing here\n",
			want: []want{{pos: "t.yaml:1:1", msg: "the file is empty"}},
		},
		{
			name: "not a mapping",
			yaml: "- name: acme\n",
			want: []want{{pos: "t.yaml:1:1", msg: "the topology must be a mapping of fields, got a list"}},
		},
		{
			name: "two documents",
			yaml: base + "---\n" + base,
			want: []want{{pos: "t.yaml:7:1", msg: "unexpected second YAML document", hint: "one topology per file"}},
		},
		{
			name: "duplicate keys",
			yaml: "name: acme\ntags: {Owner: a, Owner: b}\nname: acme\nclouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: prod}\n",
			want: []want{
				{pos: "t.yaml:2:18", msg: `"Owner" is set twice in tags`},
				{pos: "t.yaml:3:1", msg: "field name is set twice in the topology"},
			},
		},
		{
			name: "empty region list item",
			yaml: "name: acme\nclouds:\n  aws:\n    regions:\n      -\n      - {region: us-east-1, environment: prod}\n",
			want: []want{{pos: "t.yaml:5:8", msg: "clouds.aws.regions[0] is empty"}},
		},
		{
			name: "alias bomb",
			yaml: aliasBomb(),
			want: []want{{pos: "t.yaml:", msg: "document is too large or too deeply nested"}},
		},
		{
			name: "backend scheme",
			yaml: base + "backend: ftp://state\n",
			want: []want{{pos: "t.yaml:7:10", msg: `unsupported backend URL "ftp://state"`}},
		},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if seen[tt.yaml] {
				t.Fatalf("duplicate case input")
			}
			seen[tt.yaml] = true
			checkRejected(t, tt.yaml, tt.want)
		})
	}
	if len(tests) < 30 {
		t.Errorf("only %d invalid specs; the table needs at least 30", len(tests))
	}
}

// checkRejected parses a topology that must be invalid and checks its
// errors, in order, against want.
func checkRejected(t *testing.T, yaml string, want []want) {
	t.Helper()
	spec, ds, err := Parse("t.yaml", []byte(yaml))
	if err == nil || spec != nil {
		t.Fatalf("Parse accepted invalid input; diagnostics:\n%s", dump(ds))
	}
	var errs Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			errs = append(errs, d)
		}
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(errs), len(want), dump(errs))
	}
	for i, w := range want {
		checkDiag(t, errs[i], w)
	}
}

func checkDiag(t *testing.T, d Diagnostic, w want) {
	t.Helper()
	pos := d.Pos.String()
	// The alias-bomb position depends on where the limit trips; only the file is fixed.
	if strings.HasSuffix(w.pos, ":") {
		if !strings.HasPrefix(pos, w.pos) {
			t.Errorf("pos = %s, want prefix %s (%s)", pos, w.pos, d)
		}
	} else if pos != w.pos {
		t.Errorf("pos = %s, want %s (%s)", pos, w.pos, d)
	}
	if !strings.Contains(d.Message, w.msg) {
		t.Errorf("message = %q, want it to contain %q", d.Message, w.msg)
	}
	if w.hint != "" && !strings.Contains(d.Hint, w.hint) {
		t.Errorf("hint = %q, want it to contain %q", d.Hint, w.hint)
	}
	var rel []string
	for _, r := range d.Related {
		rel = append(rel, r.Pos.String())
	}
	if w.related != nil && !slices.Equal(rel, w.related) {
		t.Errorf("related = %v, want %v", rel, w.related)
	}
}

func dump(ds Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s\n", d)
	}
	return b.String()
}

// glb appends a global load balancer with one pool "us" at line base+4.
func glb(members, geo, fallback string) string {
	s := "network:\n  globalLoadBalancer:\n    hostname: app.example.com\n    pools:\n      - {name: us, members: " + members
	if geo != "" {
		s += ", geo: " + geo
	}
	return s + "}\n    fallback: " + fallback + "\n"
}

// aliasBomb is small text that expands to millions of nodes: a thousand
// region entries sharing one anchor, each with a thousand zones.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("name: acme\nclouds:\n  aws:\n    regions: [&r {region: us-east-1, environment: prod, zones: [")
	for i := range 1000 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("us-east-1a")
	}
	b.WriteString("]}")
	for range 1000 {
		b.WriteString(", *r")
	}
	b.WriteString("]\n")
	return b.String()
}

func TestDiagnosticsAllReportedAndSorted(t *testing.T) {
	src := `name: Acme
clouds:
  aws:
    regions:
      - region: us-east-9
        environment: prod
      - region: us-west-2
        environment: prod
        cidr: 10.0.0.1/16
        zones: [us-west-2a, us-west-2q]
network:
  globalLoadBalancer:
    hostname: app.example.com
    pools: [{name: us, members: [aws/us-west-2], geo: [NOPE]}]
    fallback: eu
landingZone:
  guardrails: [deny-everything]
`
	_, ds, err := Parse("t.yaml", []byte(src))
	if err == nil {
		t.Fatal("want an error")
	}
	wantPos := []string{"t.yaml:1:7", "t.yaml:5:17", "t.yaml:7:9", "t.yaml:9:15", "t.yaml:10:29", "t.yaml:14:56", "t.yaml:15:15", "t.yaml:17:16"}
	var got []string
	for _, d := range ds {
		got = append(got, d.Pos.String())
	}
	if !slices.Equal(got, wantPos) {
		t.Errorf("positions = %v\nwant        %v\n%s", got, wantPos, dump(ds))
	}
	if !slices.IsSortedFunc(ds, func(a, b Diagnostic) int {
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Col - b.Pos.Col
	}) {
		t.Errorf("diagnostics not sorted:\n%s", dump(ds))
	}
	// The error text lists every error, one a line (not the warning at 7:9).
	if n := strings.Count(err.Error(), "\n") + 1; n != len(wantPos)-1 {
		t.Errorf("error text has %d lines, want %d:\n%s", n, len(wantPos), err)
	}
}

func TestWarningsDoNotFail(t *testing.T) {
	src := "name: acme\nclouds:\n  hetzner:\n    regions:\n      - {region: nbg1, environment: prod, cluster: {serverType: cpx21}}\nnetwork: {mesh: {}}\n"
	spec, ds, err := Parse("t.yaml", []byte(src))
	if err != nil || spec == nil {
		t.Fatalf("Parse: %v", err)
	}
	var got []string
	for _, d := range ds {
		if d.Severity != Warning {
			t.Errorf("unexpected %s", d)
		}
		got = append(got, d.Pos.String()+" "+d.Message)
	}
	wantW := []string{
		"t.yaml:5:52 cluster hetzner-nbg1-prod has no apiAccess: infra cannot reach its API to give the hcloud cloud-controller-manager its token, and without it no node takes a pod",
		"t.yaml:5:65 Hetzner server type cpx21 is deprecated",
		"t.yaml:6:17 the mesh has a single gateway and no peers",
	}
	if !slices.Equal(got, wantW) {
		t.Errorf("warnings = %q, want %q", got, wantW)
	}
}

// A gateway peers within its environment only, so a region alone in its
// environment is warned about, at the region, unless it stays out of the
// mesh or the environments are connected.
func TestMeshRegionAloneInEnvironment(t *testing.T) {
	const head = "name: acme\nclouds:\n  hetzner:\n    regions:\n"
	for _, tc := range []struct {
		name, regions, mesh string
		want                []string
	}{
		{"alone", "      - {region: nbg1, environment: prod}\n      - {region: fsn1, environment: prod}\n      - {region: hel1, environment: dev}\n", "{}",
			[]string{"t.yaml:7:9 region hetzner/hel1/dev is the only dev region in the mesh: its gateway would have no peer, as gateways peer within their environment"}},
		{"two alone", "      - {region: nbg1, environment: prod}\n      - {region: hel1, environment: dev}\n", "{}",
			[]string{"t.yaml:5:9 region hetzner/nbg1/prod is the only prod region in the mesh: its gateway would have no peer, as gateways peer within their environment",
				"t.yaml:6:9 region hetzner/hel1/dev is the only dev region in the mesh: its gateway would have no peer, as gateways peer within their environment"}},
		{"out of the mesh", "      - {region: nbg1, environment: prod}\n      - {region: fsn1, environment: prod}\n      - {region: hel1, environment: dev, mesh: false}\n", "{}", nil},
		{"environments connected", "      - {region: nbg1, environment: prod}\n      - {region: hel1, environment: dev}\n", "{connectEnvironments: true}", nil},
		{"peers", "      - {region: nbg1, environment: dev}\n      - {region: hel1, environment: dev}\n", "{}", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, ds, err := Parse("t.yaml", []byte(head+tc.regions+"network: {mesh: "+tc.mesh+"}\n"))
			if err != nil || spec == nil {
				t.Fatalf("Parse: %v", err)
			}
			var got []string
			for _, d := range ds {
				if d.Rule != "topology/mesh" {
					continue // the clusters' own warnings are another test's
				}
				if d.Severity != Warning {
					t.Errorf("unexpected %s", d)
					continue
				}
				got = append(got, d.Pos.String()+" "+d.Message)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("warnings = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHetznerAPIAccess(t *testing.T) {
	const head = "name: acme\nclouds:\n  hetzner:\n    regions:\n      - region: nbg1\n        environment: prod\n        cluster:\n          apiAccess: "
	for _, tc := range []struct {
		list string
		want []string
	}{
		{"[203.0.113.0/24, 198.51.100.7/32, 2001:db8::/32]", nil},
		{"[203.0.113.0/24, nope]", []string{"error t.yaml:8:39 apiAccess \"nope\" is not a CIDR"}},
		{"[203.0.113.9/24]", []string{"error t.yaml:8:23 apiAccess 203.0.113.9/24 has host bits set"}},
		{"[0.0.0.0/0]", []string{"warning t.yaml:8:23 apiAccess 0.0.0.0/0 opens the cluster's API to the whole internet (client certificates still required)"}},
	} {
		t.Run(tc.list, func(t *testing.T) {
			_, ds, _ := Parse("t.yaml", []byte(head+tc.list+"\n"))
			var got []string
			for _, d := range ds {
				got = append(got, string(d.Severity)+" "+d.Pos.String()+" "+d.Message)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("diagnostics %q, want %q", got, tc.want)
			}
		})
	}
}

// An EKS cluster's apiAccess is checked as Hetzner's; a region the global
// load balancer sends traffic to and that lists none is warned about, as
// infra cannot install its ingress controller (review item 10).
func TestAWSAPIAccess(t *testing.T) {
	const head = "name: acme\nclouds:\n  aws:\n    regions:\n      - region: us-east-1\n        environment: prod\n"
	const glb = "network:\n  globalLoadBalancer:\n    hostname: app.acme.io\n    pools: [{name: us, members: [aws/us-east-1]}]\n    fallback: us\n"
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"listed", head + "        cluster: {apiAccess: [203.0.113.0/24]}\n" + glb, nil},
		{"not a CIDR", head + "        cluster: {apiAccess: [nope]}\n" + glb, []string{`error t.yaml:7:31 apiAccess "nope" is not a CIDR`}},
		{"everywhere", head + "        cluster: {apiAccess: [0.0.0.0/0]}\n" + glb,
			[]string{"warning t.yaml:7:31 apiAccess 0.0.0.0/0 opens the cluster's API to the whole internet (IAM authentication still required)"}},
		{"none, behind the global load balancer", head + glb,
			[]string{"warning t.yaml:5:9 cluster aws-us-east-1-prod has no apiAccess: infra cannot reach its private API to install the ingress controller, so the global load balancer's origin aws/us-east-1/prod never turns healthy"}},
		{"none, no global load balancer", head, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := diagnosticsOf(tc.yaml); !slices.Equal(got, tc.want) {
				t.Errorf("diagnostics %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExamplesValidate(t *testing.T) {
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			spec, ds, err := Load(f)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(ds) != 0 {
				t.Errorf("diagnostics:\n%s", dump(ds))
			}
			if len(spec.Regions()) == 0 {
				t.Error("no regions")
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.yaml")
	_, ds, err := Load(missing)
	if err == nil || len(ds) != 1 || ds[0].Pos.File != missing || !strings.Contains(ds[0].Message, "not found") || !strings.Contains(ds[0].Hint, "infra init") {
		t.Errorf("missing file: %v %v", ds, err)
	}
	_, ds, err = Load(dir)
	if err == nil || len(ds) != 1 || !strings.Contains(ds[0].Message, "is a directory") {
		t.Errorf("directory: %v %v", ds, err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	_, ds, err = Load(big)
	if err == nil || len(ds) != 1 || !strings.Contains(ds[0].Message, "the limit is") {
		t.Errorf("big file: %v %v", ds, err)
	}
	ok := filepath.Join(dir, "ok.yaml")
	if err := os.WriteFile(ok, []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, _, err := Load(ok)
	if err != nil || spec.File != ok {
		t.Errorf("Load(%s) = %v, %v", ok, spec, err)
	}
}

// An advisory guardrail the spec contradicts warns; a mandatory one fails.
func TestAdvisoryGuardrailContradictionsWarn(t *testing.T) {
	src := "name: acme\ntags: {Owner: me}\nclouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: prod}\n" +
		"landingZone:\n  guardrails:\n" +
		"    - allowed-regions: {aws: [eu-west-1]}\n      enforcement: advisory\n" +
		"    - require-tags: [Owner, CostCenter]\n      enforcement: advisory\n"
	spec, ds, err := Parse("t.yaml", []byte(src))
	if err != nil || spec == nil {
		t.Fatalf("Parse: %v", err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, string(d.Severity)+" "+d.Pos.String()+" "+d.Message)
	}
	want := []string{
		"warning t.yaml:6:18 region us-east-1 is not in the guardrail's allowed regions for aws",
		"warning t.yaml:11:29 required tag CostCenter is not among the default tags",
	}
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics = %q, want %q", got, want)
	}
	mandatory := strings.ReplaceAll(src, "      enforcement: advisory\n", "")
	if _, ds, err := Parse("t.yaml", []byte(mandatory)); err == nil || !ds.HasErrors() {
		t.Errorf("mandatory guardrails contradicted: err = %v", err)
	}
}

// The health check must be one every origin answers on a fresh deploy
// (ADR glb/health-check): the load balancers listen on 80 and 443 only,
// CIS validates certificates and no origin serves one for the hostname,
// infra answers /healthz alone, and OVH regions serve nothing.
func TestHealthCheckAnswered(t *testing.T) {
	const head = "name: acme\nclouds:\n  aws:\n    regions:\n      - region: us-east-1\n        environment: prod\n        cluster: {apiAccess: [203.0.113.0/24]}\n" +
		"  ibm:\n    regions:\n      - {region: us-south, environment: prod}\n" +
		"  ovh:\n    regions:\n      - {region: GRA11, environment: prod, cluster: {flavor: b3-8, nodes: 3}}\n" +
		"network:\n  globalLoadBalancer:\n    hostname: app.acme.io\n"
	const pools = "    pools: [{name: us, members: [aws/us-east-1]}]\n    fallback: us\n"
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"the default", head + pools, nil},
		{"http on 80", head + "    healthCheck: {protocol: http, port: 80}\n" + pools, nil},
		{"https through CIS (the old default)", head + "    healthCheck: {protocol: https}\n" + pools,
			[]string{"warning t.yaml:17:29 CIS validates the certificate of an HTTPS health check, and no origin serves one for app.acme.io (infra installs none; the ingress controllers present their own self-signed certificate): every origin would stay unhealthy"}},
		{"https, defaulted, through CIS", head + "    healthCheck: {path: /healthz}\n" + pools, nil},
		{"https through Route 53", head + "    provider: route53\n    healthCheck: {protocol: https}\n" + pools, nil},
		{"http on 443", head + "    healthCheck: {protocol: http, port: 443}\n" + pools,
			[]string{"error t.yaml:17:41 the origins' ingress load balancers serve HTTP on port 80 only: a health check on port 443 never succeeds"}},
		{"a port nothing listens on", head + "    provider: route53\n    healthCheck: {protocol: https, port: 8443}\n" + pools,
			[]string{"error t.yaml:18:42 the origins' ingress load balancers serve HTTPS on port 443 only: a health check on port 8443 never succeeds"}},
		{"an OVH member", head + "    pools: [{name: eu, members: [ovh/GRA11, aws/us-east-1]}]\n    fallback: eu\n", nil},
		{"a path of the user's", head + "    healthCheck: {path: /ready}\n    pools: [{name: us, members: [aws/us-east-1, ibm/us-south]}]\n    fallback: us\n",
			[]string{"warning t.yaml:17:25 infra answers only /healthz on the origins: the health check of /ready fails on every origin until an Ingress of yours serves it"}},
		{"IBM with /healthz", head + "    pools: [{name: us, members: [ibm/us-south]}]\n    fallback: us\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := diagnosticsOf(tc.yaml); !slices.Equal(got, tc.want) {
				t.Errorf("diagnostics %q, want %q", got, tc.want)
			}
		})
	}
}

// diagnosticsOf parses a topology named t.yaml and lists its diagnostics
// as "severity file:line:col message".
func diagnosticsOf(yaml string) []string {
	_, ds, _ := Parse("t.yaml", []byte(yaml))
	var got []string
	for _, d := range ds {
		got = append(got, string(d.Severity)+" "+d.Pos.String()+" "+d.Message)
	}
	return got
}
