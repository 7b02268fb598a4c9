package computed

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// kind is what the model knows of one type token: how the provider shapes
// its ID, and the outputs the cloud computes when the inputs do not set
// them ("prop" takes the generator of the same name, "prop:gen" another).
type kind struct {
	id      func(r Resource, salt string) string
	outputs []string
}

// kinds lists every type the programs declare (a test holds it to the
// golden plans). A kind without an id takes its package's default (see
// NewID).
var kinds = map[string]kind{
	// AWS. EC2 IDs carry the prefixes AWS documents for each kind.
	"aws:cloudtrail/trail:Trail":                                                {id: byName},
	"aws:cloudwatch/logGroup:LogGroup":                                          {id: byName},
	"aws:ebs/encryptionByDefault:EncryptionByDefault":                           {id: func(r Resource, _ string) string { return regionOr(r.Region, DefaultRegion) }},
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":                         {id: prefixed("sg")},
	"aws:ec2/flowLog:FlowLog":                                                   {id: prefixed("fl")},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                                           {id: prefixed("vpce"), outputs: []string{"state:available"}},
	"aws:ec2/eip:Eip":                                                           {id: prefixed("eipalloc"), outputs: []string{"publicIp", "publicDns:ec2Dns", "allocationId:id", "domain:vpc"}},
	"aws:ec2/eipAssociation:EipAssociation":                                     {id: prefixed("eipassoc")},
	"aws:ec2/instance:Instance":                                                 {id: prefixed("i"), outputs: []string{"privateIp", "primaryNetworkInterfaceId:eni", "publicIp:instancePublicIp", "instanceState:running"}},
	"aws:ec2/internetGateway:InternetGateway":                                   {id: prefixed("igw")},
	"aws:ec2/networkInterface:NetworkInterface":                                 {id: prefixed("eni"), outputs: []string{"privateIp"}},
	"aws:ec2/natGateway:NatGateway":                                             {id: prefixed("nat"), outputs: []string{"publicIp", "privateIp"}},
	"aws:ec2/route:Route":                                                       {id: routeID},
	"aws:ec2/routeTable:RouteTable":                                             {id: prefixed("rtb")},
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                       {id: prefixed("rtbassoc")},
	"aws:ec2/securityGroup:SecurityGroup":                                       {id: prefixed("sg")},
	"aws:ec2/subnet:Subnet":                                                     {id: prefixed("subnet")},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":                 {id: prefixed("sgr"), outputs: []string{"securityGroupRuleId:id", "arn"}},
	"aws:ec2/vpc:Vpc":                                                           {id: prefixed("vpc"), outputs: []string{"defaultSecurityGroupId:sgID", "mainRouteTableId:rtbID"}},
	"aws:ec2transitgateway/peeringAttachment:PeeringAttachment":                 {id: prefixed("tgw-attach")},
	"aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter": {id: func(r Resource, _ string) string { return str(r.Inputs, "transitGatewayAttachmentId") }},
	"aws:ec2transitgateway/route:Route":                                         {id: joined("_", "transitGatewayRouteTableId", "destinationCidrBlock")},
	"aws:ec2transitgateway/routeTable:RouteTable":                               {id: prefixed("tgw-rtb")},
	"aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation":         {id: joined("_", "transitGatewayRouteTableId", "transitGatewayAttachmentId")},
	"aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation":         {id: joined("_", "transitGatewayRouteTableId", "transitGatewayAttachmentId")},
	"aws:ec2transitgateway/transitGateway:TransitGateway":                       {id: prefixed("tgw"), outputs: []string{"associationDefaultRouteTableId:tgwRtbID", "propagationDefaultRouteTableId:tgwRtbID"}},
	"aws:ec2transitgateway/vpcAttachment:VpcAttachment":                         {id: prefixed("tgw-attach")},
	// EKS statuses: CREATING | ACTIVE | DELETING | FAILED | UPDATING |
	// PENDING (EKS API Reference, Cluster and Nodegroup).
	// EKS creates a cluster security group and returns its id in
	// vpcConfig.clusterSecurityGroupId (EKS API Reference, VpcConfigResponse).
	"aws:eks/cluster:Cluster": {id: byName, outputs: []string{"endpoint:eksEndpoint", "certificateAuthority", "status:ACTIVE", "vpcConfig.clusterSecurityGroupId:sgID"}},
	// An add-on's id is cluster:addon (terraform-provider-aws eks addon);
	// EKS picks the default version for the cluster's Kubernetes version.
	"aws:eks/addon:Addon": {id: joined(":", "clusterName", "addonName"), outputs: []string{"arn", "addonVersion:addonVersion"}},
	// Pod Identity association ids are a- and 17 characters (EKS API
	// Reference, PodIdentityAssociation).
	"aws:eks/podIdentityAssociation:PodIdentityAssociation": {id: prefixed("a"), outputs: []string{"associationId:id", "associationArn:arn"}},
	// EKS makes one Auto Scaling group per managed node group, named
	// eks-<node group>-<uuid> (EKS API Reference, NodegroupResources).
	"aws:eks/nodeGroup:NodeGroup": {id: joined(":", "clusterName", "nodeGroupName"), outputs: []string{"status:ACTIVE", "resources:nodeGroupResources"}},
	// A new launch template is version 1, its default and its latest (EC2
	// API Reference, CreateLaunchTemplate: LaunchTemplate.LatestVersionNumber).
	"aws:ec2/launchTemplate:LaunchTemplate": {id: prefixed("lt"), outputs: []string{"latestVersion:firstVersion", "defaultVersion:firstVersion", "arn"}},
	// GuardDuty detector ids are 32 hex characters; a delegated
	// administrator is named by its account id, an organization
	// configuration by its detector (terraform-provider-aws guardduty).
	"aws:guardduty/detector:Detector":                                   {id: func(r Resource, salt string) string { return hexOf(r.URN, salt, 32) }, outputs: []string{"accountId:account", "arn"}},
	"aws:guardduty/organizationAdminAccount:OrganizationAdminAccount":   {id: func(r Resource, _ string) string { return str(r.Inputs, "adminAccountId") }},
	"aws:guardduty/organizationConfiguration:OrganizationConfiguration": {id: func(r Resource, _ string) string { return str(r.Inputs, "detectorId") }},
	// Security Hub: an account's hub, a delegated administrator and an
	// organization configuration are named by account ids
	// (terraform-provider-aws securityhub).
	"aws:securityhub/account:Account":                                     {id: func(Resource, string) string { return Account }, outputs: []string{"arn"}},
	"aws:securityhub/organizationAdminAccount:OrganizationAdminAccount":   {id: func(r Resource, _ string) string { return str(r.Inputs, "adminAccountId") }},
	"aws:securityhub/organizationConfiguration:OrganizationConfiguration": {id: func(Resource, string) string { return Account }},
	// AWS Config: a recorder and a delivery channel are named by their
	// name, the status by its recorder's; an aggregator has an ARN; a
	// delegated administrator is account/service (terraform-provider-aws
	// config and organizations).
	"aws:cfg/recorder:Recorder":                                       {id: byName},
	"aws:cfg/deliveryChannel:DeliveryChannel":                         {id: byName},
	"aws:cfg/recorderStatus:RecorderStatus":                           {id: byName},
	"aws:cfg/configurationAggregator:ConfigurationAggregator":         {id: byName, outputs: []string{"arn"}},
	"aws:organizations/delegatedAdministrator:DelegatedAdministrator": {id: joined("/", "accountId", "servicePrincipal")},
	// EKS access entries: cluster:principal, and a policy association
	// cluster#principal#policy (terraform-provider-aws eks).
	"aws:eks/accessEntry:AccessEntry":                         {id: joined(":", "clusterName", "principalArn"), outputs: []string{"accessEntryArn:arn"}},
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {id: joined("#", "clusterName", "principalArn", "policyArn")},
	// Centralized root access: one per organization, named by its id
	// (pulumi-aws iam/organizationsFeatures.go, Import).
	"aws:iam/organizationsFeatures:OrganizationsFeatures": {id: func(r Resource, _ string) string { return orgID(r.URN) }},
	// An inline role policy's id is role:name (terraform-provider-aws iam role_policy).
	"aws:iam/rolePolicy:RolePolicy":                     {id: func(r Resource, salt string) string { return str(r.Inputs, "role") + ":" + byName(r, salt) }},
	"aws:iam/role:Role":                                 {id: byName, outputs: []string{"uniqueId:roleUniqueID"}},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {id: rolePolicyAttachmentID},
	"aws:kms/alias:Alias":                               {id: byName, outputs: []string{"targetKeyArn:kmsTargetArn"}},
	"aws:kms/key:Key":                                   {id: uuidID, outputs: []string{"keyId:id"}},
	"aws:lb/listener:Listener":                          {id: byARN},
	"aws:lb/loadBalancer:LoadBalancer":                  {id: byARN, outputs: []string{"dnsName:elbDNS", "zoneId:elbZone"}},
	"aws:lb/targetGroup:TargetGroup":                    {id: byARN},
	// An Auto Scaling attachment's id is the group's name and a unique
	// suffix (terraform-provider-aws autoscaling attachment: id.PrefixedUniqueId).
	"aws:autoscaling/attachment:Attachment": {id: func(r Resource, salt string) string {
		return str(r.Inputs, "autoscalingGroupName") + "-" + hexOf(r.URN, salt, 26)
	}},
	"aws:organizations/account:Account":           {id: accountID},
	"aws:organizations/organization:Organization": {id: func(r Resource, _ string) string { return orgID(r.URN) }, outputs: []string{"roots", "masterAccountId:account", "masterAccountArn"}},
	"aws:organizations/organizationalUnit:OrganizationalUnit": {id: func(r Resource, salt string) string {
		return "ou-" + strings.TrimPrefix(orgRootID(r.URN), "r-") + "-" + hexOf(r.URN, salt, 8)
	}},
	"aws:organizations/policy:Policy":                     {id: func(r Resource, salt string) string { return "p-" + hexOf(r.URN, salt, 8) }},
	"aws:organizations/policyAttachment:PolicyAttachment": {id: joined(":", "targetId", "policyId")},
	// EnableSharingWithAwsOrganization: one per organization, named by the
	// management account (terraform-provider-aws ram sharing_with_organization).
	"aws:ram/sharingWithOrganization:SharingWithOrganization": {id: func(Resource, string) string { return Account }},
	"aws:ram/principalAssociation:PrincipalAssociation":       {id: joined(",", "resourceShareArn", "principal")},
	"aws:ram/resourceAssociation:ResourceAssociation":         {id: joined(",", "resourceShareArn", "resourceArn")},
	"aws:ram/resourceShare:ResourceShare":                     {id: byARN},
	"aws:ram/resourceShareAccepter:ResourceShareAccepter":     {id: func(r Resource, _ string) string { return str(r.Inputs, "shareArn") }},
	"aws:route53/healthCheck:HealthCheck":                     {id: uuidID},
	"aws:route53/record:Record":                               {id: recordID, outputs: []string{"fqdn:recordFQDN"}},
	// Route 53 gives a hosted zone four name servers.
	"aws:route53/zone:Zone": {id: func(r Resource, salt string) string { return "Z" + strings.ToUpper(hexOf(r.URN, salt, 13)) }, outputs: []string{"zoneId:id", "nameServers"}},
	// PutPublicAccessBlock (S3 Control): the id is the account's
	// (terraform-provider-aws s3control account_public_access_block).
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock":                                   {id: joined("", "accountId")},
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2":                     {id: joined("", "bucket")},
	"aws:s3/bucketPolicy:BucketPolicy":                                                           {id: joined("", "bucket")},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     {id: joined("", "bucket")},
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": {id: joined("", "bucket")},
	"aws:s3/bucketV2:BucketV2":                                                                   {id: byName, outputs: []string{"bucketDomainName:s3Domain", "bucketRegionalDomainName:s3Domain"}},
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               {id: joined("", "bucket")},

	// Hetzner Cloud. Server status: running | initializing | starting |
	// stopping | off | deleting | migrating | rebuilding | unknown (Hetzner
	// Cloud API, Servers).
	"hcloud:index/firewall:Firewall":                       {},
	"hcloud:index/floatingIp:FloatingIp":                   {outputs: []string{"ipAddress"}},
	"hcloud:index/loadBalancer:LoadBalancer":               {outputs: []string{"ipv4", "ipv6"}},
	"hcloud:index/loadBalancerNetwork:LoadBalancerNetwork": {id: joined("-", "loadBalancerId", "networkId"), outputs: []string{"ip:privateIp"}},
	"hcloud:index/loadBalancerService:LoadBalancerService": {id: joined("__", "loadBalancerId", "listenPort")},
	"hcloud:index/loadBalancerTarget:LoadBalancerTarget":   {id: hcloudTargetID},
	"hcloud:index/network:Network":                         {},
	"hcloud:index/networkRoute:NetworkRoute":               {id: joined("-", "networkId", "destination")},
	"hcloud:index/networkSubnet:NetworkSubnet":             {id: joined("-", "networkId", "ipRange"), outputs: []string{"gateway:subnetGateway"}},
	"hcloud:index/placementGroup:PlacementGroup":           {},
	"hcloud:index/primaryIp:PrimaryIp":                     {outputs: []string{"ipAddress"}},
	"hcloud:index/server:Server":                           {outputs: []string{"ipv4Address", "ipv6Address", "status:running"}},

	// OVHcloud. Managed Kubernetes status: INSTALLING | READY | ... (OVH
	// API cloud.kube.ClusterStatusEnum); its url is a bare host name.
	"ovh:CloudProject/gateway:Gateway":                           {},
	"ovh:CloudProject/instance:Instance":                         {outputs: []string{"addresses:ovhAddresses"}},
	"ovh:CloudProject/kube:Kube":                                 {outputs: []string{"url:hostname", "status:READY", "kubeconfig:ovhKubeconfig", "kubeconfigAttributes:ovhKubeconfigAttributes"}},
	"ovh:CloudProject/kubeNodePool:KubeNodePool":                 {outputs: []string{"status:READY"}},
	"ovh:CloudProject/networkPrivate:NetworkPrivate":             {id: ovhNetworkID, outputs: []string{"regionsOpenstackIds"}},
	"ovh:CloudProject/networkPrivateSubnet:NetworkPrivateSubnet": {},
	// The v2 subnet is an OpenStack subnet: its id is the OpenStack UUID.
	"ovh:CloudProject/networkPrivateSubnetV2:NetworkPrivateSubnetV2": {},
	"ovh:Iam/policy:Policy": {},
	// The IAM URN of a group: urn:v1:eu:identity:group:<NIC handle>/<name>.
	"ovh:Me/identityGroup:IdentityGroup":        {id: byName, outputs: []string{"GroupURN:ovhGroupURN"}},
	"ovh:index/cloudFloatingIp:CloudFloatingIp": {outputs: []string{"currentState"}},
	// A vRack is ordered once per account and its service name is pn-<number>;
	// programs attach to one that exists (a seed, in the simulator).
	"ovh:Vrack/vrack:Vrack": {id: func(r Resource, salt string) string { return "pn-" + hcloudID(r, salt) }},
	// A project's attachment to a vRack: the provider's id is
	// <vrack service name>/<project id> (terraform-provider-ovh
	// resource_vrack_cloudproject.go).
	"ovh:Vrack/cloudProject:CloudProject": {id: joined("/", "serviceName", "projectId")},

	// IBM Cloud, through infra's own provider. Every infra:ibm type also
	// gets a CRN, a name and status available (see packageOutputs).
	"infra:ibm:AccessGroup":              {},
	"infra:ibm:AccessGroupMember":        {},
	"infra:ibm:CbrRule":                  {},
	"infra:ibm:CbrZone":                  {},
	"infra:ibm:CbrZoneAddresses":         {},
	"infra:ibm:CisDomain":                {id: cisID, outputs: []string{"nameServers", "status:active"}},
	"infra:ibm:CisGlobalLoadBalancer":    {id: cisID},
	"infra:ibm:CisHealthCheck":           {id: cisID},
	"infra:ibm:CisInstance":              {id: cisCRN, outputs: []string{"crn:id", "guid:uuid"}},
	"infra:ibm:CisOriginPool":            {id: cisID, outputs: []string{"healthy:true"}},
	"infra:ibm:Cluster":                  {outputs: []string{"ingressHostname:hostname"}},
	"infra:ibm:ClusterKms":               {},
	"infra:ibm:FloatingIp":               {outputs: []string{"address:publicIp"}},
	"infra:ibm:IamPolicy":                {},
	"infra:ibm:Instance":                 {outputs: []string{"primaryIpAddress:privateIp"}},
	"infra:ibm:KmsKey":                   {outputs: []string{"keyId:uuid"}},
	"infra:ibm:LoadBalancer":             {outputs: []string{"hostname"}},
	"infra:ibm:PublicGateway":            {outputs: []string{"floatingIp:publicIp"}},
	"infra:ibm:ResourceGroup":            {},
	"infra:ibm:ResourceInstance":         {outputs: []string{"guid:uuid"}},
	"infra:ibm:SecurityGroup":            {},
	"infra:ibm:SecurityGroupRule":        {},
	"infra:ibm:ServiceId":                {outputs: []string{"iamId:ibmID", "apiKey:token"}},
	"infra:ibm:Subnet":                   {},
	"infra:ibm:TransitGateway":           {id: uuidID, outputs: []string{"crn:transitCrn"}},
	"infra:ibm:TransitGatewayConnection": {id: uuidID, outputs: []string{"status:attached"}},
	"infra:ibm:Vpc":                      {outputs: []string{"defaultSecurityGroup:ibmID", "defaultNetworkAcl:ibmID", "defaultRoutingTable:ibmID"}},
	"infra:ibm:VpcAddressPrefix":         {},
	"infra:ibm:VpcCluster":               {outputs: []string{"masterUrl:endpoint", "privateServiceEndpointUrl:endpoint", "ingressHostname:hostname", "state:normal", "kubeconfig:iksKubeconfig", "securityGroup:ibmID"}},
	"infra:ibm:VpcRoutingTableRoute":     {},

	// infra's local types. The simulator makes them as the infra provider
	// does, with real random values; the plan shows stand-ins, secret
	// where the real value is.
	// A new account's readiness probe: nothing drawn, the inputs are the state.
	"infra:aws:AccountReady": {},
	"infra:k3s:Token":        {outputs: []string{"token"}},
	"infra:k3s:ClusterCA":    {outputs: []string{"caCert:token", "caKey:token", "clientCert:token", "clientKey:token"}},
	// Objects applied to a cluster: nothing drawn, the inputs are the state.
	"infra:kubernetes:Manifests": {},
	"infra:mesh:PresharedKey":    {outputs: []string{"key:wgKey"}},
	// The gateway's host key, learnt on the first push (provider/peers.go).
	"infra:mesh:Peers":        {outputs: []string{"hostKey:hostKey"}},
	"infra:mesh:SshKey":       {outputs: []string{"privateKey:token", "publicKey:sshPublicKey"}},
	"infra:mesh:WireGuardKey": {outputs: []string{"privateKey:wgPrivateKey", "publicKey:wgPublicKey"}},
	// Explicit providers get an ID like any resource in the plan; the engine
	// gives them theirs in a deployment.
	"pulumi:providers:aws":    {},
	"pulumi:providers:hcloud": {},
	"pulumi:providers:ovh":    {},
	"pulumi:providers:infra":  {},
}

// packageOutputs are computed for every type of a package prefix, after
// the type's own (the first to set a property wins).
var packageOutputs = []struct {
	prefix  string
	outputs []string
}{
	{"aws:", []string{"arn"}},
	{"infra:ibm:", []string{"crn", "name:nameOrLogical", "status:available"}},
}

// cisID is a CIS (Cloudflare) object ID: 32 hex digits.
func cisID(r Resource, salt string) string { return hexOf(r.URN, salt, 32) }

// cisCRN is a CIS instance's CRN, which is also its ID.
func cisCRN(r Resource, salt string) string {
	return "crn:v1:bluemix:public:internet-svcs:global:a/" + IBMAccount + ":" + uuidOf(r.URN, salt) + "::"
}

type output struct{ name, gen string }

// outputsOf lists a type's computed outputs in table order.
func outputsOf(typ string) []output {
	var out []output
	add := func(list []string) {
		for _, o := range list {
			name, gen, ok := strings.Cut(o, ":")
			if !ok {
				gen = name
			}
			if _, ok := generators[gen]; !ok {
				panic("computed: no generator " + gen + " for " + typ + "." + name)
			}
			out = append(out, output{name, gen})
		}
	}
	add(kinds[typ].outputs)
	for _, p := range packageOutputs {
		if strings.HasPrefix(typ, p.prefix) {
			add(p.outputs)
		}
	}
	return out
}

// Names lists the outputs the cloud computes for typ, in table order: in a
// preview they are unknown until the resource exists.
func Names(typ string) []string {
	var names []string
	seen := map[string]bool{}
	for _, o := range outputsOf(typ) {
		if !seen[o.name] {
			seen[o.name] = true
			names = append(names, o.name)
		}
	}
	return names
}

// Outputs is the state of an existing resource: its inputs plus every
// computed output of its type that the inputs do not set.
func Outputs(r Resource) resource.PropertyMap {
	out := r.Inputs.Copy()
	if out == nil {
		out = resource.PropertyMap{}
	}
	for _, o := range outputsOf(r.Type()) {
		if obj, key, nested := strings.Cut(o.name, "."); nested {
			// An output inside an input object (EKS vpcConfig.clusterSecurityGroupId).
			m := resource.PropertyMap{}
			if v, ok := out[resource.PropertyKey(obj)]; ok && v.IsObject() {
				m = v.ObjectValue().Copy()
			}
			if v, ok := m[resource.PropertyKey(key)]; !ok || v.IsNull() {
				m[resource.PropertyKey(key)] = generators[o.gen](r, o.name)
			}
			out[resource.PropertyKey(obj)] = resource.NewProperty(m)
			continue
		}
		k := resource.PropertyKey(o.name)
		if v, ok := out[k]; ok && !v.IsNull() {
			continue
		}
		out[k] = generators[o.gen](r, o.name)
	}
	return out
}

// MarkComputed fills out, the preview state of a resource of type typ, with
// the outputs the cloud computes that the inputs news do not set: olds' value
// where the resource had one, unknown otherwise. Nested outputs
// (vpcConfig.clusterSecurityGroupId) are marked inside their object.
func MarkComputed(typ string, out, news, olds resource.PropertyMap) {
	for _, name := range Names(typ) {
		if obj, key, nested := strings.Cut(name, "."); nested {
			ok, kk := resource.PropertyKey(obj), resource.PropertyKey(key)
			m := resource.PropertyMap{}
			if v, set := out[ok]; set && v.IsObject() {
				m = v.ObjectValue().Copy()
			}
			if v, set := m[kk]; set && !v.IsNull() {
				continue
			}
			m[kk] = resource.MakeComputed(resource.NewStringProperty(""))
			if o, had := olds[ok]; had && o.IsObject() {
				if v, had := o.ObjectValue()[kk]; had {
					m[kk] = v
				}
			}
			out[ok] = resource.NewProperty(m)
			continue
		}
		key := resource.PropertyKey(name)
		if v, set := news[key]; set && !v.IsNull() {
			continue
		}
		if v, ok := olds[key]; ok {
			out[key] = v
		} else {
			out[key] = resource.MakeComputed(resource.NewStringProperty(""))
		}
	}
}

func constant(s string) func(Resource, string) resource.PropertyValue {
	return func(Resource, string) resource.PropertyValue { return resource.NewProperty(s) }
}

func value(s string) resource.PropertyValue { return resource.NewProperty(s) }

// generators give each computed output its value from the resource and the
// output's name (the salt of its digest); a generator's name means the same
// kind of value on every type.
var generators = map[string]func(r Resource, prop string) resource.PropertyValue{
	"id":            func(r Resource, _ string) resource.PropertyValue { return value(string(r.ID)) },
	"uuid":          func(r Resource, prop string) resource.PropertyValue { return value(uuidOf(r.URN, prop)) },
	"arn":           func(r Resource, _ string) resource.PropertyValue { return value(arnOf(r, "")) },
	"crn":           crn,
	"transitCrn":    transitCRN,
	"nameOrLogical": func(r Resource, _ string) resource.PropertyValue { return value(nameOr(r)) },
	"account":       constant(Account),
	"publicIp":      publicIPv4,
	"ipv4Address":   publicIPv4,
	"ipAddress":     publicIPv4,
	"ipv4":          publicIPv4,
	"ipv6Address":   publicIPv6,
	"ipv6":          publicIPv6,
	"privateIp":     privateIPv4,
	"hostname":      hostname,
	"endpoint":      httpsURL,
	"nameServers":   nameServers,
	"ibmID":         func(r Resource, prop string) resource.PropertyValue { return value(ibmID(r, prop)) },
	"sgID":          func(r Resource, prop string) resource.PropertyValue { return value(prefixed("sg")(r, prop)) },
	"rtbID":         func(r Resource, prop string) resource.PropertyValue { return value(prefixed("rtb")(r, prop)) },
	"tgwRtbID": func(r Resource, _ string) resource.PropertyValue {
		return value(prefixed("tgw-rtb")(r, "default-route-table"))
	},
	"eni": func(r Resource, prop string) resource.PropertyValue { return value(prefixed("eni")(r, prop)) },
	"roleUniqueID": func(r Resource, prop string) resource.PropertyValue {
		return value("AROA" + strings.ToUpper(hexOf(r.URN, prop, 17)))
	},
	"ACTIVE": constant("ACTIVE"),
	// an add-on version as EKS names them (vX.Y.Z-eksbuild.N)
	"addonVersion":     constant("v1.0.0-eksbuild.1"),
	"READY":            constant("READY"),
	"running":          constant("running"),
	"available":        constant("available"),
	"active":           constant("active"),
	"attached":         constant("attached"),
	"normal":           constant("normal"),
	"stable":           constant("stable"),
	"ok":               constant("ok"),
	"down":             constant("down"),
	"main":             constant("main"),
	"tunnel":           constant("tunnel"),
	"esp":              constant("esp"),
	"vpc":              constant("vpc"),
	"true":             func(Resource, string) resource.PropertyValue { return resource.NewProperty(true) },
	"firstVersion":     func(Resource, string) resource.PropertyValue { return resource.NewProperty(1.0) },
	"ec2Dns":           ec2DNS,
	"instancePublicIp": instancePublicIP,
	"eksEndpoint": func(r Resource, prop string) resource.PropertyValue {
		// EKS endpoints are https://<32 upper-case hex>.<suffix>.
		return value("https://" + strings.ToUpper(hexOf(r.URN, prop, 32)) + ".sim.invalid")
	},
	// The cluster's CA as EKS returns it: base64 of the PEM certificate
	// (EKS API Reference, Certificate.data), CN "kubernetes" as EKS names
	// it; a real certificate, derived from the URN.
	"certificateAuthority": func(r Resource, _ string) resource.PropertyValue {
		ca := CertChain(string(r.URN), "kubernetes", "kubernetes-admin", "system:masters").CA
		return resource.NewProperty(resource.PropertyMap{"data": value(base64.StdEncoding.EncodeToString([]byte(ca)))})
	},
	"kmsTargetArn": func(r Resource, _ string) resource.PropertyValue {
		return value(fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", regionOr(r.Region, DefaultRegion), Account, str(r.Inputs, "targetKeyId")))
	},
	"elbDNS": func(r Resource, prop string) resource.PropertyValue {
		return value(dnsLabel(nameOr(r), 46) + "-" + hexOf(r.URN, prop, 16) + ".sim.invalid")
	},
	// A load balancer's canonical hosted zone is one per region.
	"elbZone": func(r Resource, _ string) resource.PropertyValue {
		return value("Z" + strings.ToUpper(hexOf(resource.URN(regionOr(r.Region, DefaultRegion)), "elb-zone", 13)))
	},
	"roots": orgRoots,
	"nodeGroupResources": func(r Resource, prop string) resource.PropertyValue {
		asg := "eks-" + str(r.Inputs, "nodeGroupName") + "-" + uuidOf(r.URN, prop)
		return resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
			"autoscalingGroups": resource.NewProperty([]resource.PropertyValue{
				resource.NewProperty(resource.PropertyMap{"name": value(asg)})}),
		})})
	},
	"masterAccountArn": func(r Resource, _ string) resource.PropertyValue {
		return value(orgARN("account/" + orgID(r.URN) + "/" + Account))
	},
	"recordFQDN": func(r Resource, _ string) resource.PropertyValue { return value(str(r.Inputs, "name")) },
	"s3Domain": func(r Resource, prop string) resource.PropertyValue {
		return value(physicalName(r) + ".s3.sim.invalid")
	},
	"subnetGateway": func(r Resource, _ string) resource.PropertyValue {
		return value(firstHost(str(r.Inputs, "ipRange")))
	},
	"ovhAddresses": func(r Resource, prop string) resource.PropertyValue {
		return resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
			"ip": publicIPv4(r, prop), "version": resource.NewProperty(4.0),
		})})
	},
	"regionsOpenstackIds": openstackIDs,
	// A floating IP's current state: its address, and the OpenStack id the
	// v1 instance API takes (not the address: OVH API
	// cloud.project.floatingip, currentState.id).
	"currentState": func(r Resource, prop string) resource.PropertyValue {
		return resource.NewProperty(resource.PropertyMap{"ip": publicIPv4(r, prop), "id": value(uuidOf(r.URN, prop+"/id"))})
	},
	"ovhGroupURN": func(r Resource, _ string) resource.PropertyValue {
		return value("urn:v1:eu:identity:group:xx1111-ovh/" + nameOr(r))
	},
	// A VPN gateway's two members (active, standby) each have a public IP.
	"token":        secretToken,
	"wgKey":        wgKey,
	"wgPrivateKey": wgPrivateKey,
	"wgPublicKey":  wgPublicKey,
	"sshPublicKey": sshPublicKey,
	"hostKey":      hostKey,
}
